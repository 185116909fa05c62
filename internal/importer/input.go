package importer

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
)

// Input is the export being read: one file, or a folder of files (Coral's
// collections). It counts the bytes read from disk, so that progress can
// be shown against the size of what is on disk.
type Input struct {
	path string
	read atomic.Int64
}

// NewInput returns the Input at path.
func NewInput(path string) *Input { return &Input{path: path} }

// Path is where the export is.
func (in *Input) Path() string { return in.path }

// Open opens the file at the Input's path (name "") or the file name inside
// the folder at its path, where name "x.json" finds "x.json.gz" too. A
// gzip file, known by its first bytes rather than its name, is read
// decompressed.
func (in *Input) Open(name string) (io.ReadCloser, error) {
	path := in.path
	if name != "" {
		path = filepath.Join(in.path, name)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if _, gzErr := os.Stat(path + ".gz"); gzErr == nil {
				path += ".gz"
			}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("importer: %s is a folder; this format reads a file", path)
	}
	counted := bufio.NewReaderSize(&meter{r: f, n: &in.read}, 64<<10)
	head, _ := counted.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		z, err := gzip.NewReader(counted)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("importer: %s: %w", path, err)
		}
		return readCloser{Reader: z, close: func() error { return errors.Join(z.Close(), f.Close()) }}, nil
	}
	return readCloser{Reader: counted, close: f.Close}, nil
}

// Size returns the bytes on disk of the file at the Input's path, or of
// the regular files directly inside the folder there.
func (in *Input) Size() (int64, error) {
	st, err := os.Stat(in.path)
	if err != nil {
		return 0, fmt.Errorf("importer: %w", err)
	}
	if !st.IsDir() {
		return st.Size(), nil
	}
	entries, err := os.ReadDir(in.path)
	if err != nil {
		return 0, fmt.Errorf("importer: %w", err)
	}
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
	}
	return n, nil
}

// Read returns how many bytes have been read from disk so far, over every
// file opened.
func (in *Input) Read() int64 { return in.read.Load() }

// meter counts what r reads into n.
type meter struct {
	r io.Reader
	n *atomic.Int64
}

func (m *meter) Read(p []byte) (int, error) {
	k, err := m.r.Read(p)
	m.n.Add(int64(k))
	return k, err
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }
