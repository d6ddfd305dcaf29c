package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// shelf is a view that renders boxes, stateful components, by id.
type shelf struct {
	conn    *live.Conn
	title   string
	boxes   []string
	renders *atomic.Int32 // the view's renders: a box's own renders are not the view's
	mounts  *atomic.Int32 // the boxes' mounts
	twice   bool          // render a box twice: a mistake
}

func (v *shelf) Mount(_ context.Context, c *live.Conn, r *http.Request) error {
	v.conn = c
	v.boxes = []string{"a", "b"}
	v.twice = r.URL.Query().Get("twice") != ""
	return nil
}

func (v *shelf) Render() templ.Component {
	v.renders.Add(1)
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<h1 id="title">`+templ.EscapeString(v.title)+`</h1>`)
		boxes := v.boxes
		if v.twice {
			boxes = append(boxes, boxes[0])
		}
		for _, id := range boxes {
			if err := live.Component(v.conn, id, &box{mounts: v.mounts}).Render(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
}

func (v *shelf) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "title":
		v.title = e.Get("title")
	case "hide":
		v.boxes = slices.DeleteFunc(v.boxes, func(id string) bool { return id == e.Get("id") })
	case "show":
		v.boxes = append(v.boxes, e.Get("id"))
	case "update":
		return c.SendUpdate(e.Get("id"), e.Get("msg"))
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// box is a stateful component: a number, the messages it was sent, and
// maybe a box inside.
type box struct {
	conn   *live.Conn
	n      int
	msgs   []string
	child  string
	mounts *atomic.Int32
}

func (b *box) Mount(_ context.Context, c *live.Conn) error {
	b.conn = c
	b.mounts.Add(1)
	return nil
}

func (b *box) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<p class="n">`+strconv.Itoa(b.n)+`</p><p class="msgs">`+templ.EscapeString(strings.Join(b.msgs, ","))+`</p>`)
		if b.child != "" {
			return live.Component(b.conn, b.child, &box{mounts: b.mounts}).Render(ctx, w)
		}
		return nil
	})
}

