package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/a-h/templ"

	"github.com/templive/templive/internal/htmldiff"
	"github.com/templive/templive/internal/protocol"
)

// Component returns the templ component that renders the stateful
// component v, named id, inside the view of c: a widget with its own state,
// events and renders. Put it in the view's template:
//
//	@live.Component(v.conn, "cart-1", &Cart{})
//
// The first render that names id keeps v as the component's state (and
// calls its Mount, if it is a ComponentMounter); every later render of the
// view that names id again renders the state kept then, and the v it is
// given is dropped: a component's state survives its parent's renders. A
// render of the view that no longer names id drops the component.
//
// The component renders as <div id="{id}" live-component> around v's
// HTML, so id must be unique in the page, and is at most 256 bytes of
// letters, digits, '-', '_', ':' and '.'. A bad id, an id rendered twice
// in one render, or a Mount error makes the view's render fail.
//
// An event binding with live-target="cart-1", or with an empty
// live-target inside the component, sends its events to the component's
// HandleEvent (if v is an EventHandler) rather than the view's, and
// Conn.SendUpdate sends it messages (if v is an Updater). Either way, the
// component alone is rendered afterwards, and only its HTML is diffed
// (see the package documentation, Components). c must be the Conn of the
// view rendering it; v's methods run in the view's loop, like the view's.
func Component(c *Conn, id string, v View) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if c == nil || c.s == nil {
			return fmt.Errorf("live: Component %q: %w", id, errNoConn)
		}
		if err := checkComponentID(id); err != nil {
			return err
		}
		s := c.s
		comp, err := s.comps.use(ctx, c, id, v)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, `<div id="`+id+`" `+protocol.AttrComponent+`>`); err != nil {
			return err
		}
		if err := s.comps.render(ctx, comp, w); err != nil {
			return err
		}
		_, err = io.WriteString(w, `</div>`)
		return err
	})
}

// A ComponentMounter is a component (see Component) that initialises
// itself when it is first rendered, in the render of its parent: during the
// page's GET, or in the view's loop. An error fails that render.
type ComponentMounter interface {
	Mount(ctx context.Context, c *Conn) error
}

// An Updater is a component (see Component) that receives the messages
// Conn.SendUpdate sends it, in the view's loop. The component is rendered
// alone afterwards. An error is logged.
type Updater interface {
	Update(ctx context.Context, c *Conn, msg any) error
}

var errUnknownComponent = errors.New("live: unknown component")

var errNoConn = errors.New("live: Component needs the Conn of the view that renders it")

// SendUpdate delivers msg to the Update method of the view's component
// named id, in the view's loop, without blocking; the component alone is
// rendered afterwards. It may be called from any goroutine. It returns
// ErrNotConnected once the view has ended and ErrMailboxFull when the
// view is too far behind, and the message is dropped. Whether id names a
// component is known only when the message is handled: one sent to a
// component that is gone by then (or was never rendered) is logged and
// dropped.
func (c *Conn) SendUpdate(id string, msg any) error {
	_, err := c.s.tryPost(updateMsg{id: id, msg: msg})
	return err
}

type updateMsg struct {
	id  string
	msg any
}

// checkComponentID refuses ids that would need escaping: an id is written
// into the page as an attribute and sent back by the client as it is.
func checkComponentID(id string) error {
	if id == "" || len(id) > protocol.MaxNameBytes {
		return fmt.Errorf("live: Component id %q: want 1 to %d bytes", id, protocol.MaxNameBytes)
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == ':', c == '.':
		default:
			return fmt.Errorf("live: Component id %q: byte %q: want letters, digits, '-', '_', ':' or '.'", id, c)
		}
	}
	return nil
}

// A component is a view's record of one of its stateful components.
type component struct {
	id     string
	v      View
	parent *component // the component it renders in; nil: the view
	seen   uint64     // the render that last rendered it
}

// components are a view's stateful components, owned by its loop.
type components struct {
	byID  map[string]*component
	gen   uint64       // counts renders, of the view or of one component
	stack []*component // the components rendering, innermost last
}

// use returns the component id for this render: the one kept, or v,
// mounted, if there is none.
func (cs *components) use(ctx context.Context, c *Conn, id string, v View) (*component, error) {
	var parent *component
	if n := len(cs.stack); n > 0 {
		parent = cs.stack[n-1]
	}
	if comp := cs.byID[id]; comp != nil {
		if comp.seen == cs.gen {
			return nil, fmt.Errorf("live: Component %q rendered twice in one render", id)
		}
		comp.seen, comp.parent = cs.gen, parent
		return comp, nil
	}
	if v == nil {
		return nil, fmt.Errorf("live: Component %q: nil component", id)
	}
	if m, ok := v.(ComponentMounter); ok {
		if err := m.Mount(ctx, c); err != nil {
			return nil, fmt.Errorf("live: Component %q: Mount: %w", id, err)
		}
	}
	comp := &component{id: id, v: v, parent: parent, seen: cs.gen}
	if cs.byID == nil {
		cs.byID = make(map[string]*component)
	}
	cs.byID[id] = comp
	return comp, nil
}

// render writes comp's HTML, with the components it renders in their turn.
func (cs *components) render(ctx context.Context, comp *component, w io.Writer) error {
	cs.stack = append(cs.stack, comp)
	defer func() {
		cs.stack[len(cs.stack)-1] = nil
		cs.stack = cs.stack[:len(cs.stack)-1]
	}()
	return comp.v.Render().Render(ctx, w)
}

