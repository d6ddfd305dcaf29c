package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// A Line is one line of a log.
type Line struct {
	N    int
	Text string
}

// Log is a view whose lines live in the page: it keeps a Stream, which
// holds a line only until the render that sends it.
type Log struct {
	Lines *live.Stream[Line]
	next  int
}

func NewLog() live.View {
	l := &Log{Lines: live.NewStream(func(x Line) string { return fmt.Sprint("line-", x.N) })}
	l.Lines.SetLimit(-1000) // the page keeps the last 1,000
	l.add("started")
	l.add("listening")
	l.Lines.Insert(Line{N: 0, Text: "log of today"}, live.StreamStart)
	return l
}

func (l *Log) add(text string) {
	l.next++
	l.Lines.Append(Line{N: l.next, Text: text})
}

func (l *Log) Render() templ.Component {
	// In a .templ file:
	//	<ol id="log" { l.Lines.Attrs()... } live-viewport-top="older">
	//		for id, x := range l.Lines.Items() {
	//			<li id={ id }>{ x.Text }</li>
	//		}
	//	</ol>
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		io.WriteString(w, `<ol id="log"`)
		templ.RenderAttributes(ctx, w, l.Lines.Attrs())
		io.WriteString(w, `>`)
		for id, x := range l.Lines.Items() {
			fmt.Fprintf(w, `<li id="%s">%s</li>`, id, templ.EscapeString(x.Text))
		}
		_, err := io.WriteString(w, `</ol>`)
		return err
	})
}

func ExampleStream() {
	srv := httptest.NewServer(live.NewHandler(NewLog, nil))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	page := string(body)
	// The first render is plain HTML with the lines in their final order;
	// later renders send only new lines, as a stream op.
	fmt.Println(page[strings.Index(page, "<ol"):strings.Index(page, "</ol>")])
	// Output: <ol id="log" live-update="stream" live-stream="{&#34;r&#34;:true,&#34;l&#34;:-1000}"><li id="line-0">log of today</li><li id="line-1">started</li><li id="line-2">listening</li>
}
