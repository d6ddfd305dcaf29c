package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
	"github.com/templive/templive/live"
)

// The hostile-client suite: many connections send thousands of bad frames
// of every kind while a well-behaved client uses the same server. Every bad
// frame must get an answer (an error frame, or a close with a meaningful
// code) within answerBound, the server must not panic, the good client
// must see every one of its events answered in order with the right state,
// and goroutines and the live heap must come back to where they were.

const (
	answerBound   = 2 * time.Second
	hostileLimit  = 8 << 10 // the server's ReadLimit
	hostileWorker = 50      // connections storming at once
	hostileFrames = 160     // frames each worker sends, unless the budget runs out
	hostileBudget = 8 * time.Second
	// hostileFloor is how many frames each worker sends whatever the
	// budget, so that a slow machine (race detector, shared CI) still
	// storms with at least hostileWorker × hostileFloor frames: the budget
	// bounds the test's time, never what it checks.
	hostileFloor = 40
)

// hostileView is the app under attack: it counts, echoes and checks a
// value, and panics on nothing, so that every frame's answer is known.
type hostileView struct {
	count int
	echo  string
}

func (v *hostileView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<form id="form" live-change="echo"><input name="text" value="%s"></form><p id="count">%d</p><p id="echo">%[1]s</p>`,
			templ.EscapeString(v.echo), v.count)
		return err
	})
}

func (v *hostileView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		v.count++
	case "echo":
		v.echo = e.Get("text")
	case "set":
		n, err := e.Int("n")
		if err != nil {
			return err
		}
		v.count = n
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// lineCounter is a log destination that keeps counts, not text, so that
// thousands of warnings do not weigh on the heap being measured.
type lineCounter struct {
	lines, panics atomic.Int64
	mu            sync.Mutex
	first         string // the first line that mentions a panic
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.lines.Add(1)
	if bytes.Contains(p, []byte("panic")) {
		if l.panics.Add(1) == 1 {
			l.mu.Lock()
			l.first = string(p)
			l.mu.Unlock()
		}
	}
	return len(p), nil
}

type hostileServer struct {
	*httptest.Server
	h        *live.Handler
	appLog   *lineCounter // the handler's slog records
	httpLog  *lineCounter // net/http's own log: a panic in ServeHTTP would show here
	web      *http.Client
	ws       string // ws:// URL of /view
	otherTok string // a valid token for another route
	alienTok string // a token another server signed
}

func newHostileServer(t *testing.T) *hostileServer {
	t.Helper()
	hs := &hostileServer{appLog: &lineCounter{}, httpLog: &lineCounter{}}
	hs.h = live.NewHandler(func() live.View { return &hostileView{} }, &live.Options{
		Logger:        slog.New(slog.NewTextHandler(hs.appLog, nil)),
		ReadLimit:     hostileLimit,
		ResumeTimeout: 300 * time.Millisecond, // dropped views end soon: goroutines come back
		// Raised so that the storm reaches the decoder and the views,
		// not only the limiter (TestRateLimit* test it); a frame it
		// refuses is still a valid answer.
		EventRate:  2000,
		EventBurst: 2000,
	})
	mux := http.NewServeMux()
	mux.Handle("/view", hs.h)
	mux.Handle("/other", hs.h)
	hs.Server = httptest.NewUnstartedServer(mux)
	hs.Config.ErrorLog = log.New(hs.httpLog, "", 0)
	hs.Start()
	hs.web = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	hs.ws = "ws" + strings.TrimPrefix(hs.URL, "http") + "/view"
	t.Cleanup(func() { hs.h.Close(); hs.Close() })
	hs.otherTok = hs.token(t, "/other")
	alien := newServer(t, nil)
	_, hs.alienTok = alien.page(t, "/view")
	return hs
}

func (hs *hostileServer) token(t *testing.T, path string) string {
	resp, err := hs.web.Get(hs.URL + path)
	if err != nil {
		t.Errorf("GET %s: %v", path, err)
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := tokenRE.FindSubmatch(body)
	if m == nil {
		t.Errorf("GET %s: %s, no token", path, resp.Status)
		return ""
	}
	return string(m[1])
}

func (hs *hostileServer) dial(ctx context.Context) (*websocket.Conn, error) {
	ws, _, err := websocket.Dial(ctx, hs.ws, &websocket.DialOptions{HTTPClient: hs.web})
	if err == nil {
		ws.SetReadLimit(1 << 20)
	}
	return ws, err
}

func joinFrame(tok string, version int) string {
	return fmt.Sprintf(`[0,{"v":%d,"t":%q,"u":"http://x/view","n":0,"f":[["form","echo",{"text":"hi"}]]}]`, version, tok)
}

// stormStats are the figures the suite reports.
type stormStats struct {
	frames, closing, conns, answered atomic.Int64
	maxWait                          atomic.Int64 // ns
	mu                               sync.Mutex
	kinds                            map[string]int
	failures                         []string
}

func (st *stormStats) answer(kind string, wait time.Duration) {
	st.answered.Add(1)
	for {
		old := st.maxWait.Load()
		if int64(wait) <= old || st.maxWait.CompareAndSwap(old, int64(wait)) {
			break
		}
	}
	st.mu.Lock()
	st.kinds[kind]++
	st.mu.Unlock()
}

func (st *stormStats) fail(format string, args ...any) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.failures) < 20 {
		st.failures = append(st.failures, fmt.Sprintf(format, args...))
	}
}

// A worker is one hostile client: it keeps a joined connection and sends
// bad frames on it one at a time, each awaited; the kinds that end a
// connection are sent on a fresh one or end the current one, and the
// worker reconnects.
type worker struct {
	hs  *hostileServer
	st  *stormStats
	rng *rand.Rand
	t   *testing.T
	ws  *websocket.Conn
	tok string
	ref uint64
}

func (w *worker) connect() bool {
	if w.ws != nil {
		w.ws.CloseNow()
		w.ws = nil
	}
	w.tok = w.hs.token(w.t, "/view")
	if w.tok == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), answerBound)
	defer cancel()
	ws, err := w.hs.dial(ctx)
	if err != nil {
		w.st.fail("dial: %v", err)
		return false
	}
	w.st.conns.Add(1)
	if err := ws.Write(ctx, websocket.MessageText, []byte(joinFrame(w.tok, 1))); err != nil {
		w.st.fail("join: %v", err)
		ws.CloseNow()
		return false
	}
	if _, data, err := ws.Read(ctx); err != nil || !bytes.HasPrefix(data, []byte("[0,0")) {
		w.st.fail("join reply %s, %v", data, err)
		ws.CloseNow()
		return false
	}
	w.ws = ws
	w.ref = 0
	return true
}

// expect says how the server must answer frame on a joined connection,
// decoding it as the server does: the answer's kind and ref, or a close.
func expect(frame []byte) (kind int, ref uint64, closeCode websocket.StatusCode) {
	if len(frame) > hostileLimit {
		return -1, 0, websocket.StatusMessageTooBig
	}
	m, err := protocol.Decode(frame)
	switch {
	case err != nil:
		return protocol.KindError, 0, 0
	case m.Kind == protocol.KindEvent:
		return protocol.KindReply, m.Event.Ref, 0 // or an error for that ref
	case m.Kind == protocol.KindHeartbeat:
		return protocol.KindPong, 0, 0
	case m.Kind == protocol.KindJoin:
		return protocol.KindError, 0, 0 // already joined
	default: // resync
		return protocol.KindReply, 0, 0
	}
}

// roundTrip sends frame on the worker's connection and waits for its
// answer, checking it against expect.
func (w *worker) roundTrip(kind string, typ websocket.MessageType, frame []byte) {
	w.st.frames.Add(1)
	wantKind, wantRef, wantClose := expect(frame)
	if typ == websocket.MessageBinary {
		wantKind, wantClose = -1, websocket.StatusUnsupportedData
	}
	ctx, cancel := context.WithTimeout(context.Background(), answerBound)
	defer cancel()
	start := time.Now()
	if err := w.ws.Write(ctx, typ, frame); err != nil {
		w.st.fail("%s: write: %v", kind, err)
		w.connect()
		return
	}
	for {
		_, data, err := w.ws.Read(ctx)
		if err != nil {
			if wantClose != 0 && websocket.CloseStatus(err) == wantClose {
				w.st.answer(kind, time.Since(start))
			} else {
				w.st.fail("%s: frame %.80q: %v, want %s", kind, frame, err, want(wantKind, wantRef, wantClose))
			}
			w.connect()
			return
		}
		var got []json.RawMessage
		if json.Unmarshal(data, &got) != nil || len(got) == 0 {
			w.st.fail("%s: the server sent %.80q", kind, data)
			continue
		}
		k, _ := strconv.Atoi(string(got[0]))
		if k == protocol.KindPatch || k == protocol.KindPush {
			continue // a render the view sent on its own
		}
		var ref uint64
		if len(got) > 1 {
			ref, _ = strconv.ParseUint(string(got[1]), 10, 64)
		}
		ok := wantClose == 0 && ref == wantRef && (k == wantKind || wantKind == protocol.KindReply && wantRef > 0 && k == protocol.KindError)
		if k == protocol.KindError && bytes.Contains(data, []byte(`"rate limited"`)) {
			ok = true
		}
		if !ok {
			w.st.fail("%s: frame %.80q answered %.80q, want %s", kind, frame, data, want(wantKind, wantRef, wantClose))
		} else {
			w.st.answer(kind, time.Since(start))
		}
		return
	}
}

func want(kind int, ref uint64, code websocket.StatusCode) string {
	if code != 0 {
		return fmt.Sprintf("close %d", code)
	}
	return fmt.Sprintf("kind %d ref %d", kind, ref)
}

// fresh sends frames on a new connection that never joined properly and
// waits for the close (after a reload frame, for a refused join).
func (w *worker) fresh(kind string, typ websocket.MessageType, frame []byte, wantCode websocket.StatusCode) {
	ctx, cancel := context.WithTimeout(context.Background(), answerBound)
	defer cancel()
	ws, err := w.hs.dial(ctx)
	if err != nil {
		w.st.fail("%s: dial: %v", kind, err)
		return
	}
	defer ws.CloseNow()
	w.st.conns.Add(1)
	w.st.frames.Add(1)
	start := time.Now()
	if err := ws.Write(ctx, typ, frame); err != nil {
		w.st.fail("%s: write: %v", kind, err)
		return
	}
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) == wantCode {
				w.st.answer(kind, time.Since(start))
			} else {
				w.st.fail("%s: frame %.80q: %v, want close %d", kind, frame, err, wantCode)
			}
			return
		}
		if !bytes.HasPrefix(data, []byte(`[4,"`)) {
			w.st.fail("%s: frame %.80q answered %.80q before the close, want a reload frame or nothing", kind, frame, data)
		}
	}
}

