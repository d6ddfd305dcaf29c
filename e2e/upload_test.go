package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/templive/templive/examples/upload"
	"github.com/templive/templive/internal/demo"
)

// uploadDemo serves the demo with the /upload page's directories in the
// test's own temporary directories, and opens /upload.
func uploadDemo(t *testing.T, maxSize int64) (context.Context, upload.Config) {
	ctx, cfg, _ := uploadDemoProxied(t, maxSize, "/upload/store/")
	return ctx, cfg
}

// uploadDemoProxied is uploadDemo with the browser reaching the server
// through a proxy the test can cut.
func uploadDemoProxied(t *testing.T, maxSize int64, storeURL string) (context.Context, upload.Config, *proxy) {
	t.Helper()
	cfg := upload.Config{Dir: t.TempDir(), TempDir: t.TempDir(), MaxSize: maxSize}
	cfg.Store = &upload.Store{Dir: t.TempDir(), URL: storeURL}
	u, _ := url.Parse(startDemo(t, demo.Config{Upload: cfg}))
	p := newProxy(t, u.Host)
	base := p.URL()
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(base+"/upload"))
	waitFor(t, ctx, "the live connection", connected)
	// Count the binary frames the page sends, and let a test hold them
	// back (window.__hold) as a slow network would, to act mid-way.
	eval[any](t, ctx, `(() => {
		const send = WebSocket.prototype.send;
		window.__binary = 0; window.__held = [];
		WebSocket.prototype.send = function (d) {
			if (typeof d === "string") return send.call(this, d);
			window.__binary++;
			if (window.__hold) { window.__held.push([this, d]); return; }
			return send.call(this, d);
		};
		window.__release = () => { window.__hold = false; window.__held.splice(0).forEach(([ws, d]) => send.call(ws, d)); };
		window.__progress = new Set();
		new MutationObserver(() => document.querySelectorAll(".progress").forEach((p) => window.__progress.add(p.textContent)))
			.observe(document.querySelector("[live-root]"), {subtree: true, childList: true, characterData: true});
		return null;
	})()`)
	return ctx, cfg, p
}

// longWait polls a JavaScript condition for up to a minute: a 50 MB upload
// on a shared machine takes a while.
func longWait(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s (%s): %v\nthe page shows: %s", what, expr, err, eval[string](t, ctx, `document.querySelector("main").innerText`))
	}
}

