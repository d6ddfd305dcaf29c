package livetest

import (
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/templive/templive/internal/protocol"
)

// AwaitRender waits for a render the server started itself, not as the
// answer to an event: after a message (Conn.Send, PubSub), a timer or an
// async task. It returns for the oldest such render that no AwaitRender or
// WaitFor has covered yet, waiting for one if there is none: a render that
// arrived while a trigger waited for its answer counts, so n calls see n
// renders whenever they arrived. It fails the test when none comes in time.
// A callback that changes nothing the page shows sends no render (only its
// pushes: see AwaitPush).
func (p *Page) AwaitRender() {
	p.t.Helper()
	p.live("AwaitRender")
	if !p.wait("render from the server", func() bool { return p.renders > p.seen }) {
		p.lost("AwaitRender")
		return
	}
	p.seen++
}

// AwaitPush returns the oldest event named name that the view pushed and
// that AwaitPush has not returned yet, waiting for it if there is none. It
// fails the test when none comes in time.
func (p *Page) AwaitPush(name string) Push {
	p.t.Helper()
	find := func() int {
		for i, x := range p.pushes {
			if !p.taken[i] && x.Name == name {
				return i
			}
		}
		return -1
	}
	if find() < 0 {
		p.live("AwaitPush")
		if !p.wait("push "+name, func() bool { return find() >= 0 }) {
			p.lost("AwaitPush")
			return Push{}
		}
	}
	i := find()
	p.taken[i] = true
	return p.pushes[i]
}

// WaitFor waits until cond, called with the whole document after each frame
// from the server, reports true; it returns at once if it does already. It
// fails the test, showing the page, when that does not happen in time.
// Prefer it to AwaitRender when a view renders more than once on its own (a
// task streaming its progress): the test then states what it waits for.
//
// A navigation the view starts meanwhile (Conn.PushNavigate) is followed,
// and cond is then asked about the new page.
func (p *Page) WaitFor(cond func(doc *goquery.Document) bool) {
	p.t.Helper()
	defer func() { p.seen = p.renders }() // the renders it waited through are covered
	for {
		doc := goquery.NewDocumentFromNode(p.doc)
		if cond(doc) {
			return
		}
		p.live("WaitFor")
		if !p.wait("page that meets the condition", func() bool { return p.navTo != "" || cond(doc) }) {
			p.lost("WaitFor")
			return
		}
		if p.navTo == "" {
			return
		}
		p.navigated()
	}
}

// live fails the test for method when the page is disconnected: what it
// waits for cannot come.
func (p *Page) live(method string) {
	p.t.Helper()
	if p.c == nil {
		p.t.Fatalf("livetest: %s: %s: the page is disconnected; call Reconnect first", p.path, method)
	}
}

// lost ends a wait that the connection's end cut short: the drop was
// reported; outside ExpectError the test cannot go on.
func (p *Page) lost(method string) {
	p.t.Helper()
	if p.catch == nil {
		p.t.Fatalf("livetest: %s: %s: the connection ended while waiting", p.path, method)
	}
}

// Pushes returns every event the view pushed to the page so far, in order,
// those pushed for the events the page's last actions sent included.
func (p *Page) Pushes() []Push {
	p.t.Helper()
	p.sync()
	return slices.Clone(p.pushes)
}

// Dispatched returns every DOM event the page dispatched so far by itself
// (dispatch commands, sounds played, pushed sounds included), in order.
func (p *Page) Dispatched() []Dispatch {
	p.t.Helper()
	p.sync()
	return slices.Clone(p.dispatched)
}

// ExpectError runs fn, during which the errors the page gets (error frames
// answering its events, a connection the server closes) do not fail the
// test, and returns their messages, one per line. It fails the test when
// there is none.
func (p *Page) ExpectError(fn func()) string {
	p.t.Helper()
	prev := p.catch
	var got []string
	p.catch = &got
	defer func() { p.catch = prev }()
	fn()
	if len(got) == 0 {
		p.t.Errorf("livetest: %s: ExpectError: the page got no error", p.path)
	}
	return strings.Join(got, "\n")
}

// Connected reports whether the page's live connection is up and joined.
func (p *Page) Connected() bool { return p.c != nil && p.joined }

// Disconnect closes the page's live connection, as a network drop or a
// laptop lid does: the server keeps the view for a while (resume). Events
// triggered while disconnected are queued, shown with their loading
// class, and sent after Reconnect's join, as the client does.
func (p *Page) Disconnect() {
	p.t.Helper()
	if p.c == nil {
		return
	}
	c, was := p.c, p.joined
	p.c, p.joined = nil, false
	c.close()
	p.state(protocol.ClassLoading, protocol.ClassConnected)
	p.state(protocol.ClassDisconnected)
	if was {
		p.runAll(protocol.AttrDisconnected)
	}
}

// Reconnect rejoins, disconnecting first if the page is connected: the
// join carries the page's recoverable forms (an id and a live-change) and
// how many patches it applied. A server that still has the view resumes
// it; one that lost it (Server.Restart) mounts it afresh and replays the
// forms, and the page keeps what the user typed in them. Then the events
// queued while offline are sent. Reconnect returns once the server has
// answered them all. A server that refuses the page's token makes it load
// the page again, as a browser does.
func (p *Page) Reconnect() {
	p.t.Helper()
	p.Disconnect()
	p.join()
}
