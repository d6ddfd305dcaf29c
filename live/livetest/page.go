package livetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/templive/templive/internal/protocol"
)

// A Page is one browser tab showing a live page: the page's DOM, built
// from the server's HTML and patched by the server's frames exactly as the
// browser client patches it, its live connection, and what a user does
// with it. Its methods fail the test (t.Fatalf) when they cannot do what
// they are asked, with the HTML around what they looked for.
//
// The DOM changes only inside the Page's methods that wait for the server:
// the triggers (Click, Change, ...), which return once the server has
// answered every event they sent and its answers are applied; Back and
// Forward, which return as a click on a link does; AwaitRender,
// AwaitPush and WaitFor; Pushes and Dispatched, which first collect the
// pushes that follow the answers; Reconnect. In between, what Find and HTML
// show stays put, even if the server has sent more.
//
// An error the server reports for an event (an error frame: an unknown
// event, a bad value, an error HandleEvent returned) and a connection the
// server closes fail the test with t.Errorf, unless they happen inside
// ExpectError.
//
// A Page must be used from the goroutine of the test that opened it.
type Page struct {
	s    *Server
	t    testing.TB
	path string

	doc, root *html.Node
	css       *sheet

	c         *conn // nil while disconnected
	joined    bool  // the current connection's join was answered
	applied   uint64
	lastRef   uint64
	syncRef   uint64 // the newest ref the server answered on this connection
	barrier   uint64 // a sync sent and not yet answered
	unsynced  bool   // a reply came since the last sync: pushes may follow it
	resyncing bool
	noForms   bool // the last join's forms crashed the view: leave them out once
	reloaded  bool // the page reloaded during the current join

	pending []*sent // events not yet answered, oldest first
	action  []*sent // the events the current trigger sent

	focused *html.Node
	sticky  map[*html.Node]*sticky

	focusStack []*html.Node               // PushFocus's elements, nil for none
	mounted    map[*html.Node]bool        // elements whose live-mounted ran
	removed    map[*html.Node]bool        // elements whose live-remove ran
	onConfirm  func(question string) bool // the user's answer to live-confirm
	replaced   map[*html.Node]bool        // elements a morph replaced, while applying
	typed      map[*html.Node]string      // what the user typed in textareas

	pushes     []Push
	taken      []bool // pushes returned by AwaitPush
	dispatched []Dispatch
	renders    int // patches the server sent on its own initiative
	seen       int // renders AwaitRender returned for

	catch *[]string // errors collected by ExpectError

	redirect string                 // where the server sent the page (redirect.go)
	edges    map[edgeKey]*html.Node // the item each viewport binding last fired for (stream.go)
	acks     map[uint64]*ack        // the uploads Upload is sending (upload.go)
	navTo    string                 // a PushNavigate to follow once the action is answered (navigate.go)
	navRepl  bool                   // navTo replaces the current history entry (js.Replace)
	history  []entry                // the tab's session history (history.go)
	at       int                    // the current entry of history (history.go)
	docs     int                    // how many documents the tab loaded (history.go)
}

// A Push is an event the view pushed to the page (Conn.Push,
// Conn.PushBeforePatch, Conn.PlaySound's "live:sound"): its name and JSON
// payload: the JSON of the view's value, with encoding/json's HTML escapes
// undone, so "<b>" reads "<b>", not "\u003cb\u003e". Decode reads it
// into a value.
type Push struct {
	Name    string
	Payload json.RawMessage
}

// Decode decodes the push's payload into v, as json.Unmarshal does, and
// returns its error wrapped with the push's name.
func (x Push) Decode(v any) error {
	if err := json.Unmarshal(x.Payload, v); err != nil {
		return fmt.Errorf("livetest: push %q: %w", x.Name, err)
	}
	return nil
}

// A Dispatch is a DOM event the page dispatched by itself: the CustomEvent
// of a dispatch JS command (Target names the element, Detail holds its
// Value options), or "templive:sound" on "window" for each sound played,
// by a PlaySound command or a pushed sound (Detail["name"] is the sound).
type Dispatch struct {
	Event  string
	Target string
	Detail map[string]string
}

// A sent is an event the page sent (or queued while offline).
type sent struct {
	ref    uint64
	name   string
	frame  []any
	el     *html.Node // gets cls until answered
	cls    string
	form   *html.Node // a submitted form (keepReset)
	done   bool
	err    string
	answer json.RawMessage
}