// waitEmpty waits until dir holds no file: the server deletes on its own
// goroutine.
func waitEmpty(t *testing.T, dir string) {
	t.Helper()
	for i := 0; ; i++ {
		names, _ := os.ReadDir(dir)
		if len(names) == 0 {
			return
		}
		if i == 500 {
			t.Fatalf("%s still holds %s", dir, names[0].Name())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sameFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes, not the %d uploaded", path, len(got), len(want))
	}
}

// TestUploadFiftyMegabytes: a 50 MB file picked in the file input arrives
// with the page's progress climbing to 100%, and Save writes it to disk
// byte for byte.
func TestUploadFiftyMegabytes(t *testing.T) {
	ctx, cfg := uploadDemo(t, 64<<20)
	data := make([]byte, 50<<20)
	rand.Read(data)
	src := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.SetUploadFiles("#files", []string{src}))
	longWait(t, ctx, "the upload to finish", `(document.querySelector("#files-entries .done")||{}).textContent === "done"`)
	if got := text(t, ctx, "#files-entries .progress"); got != "100%" {
		t.Fatalf("progress %q at the end, want 100%%", got)
	}
	if mid := eval[int](t, ctx, `[...window.__progress].filter((p) => p !== "0%" && p !== "100%").length`); mid < 2 {
		t.Fatalf("the page showed %d progress values between 0%% and 100%%, want several", mid)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#save")))
	waitText(t, ctx, "#saved", "big.bin")
	sameFile(t, filepath.Join(cfg.Dir, "big.bin"), data)
	waitEmpty(t, cfg.TempDir)
}

// TestUploadDropWithPreview: files dropped on the drop target (a real
// drop event with a DataTransfer) upload; an image shows its preview from
// an object URL before and while it uploads.
func TestUploadDropWithPreview(t *testing.T) {
	ctx, cfg := uploadDemo(t, 64<<20)
	// A 3 MB file of known bytes, and a PNG drawn by a canvas.
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err := chromedp.Run(tctx, chromedp.Evaluate[any](`(async () => {
		const big = new Uint8Array(3 << 20);
		for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 255;
		const canvas = document.createElement("canvas");
		canvas.width = 20; canvas.height = 10;
		const png = await new Promise((r) => canvas.toBlob(r, "image/png"));
		const dt = new DataTransfer();
		dt.items.add(new File([big], "pattern.bin", {type: "application/octet-stream"}));
		dt.items.add(new File([png], "dot.png", {type: "image/png"}));
		const drop = document.querySelector("#drop");
		drop.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
		window.__active = drop.classList.contains("live-drop-active");
		drop.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return null;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("dropping: %v", err)
	}
	if !eval[bool](t, ctx, `window.__active`) {
		t.Fatal("the drop target did not get live-drop-active while files were dragged over it")
	}
	longWait(t, ctx, "both uploads to finish", `document.querySelectorAll("#files-entries .done").length === 2`)
	waitFor(t, ctx, "the preview", `(() => { const img = document.querySelector("#files-entries img.preview"); return !!img && img.src.startsWith("blob:") && img.complete && img.naturalWidth === 20; })()`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#save")))
	waitFor(t, ctx, "the saved list", `document.querySelectorAll("#saved li").length === 2`)
	want := make([]byte, 3<<20)
	for i := range want {
		want[i] = byte(i*31 + 7)
	}
	sameFile(t, filepath.Join(cfg.Dir, "pattern.bin"), want)
	if fi, err := os.Stat(filepath.Join(cfg.Dir, "dot.png")); err != nil || fi.Size() == 0 {
		t.Fatalf("dot.png not saved: %v", err)
	}
	waitEmpty(t, cfg.TempDir)
}

// TestUploadCancelMidway: cancelling an upload while its chunks are on the
// way takes it off the page and deletes its temporary file; the chunks
// still arriving for it are refused and write nothing.
func TestUploadCancelMidway(t *testing.T) {
	ctx, cfg := uploadDemo(t, 64<<20)
	src := filepath.Join(t.TempDir(), "slow.bin")
	data := make([]byte, 8<<20)
	rand.Read(data)
	os.WriteFile(src, data, 0o644)
	// Let a few chunks through, then hold the rest back.
	eval[any](t, ctx, `(() => { const tick = () => { if (window.__binary >= 6) window.__hold = true; else requestAnimationFrame(tick); }; tick(); return null; })()`)
	run(t, ctx, chromedp.SetUploadFiles("#files", []string{src}))
	waitFor(t, ctx, "some progress", `(() => { const p = document.querySelector("#files-entries .progress"); return !!p && p.textContent !== "0%"; })()`)
	waitFor(t, ctx, "the chunks to be held back", `window.__held.length > 0`)
	if n, _ := os.ReadDir(cfg.TempDir); len(n) != 1 {
		t.Fatalf("%d temporary files mid-way, want 1", len(n))
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#files-entries .cancel")))
	waitFor(t, ctx, "the entry to go", `document.querySelectorAll("#files-entries li").length === 0`)
	waitEmpty(t, cfg.TempDir)
	eval[any](t, ctx, `window.__release(), null`)
	waitFor(t, ctx, "the held chunks to be sent", `window.__held.length === 0`)
	// The server reads a connection's frames in order: once a file sent
	// after the held chunks is in, the held chunks were handled, and
	// refused (the temporary directory holds only the new file).
	after := filepath.Join(t.TempDir(), "after.txt")
	os.WriteFile(after, []byte("after"), 0o644)
	run(t, ctx, chromedp.SetUploadFiles("#files", []string{after}))
	waitFor(t, ctx, "the next upload", `(document.querySelector("#files-entries .done")||{}).textContent === "done"`)
	if names := eval[string](t, ctx, `[...document.querySelectorAll("#files-entries .name")].map((e) => e.textContent).join()`); names != "after.txt" {
		t.Fatalf("the page lists %q, want only after.txt", names)
	}
	if n, _ := os.ReadDir(cfg.TempDir); len(n) != 1 {
		t.Fatalf("%d temporary files, want 1 (after.txt's): the canceled upload's chunks were written", len(n))
	}
}

// TestUploadValidationBeforeAnyByte: files over the size limit, of a type
// not accepted, or too many are refused with the reason on the page, and
// the page sends no binary frame at all.
func TestUploadValidationBeforeAnyByte(t *testing.T) {
	ctx, cfg := uploadDemo(t, 1<<20)
	dir := t.TempDir()
	var paths []string
	for _, f := range []struct {
		name string
		size int
	}{{"huge.bin", 2 << 20}, {"virus.exe", 10}} {
		p := filepath.Join(dir, f.name)
		os.WriteFile(p, make([]byte, f.size), 0o644)
		paths = append(paths, p)
	}
	run(t, ctx, chromedp.SetUploadFiles("#files", paths))
	waitFor(t, ctx, "the errors", `document.querySelectorAll("#files-entries .error").length === 2`)
	errs := eval[string](t, ctx, `[...document.querySelectorAll("#files-entries .error")].map((e) => e.textContent).join(" | ")`)
	for _, want := range []string{"file too large: 2.0 MB, at most 1.0 MB", "file type not accepted: virus.exe"} {
		if !strings.Contains(errs, want) {
			t.Fatalf("the page shows %q, want %q", errs, want)
		}
	}
	if n := eval[int](t, ctx, `window.__binary`); n != 0 {
		t.Fatalf("%d binary frames sent for refused files, want 0", n)
	}
	waitEmpty(t, cfg.TempDir)
	// Four small files where three fit: the fourth is refused, up front.
	paths = nil
	for i := range 4 {
		p := filepath.Join(dir, fmt.Sprintf("f%d.txt", i))
		os.WriteFile(p, []byte("hello"), 0o644)
		paths = append(paths, p)
	}
	run(t, ctx, chromedp.SetUploadFiles("#files", paths))
	waitFor(t, ctx, "three uploads and one refusal", `document.querySelectorAll("#files-entries .done").length === 3 && document.querySelectorAll("#files-entries .error").length === 1`)
	if got := text(t, ctx, "#files-entries .error"); got != "live: too many files: at most 3" {
		t.Fatalf("the fourth file shows %q", got)
	}
	if n := eval[int](t, ctx, `window.__binary`); n != 3 {
		t.Fatalf("%d binary frames, want 3 (one per accepted 5-byte file)", n)
	}
}

// TestUploadExternal: the "cloud" upload PUTs the file straight to the
// store (an HTTP server taking PUT) by XHR, and the page shows it done.
func TestUploadExternal(t *testing.T) {
	ctx, cfg := uploadDemo(t, 64<<20)
	data := make([]byte, 5<<20)
	rand.Read(data)
	src := filepath.Join(t.TempDir(), "photo.bin")
	os.WriteFile(src, data, 0o644)
	run(t, ctx, chromedp.SetUploadFiles("#cloud", []string{src}))
	longWait(t, ctx, "the external upload", `(document.querySelector("#cloud-entries .done")||{}).textContent === "done"`)
	sameFile(t, filepath.Join(cfg.Store.Dir, "photo.bin"), data)
	if n := eval[int](t, ctx, `window.__binary`); n != 0 {
		t.Fatalf("%d binary frames for an external upload, want 0", n)
	}
	waitEmpty(t, cfg.TempDir)
}

// TestUploadResumesAfterADrop: the connection drops mid-upload; the page
// rejoins the same view and the upload goes on from the server's count,
// arriving whole.
func TestUploadResumesAfterADrop(t *testing.T) {
	ctx, cfg, p := uploadDemoProxied(t, 64<<20, "/upload/store/")
	data := make([]byte, 20<<20)
	rand.Read(data)
	src := filepath.Join(t.TempDir(), "resumed.bin")
	os.WriteFile(src, data, 0o644)
	// Hold the chunks back after a few, so that the drop is mid-way.
	eval[any](t, ctx, `(() => { const tick = () => { if (window.__binary >= 40) window.__hold = true; else requestAnimationFrame(tick); }; tick(); return null; })()`)
	eval[any](t, ctx, `(window.__joins = 0, window.addEventListener("templive:connected", () => window.__joins++), null)`)
	run(t, ctx, chromedp.SetUploadFiles("#files", []string{src}))
	waitFor(t, ctx, "chunks held back", `window.__held.length > 0`)
	p.cut() // the held chunks die with the connection
	eval[any](t, ctx, `(window.__hold = false, window.__held.length = 0, null)`)
	longWait(t, ctx, "the upload to finish after the rejoin", `(document.querySelector("#files-entries .done")||{}).textContent === "done"`)
	if n := eval[int](t, ctx, `window.__joins`); n != 1 {
		t.Fatalf("the page joined %d times after the drop, want 1", n)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#save")))
	waitText(t, ctx, "#saved", "resumed.bin")
	sameFile(t, filepath.Join(cfg.Dir, "resumed.bin"), data)
	waitEmpty(t, cfg.TempDir)
}

// TestUploadExternalRefused: a store that refuses the PUT (here: a URL
// nothing serves, 404) fails the entry, and the page shows why.
func TestUploadExternalRefused(t *testing.T) {
	ctx, cfg, _ := uploadDemoProxied(t, 64<<20, "/upload/nowhere/")
	src := filepath.Join(t.TempDir(), "photo.bin")
	os.WriteFile(src, []byte("some bytes"), 0o644)
	run(t, ctx, chromedp.SetUploadFiles("#cloud", []string{src}))
	waitFor(t, ctx, "the error", `!!document.querySelector("#cloud-entries .error")`)
	if got := text(t, ctx, "#cloud-entries .error"); got != "live: upload failed: 404 Not Found" {
		t.Fatalf("the page shows %q", got)
	}
	if names, _ := os.ReadDir(cfg.Store.Dir); len(names) != 0 {
		t.Fatalf("the store holds %d files", len(names))
	}
}
