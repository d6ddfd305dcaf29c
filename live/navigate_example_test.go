package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Search keeps its query in the URL: a live-patch link or Conn.PushPatch
// changes it without a new view, and its title follows.
type Search struct{ Query string }

func (s *Search) HandleParams(ctx context.Context, c *live.Conn, u *url.URL) error {
	s.Query = u.Query().Get("q")
	return nil
}

func (s *Search) Title() string { return "Search: " + s.Query }

func (s *Search) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<p><a href="/search?q=go" live-patch>go</a></p>`)
		return err
	})
}

// A view that follows its URL and names its page; the default layout puts
// its title in the GET's <title>.
func ExampleParamsHandler() {
	h := live.NewHandler(func() live.View { return &Search{} }, nil)
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/search?q=templ")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(regexp.MustCompile(`<title>.*</title>`).FindString(string(body)))
	// Output: <title>Search: templ</title>
}

// The handlers of one app share a Site, so that live-navigate links and
// Conn.PushNavigate between them reuse the page's WebSocket. The app's
// middleware wraps them as usual: a navigation is an HTTP GET first.
func ExampleNewSite() {
	site := live.NewSite()
	opts := &live.Options{Site: site, PubSub: live.NewLocalPubSub()}
	mux := http.NewServeMux()
	mux.Handle("/search", live.NewHandler(func() live.View { return &Search{} }, opts))
	mux.Handle("/counter", live.NewHandler(func() live.View { return &Counter{} }, opts))
	mux.Handle("/_templive/", live.Assets())
	// http.ListenAndServe("127.0.0.1:8080", requireLogin(mux))
	fmt.Println("two live routes, one Site")
	// Output: two live routes, one Site
}
