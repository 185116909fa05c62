package pow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/evanw/esbuild/pkg/api"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// bundleSolver bundles widget/src/pow.ts for a test page; the widget does
// not ship it until posting asks for a proof of work.
func bundleSolver(t *testing.T) []byte {
	t.Helper()
	src, err := filepath.Abs("../../widget/src")
	if err != nil {
		t.Fatal(err)
	}
	res := api.Build(api.BuildOptions{
		Stdin: &api.StdinOptions{ResolveDir: src, Loader: api.LoaderTS, Sourcefile: "pow-test.ts",
			Contents: `import { solvePow } from "./pow"; (window as any).solvePow = solvePow;`},
		Bundle: true, Write: false, Format: api.FormatIIFE, Target: api.ES2020, Platform: api.PlatformBrowser, LogLevel: api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("bundle pow.ts: %v", api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage}))
	}
	return res.OutputFiles[0].Contents
}

// startChromium opens a page on 127.0.0.1 (a secure context, as WebCrypto
// needs) that loads js, in a headless Chromium for the rest of the test.
// Without Chromium it skips loudly, and fails under CI=true.
func startChromium(t *testing.T, js []byte) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := fmt.Sprintf("no Chromium at %s (apt-get install -y chromium)", chromiumPath)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: .ci/run must install it)")
		}
		t.Skip("SKIPPING BROWSER TEST: " + msg)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pow</title><script src="/pow.js"></script></head><body></body></html>`))
	})
	mux.HandleFunc("GET /pow.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(js)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatalf("open the page in Chromium: %v", err)
	}
	return ctx
}

type jsSolution struct {
	Solution string
	Hashes   int
}

// solveInPage runs solvePow(challenge, opts) in the page and returns its
// answer (nil for null) and how long it took.
func solveInPage(t *testing.T, ctx context.Context, challenge, opts string) (*jsSolution, float64) {
	t.Helper()
	js := fmt.Sprintf(`(async () => { const t0 = performance.now(); const r = await solvePow(%q, %s);
		return JSON.stringify({r, ms: performance.now() - t0}); })()`, challenge, opts)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("solvePow in Chromium: %v", err)
	}
	var out struct {
		R  *jsSolution
		Ms float64
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("solvePow answered %s: %v", raw, err)
	}
	return out.R, out.Ms
}

// TestBrowserSolver: widget/src/pow.ts, bundled by esbuild and run in
// Chromium, solves a Go-issued challenge with either engine; pow.Verify
// accepts the answer, which is the smallest, as Go's Solve finds. It then
// logs how many hashes per second each engine does here, for the
// calibration (logged, not asserted: speed is the machine's).
func TestBrowserSolver(t *testing.T) {
	js := bundleSolver(t)
	ctx := startChromium(t, js)
	now := time.Now()
	hard := Issue(testKey, subject, 32, now)
	for _, engine := range []string{"webcrypto", "script"} {
		for _, bits := range []int{1, 12} {
			c := Issue(testKey, subject, bits, now)
			got, _ := solveInPage(t, ctx, c.Token, fmt.Sprintf("{engine: %q}", engine))
			if got == nil {
				t.Fatalf("%s, %d bits: solvePow gave up without maxHashes", engine, bits)
			}
			if err := Verify(testKey, subject, c.Token, got.Solution, now); err != nil {
				t.Fatalf("%s, %d bits: Verify(the browser's solution %s) = %v", engine, bits, got.Solution, err)
			}
			if want := mustSolve(t, c); got.Solution != want {
				t.Errorf("%s, %d bits: the browser found %s, Go %s: both must find the smallest", engine, bits, got.Solution, want)
			}
		}
		// The reader left: the promise rejects with the signal's reason.
		abort := fmt.Sprintf(`solvePow(%q, {engine: %q, signal: AbortSignal.abort()}).then(() => "resolved", (e) => "rejected: " + e.name)`, hard.Token, engine)
		if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](abort, chromedp.EvalAwaitPromise)); err != nil || got != "rejected: AbortError" {
			t.Errorf("%s aborted: %q, %v", engine, got, err)
		}
		// Too little work to find it: null, not a wrong answer.
		if r, _ := solveInPage(t, ctx, hard.Token, fmt.Sprintf("{engine: %q, maxHashes: 1000}", engine)); r != nil {
			t.Errorf("%s with 1000 hashes on difficulty 32: %+v, want null", engine, r)
		}
		if testing.Short() {
			continue
		}
		n := map[string]int{"webcrypto": 20000, "script": 500000}[engine]
		if r, ms := solveInPage(t, ctx, hard.Token, fmt.Sprintf("{engine: %q, maxHashes: %d}", engine, n)); r == nil {
			t.Logf("%s in headless Chromium: %d hashes in %.0f ms = %.0f hashes/s", engine, n, ms, float64(n)/ms*1000)
		}
	}
}