// abrupt opens a connection, joins, writes half a frame and drops the TCP
// connection: no answer is possible, the server must just clean up.
func (w *worker) abrupt() {
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(w.hs.URL, "http://"), answerBound)
	if err != nil {
		w.st.fail("abrupt: %v", err)
		return
	}
	w.st.conns.Add(1)
	fmt.Fprintf(conn, "GET /view HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	conn.Write([]byte{0x81, 0xfe, 0x10, 0x00, 1, 2, 3, 4, '[', '1'}) // a masked text frame of 4096 bytes, cut short
	conn.Close()
}

// Real frames the mutations start from.
func realFrames(tok string, ref uint64) []string {
	return []string{
		joinFrame(tok, 1),
		fmt.Sprintf(`[1,%d,"inc"]`, ref),
		fmt.Sprintf(`[1,%d,"set",{"n":"3"}]`, ref),
		fmt.Sprintf(`[1,%d,"echo",{"text":"hello","_target":"text"}]`, ref),
		fmt.Sprintf(`[1,%d,"echo",{"text":["a","b"],"k":"Enter","shiftKey":"true"}]`, ref),
		`[2]`,
		`[3]`,
	}
}

const interesting = "[]{}\",:0123456789-+.eE \\u\x00\xff\xc3\xa9\xed\xa0\x80"