// Open opens the page at path in a new tab of the Server: it GETs the page,
// parses it as a browser does, loads its stylesheets and joins its live
// connection.
func (s *Server) Open(path string) *Page {
	s.t.Helper()
	return s.open(s.t, path)
}

// open opens a page whose failures go to t.
func (s *Server) open(t testing.TB, path string) *Page {
	t.Helper()
	if !strings.HasPrefix(path, "/") {
		t.Fatalf("livetest: Open(%q): want a path that starts with /", path)
	}
	p := &Page{s: s, t: t, path: path, sticky: map[*html.Node]*sticky{}, typed: map[*html.Node]string{},
		mounted: map[*html.Node]bool{}, removed: map[*html.Node]bool{},
		history: []entry{{url: path, doc: 1}}, docs: 1}
	s.pages = append(s.pages, p)
	p.load()
	if p.redirect == "" {
		p.join()
		// The client runs live-mounted chains as it starts; their events wait
		// for the join, so livetest runs them once joined.
		p.begin()
		p.mountAll()
		p.end()
	}
	return p
}

// load GETs the page and makes its document the page's DOM.
func (p *Page) load() {
	p.t.Helper()
	resp, err := p.s.client.Get(pageURL(p.path))
	if err != nil {
		p.t.Fatalf("livetest: GET %s: %v", p.path, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		p.t.Fatalf("livetest: GET %s: %v", p.path, err)
	}
	if p.redirectGET(resp) {
		return
	}
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("livetest: GET %s: %s\n%s", p.path, resp.Status, cut(string(body), 2000))
	}
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		p.t.Fatalf("livetest: GET %s: parse: %v", p.path, err)
	}
	var root *html.Node
	walk(doc, func(n *html.Node) {
		if root == nil && hasAttr(n, protocol.AttrRoot) {
			root = n
		}
	})
	if root == nil {
		p.t.Fatalf("livetest: GET %s: the page has no element with %s: is it served by a live.Handler?\n%s",
			p.path, protocol.AttrRoot, cut(string(body), 2000))
	}
	p.doc, p.root = doc, root
	p.focused = nil
	p.focusStack = nil
	clear(p.sticky)
	clear(p.mounted)
	clear(p.removed)
	clear(p.typed)
	p.applied = 0
	p.loadStyles()
}

// loadStyles reads the display rules of the page's <style> elements and of
// its stylesheets on the same server.
func (p *Page) loadStyles() {
	p.css = newSheet()
	base, _ := url.Parse(pageURL(p.path))
	order := 0
	walk(p.doc, func(n *html.Node) {
		order += 1 << 16
		switch {
		case isElement(n, "style"):
			p.css.add(textContent(n), order)
		case isElement(n, "link") && hasWord(attrOr(n, "rel", ""), "stylesheet"):
			u, err := base.Parse(attrOr(n, "href", ""))
			if err != nil || u.Host != Host {
				return
			}
			resp, err := p.s.client.Get(u.String())
			if err != nil {
				return
			}
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.css.add(string(b), order)
			}
		}
	})
}