func (b *box) HandleEvent(_ context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "inc":
		b.n++
	case "nest":
		b.child = e.Get("child")
	case "fail":
		b.n = -1
		return errors.New("box says no")
	case "panic":
		panic("crash in a component")
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

func (b *box) Update(_ context.Context, _ *live.Conn, msg any) error {
	s := msg.(string)
	if s == "panic" {
		panic("crash in Update")
	}
	b.msgs = append(b.msgs, s)
	return nil
}

type shelfServer struct {
	*server
	renders, mounts atomic.Int32
}

func newShelf(t *testing.T) *shelfServer {
	t.Helper()
	ss := &shelfServer{}
	ss.server = serveView(t, func() live.View { return &shelf{renders: &ss.renders, mounts: &ss.mounts} }, &live.Options{Secrets: crashSecret})
	return ss
}

// open GETs the shelf and joins it.
func (ss *shelfServer) open(t *testing.T) *client {
	t.Helper()
	body, tok := ss.page(t, "/view")
	for _, want := range []string{`<div id="a" live-component><p class="n">0</p>`, `<div id="b" live-component>`} {
		if !strings.Contains(body, want) {
			t.Fatalf("the page lacks %s:\n%s", want, body)
		}
	}
	c, reply := ss.join(t, "/view", tok, 0)
	if reply != `[0,0]` {
		t.Fatalf("join: %s", reply)
	}
	return c
}

// TestComponentEventRendersTheComponentAlone: an event for a component
// runs its HandleEvent, renders it without the view, and patches its
// content only.
func TestComponentEventRendersTheComponentAlone(t *testing.T) {
	ss := newShelf(t)
	c := ss.open(t)
	renders := ss.renders.Load()
	c.send(`[1,1,"inc",{},"a"]`)
	if got := c.read(); got != `[0,1,[[0,"a",[0,0],"1"]]]` {
		t.Fatalf("reply to a's inc: %s", got)
	}
	c.send(`[1,2,"inc",{},"b"]`)
	c.send(`[1,3,"inc",{},"b"]`)
	if got := c.read() + c.read(); got != `[0,2,[[0,"b",[0,0],"1"]]][0,3,[[0,"b",[0,0],"2"]]]` {
		t.Fatalf("replies to b's incs: %s", got)
	}
	if got := ss.renders.Load(); got != renders {
		t.Errorf("the view rendered %d times for its components' events", got-renders)
	}
	// The view's own event renders it, the boxes keep their state, and
	// the patch touches only what the view changed.
	c.send(`[1,4,"title",{"title":"Shelf"}]`)
	if got := c.read(); got != `[0,4,[[4,"title",[],0,"Shelf"]]]` {
		t.Fatalf("reply to the view's event: %s", got)
	}
	c.send(`[1,5,"inc",{},"b"]`)
	if got := c.read(); got != `[0,5,[[0,"b",[0,0],"3"]]]` {
		t.Fatalf("b after the view rendered: %s", got)
	}
	if got := ss.mounts.Load(); got != 2 {
		t.Errorf("%d mounts of the boxes, want 2: one each", got)
	}
}

// TestComponentDroppedWhenNotRendered: a render that leaves a component
// out drops it; rendered again, it starts afresh.
func TestComponentDroppedWhenNotRendered(t *testing.T) {
	ss := newShelf(t)
	c := ss.open(t)
	c.send(`[1,1,"inc",{},"a"]`)
	c.read()
	c.send(`[1,2,"hide",{"id":"a"}]`)
	if got := c.read(); got != `[0,2,[[7,"",[1]]]]` {
		t.Fatalf("hiding a: %s", got)
	}
	c.send(`[1,3,"inc",{},"a"]`)
	if got := c.read(); got != `[3,3,"event \"inc\": unknown component \"a\""]` {
		t.Fatalf("an event for the dropped component: %s", got)
	}
	c.send(`[1,4,"show",{"id":"a"}]`)
	if got := c.read(); !strings.Contains(got, `\u003cp class=\"n\"\u003e0\u003c/p\u003e`) && !strings.Contains(got, `<p class=\"n\">0</p>`) {
		t.Fatalf("shown again, a should start at 0: %s", got)
	}
	if got := ss.mounts.Load(); got != 3 {
		t.Errorf("%d mounts, want 3: a was mounted again", got)
	}
}

// TestComponentBadTarget: an event naming no component of the view is
// answered with an error and touches nothing.
func TestComponentBadTarget(t *testing.T) {
	ss := newShelf(t)
	c := ss.open(t)
	renders := ss.renders.Load()
	for i, target := range []string{"nope", "title", "a b", `"><script>`} {
		ref := i + 1
		c.send(fmt.Sprintf(`[1,%d,"inc",{},%q]`, ref, target))
		if got := c.read(); !strings.HasPrefix(got, fmt.Sprintf(`[3,%d,"event \"inc\": unknown component `, ref)) {
			t.Fatalf("event for component %q: %s, want an error frame", target, got)
		}
	}
	if got := ss.renders.Load(); got != renders {
		t.Errorf("the view rendered for a bad target")
	}
	c.send(`[1,10,"inc",{},"a"]`)
	if got := c.read(); got != `[0,10,[[0,"a",[0,0],"1"]]]` {
		t.Fatalf("a after the bad events: %s", got)
	}
	if logs := ss.logs.String(); !strings.Contains(logs, "unknown component") {
		t.Errorf("no log of the bad target:\n%s", logs)
	}
}

// TestComponentEventErrors: a component's error and unknown event are
// reported like the view's, naming the component, and what it changed is
// still rendered.
func TestComponentEventErrors(t *testing.T) {
	ss := newShelf(t)
	c := ss.open(t)
	c.send(`[1,1,"nope",{},"a"]`)
	if got := c.read(); got != `[3,1,"component \"a\": unknown event \"nope\""]` {
		t.Fatalf("unknown event: %s", got)
	}
	c.send(`[1,2,"fail",{},"a"]`)
	if got := c.read() + c.read(); got != `[1,[[0,"a",[0,0],"-1"]]][3,2,"component \"a\": box says no"]` {
		t.Fatalf("failing event: %s", got)
	}
}

// TestComponentSendUpdate: SendUpdate from the view reaches the
// component's Update in the view's loop; the component renders alone.
func TestComponentSendUpdate(t *testing.T) {
	ss := newShelf(t)
	c := ss.open(t)
	c.send(`[1,1,"update",{"id":"b","msg":"hi"}]`)
	if got := c.read(); got != `[0,1]` {
		t.Fatalf("reply to the view's event: %s", got)
	}
	renders := ss.renders.Load()
	if got := c.read(); got != `[1,[[4,"b",[1],0,"hi"]]]` {
		t.Fatalf("the update's patch: %s", got)
	}
	if got := ss.renders.Load(); got != renders {
		t.Errorf("the view rendered for its component's update")
	}
	// To a component the view does not have: logged, dropped.
	c.send(`[1,2,"update",{"id":"zz","msg":"lost"}]`)
	c.read()
	waitUntil(t, "the lost update to be logged", func() bool { return strings.Contains(ss.logs.String(), "unknown component") })
	c.send(`[1,3,"inc",{},"b"]`)
	if got := c.read(); got != `[0,3,[[0,"b",[0,0],"1"]]]` {
		t.Fatalf("b after the lost update: %s", got)
	}
}

// TestComponentNested: a component inside a component keeps its state
// through its parent's renders, and its events render it alone.
func TestComponentNested(t *testing.T) {
	ss := newShelf(t)
	c := ss.open(t)
	c.send(`[1,1,"nest",{"child":"a-in"},"a"]`)
	if got := c.read(); !strings.HasPrefix(got, `[0,1,[[3,"a",[],2,`) {
		t.Fatalf("nesting: %s", got)
	}
	c.send(`[1,2,"inc",{},"a-in"]`)
	if got := c.read(); got != `[0,2,[[0,"a-in",[0,0],"1"]]]` {
		t.Fatalf("the inner box's inc: %s", got)
	}
	c.send(`[1,3,"inc",{},"a"]`) // renders a, and a-in inside it from its state
	if got := c.read(); got != `[0,3,[[0,"a",[0,0],"1"]]]` {
		t.Fatalf("the outer box's inc: %s", got)
	}
	c.send(`[1,4,"nest",{"child":""},"a"]`) // drops a-in
	if got := c.read(); got != `[0,4,[[7,"a",[2]]]]` {
		t.Fatalf("unnesting: %s", got)
	}
	c.send(`[1,5,"inc",{},"a-in"]`)
	if got := c.read(); !strings.Contains(got, `unknown component \"a-in\"`) {
		t.Fatalf("the dropped inner box: %s", got)
	}
}

// TestComponentPanicCrashesTheView: a panicking component callback is a
// view crash: 1011, logged, and the page rejoins a fresh view.
func TestComponentPanicCrashesTheView(t *testing.T) {
	for _, tt := range []struct{ name, frame, logged string }{
		{"HandleEvent", `[1,2,"panic",{},"a"]`, "crash in a component"},
		{"Update", `[1,2,"update",{"id":"a","msg":"panic"}]`, "crash in Update"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ss := newShelf(t)
			_, tok := ss.page(t, "/view")
			c, _ := ss.join(t, "/view", tok, 0)
			c.send(`[1,1,"inc",{},"a"]`)
			c.read()
			c.send(tt.frame)
			err := c.readErr()
			if got := websocket.CloseStatus(err); got != websocket.StatusInternalError {
				t.Fatalf("close status %v (%v), want 1011", got, err)
			}
			waitUntil(t, "the panic to be logged", func() bool { return strings.Contains(ss.logs.String(), tt.logged) })
			c2, reply := ss.join(t, "/view", tok, 1)
			if !strings.Contains(reply, `[9,"",[],`) {
				t.Fatalf("rejoin after the crash: %s", reply)
			}
			c2.send(`[1,3,"inc",{},"a"]`)
			if got := c2.read(); got != `[0,3,[[0,"a",[0,0],"1"]]]` {
				t.Fatalf("a fresh view's box: %s", got)
			}
		})
	}
}

