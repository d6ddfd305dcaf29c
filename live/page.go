package live

import (
	"bytes"
	"context"
	"html"
	"io"
	"sync"

	"github.com/a-h/templ"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderView renders v's component into a fresh byte slice.
func renderView(ctx context.Context, v View) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := v.Render().Render(ctx, buf); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// livePage is the component handed to the layout: the live root holding the
// view's HTML exactly as the server parsed it, then the client script. No
// inline script: a strict Content-Security-Policy works.
func livePage(token string, body []byte, scriptURL string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		// The token is base64url and the URL a fixed path: both are
		// attribute-safe, but escape them anyway: cheap and robust.
		if _, err := io.WriteString(w, `<div live-root live-token="`+html.EscapeString(token)+`">`); err != nil {
			return err
		}
		if _, err := w.Write(body); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</div><script defer src="`+html.EscapeString(scriptURL)+`"></script>`)
		return err
	})
}

// defaultLayout is a minimal HTML5 document around the live page.
func defaultLayout(page templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		title := PageTitle(ctx)
		if title == "" {
			title = "templive"
		}
		if _, err := io.WriteString(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`+
			`<meta name="viewport" content="width=device-width, initial-scale=1"><title>`+html.EscapeString(title)+`</title></head><body>`); err != nil {
			return err
		}
		if err := page.Render(ctx, w); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</body></html>`)
		return err
	})
}