// renderView renders the whole view, and drops the components it no
// longer renders.
func (cs *components) renderView(ctx context.Context, v View) ([]byte, error) {
	cs.gen++
	cs.stack = cs.stack[:0]
	body, err := renderView(ctx, v)
	if err != nil {
		return nil, err // keep them all: the page still shows the last render
	}
	for id, comp := range cs.byID {
		if comp.seen != cs.gen {
			delete(cs.byID, id)
		}
	}
	return body, nil
}

// renderAlone renders comp's content alone, and drops the components it
// rendered last time and no longer does.
func (cs *components) renderAlone(ctx context.Context, comp *component) ([]byte, error) {
	cs.gen++
	comp.seen = cs.gen
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	cs.stack = cs.stack[:0]
	if err := cs.render(ctx, comp, buf); err != nil {
		return nil, err
	}
	for id, c := range cs.byID {
		if c.seen != cs.gen && c.within(comp) {
			delete(cs.byID, id)
		}
	}
	return bytes.Clone(buf.Bytes()), nil
}

// within reports whether c renders inside comp.
func (c *component) within(comp *component) bool {
	for p := c.parent; p != nil; p = p.parent {
		if p == comp {
			return true
		}
	}
	return false
}

// renderComponent renders comp alone and returns the encoded ops that turn
// the last render into the page with comp's new content, or nil when
// nothing changed. The view is not rendered, and only comp's content is
// parsed and diffed, unless the last render does not let the Doc find it
// alone: then the whole view is rendered and diffed, which is right too.
func (s *session) renderComponent(comp *component) ([]byte, error) {
	if s.doc == nil {
		return s.renderDiff()
	}
	body, err := s.comps.renderAlone(s.ctx, comp)
	if err != nil {
		return nil, err
	}
	s.ops, err = s.doc.UpdateContent(s.ops[:0], comp.id, body)
	if errors.Is(err, htmldiff.ErrNoContent) {
		s.h.log.DebugContext(s.ctx, "live: component rendered with its view", "component", comp.id)
		return s.renderDiff()
	}
	if err != nil || len(s.ops) == 0 {
		return nil, err
	}
	return protocol.AppendOps(nil, s.ops), nil
}

// componentEvent handles an event for one of the view's components: the
// component's HandleEvent, then a render of the component alone. An event
// for a component the view does not have is answered with an error and
// changes nothing.
func (s *session) componentEvent(pe *protocol.Event) {
	comp := s.comps.byID[pe.Component]
	if comp == nil {
		err := fmt.Errorf("%w %q", errUnknownComponent, pe.Component)
		s.h.log.WarnContext(s.ctx, "live: event failed", "event", pe.Name, "component", pe.Component, "err", err)
		s.send(protocol.AppendError(nil, pe.Ref, fmt.Sprintf("event %q: unknown component %q", pe.Name, pe.Component)))
		return
	}
	s.answering, s.answer = true, nil
	e := Event{Name: pe.Name, Values: pe.Values}
	err := s.authorizeEvent(e) // the OnEvent hooks see every event, a component's too
	if err == nil {
		err = ErrUnknownEvent
		if eh, ok := comp.v.(EventHandler); ok {
			err = eh.HandleEvent(s.opCtx(), s.conn, e)
		}
	}
	answer := s.answer
	s.answering, s.answer = false, nil
	ops, rerr := s.renderComponent(comp)
	if rerr != nil {
		s.renderFailed(pe.Ref, rerr)
		return
	}
	if err != nil {
		s.h.log.WarnContext(s.ctx, "live: event failed", "event", pe.Name, "component", pe.Component, "err", err)
		var patch []byte
		if ops != nil {
			patch = protocol.AppendPatch(nil, ops)
		}
		s.deliver(patch, ops != nil)
		s.send(protocol.AppendError(nil, pe.Ref, fmt.Sprintf("component %q: %s", pe.Component, eventErrorText(pe.Name, err))))
		return
	}
	s.deliver(replyFrame(pe.Ref, ops, answer), ops != nil)
}

// componentUpdate hands a SendUpdate message to its component, then
// renders the component alone.
func (s *session) componentUpdate(m updateMsg) {
	comp := s.comps.byID[m.id]
	if comp == nil {
		s.h.log.WarnContext(s.ctx, "live: update for an unknown component dropped", "component", m.id, "type", fmt.Sprintf("%T", m.msg))
		return
	}
	u, ok := comp.v.(Updater)
	if !ok {
		s.h.log.WarnContext(s.ctx, "live: update sent to a component without Update", "component", m.id, "type", fmt.Sprintf("%T", m.msg))
		return
	}
	if err := u.Update(s.ctx, s.conn, m.msg); err != nil {
		s.h.log.WarnContext(s.ctx, "live: component Update failed", "component", m.id, "type", fmt.Sprintf("%T", m.msg), "err", err)
	}
	if s.cur == nil {
		return // rendered when a connection attaches
	}
	s.deliverUpdate(s.renderComponent(comp))
}

// recoverForm applies a form the page recovers after a rejoin to the view,
// or to the component its events go to. The view was mounted afresh, so
// its components are mounted first, by a render of the view, in the state
// the view renders them.
func (s *session) recoverForm(f protocol.FormState) error {
	e := Event{Name: f.Event, Values: f.Values}
	if f.Component == "" {
		return s.callEvent(e)
	}
	if s.comps.gen == 0 { // not rendered yet
		if _, err := s.renderBody(s.ctx); err != nil {
			return err
		}
	}
	comp := s.comps.byID[f.Component]
	if comp == nil {
		return fmt.Errorf("%w %q", errUnknownComponent, f.Component)
	}
	if err := s.authorizeEvent(e); err != nil {
		return err
	}
	eh, ok := comp.v.(EventHandler)
	if !ok {
		return ErrUnknownEvent
	}
	return eh.HandleEvent(s.opCtx(), s.conn, e)
}