func mutate(rng *rand.Rand, f []byte) []byte {
	f = bytes.Clone(f)
	for range 1 + rng.IntN(4) {
		if len(f) == 0 {
			f = append(f, interesting[rng.IntN(len(interesting))])
			continue
		}
		i := rng.IntN(len(f))
		switch rng.IntN(7) {
		case 0: // flip a bit
			f[i] ^= 1 << rng.IntN(8)
		case 1: // delete a byte
			f = append(f[:i], f[i+1:]...)
		case 2: // insert a byte that matters to JSON
			f = append(f[:i], append([]byte{interesting[rng.IntN(len(interesting))]}, f[i:]...)...)
		case 3: // duplicate a span
			j := i + rng.IntN(len(f)-i)
			f = append(f[:j], append(bytes.Clone(f[i:j]), f[j:]...)...)
		case 4: // truncate
			f = f[:i]
		case 5: // a huge number
			f = append(f[:i], append([]byte("99999999999999999999999999"), f[i:]...)...)
		case 6: // a random byte
			f[i] = byte(rng.IntN(256))
		}
	}
	return f
}

func randomText(rng *rand.Rand, n int, ascii bool) []byte {
	b := make([]byte, n)
	for i := range b {
		if ascii {
			b[i] = byte(32 + rng.IntN(95))
		} else {
			b[i] = byte(rng.IntN(256))
		}
	}
	return b
}

