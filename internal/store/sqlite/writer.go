package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"

	"parley"
)

// maxBatch caps how many writes share one transaction, so that one commit
// never holds the write lock (and its callers' answers) for long.
const maxBatch = 256

// maxYields bounds how often the writer lets other goroutines run before
// it commits a batch that is not full (see run).
const maxYields = 2

// writer runs every write of the store through one goroutine and commits
// them in groups.
//
// Why: with synchronous=FULL every COMMIT waits for an fsync, so commits per
// second, not statements, are the limit. Measured on the build machine:
// about 6,700 single-row commits/s however many goroutines write, against
// about 17,000 acknowledged writes/s when the writes queued at one moment
// share one commit. Each unit of work (a Store.Update, or one write method)
// still runs in its own SAVEPOINT, so one that fails (a conflict, a missing
// row, the service giving up halfway, a panic) is undone alone and gets its
// own error.
// A single writer connection also means SQLite never sees two writers
// competing for the lock, and the WAL can always be checkpointed.
type writer struct {
	db      *sql.DB
	reqs    chan *request
	mu      sync.RWMutex // held for reading while sending on reqs
	closed  bool
	stopped chan struct{}
	stmts   map[string]*sql.Stmt // prepared statements; writer goroutine only
}

// request is one write waiting for its commit.
type request struct {
	ctx  context.Context // the caller's: a write whose caller left is skipped
	fn   func(ctx context.Context, tx *txn) error
	done chan error // buffered, so the writer never blocks on an answer
}

func startWriter(db *sql.DB) *writer {
	w := &writer{db: db, reqs: make(chan *request, maxBatch), stopped: make(chan struct{}), stmts: map[string]*sql.Stmt{}}
	go w.run()
	return w
}

// do runs fn in the next group commit and returns once that commit is
// durable. If ctx ends first, do returns ctx's error; the write is then
// skipped if it had not started, or committed if it had.
func (w *writer) do(ctx context.Context, fn func(ctx context.Context, tx *txn) error) error {
	req := &request{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if err := w.enqueue(ctx, req); err != nil {
		return outage(err)
	}
	select {
	case err := <-req.done:
		if ue, ok := err.(*unitError); ok {
			if ue.panicked {
				panic(ue.value) // in the caller's goroutine, where it belongs
			}
			return ue.err // the unit's own error, as it was
		}
		return outage(err) // begin and commit errors reach here untranslated
	case <-ctx.Done():
		return outage(fmt.Errorf("waiting for commit: %w", ctx.Err()))
	}
}

func (w *writer) enqueue(ctx context.Context, req *request) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return parley.Errorf(parley.EUNAVAILABLE, "The database is closed.")
	}
	select {
	case w.reqs <- req:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the writer: %w", ctx.Err())
	}
}

// close stops taking writes, lets the queued ones commit and waits for the
// writer goroutine to end.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.reqs)
	}
	w.mu.Unlock()
	<-w.stopped
}

// run takes a write, adds every write queued behind it up to maxBatch, and
// commits them together, until the queue is closed and empty.
//
// Before it commits a batch that is not full, it yields the processor
// (at most twice, and again only while writes keep arriving), so that
// handlers that are about to enqueue get to: each commit costs an fsync
// and the WAL frames of every page it changed, and a page that several
// writes of a batch change (the end of the comments table and of its
// time-ordered indexes, the event log) is written once for all of them.
// Measured with 16 posters through the whole pipeline in process
// (BenchmarkPostPosters): 7 writes a commit on average without the yield,
// 10 with it. A yield is no wait: on an idle server the lone write
// commits at once.
func (w *writer) run() {
	defer close(w.stopped)
	defer w.closeStmts()
	batch := make([]*request, 0, maxBatch)
	for req := range w.reqs {
		batch = append(batch[:0], req)
		for yields := 0; ; yields++ {
			n := len(batch)
			batch = w.fill(batch)
			if len(batch) == maxBatch || yields == maxYields || (yields > 0 && len(batch) == n) {
				break
			}
			runtime.Gosched()
		}
		w.commit(batch)
	}
}

