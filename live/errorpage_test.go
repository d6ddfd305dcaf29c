package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/a-h/templ"
	"github.com/coder/websocket"

	"github.com/templive/templive/live"
)

// invoiceView shows the invoice its page's ?id= names, from a store the
// test changes: an unknown id is not found, "secret" is forbidden, "bad"
// fails with a plain error; an invoice stored as "revoked" is forbidden.
type invoiceView struct {
	store *sync.Map
	id    string
}

func (v *invoiceView) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	v.id = r.URL.Query().Get("id")
	switch v.id {
	case "secret":
		return fmt.Errorf("invoice %s: %w", v.id, live.ErrForbidden)
	case "bad":
		return fmt.Errorf("the database said no to invoice %s", v.id)
	}
	switch state, _ := v.store.Load(v.id); state {
	case nil:
		return fmt.Errorf("invoice %s: %w", v.id, live.ErrNotFound)
	case "revoked":
		return fmt.Errorf("invoice %s: %w", v.id, live.ErrForbidden)
	}
	return nil
}

func (v *invoiceView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<p id="invoice">invoice %s</p>`, v.id)
		return err
	})
}

func newInvoiceServer(t *testing.T, store *sync.Map, opts *live.Options) *server {
	t.Helper()
	if opts == nil {
		opts = &live.Options{}
	}
	opts.Secrets = crashSecret
	return serveView(t, func() live.View { return &invoiceView{store: store} }, opts)
}

// appErrorPage is an app's error page: it tells the status apart and shows
// what the app chooses of the error.
func appErrorPage(r *http.Request, status int, err error) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, werr := fmt.Fprintf(w, `<h1 id="oops">Sorry: %d</h1><p>%s</p>`, status, templ.EscapeString(r.URL.Query().Get("id")))
		return werr
	})
}

func get(t *testing.T, s *server, path string) (int, string) {
	t.Helper()
	resp, err := s.Client().Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestMountErrorsAnswerWithTheErrorPage(t *testing.T) {
	store := &sync.Map{}
	store.Store("7", true)
	layout := func(page templ.Component) templ.Component {
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			io.WriteString(w, `<!DOCTYPE html><html><body><nav>app chrome</nav>`)
			if err := page.Render(ctx, w); err != nil {
				return err
			}
			_, err := io.WriteString(w, `</body></html>`)
			return err
		})
	}
	tests := []struct {
		name, id  string
		errorPage func(*http.Request, int, error) templ.Component
		status    int
		want      []string // in the body
		notWant   []string
	}{
		{"not found, app page", "8", appErrorPage, 404, []string{"app chrome", `<h1 id="oops">Sorry: 404</h1><p>8</p>`}, nil},
		{"forbidden, app page", "secret", appErrorPage, 403, []string{"app chrome", "Sorry: 403"}, nil},
		{"other error, app page", "bad", appErrorPage, 500, []string{"app chrome", "Sorry: 500"}, []string{"database"}},
		{"not found, default page", "8", nil, 404, []string{"app chrome", "<h1>404 Not Found</h1>"}, []string{"invoice 8"}},
		{"forbidden, default page", "secret", nil, 403, []string{"<h1>403 Forbidden</h1>"}, []string{"invoice"}},
		{"other error, default page", "bad", nil, 500, []string{"<h1>500 Internal Server Error</h1>"}, []string{"database"}},
		{"nil component, default page", "8", func(*http.Request, int, error) templ.Component { return nil }, 404, []string{"<h1>404 Not Found</h1>"}, nil},
		{"panicking error page, plain text", "8", func(*http.Request, int, error) templ.Component { panic("error page bug") }, 404, []string{"Not Found"}, []string{"app chrome", "<h1>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newInvoiceServer(t, store, &live.Options{Layout: layout, ErrorPage: tt.errorPage})
			status, body := get(t, s, "/view?id="+tt.id)
			if status != tt.status {
				t.Fatalf("GET: status %d, want %d\n%s", status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q:\n%s", w, body)
				}
			}
			for _, w := range append(tt.notWant, "live-root", "<script") {
				if strings.Contains(body, w) {
					t.Errorf("body has %q (an error page is a plain page):\n%s", w, body)
				}
			}
			// The page that exists is served as ever.
			if _, ok := store.Load("7"); ok {
				s.page(t, "/view?id=7")
			}
		})
	}
}

// A page whose view the server lost (restart, other instance) rejoins and
// mounts afresh; if its invoice was deleted (or access to it revoked)
// meanwhile, the join is told to reload, and the reload gets the 404 (403)
// page.
func TestJoinWhoseMountIsNotFoundReloads(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(store *sync.Map)
		reason string
		status int
	}{
		{"deleted", func(store *sync.Map) { store.Delete("7") }, "not found", 404},
		{"revoked", func(store *sync.Map) { store.Store("7", "revoked") }, "forbidden", 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			store := &sync.Map{}
			store.Store("7", true)
			first := newInvoiceServer(t, store, &live.Options{ErrorPage: appErrorPage})
			s := newInvoiceServer(t, store, &live.Options{ErrorPage: appErrorPage})
			_, tok := first.page(t, "/view?id=7")
			tt.change(store)
			c := s.dial(t, "/view?id=7")
			c.send(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view?id=7","n":0,"f":[]}]`, tok, s.URL))
			if got := c.read(); got != `[4,"`+tt.reason+`"]` {
				t.Fatalf("answer to the join: %s, want a reload frame", got)
			}
			if err := c.readErr(); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Fatalf("after the reload frame: %v, want close 1008", err)
			}
			status, body := get(t, s, "/view?id=7")
			if status != tt.status || !strings.Contains(body, fmt.Sprintf("Sorry: %d", tt.status)) {
				t.Fatalf("the reload: %d\n%s", status, body)
			}
		})
	}
}
