package e2e

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/examples/upload"
	"github.com/templive/templive/internal/demo"
)

// upgradeStripper is an HTTP reverse proxy that, like some corporate
// proxies, strips the Upgrade header, so that no WebSocket gets through,
// and that a test can cut, ending every request in flight (the event
// streams among them) and failing new ones until it is back.
type upgradeStripper struct {
	*httptest.Server
	upgrades, streams, posts atomic.Int32
	binary                   atomic.Int32 // POSTs of binary frames (upload chunks)
	mu                       sync.Mutex
	ctx                      context.Context
	cancel                   context.CancelFunc
	down                     bool
}

func newUpgradeStripper(t *testing.T, target string) *upgradeStripper {
	t.Helper()
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.FlushInterval = -1
	rp.ErrorLog = nil
	p := &upgradeStripper{}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		ctx, down := p.ctx, p.down
		p.mu.Unlock()
		if down {
			http.Error(w, "proxy down", http.StatusBadGateway)
			return
		}
		switch {
		case r.Header.Get("Upgrade") != "":
			p.upgrades.Add(1)
			r.Header.Del("Upgrade")
			r.Header.Del("Connection")
		case strings.Contains(r.Header.Get("Accept"), "text/event-stream"):
			p.streams.Add(1)
		case r.Method == http.MethodPost:
			p.posts.Add(1)
			if r.Header.Get("Content-Type") == "application/octet-stream" {
				p.binary.Add(1)
			}
		}
		// The request ends when the client goes or the proxy is cut.
		rctx, stop := context.WithCancel(r.Context())
		defer stop()
		go func() {
			select {
			case <-ctx.Done():
				stop()
			case <-rctx.Done():
			}
		}()
		rp.ServeHTTP(w, r.WithContext(rctx))
	}))
	t.Cleanup(func() { p.cut(true); p.Close() })
	return p
}

// cut ends every request in flight; down says whether new ones fail.
func (p *upgradeStripper) cut(down bool) {
	p.mu.Lock()
	p.cancel()
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.down = down
	p.mu.Unlock()
}

// TestFallbackWhenProxyRefusesWebSockets: behind a proxy that strips
// Upgrade, the page goes live over the event stream and POSTs; clicks
// work; when the stream is cut, clicks made meanwhile are queued and
// applied exactly once after the page rejoins, with its view resumed.
func TestFallbackWhenProxyRefusesWebSockets(t *testing.T) {
	base := startDemo(t, demo.Config{})
	p := newUpgradeStripper(t, base)
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(p.URL+"/counter"))
	waitFor(t, ctx, "the live connection over the fallback", connected)
	if p.upgrades.Load() < 2 || p.streams.Load() != 1 {
		t.Errorf("%d WebSocket attempts, %d streams: want the WebSocket tried (twice) before one stream", p.upgrades.Load(), p.streams.Load())
	}
	eval[bool](t, ctx, `window.__noReload = true`)
	for range 3 {
		run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	}
	waitText(t, ctx, "#count", "3")

	// The stream is cut and the proxy stays down a while: clicks queue.
	p.cut(true)
	waitFor(t, ctx, "the client to notice the drop", `!`+connected)
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")), chromedp.Click(chromedp.CSS("#inc")))
	p.cut(false)
	waitFor(t, ctx, "the client to reconnect", connected)
	waitText(t, ctx, "#count", "5")
	run(t, ctx, chromedp.Click(chromedp.CSS("#inc")))
	waitText(t, ctx, "#count", "6")
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Fatal("the page reloaded")
	}
	for _, m := range console() {
		// The browser's own network errors (the refused WebSockets, the
		// cut stream, the proxy's 502s) are expected; the client's are not.
		if m.Type == "error" && !strings.HasPrefix(m.Text, "Failed to load resource") && !strings.Contains(m.Text, "WebSocket connection to") {
			t.Errorf("console error: %s", m.Text)
		}
	}
}

// TestUploadOverFallback: behind a proxy that strips Upgrade, a file
// picked on the /upload page goes up in binary POSTs, one per chunk, with
// the page's progress climbing to done, and Save writes it byte for byte.
func TestUploadOverFallback(t *testing.T) {
	cfg := upload.Config{Dir: t.TempDir(), TempDir: t.TempDir(), MaxSize: 64 << 20}
	cfg.Store = &upload.Store{Dir: t.TempDir(), URL: "/upload/store/"}
	p := newUpgradeStripper(t, startDemo(t, demo.Config{Upload: cfg}))
	ctx := newBrowser(t)
	console := consoleLog(t, ctx)
	run(t, ctx, chromedp.Navigate(p.URL+"/upload"))
	waitFor(t, ctx, "the live connection over the fallback", connected)
	if p.streams.Load() != 1 {
		t.Fatalf("%d streams, want the page on one", p.streams.Load())
	}
	eval[any](t, ctx, `(() => {
		window.__progress = new Set();
		new MutationObserver(() => document.querySelectorAll(".progress").forEach((p) => window.__progress.add(p.textContent)))
			.observe(document.querySelector("[live-root]"), {subtree: true, childList: true, characterData: true});
		return null;
	})()`)
	data := make([]byte, 2<<20+12345) // 33 chunks of 64 KiB, the last short
	rand.Read(data)
	src := filepath.Join(t.TempDir(), "fallback.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.SetUploadFiles("#files", []string{src}))
	longWait(t, ctx, "the upload to finish", `(document.querySelector("#files-entries .done")||{}).textContent === "done"`)
	if got := text(t, ctx, "#files-entries .progress"); got != "100%" {
		t.Fatalf("progress %q at the end, want 100%%", got)
	}
	if mid := eval[int](t, ctx, `[...window.__progress].filter((p) => p !== "0%" && p !== "100%").length`); mid < 2 {
		t.Errorf("the page showed %d progress values between 0%% and 100%%, want several", mid)
	}
	if n := p.binary.Load(); n < 33 {
		t.Errorf("%d binary POSTs, want one per chunk (33)", n)
	}
	if p.streams.Load() != 1 {
		t.Errorf("%d streams: the upload dropped the connection", p.streams.Load())
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#save")))
	waitText(t, ctx, "#saved", "fallback.bin")
	sameFile(t, filepath.Join(cfg.Dir, "fallback.bin"), data)
	waitEmpty(t, cfg.TempDir)
	for _, m := range console() {
		if m.Type == "error" && !strings.HasPrefix(m.Text, "Failed to load resource") && !strings.Contains(m.Text, "WebSocket connection to") {
			t.Errorf("console error: %s", m.Text)
		}
	}
}