// TestComponentRenderedTwice: one id twice in a render is the app's
// mistake: the render fails.
func TestComponentRenderedTwice(t *testing.T) {
	ss := newShelf(t)
	resp, err := ss.Client().Get(ss.URL + "/view?twice=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("GET: %s, want 500", resp.Status)
	}
	if logs := ss.logs.String(); !strings.Contains(logs, `rendered twice`) {
		t.Fatalf("not logged:\n%s", logs)
	}
}

func TestComponentBadID(t *testing.T) {
	c := live.Component(nil, "a", &box{})
	if err := c.Render(context.Background(), io.Discard); err == nil || !strings.Contains(err.Error(), "Conn") {
		t.Errorf("Component without a Conn: %v", err)
	}
}

// TestComponentEventsMeetOnEventHooks: the OnEvent hooks authorize a
// component's events as they do the view's; a refused one does not reach
// the component.
func TestComponentEventsMeetOnEventHooks(t *testing.T) {
	ss := &shelfServer{}
	ss.server = serveView(t, func() live.View { return &shelf{renders: &ss.renders, mounts: &ss.mounts} }, &live.Options{
		Secrets: crashSecret,
		OnEvent: []live.EventHook{func(_ context.Context, _ *live.Conn, _ live.View, e live.Event) error {
			if e.Name == "inc" && e.Get("as") != "admin" {
				return errors.New("only admins may count")
			}
			return nil
		}},
	})
	c := ss.open(t)
	c.send(`[1,1,"inc",{},"a"]`)
	if got := c.read(); got != `[3,1,"component \"a\": live: event \"inc\" refused: only admins may count"]` {
		t.Fatalf("refused component event: %s", got)
	}
	c.send(`[1,2,"inc",{"as":"admin"},"a"]`)
	if got := c.read(); got != `[0,2,[[0,"a",[0,0],"1"]]]` {
		t.Fatalf("allowed component event: %s, want n=1 (the refused one did not count)", got)
	}
}
