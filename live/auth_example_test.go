package live_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/templive/templive/live"
)

type userKey struct{}

// withUser stands for the app's authentication middleware: it runs for
// the page's GET and for its WebSocket upgrade.
func withUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("session"); err == nil {
			r = r.WithContext(context.WithValue(r.Context(), userKey{}, c.Value))
		}
		next.ServeHTTP(w, r)
	})
}

func ExampleMountHook() {
	opts := &live.Options{OnMount: []live.MountHook{
		func(ctx context.Context, c *live.Conn, r *http.Request) error {
			session, ok := r.Context().Value(userKey{}).(string)
			if !ok {
				return c.Redirect("/login?next=" + r.URL.Path)
			}
			return c.SetSession(session) // DisconnectSession(ctx, ps, session) ends the page
		},
	}}
	srv := httptest.NewServer(withUser(live.NewHandler(func() live.View { return &Counter{} }, opts)))
	defer srv.Close()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL + "/counter")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"))
	// Output: 303 /login?next=/counter
}

// Admin is a view that knows whether its user is an admin (its Mount
// would set it from the request).
type Admin struct {
	Counter
	IsAdmin bool
}

func ExampleEventHook() {
	adminsOnly := func(ctx context.Context, c *live.Conn, v live.View, e live.Event) error {
		if a, ok := v.(*Admin); e.Name == "inc" && (!ok || !a.IsAdmin) {
			return errors.New("only admins may count")
		}
		return nil
	}
	_ = live.NewHandler(func() live.View { return &Admin{} }, &live.Options{OnEvent: []live.EventHook{adminsOnly}})
	// A refused event is answered [3, ref, "live: event \"inc\" refused:
	// only admins may count"]; HandleEvent does not run.
	fmt.Println(adminsOnly(context.Background(), nil, &Admin{}, live.Event{Name: "inc"}))
	// Output: only admins may count
}

func ExampleDisconnectSession() {
	ps := live.NewLocalPubSub() // the app's one PubSub: every Handler's Options.PubSub
	logout := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session, _ := r.Context().Value(userKey{}).(string)
		http.SetCookie(w, &http.Cookie{Name: "session", MaxAge: -1})
		// Every live page of the session, on every node, loads again and
		// meets the middleware without a session.
		if err := live.DisconnectSession(r.Context(), ps, session); err != nil {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
	_ = withUser(logout)
	fmt.Println(live.DisconnectSession(context.Background(), ps, ""))
	// Output: live: DisconnectSession: empty key
}

func ExampleConn_Redirect() {
	// From HandleEvent: the event's render goes out, then the page loads
	// the target.
	checkout := func(ctx context.Context, c *live.Conn, e live.Event) error {
		if e.Name == "pay" {
			return c.Redirect("/receipt?order=" + e.Get("order"))
		}
		return live.ErrUnknownEvent
	}
	_ = checkout
	// Only paths and http(s) URLs: a javascript: URL is refused.
	fmt.Println(new(live.Conn).Redirect("javascript:alert(1)"))
	// Output: live: Redirect("javascript:alert(1)"): want a path that starts with / or an http(s) URL
}
