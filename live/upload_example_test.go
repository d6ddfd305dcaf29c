package live_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/a-h/templ"

	"github.com/templive/templive/live"
)

// Avatar takes one image of up to 2 MB and saves it when the form is
// submitted.
type Avatar struct {
	conn  *live.Conn
	saved string
}

func (a *Avatar) Mount(ctx context.Context, c *live.Conn, r *http.Request) error {
	a.conn = c
	c.AllowUpload("avatar", live.UploadConfig{
		Accept:  []string{"image/png", "image/jpeg"},
		MaxSize: 2 << 20,
	})
	return nil
}

func (a *Avatar) Render() templ.Component {
	// In a .templ file:
	//   <input type="file" live-upload="avatar"/>
	//   for _, e := range entries {
	//     <img live-upload-preview={ e.Ref }/> <progress value={ e.Progress } max="100"/>
	//     if e.Err != nil { <p>{ e.Err.Error() }</p> }
	//     <button live-click="cancel" live-value-ref={ e.Ref }>cancel</button>
	//   }
	//   <button live-click="save">Save</button>
	entries := a.conn.Uploads("avatar")
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		fmt.Fprint(w, `<input type="file" live-upload="avatar"/>`)
		for _, e := range entries {
			fmt.Fprintf(w, `<p id="e%s">%s %d%%</p>`, e.Ref, templ.EscapeString(e.Name), e.Progress)
		}
		_, err := fmt.Fprintf(w, `<button live-click="save">Save</button><p>%s</p>`, templ.EscapeString(a.saved))
		return err
	})
}

func (a *Avatar) HandleEvent(ctx context.Context, c *live.Conn, e live.Event) error {
	switch e.Name {
	case "cancel":
		c.CancelUpload("avatar", e.Get("ref"))
	case "save":
		return c.ConsumeUploads("avatar", func(en live.UploadEntry, r io.Reader) error {
			f, err := os.Create(filepath.Join(os.TempDir(), "avatar"+filepath.Ext(en.Name)))
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(f, r); err != nil {
				return err
			}
			a.saved = en.Name
			return f.Close()
		})
	default:
		return live.ErrUnknownEvent
	}
	return nil
}

// A view declares its uploads in Mount, renders their entries, and moves
// the finished files to storage with ConsumeUploads.
func ExampleConn_AllowUpload() {
	mux := http.NewServeMux()
	mux.Handle("/avatar", live.NewHandler(func() live.View { return &Avatar{} }, nil))
}

// An External upload sends the bytes straight to a storage service: the
// func returns the presigned PUT URL (and headers) for each entry.
func ExampleUploadConfig_external() {
	presign := func(e live.UploadEntry) (live.ExternalUpload, error) {
		// A real app asks its storage service's SDK for a presigned URL.
		return live.ExternalUpload{
			URL:    "https://bucket.example.com/uploads/" + e.Ref + "?signature=...",
			Header: map[string]string{"Content-Type": e.Type},
		}, nil
	}
	_ = live.UploadConfig{MaxSize: 100 << 20, External: presign}
}

// ConsumeUploads, in an event handler, moves each finished file to real
// storage; a file still arriving waits for the next call.
func ExampleConn_ConsumeUploads() {
	var c *live.Conn // the view's, as HandleEvent receives it
	save := func() error {
		return c.ConsumeUploads("photos", func(e live.UploadEntry, r io.Reader) error {
			f, err := os.CreateTemp("", "photo-*"+filepath.Ext(e.Name))
			if err != nil {
				return err // the entry stays, for another try
			}
			defer f.Close()
			_, err = io.Copy(f, r)
			return err
		})
	}
	_ = save
}
