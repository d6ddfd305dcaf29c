package live_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// formView is the article's form: the server's copy of a query, kept up
// to date by live-change, plus a counter for state that no form holds.
type formView struct {
	query string
	count int
	stats *viewStats
	watch sync.Once
}

// viewStats counts what the views of one server went through.
type viewStats struct {
	mounts atomic.Int32 // Mount calls
	ended  atomic.Int32 // views whose context ended, among those that handled an event
}

func (v *formView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.stats.mounts.Add(1)
	return nil
}

func (v *formView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<form id="form" live-change="validate"><input name="query" value="%s"></form>`+
			`<p id="server-query">%[1]s</p><p id="count">%d</p>`, templ.EscapeString(v.query), v.count)
		return err
	})
}

func (v *formView) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	// ctx is the view's own: it ends with the view.
	v.watch.Do(func() { context.AfterFunc(ctx, func() { v.stats.ended.Add(1) }) })
	switch e.Name {
	case "validate":
		q := e.Get("query")
		if len(q) > 5 {
			return fmt.Errorf("%w: query: at most 5 characters, got %d", live.ErrBadValue, len(q))
		}
		v.query = q
	case "inc":
		v.count++
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

var formSecret = [][]byte{[]byte("a secret shared by every instance of the form app")}

// newFormServer serves formView on /form, with the secret every "instance"
// of this app shares, so that a page of one is recognised by another, as
// after a restart.
func newFormServer(t *testing.T, opts live.Options) (*server, *viewStats) {
	t.Helper()
	s := &server{logs: &logBuffer{}}
	stats := &viewStats{}
	opts.Secrets = formSecret
	opts.Logger = slog.New(slog.NewTextHandler(s.logs, nil))
	h := live.NewHandler(func() live.View { return &formView{stats: stats} }, &opts)
	mux := http.NewServeMux()
	mux.Handle("/form", h)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); s.Close() })
	return s, stats
}

// joinForms joins like server.join, with forms to recover (a JSON array).
func (s *server) joinForms(t *testing.T, tok string, applied int, forms string) (*client, string) {
	t.Helper()
	c := s.dial(t, "/form")
	c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/form","n":%d,"f":%s}]`, tok, s.URL, applied, forms))
	return c, c.read()
}

// waitUntil polls cond until it holds or the deadline passes.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const typed = `[["form","validate",{"query":"hello"}]]`

func TestFormsRecoveredOnlyWhenMountedAfresh(t *testing.T) {
	tests := []struct {
		name string
		// page returns the token of a page whose live connection then
		// joins srv with the page's forms.
		page       func(t *testing.T, srv *server) (tok string, applied int)
		wantReply  string
		wantMounts int32
		recovered  bool   // the view's query came from the join's forms
		wantCount  string // after one more inc
	}{
		{
			name: "adopted from the GET",
			page: func(t *testing.T, srv *server) (string, int) {
				_, tok := srv.page(t, "/form")
				return tok, 0
			},
			wantReply: `[0,0]`, wantMounts: 1, wantCount: "1",
		},
		{
			name: "resumed after a drop",
			page: func(t *testing.T, srv *server) (string, int) {
				_, tok := srv.page(t, "/form")
				c, _ := srv.joinForms(t, tok, 0, `[]`)
				c.send(`[1,1,"inc"]`)
				c.read()
				c.ws.CloseNow()
				return tok, 1
			},
			wantReply: `[0,0]`, wantMounts: 1, wantCount: "2",
		},
		{
			name: "mounted afresh after a restart",
			page: func(t *testing.T, srv *server) (string, int) {
				before, _ := newFormServer(t, live.Options{}) // the same app before it restarted
				_, tok := before.page(t, "/form")
				c, _ := before.joinForms(t, tok, 0, `[]`)
				c.send(`[1,1,"validate",{"query":"hello","_target":"query"}]`)
				c.read()
				return tok, 1
			},
			wantReply:  `[0,0,[[9,"",[],"<form id=\"form\" live-change=\"validate\"><input name=\"query\" value=\"hello\"></form><p id=\"server-query\">hello</p><p id=\"count\">0</p>"]]]`,
			wantMounts: 1, recovered: true, wantCount: "1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, stats := newFormServer(t, live.Options{})
			tok, applied := tt.page(t, srv)
			c, reply := srv.joinForms(t, tok, applied, typed)
			if reply != tt.wantReply {
				t.Fatalf("join reply\n got %s\nwant %s", reply, tt.wantReply)
			}
			if got := stats.mounts.Load(); got != tt.wantMounts {
				t.Errorf("Mount ran %d times on this server, want %d", got, tt.wantMounts)
			}
			// The view's state shows in the next replies: its count,
			// and whether its query already was the form's.
			c.send(`[1,9,"inc"]`)
			want := fmt.Sprintf(`[0,9,[[0,"count",[0],"%s"]]]`, tt.wantCount)
			if got := c.read(); got != want {
				t.Fatalf("after the join, inc: %s, want %s", got, want)
			}
			c.send(`[1,10,"validate",{"query":"hello"}]`)
			if got := c.read(); (got == `[0,10]`) != tt.recovered {
				t.Fatalf("validate hello after the join: %s; the view had recovered the form: %v, want %v", got, got == `[0,10]`, tt.recovered)
			}
		})
	}
}

