// Package feed is an endless list on a live.Stream: pages of posts load as
// the reader scrolls to the bottom (live-viewport-bottom), new posts go on
// top, any post can be deleted, and the page can be told to keep only the
// newest few or to start over. The view keeps where the reader is, never
// the posts: a reader who scrolled through ten thousand costs the server
// what one who read ten does.
package feed

import (
	"context"
	"fmt"
	"strconv"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// PageSize is how many posts each scroll to the bottom loads; Total is how
// many the feed has.
const (
	PageSize = 20
	Total    = 1000
	Keep     = 10 // the limit the "keep" button sets
)

// A Post is one item of the feed.
type Post struct {
	N    int // 1 is the oldest; new posts count on from Total
	Text string
}

// View is one reader's feed.
type View struct {
	Posts  *live.Stream[Post]
	Next   int // the next post to load, counting down from Total
	Fresh  int // new posts made so far
	Loaded int // posts loaded by scrolling, for the status line
}

// New returns a feed showing its first page, one per page load.
func New() live.View {
	v := &View{Posts: live.NewStream(func(p Post) string { return "post-" + strconv.Itoa(p.N) }), Next: Total}
	v.load()
	return v
}

// post is the n-th post of the feed. A real app would read a page from its
// store with a cursor; the view keeps only the cursor.
func post(n int) Post { return Post{N: n, Text: fmt.Sprintf("Post number %d", n)} }

// load appends the next page of older posts.
func (v *View) load() {
	for i := 0; i < PageSize && v.Next > 0; i++ {
		v.Posts.Append(post(v.Next))
		v.Next--
		v.Loaded++
	}
}

// Render shows the feed.
func (v *View) Render() templ.Component { return page(v) }

// HandleEvent loads more (more), adds a post on top (new), deletes one
// (delete, with n), keeps only the newest Keep (keep), or starts over
// (reset).
func (v *View) HandleEvent(_ context.Context, _ *live.Conn, e live.Event) error {
	switch e.Name {
	case "more":
		v.load()
	case "new":
		v.Fresh++
		v.Posts.Insert(Post{N: Total + v.Fresh, Text: fmt.Sprintf("New post %d", v.Fresh)}, live.StreamStart)
	case "delete":
		n, err := e.Int("n")
		if err != nil {
			return err
		}
		v.Posts.Delete(Post{N: n})
	case "keep":
		v.Posts.SetLimit(Keep) // the page trims the rest from the end
	case "reset":
		v.Next, v.Loaded = Total, 0
		v.Posts.SetLimit(0)
		v.Posts.Reset()
		v.load()
	default:
		return live.ErrUnknownEvent
	}
	return nil
}