func hasWord(list, w string) bool {
	for _, x := range strings.Fields(list) {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

// deadline returns when a wait that starts now must end.
func (p *Page) deadline() time.Time { return time.Now().Add(p.s.timeout()) }

// report reports an error of the page: to ExpectError, or to the test.
func (p *Page) report(format string, args ...any) {
	p.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if p.catch != nil {
		*p.catch = append(*p.catch, msg)
		return
	}
	p.t.Errorf("livetest: %s", msg)
}

// join opens a live connection and joins it, as the client does on load
// and on every reconnect; then it re-sends the events not yet answered.
func (p *Page) join() {
	p.t.Helper()
	p.reloaded = false
	for {
		ctx, cancel := context.WithTimeout(context.Background(), p.s.timeout())
		c, err := dial(ctx, p.s.client, pageURL(p.path))
		cancel()
		if err != nil {
			p.t.Fatalf("livetest: %s: live connection refused: %v", p.path, err)
		}
		p.c, p.joined, p.syncRef, p.barrier, p.resyncing, p.unsynced = c, false, 0, 0, false, false
		p.state(protocol.ClassLoading, protocol.ClassConnected)
		forms := []any{}
		if !p.noForms {
			for _, f := range p.recoverableForms() {
				form := []any{f.id, f.event, valuesJSON(f.values)}
				if f.target != "" {
					form = append(form, f.target)
				}
				forms = append(forms, form)
			}
		}
		p.noForms = false
		p.sendFrame([]any{protocol.KindJoin, map[string]any{
			protocol.KeyVersion: protocol.Version,
			protocol.KeyToken:   attrOr(p.root, protocol.AttrToken, ""),
			protocol.KeyURL:     pageURL(p.path),
			protocol.KeyApplied: p.applied,
			protocol.KeyForms:   forms,
		}})
		reload := false
		p.wait("answer to the join", func() bool {
			reload = p.c == nil && p.reloaded
			return p.joined || p.c == nil
		})
		if !reload {
			break
		}
	}
	if !p.joined {
		return
	}
	// In flight when the connection dropped, then queued: all in order.
	for _, e := range p.pending {
		p.sendFrame(e.frame)
	}
	p.settle(p.pending)
}

// sendFrame writes a frame; a connection that fails is noticed by its
// reader.
func (p *Page) sendFrame(frame []any) {
	if p.c != nil {
		p.c.send(frame)
	}
}

// state puts add on the root and takes the others off: the classes the
// client shows the connection's state with.
func (p *Page) state(add string, remove ...string) {
	for _, c := range remove {
		setClass(p.root, c, false)
	}
	if add != "" {
		setClass(p.root, add, true)
	}
}

// wait handles frames until done reports true. It fails the test when
// the wait times out. A connection that ends is handled (the page is then
// disconnected) and ends the wait if done then reports true; otherwise the
// wait ends and wait reports false.
func (p *Page) wait(what string, done func() bool) bool {
	p.t.Helper()
	deadline := p.deadline()
	for !done() {
		if p.c == nil {
			return false
		}
		frame, err := p.c.next(deadline)
		if errors.Is(err, errTimeout) {
			p.t.Fatalf("livetest: %s: no %s within %v\nthe page shows:\n%s", p.path, what, p.s.timeout(), cut(innerHTML(p.root), 3000))
		}
		if err != nil {
			p.dropped(err, true)
			continue
		}
		p.handle(frame)
	}
	return true
}

// dropped handles the end of the connection, as the client's onclose.
func (p *Page) dropped(err error, report bool) {
	p.t.Helper()
	c := p.c
	p.c = nil
	c.ws.CloseNow()
	<-c.done
	was := p.joined
	p.joined = false
	if crashed(err) {
		if !was {
			// The view crashed before answering: maybe on the forms.
			p.noForms = true
		} else if len(p.pending) > 0 {
			// It crashed on the oldest event it had not answered:
			// re-sent, it would crash the fresh view again.
			e := p.pending[0]
			p.done(e, nil, "the view crashed")
			report = true
		}
	}
	p.state(protocol.ClassLoading, protocol.ClassConnected)
	p.state(protocol.ClassDisconnected)
	if was {
		p.runAll(protocol.AttrDisconnected)
	}
	if report {
		p.report("%s: the server closed the connection: %s", p.path, closeReason(err))
	}
}

// noticeDrop handles the frames that arrived before the connection
// dropped, then the drop, which the test caused: no error.
func (p *Page) noticeDrop() {
	if p.c == nil {
		return
	}
	<-p.c.done
	for p.c != nil {
		frame, err := p.c.next(time.Now())
		if err != nil {
			p.dropped(err, false)
			return
		}
		p.handle(frame)
	}
}

// shut closes the connection when the test ends.
func (p *Page) shut() {
	if p.c != nil {
		p.c.close()
		p.c = nil
	}
}

// handle applies one server frame.
func (p *Page) handle(data []byte) {
	p.t.Helper()
	var f []json.RawMessage
	var kind int
	if err := json.Unmarshal(data, &f); err != nil || len(f) == 0 || json.Unmarshal(f[0], &kind) != nil {
		p.report("%s: the server sent a malformed frame: %.200s", p.path, data)
		return
	}
	arg := func(i int) json.RawMessage {
		if i < len(f) {
			return f[i]
		}
		return nil
	}
	var ref uint64
	if kind == protocol.KindReply || kind == protocol.KindError {
		json.Unmarshal(arg(1), &ref)
	}
	switch kind {
	case protocol.KindReply:
		switch {
		case !p.joined && ref != 0:
			// The last answers of the view a navigation left: dropped.
		case !p.joined:
			p.joined = true
			p.state(protocol.ClassConnected, protocol.ClassLoading, protocol.ClassDisconnected, protocol.ClassError)
			p.runAll(protocol.AttrConnected)
			var saved []savedForm
			if hasOps(arg(2)) {
				saved = p.recoverableForms()
			}
			p.patch(arg(2), false, nil)
			for _, s := range saved {
				if f := byID(p.doc, s.id); isElement(f, "form") && ownedBy(p.root, f) {
					p.fillForm(f, s.values)
				}
			}
		case ref == 0 && p.resyncing:
			p.resyncing = false
			p.patch(arg(2), true, nil)
		case ref != 0 && ref == p.barrier:
			p.barrier = 0
		default:
			e := p.find(ref)
			var form *html.Node
			if e != nil {
				form = e.form
			}
			p.patch(arg(2), false, form)
			p.syncRef = max(p.syncRef, ref)
			p.unsynced = true
			if e != nil {
				p.done(e, arg(3), "")
			}
		}
	case protocol.KindPatch:
		if !p.joined {
			break // the view a navigation left
		}
		p.patch(arg(1), false, nil)
		p.renders++
	case protocol.KindError:
		var msg string
		json.Unmarshal(arg(2), &msg)
		e := p.find(ref)
		switch {
		case e != nil:
			p.syncRef = max(p.syncRef, ref)
			p.done(e, nil, msg)
		case ref != 0 && ref == p.barrier:
			p.barrier = 0 // refused (rate limited): what follows is unknown
			p.report("%s: the server refused livetest's sync: %s", p.path, msg)
		case !p.joined:
			p.state(protocol.ClassError, protocol.ClassLoading)
			p.report("%s: the join failed: %s", p.path, msg)
		case ref == 0 && p.resyncing:
			p.resyncing = false
			p.report("%s: the server could not resync the page: %s", p.path, msg)
		default:
			p.report("%s: the server reported an error: %s", p.path, msg)
		}
	case protocol.KindReload:
		var to string
		if json.Unmarshal(arg(2), &to) == nil && to != "" {
			p.followRedirect(to) // a redirect: [4, reason, url]
			break
		}
		var reason string
		json.Unmarshal(arg(1), &reason)
		p.reload(reason)
	case protocol.KindPush:
		for i := 1; i < len(f); i += 2 {
			var name string
			json.Unmarshal(f[i], &name)
			payload := arg(i + 1)
			if payload == nil || string(payload) == "null" {
				payload = json.RawMessage("{}")
			}
			if p.navPush(name, payload) {
				continue
			}
			p.pushes = append(p.pushes, Push{name, plainJSON(payload)})
			p.taken = append(p.taken, false)
			if name == protocol.PushSound {
				var s struct{ Name string }
				json.Unmarshal(payload, &s)
				p.playSound(s.Name)
			}
		}
	case protocol.KindAck:
		p.handleAck(f)
	case protocol.KindPong, protocol.KindLog:
	default:
		p.report("%s: the server sent a frame of unknown kind %d: %.200s", p.path, kind, data)
	}
}

// reload does what the client does with a reload frame: it loads the page
// again, once; a second reload in a row fails the test, as the client
// refuses to loop.
func (p *Page) reload(reason string) {
	p.t.Helper()
	if p.reloaded {
		p.t.Fatalf("livetest: %s: the server refused the join again after a reload: %s", p.path, reason)
	}
	p.t.Logf("livetest: %s: the server asked for a reload (%s): loading the page again", p.path, reason)
	p.reloaded = true
	p.stop()
	p.newDocument()
	p.load()
}

// stop closes the page's connection as the client does when it leaves the
// page: what was pending is lost with it.
func (p *Page) stop() {
	c := p.c
	p.c, p.joined = nil, false
	c.close()
	for _, e := range p.pending {
		e.done, e.err = true, "connection stopped"
	}
	p.pending = nil
}

func hasOps(raw json.RawMessage) bool {
	var ops []json.RawMessage
	return json.Unmarshal(raw, &ops) == nil && len(ops) > 0
}

// patch applies a frame's ops. On drift it asks for a resync once, as the
// client does, and skips the frames the resync supersedes. form is the
// form a submit's reply answers.
func (p *Page) patch(raw json.RawMessage, isResync bool, form *html.Node) {
	p.t.Helper()
	if !hasOps(raw) || p.resyncing {
		return
	}
	ops, err := protocol.DecodeOps(raw)
	if err == nil {
		err = p.apply(ops, form)
	}
	if err == nil {
		p.applied++
		return
	}
	if isResync {
		p.state(protocol.ClassError)
		p.report("%s: the server's full render does not apply: %v", p.path, err)
		return
	}
	p.t.Logf("livetest: %s: a patch does not fit the page (%v): asking for a resync", p.path, err)
	p.resyncing = true
	p.sendFrame([]any{protocol.KindResync})
}

// find returns the pending event ref.
func (p *Page) find(ref uint64) *sent {
	for _, e := range p.pending {
		if e.ref == ref {
			return e
		}
	}
	return nil
}

// done settles e: answered, failed, or dropped.
func (p *Page) done(e *sent, answer json.RawMessage, err string) {
	p.t.Helper()
	for i, x := range p.pending {
		if x == e {
			p.pending = append(p.pending[:i:i], p.pending[i+1:]...)
			break
		}
	}
	e.done, e.err = true, err
	if len(answer) > 0 {
		e.answer = plainJSON(answer)
	}
	if e.el != nil && e.cls != "" {
		still := false
		for _, x := range p.pending {
			still = still || x.el == e.el && x.cls == e.cls
		}
		if !still {
			setClass(e.el, e.cls, false)
		}
	}
	if err != "" {
		p.report("%s: event %q failed: %s", p.path, e.name, err)
	}
}

// send sends the event name with values for el (which gets cls until the
// answer), or queues it while the page is offline.
func (p *Page) send(name string, values map[string]any, el *html.Node, cls string, form *html.Node) *sent {
	p.t.Helper()
	p.lastRef++
	frame := []any{protocol.KindEvent, p.lastRef, name}
	if target := p.targetOf(el); target != "" { // component.go
		if values == nil {
			values = map[string]any{}
		}
		frame = append(frame, values, target)
	} else if len(values) > 0 {
		frame = append(frame, values)
	}
	e := &sent{ref: p.lastRef, name: name, frame: frame, el: el, cls: cls, form: form}
	p.pending = append(p.pending, e)
	p.action = append(p.action, e)
	if el != nil && cls != "" {
		setClass(el, cls, true)
	}
	if p.joined {
		p.sendFrame(frame)
	} else if len(p.pending) > maxQueue {
		p.done(p.pending[0], nil, "dropped while offline")
	}
	return e
}

// maxQueue bounds the events a page keeps while offline (socket.js).
const maxQueue = 100

// settle waits until the server has answered every event in events, then
// for what it sent with them (pushes follow a reply).
func (p *Page) settle(events []*sent) {
	p.t.Helper()
	if len(events) == 0 {
		return
	}
	if p.c == nil {
		p.t.Logf("livetest: %s: the page is offline: %d event(s) wait for Reconnect", p.path, len(p.pending))
		return
	}
	events = append([]*sent(nil), events...)
	what := fmt.Sprintf("answer to event %q", events[len(events)-1].name)
	p.wait(what, func() bool {
		for _, e := range events {
			if !e.done {
				return false
			}
		}
		return true
	})
}

// sync waits until the server has sent everything that belongs to the
// events it answered. The patch, a hook's answer and an error travel in
// the answer itself; only pushes follow it, so the methods that report
// pushes sync first. It re-sends the newest answered ref, which the view's
// goroutine acknowledges, without running the view, after the frames it
// queued before. Syncing only then keeps a test's frames close to what a
// browser sends, under the handler's rate limit.
func (p *Page) sync() {
	p.t.Helper()
	if p.c == nil || !p.joined || p.syncRef == 0 || !p.unsynced {
		return
	}
	p.unsynced = false
	p.barrier = p.syncRef
	p.sendFrame([]any{protocol.KindEvent, p.barrier, "livetest:sync"})
	p.wait("acknowledgement of a sync", func() bool { return p.barrier == 0 })
}