// step sends one bad frame of a kind chosen at random.
func (w *worker) step() {
	rng := w.rng
	w.ref++
	ref := w.ref
	text := func(kind, f string) { w.roundTrip(kind, websocket.MessageText, []byte(f)) }
	switch n := rng.IntN(100); {
	case n < 10:
		w.roundTrip("garbage", websocket.MessageText, randomText(rng, 1+rng.IntN(300), true))
	case n < 16:
		w.roundTrip("random bytes", websocket.MessageText, randomText(rng, 1+rng.IntN(300), false))
	case n < 22:
		text("invalid UTF-8", []string{
			fmt.Sprintf("[1,%d,\"inc\xff\"]", ref),
			fmt.Sprintf("[1,%d,\"echo\",{\"text\":\"\xc3\x28\"}]", ref),
			fmt.Sprintf("[1,%d,\"echo\",{\"\xed\xa0\x80\":\"x\"}]", ref),
			"[\xfe]",
		}[rng.IntN(4)])
	case n < 28:
		d := 50 + rng.IntN(3000)
		text("deep nesting", []string{
			strings.Repeat("[", d) + strings.Repeat("]", d),
			fmt.Sprintf(`[1,%d,"set",{"n":%s1%s}]`, ref, strings.Repeat("[", d), strings.Repeat("]", d)),
			fmt.Sprintf(`[1,%d,"set",{"n":%s}]`, ref, strings.Repeat(`{"a":`, d/3)+"1"+strings.Repeat("}", d/3)),
			fmt.Sprintf(`[0,%s]`, strings.Repeat(`{"v":`, d/3)+"1"+strings.Repeat("}", d/3)),
		}[rng.IntN(4)])
	case n < 34:
		text("huge numbers", []string{
			`[1,1e400,"inc"]`,
			`[99999999999999999999999999]`,
			fmt.Sprintf(`[1,%d,"set",{"n":1e999999}]`, ref),
			fmt.Sprintf(`[1,%d,"set",{"n":"-99999999999999999999999"}]`, ref),
			`[1,9007199254740993,"inc"]`,
			`[1,-1,"inc"]`,
			fmt.Sprintf(`[1,%d,"set",{"n":%s}]`, ref, strings.Repeat("9", 4000)),
		}[rng.IntN(7)])
	case n < 42:
		text("unknown references", []string{
			fmt.Sprintf(`[1,%d,%q]`, ref, randomText(rng, 1+rng.IntN(40), true)),
			fmt.Sprintf(`[1,%d,"<script>alert(1)</script>"]`, ref),
			`[1,1,"inc"]`, // a ref already used: acked, not applied
			fmt.Sprintf(`[1,%d,"set",{"m":"3"}]`, ref),
			`[7]`, `[4,"x"]`, `[3,1]`, `[2,2]`,
		}[rng.IntN(8)])
	case n < 48:
		text("wrong shapes", []string{
			`{}`, `null`, `[]`, `""`, `[true]`, `[1]`, `[1,1]`, `[1,"1","inc"]`, fmt.Sprintf(`[1,%d,5]`, ref),
			fmt.Sprintf(`[1,%d,"inc",[]]`, ref), fmt.Sprintf(`[1,%d,"inc",{},{}]`, ref), `[0,{}]`, `[0,"x"]`,
			fmt.Sprintf(`[1,%d,""]`, ref), fmt.Sprintf(`[1,%d,%q]`, ref, strings.Repeat("n", 300)), ` `, `[1,1,"inc"] [2]`,
		}[rng.IntN(17)])
	case n < 53:
		text("second join", joinFrame([]string{w.tok, w.hs.otherTok, w.hs.alienTok, "x.y"}[rng.IntN(4)], 1))
	case n < 75:
		reals := realFrames(w.tok, ref)
		w.roundTrip("mutated real frame", websocket.MessageText, mutate(rng, []byte(reals[rng.IntN(len(reals))])))
	case n < 85: // good frames in between keep the view busy and the refs moving
		text("valid event", []string{
			fmt.Sprintf(`[1,%d,"inc"]`, ref),
			fmt.Sprintf(`[1,%d,"echo",{"text":"<img src=x onerror=alert(1)>"}]`, ref),
			fmt.Sprintf(`[1,%d,"set",{"n":"%d"}]`, ref, rng.IntN(1000)),
			`[2]`, `[3]`,
		}[rng.IntN(5)])
	default: // kinds that end a connection
		w.st.closing.Add(1)
		switch rng.IntN(9) {
		case 0:
			w.roundTrip("binary frame", websocket.MessageBinary, []byte(fmt.Sprintf(`[1,%d,"inc"]`, ref)))
		case 1:
			w.roundTrip("oversize frame", websocket.MessageText, []byte(fmt.Sprintf(`[1,%d,"echo",{"text":"%s"}]`, ref, strings.Repeat("x", hostileLimit))))
		case 2:
			w.fresh("event before the join", websocket.MessageText, []byte(`[1,1,"inc"]`), websocket.StatusPolicyViolation)
		case 3:
			w.fresh("garbage before the join", websocket.MessageText, randomText(rng, 1+rng.IntN(100), false), websocket.StatusPolicyViolation)
		case 4:
			w.fresh("join with another route's token", websocket.MessageText, []byte(joinFrame(w.hs.otherTok, 1)), websocket.StatusPolicyViolation)
		case 5:
			w.fresh("join with another server's token", websocket.MessageText, []byte(joinFrame(w.hs.alienTok, 1)), websocket.StatusPolicyViolation)
		case 6:
			tok := []byte(w.tok)
			tok[rng.IntN(len(tok))] ^= 2
			w.fresh("join with a tampered token", websocket.MessageText, []byte(joinFrame(string(tok), 1)), websocket.StatusPolicyViolation)
		case 7:
			w.fresh("join with another protocol version", websocket.MessageText, []byte(joinFrame(w.tok, 99)), websocket.StatusPolicyViolation)
		case 8:
			w.abrupt()
		}
	}
}

