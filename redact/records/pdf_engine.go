package records

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// The PDF reader and writer is PDFium compiled to WebAssembly and run by
// wazero: no cgo, no system library. Compiling the module is the expensive
// step (about a second, once per process); each worker is one instance
// of the module with its own memory, so that documents are read in
// parallel and a document that hangs or breaks one instance cannot touch
// another.

// pdfWorkers is how many PDFium instances run at once: one per CPU, at
// most 4 (each one may hold a few hundred MB while it renders large pages).
var pdfWorkers = max(1, min(runtime.GOMAXPROCS(0), 4))

// pdfTimeout bounds the time one PDF may take; past it the worker is
// killed and the document withheld as unreadable.
var pdfTimeout = 3 * time.Minute

// pdfMemoryPages caps each instance's memory (64 KiB pages): 2 GiB.
const pdfMemoryPages = 32768

var (
	pdfPoolOnce sync.Once
	pdfPool     pdfium.Pool
	pdfPoolErr  error
)

// pdfEngine returns the process-wide PDFium pool, starting it on first use.
func pdfEngine() (pdfium.Pool, error) {
	pdfPoolOnce.Do(func() {
		pdfPool, pdfPoolErr = webassembly.Init(webassembly.Config{
			MinIdle:      0,
			MaxIdle:      pdfWorkers,
			MaxTotal:     pdfWorkers,
			ReuseWorkers: true,
			// No file system: PDFium reads only the bytes it is given
			// and falls back to its built-in fonts.
			FSConfig: wazero.NewFSConfig(),
			Stdout:   io.Discard,
			Stderr:   io.Discard,
			RuntimeConfig: wazero.NewRuntimeConfig().
				WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
				WithCloseOnContextDone(true).
				WithMemoryLimitPages(pdfMemoryPages),
		})
		if pdfPoolErr != nil {
			pdfPoolErr = fmt.Errorf("records: starting the PDF engine: %w", pdfPoolErr)
		}
	})
	return pdfPool, pdfPoolErr
}

// withPDFInstance runs fn with a PDFium instance of the pool, and kills
// the instance (so that the pool starts a fresh one) when fn takes longer
// than pdfTimeout, panics or fails (a failed call may leave PDFium in a
// bad state). It reports timedOut when the instance was killed for taking
// too long; fn's error is then meaningless.
func withPDFInstance(fn func(inst pdfium.Pdfium) error) (timedOut bool, err error) {
	pool, err := pdfEngine()
	if err != nil {
		return false, err
	}
	inst, err := pool.GetInstanceWithContext(context.Background())
	if err != nil {
		return false, fmt.Errorf("records: PDF engine: %w", err)
	}
	var mu sync.Mutex
	killed := false
	timer := time.AfterFunc(pdfTimeout, func() {
		mu.Lock()
		defer mu.Unlock()
		killed = true
		_ = inst.Kill()
	})
	defer func() {
		// When Stop is too late the timer's function holds or waits for
		// mu, and killed is set once we have it.
		timer.Stop()
		mu.Lock()
		defer mu.Unlock()
		if v := recover(); v != nil {
			err = fmt.Errorf("records: PDF engine failure: %v", v)
		}
		switch {
		case killed:
			timedOut = true
		case err != nil:
			_ = inst.Kill()
		default:
			_ = inst.Close()
		}
	}()
	err = fn(inst)
	return false, err
}