func TestRecoveredFormsFailingValidation(t *testing.T) {
	srv, stats := newFormServer(t, live.Options{})
	other, _ := newFormServer(t, live.Options{})
	_, tok := other.page(t, "/form") // a page of an instance that is gone
	forms := `[["form","validate",{"query":"far too long"}],["second","inc",{}],["third","nope",{}]]`
	c, reply := srv.joinForms(t, tok, 0, forms)
	// The join succeeds with the view as the valid recoveries left it.
	if !strings.HasPrefix(reply, `[0,0,[[9,"",[],`) || !strings.Contains(reply, `value=\"\"`) || !strings.Contains(reply, `<p id=\"count\">1</p>`) {
		t.Fatalf("join reply %s: want a full render with an empty query and count 1", reply)
	}
	// Then each failure, as for any event: told to the page, logged.
	for _, want := range []string{
		`[3,0,"recovering form \"form\": live: bad event value: query: at most 5 characters, got 12"]`,
		`[3,0,"recovering form \"third\": unknown event \"nope\""]`,
	} {
		if got := c.read(); got != want {
			t.Fatalf("after the join reply:\n got %s\nwant %s", got, want)
		}
	}
	if logs := srv.logs.String(); strings.Count(logs, "form recovery event failed") != 2 {
		t.Errorf("want two log lines for the failed recoveries:\n%s", logs)
	}
	// The view carries on.
	c.send(`[1,1,"validate",{"query":"ok"}]`)
	if got := c.read(); !strings.HasPrefix(got, `[0,1,[`) || !strings.Contains(got, `"value","ok"]`) {
		t.Fatalf("next change: %s, want the query set to ok", got)
	}
	if stats.mounts.Load() != 1 {
		t.Errorf("Mount ran %d times, want 1", stats.mounts.Load())
	}
}

func TestRefusedJoinRecoversNothing(t *testing.T) {
	srv, stats := newFormServer(t, live.Options{})
	foreign := newServer(t, nil) // another app, another secret
	_, ftok := foreign.page(t, "/view")
	_, tok := srv.page(t, "/form")
	tampered := []byte(tok)
	tampered[len(tampered)-3] ^= 1
	for _, bad := range []string{ftok, string(tampered)} {
		_, reply := srv.joinForms(t, bad, 0, typed)
		if !strings.HasPrefix(reply, `[4,"`) {
			t.Fatalf("join with a bad token: %s, want a reload frame", reply)
		}
	}
	if stats.mounts.Load() != 1 {
		t.Fatalf("Mount ran %d times: a refused join mounted a view", stats.mounts.Load())
	}
	// The page's own view, adopted by its real token, never saw the forms.
	c, reply := srv.joinForms(t, tok, 0, `[]`)
	if reply != `[0,0]` {
		t.Fatalf("join with the page's token: %s", reply)
	}
	c.send(`[1,1,"validate",{"query":"hello"}]`)
	if got := c.read(); got == `[0,1]` {
		t.Fatal("the view's query was hello already: a refused join's forms reached it")
	}
}

func TestResumeTimeoutEndsTheView(t *testing.T) {
	srv, stats := newFormServer(t, live.Options{ResumeTimeout: 20 * time.Millisecond})
	_, tok := srv.page(t, "/form")
	c, _ := srv.joinForms(t, tok, 0, `[]`)
	c.send(`[1,1,"inc"]`)
	c.read()
	c.ws.CloseNow()
	waitUntil(t, "the detached view to expire", func() bool { return stats.ended.Load() == 1 })

	// Too late to resume: the rejoin mounts afresh and recovers the forms;
	// the count, which no form held, is lost.
	c2, reply := srv.joinForms(t, tok, 1, typed)
	if !strings.HasPrefix(reply, `[0,0,[[9,"",[],`) || !strings.Contains(reply, `<p id=\"server-query\">hello</p><p id=\"count\">0</p>`) {
		t.Fatalf("rejoin after expiry: %s, want a fresh render with the recovered query", reply)
	}
	if got := stats.mounts.Load(); got != 2 {
		t.Fatalf("Mount ran %d times, want 2", got)
	}
	// The fresh view counts refs from the page's next one.
	c2.send(`[1,2,"inc"]`)
	if got := c2.read(); got != `[0,2,[[0,"count",[0],"1"]]]` {
		t.Fatalf("inc on the fresh view: %s", got)
	}
}

func TestMaxDetachedBoundsKeptViews(t *testing.T) {
	srv, stats := newFormServer(t, live.Options{MaxDetached: 1})
	toks := make([]string, 2)
	conns := make([]*client, 2)
	for i := range toks {
		_, toks[i] = srv.page(t, "/form")
		conns[i], _ = srv.joinForms(t, toks[i], 0, `[]`)
		conns[i].send(`[1,1,"inc"]`)
		conns[i].read()
	}
	// Both pages lose their connection: only one view can wait.
	for _, c := range conns {
		c.ws.CloseNow()
	}
	waitUntil(t, "one view to end", func() bool { return stats.ended.Load() == 1 })

	var resumed, fresh int
	for _, tok := range toks {
		switch _, reply := srv.joinForms(t, tok, 1, `[]`); {
		case reply == `[0,0]`:
			resumed++
		case strings.Contains(reply, `<p id=\"count\">0</p>`):
			fresh++
		default:
			t.Fatalf("rejoin: %s", reply)
		}
	}
	if resumed != 1 || fresh != 1 {
		t.Fatalf("%d views resumed and %d mounted afresh, want 1 and 1", resumed, fresh)
	}
	if got := stats.ended.Load(); got != 1 {
		t.Fatalf("%d views ended, want 1", got)
	}
}