// fill adds the writes queued now to batch, up to maxBatch.
func (w *writer) fill(batch []*request) []*request {
	for len(batch) < maxBatch {
		select {
		case r, ok := <-w.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// commit runs batch in one transaction and answers every request. Its
// statements use a context of their own: one caller giving up must not
// interrupt the statements of the others.
func (w *writer) commit(batch []*request) {
	ctx := context.Background()
	errs := make([]error, len(batch))
	err := w.inTx(ctx, func(tx *txn) error {
		for i, req := range batch {
			var fatal error
			errs[i], fatal = apply(ctx, tx, req)
			if fatal != nil {
				return fatal
			}
		}
		return nil
	})
	for i, req := range batch {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		req.done <- errs[i]
	}
}

// inTx runs fn in a transaction (BEGIN IMMEDIATE, see dsn) and commits it
// unless fn fails.
func (w *writer) inTx(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	t := &txn{tx: tx, stmts: w.stmts, unprepared: map[string]bool{}}
	defer w.prepare(ctx, t.unprepared) // after the transaction frees the connection
	if err := fn(t); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// prepare adds statements to the cache. A failure only means the next
// transaction runs them unprepared again.
func (w *writer) prepare(ctx context.Context, queries map[string]bool) {
	for q := range queries {
		if stmt, err := w.db.PrepareContext(ctx, q); err == nil {
			w.stmts[q] = stmt
		}
	}
}

func (w *writer) closeStmts() {
	for q, stmt := range w.stmts {
		stmt.Close()
		delete(w.stmts, q)
	}
}

// txn is the writer's transaction as each write sees it. It reuses
// prepared statements across commits, because parsing SQL took a quarter
// of the writer's CPU. A statement new to the cache runs unprepared once
// and is prepared after that commit: until then the writer's only
// connection is busy with the transaction.
type txn struct {
	tx         *sql.Tx
	stmts      map[string]*sql.Stmt
	unprepared map[string]bool
}

// ExecContext is sql.Tx.ExecContext with prepared statements.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if stmt, ok := t.stmts[query]; ok {
		return t.tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	}
	t.unprepared[query] = true
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryRowContext is sql.Tx.QueryRowContext with prepared statements.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if stmt, ok := t.stmts[query]; ok {
		return t.tx.StmtContext(ctx, stmt).QueryRowContext(ctx, args...)
	}
	t.unprepared[query] = true
	return t.tx.QueryRowContext(ctx, query, args...)
}

// apply runs one request inside its own savepoint. It returns the
// request's own error, and a fatal error when the transaction itself can
// no longer be trusted and the whole batch must be rolled back.
func apply(ctx context.Context, tx *txn, req *request) (err, fatal error) {
	if err := req.ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: write skipped: %w", err), nil
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT write"); err != nil {
		return nil, fmt.Errorf("sqlite: savepoint: %w", err)
	}
	if err := run(ctx, tx, req); err != nil {
		if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO write"); rbErr != nil {
			return err, fmt.Errorf("sqlite: rollback to savepoint: %w", rbErr)
		}
		if _, relErr := tx.ExecContext(ctx, "RELEASE write"); relErr != nil {
			return err, fmt.Errorf("sqlite: release savepoint: %w", relErr)
		}
		return err, nil
	}
	if _, err := tx.ExecContext(ctx, "RELEASE write"); err != nil {
		return nil, fmt.Errorf("sqlite: release savepoint: %w", err)
	}
	return nil, nil
}

// run calls the request's function. It marks the function's own error, so
// that do returns it as it was (begin and commit errors are translated),
// and turns a panic into such an error, so that the savepoint is rolled
// back, the writer goes on with the rest of the batch and do panics again
// in the caller's goroutine.
func run(ctx context.Context, tx *txn, req *request) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &unitError{err: fmt.Errorf("sqlite: unit of work panicked: %v", v), panicked: true, value: v}
		}
	}()
	if err := req.fn(ctx, tx); err != nil {
		return &unitError{err: err}
	}
	return nil
}

// unitError carries a unit of work's own error, or its panic, from the
// writer to its caller.
type unitError struct {
	err      error
	panicked bool
	value    any // what the unit panicked with
}

func (e *unitError) Error() string { return e.err.Error() }
func (e *unitError) Unwrap() error { return e.err }