// goodClient is the well-behaved page: it clicks "inc", up to 500 times a
// second with a few events in flight, until the storm is over, and checks
// that every reply comes, in order, with the count it must show.
func goodClient(t *testing.T, hs *hostileServer, stormDone <-chan struct{}) (sent int, maxWait time.Duration, err error) {
	tok := hs.token(t, "/view")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ws, err := hs.dial(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer ws.CloseNow()
	if err := ws.Write(ctx, websocket.MessageText, []byte(joinFrame(tok, 1))); err != nil {
		return 0, 0, err
	}
	if _, data, err := ws.Read(ctx); err != nil || !bytes.HasPrefix(data, []byte(`[0,0`)) {
		return 0, 0, fmt.Errorf("join: %s %v", data, err)
	}
	const window = 4
	const pace = time.Second / 500 // well within the server's EventRate
	began := time.Now()
	var sentAt []time.Time
	got := 0
	done := false
	for !done || got < sent {
		select {
		case <-stormDone:
			done = true
		default:
		}
		for !done && sent-got < window && time.Since(began) >= time.Duration(sent)*pace {
			sent++
			sentAt = append(sentAt, time.Now())
			if err := ws.Write(ctx, websocket.MessageText, fmt.Appendf(nil, `[1,%d,"inc"]`, sent)); err != nil {
				return sent, maxWait, fmt.Errorf("event %d: %v", sent, err)
			}
		}
		if got == sent {
			time.Sleep(pace) // pacing, not an assertion
			continue
		}
		_, data, err := ws.Read(ctx)
		if err != nil {
			return sent, maxWait, fmt.Errorf("after %d of %d replies: %v", got, sent, err)
		}
		got++
		if want := fmt.Sprintf(`[0,%d,[[0,"count",[0],"%d"]]]`, got, got); string(data) != want {
			return sent, maxWait, fmt.Errorf("reply %d: %s, want %s", got, data, want)
		}
		maxWait = max(maxWait, time.Since(sentAt[got-1]))
	}
	return sent, maxWait, nil
}

func settledGoroutines(base int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := runtime.NumGoroutine()
		if n <= base || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stableGoroutines waits, up to 5 s, for the number of goroutines to hold
// still for half a second, and returns it.
func stableGoroutines() int {
	n, since := runtime.NumGoroutine(), time.Now()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := runtime.NumGoroutine(); m != n {
			n, since = m, time.Now()
		} else if time.Since(since) > 500*time.Millisecond {
			break
		}
	}
	return n
}

func TestHostileClients(t *testing.T) {
	if testing.Short() {
		t.Skip("the storm takes seconds")
	}
	hs := newHostileServer(t)
	// Warm up, so that pools and lazily built state count in the baseline.
	w0 := &worker{hs: hs, st: &stormStats{kinds: map[string]int{}}, rng: rand.New(rand.NewPCG(0, 0)), t: t}
	if w0.connect() {
		w0.roundTrip("warm-up", websocket.MessageText, []byte(`[1,1,"inc"]`))
		w0.ws.CloseNow()
	}
	baseG := stableGoroutines() // once the warm-up's view has ended (ResumeTimeout)
	baseHeap := heapInUse()

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	st := &stormStats{kinds: map[string]int{}}
	stormDone := make(chan struct{})
	var goodSent int
	var goodWait time.Duration
	var goodErr error
	goodDone := make(chan struct{})
	go func() {
		defer close(goodDone)
		goodSent, goodWait, goodErr = goodClient(t, hs, stormDone)
	}()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range hostileWorker {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{hs: hs, st: st, rng: rand.New(rand.NewPCG(seed, uint64(i))), t: t}
			defer func() {
				if w.ws != nil {
					w.ws.CloseNow()
				}
			}()
			if !w.connect() {
				return
			}
			for i := 0; i < hostileFrames && (i < hostileFloor || time.Since(start) < hostileBudget); i++ {
				if w.ws == nil && !w.connect() {
					return
				}
				w.step()
			}
		}()
	}
	wg.Wait()
	storm := time.Since(start)
	close(stormDone)
	<-goodDone
	stormHeap := heapInUse()

	afterG := settledGoroutines(baseG, 10*time.Second)
	var afterHeap uint64
	for range 10 { // a collection or two for what the last views held
		if afterHeap = heapInUse(); afterHeap <= baseHeap+2<<20 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	mib := func(n uint64) float64 { return float64(n) / (1 << 20) }
	t.Logf("storm: %d frames (%d bad, %d of kinds that end a connection; %d valid ones in between) over %d connections from %d clients in %v; %d answered, the slowest in %v (bound %v)",
		st.frames.Load(), st.frames.Load()-int64(st.kinds["valid event"]), st.closing.Load(), st.kinds["valid event"], st.conns.Load(), hostileWorker, storm.Round(time.Millisecond), st.answered.Load(), time.Duration(st.maxWait.Load()).Round(time.Microsecond), answerBound)
	t.Logf("by kind: %v", st.kinds)
	t.Logf("well-behaved client: %d events, %d replies in order with the right count, the slowest in %v", goodSent, goodSent, goodWait.Round(time.Microsecond))
	t.Logf("goroutines: %d before, %d after; live heap: %.1f MiB before, %.1f MiB right after the storm, %.1f MiB after", baseG, afterG, mib(baseHeap), mib(stormHeap), mib(afterHeap))
	t.Logf("server log: %d lines", hs.appLog.lines.Load())

	for _, f := range st.failures {
		t.Error(f)
	}
	if lost := st.frames.Load() - st.answered.Load(); len(st.failures) == 0 && lost > 0 {
		t.Errorf("%d frames without an answer", lost)
	}
	if st.frames.Load() < hostileWorker*hostileFloor {
		t.Errorf("only %d frames tried", st.frames.Load()) // a worker gave up: it could not connect
	}
	if goodErr != nil {
		t.Errorf("well-behaved client: %v", goodErr)
	}
	if n := hs.appLog.panics.Load() + hs.httpLog.panics.Load(); n > 0 {
		t.Errorf("%d panics logged; the first: %s%s", n, hs.appLog.first, hs.httpLog.first)
	}
	if afterG > baseG {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the storm, %d before:\n%s", afterG, baseG, buf[:runtime.Stack(buf, true)])
	}
	if afterHeap > baseHeap+2<<20 {
		t.Errorf("live heap %.1f MiB after the storm, %.1f MiB before", mib(afterHeap), mib(baseHeap))
	}
}
