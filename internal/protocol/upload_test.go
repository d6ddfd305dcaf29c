package protocol

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDecodeUpload(t *testing.T) {
	m, err := Decode([]byte(`[4,7,"photos",[["a.png",12,"image/png"],["b",0,""]]]`))
	if err != nil {
		t.Fatal(err)
	}
	want := Upload{Ref: 7, Name: "photos", Files: []File{{"a.png", 12, "image/png"}, {"b", 0, ""}}}
	if m.Kind != KindUpload || m.Upload.Ref != want.Ref || m.Upload.Name != want.Name || len(m.Upload.Files) != 2 || m.Upload.Files[0] != want.Files[0] || m.Upload.Files[1] != want.Files[1] {
		t.Fatalf("decoded %+v, want %+v", m.Upload, want)
	}
	m, err = Decode([]byte(`[5,3,100]`))
	if err != nil || m.Kind != KindProgress || *m.Progress != (Progress{Ref: 3, Loaded: 100}) {
		t.Fatalf("progress: %+v %v", m.Progress, err)
	}
	m, err = Decode([]byte(`[5,3,0,"network error"]`))
	if err != nil || m.Progress.Err != "network error" {
		t.Fatalf("progress with an error: %+v %v", m.Progress, err)
	}
}

func TestDecodeUploadRefuses(t *testing.T) {
	many := `[4,1,"f",[` + strings.Repeat(`["a",1,""],`, MaxUploadFiles) + `["a",1,""]]]`
	long := `[4,1,"f",[["` + strings.Repeat("x", MaxFileNameBytes+1) + `",1,""]]]`
	for _, tc := range []struct{ frame, want string }{
		{`[4,0,"f",[["a",1,""]]]`, "upload ref must be positive"},
		{`[4,1,"f"]`, "upload: want 4 elements"},
		{`[4,1,"",[["a",1,""]]]`, "upload name"},
		{`[4,1,3,[["a",1,""]]]`, "upload name"},
		{`[4,1,"f",[]]`, "upload files: want 1 to 64"},
		{`[4,1,"f",{}]`, "upload files: want an array"},
		{many, "upload files: want 1 to 64"},
		{long, "upload file name"},
		{`[4,1,"f",[["a",-1,""]]]`, "upload file size"},
		{`[4,1,"f",[["a",1.5,""]]]`, "upload file size"},
		{`[4,1,"f",[["a",9007199254740992,""]]]`, "upload file size"},
		{`[4,1,"f",[["a",1]]]`, "want [name, size, type]"},
		{`[4,1,"f",[["a",1,7]]]`, "upload file type"},
		{`[5,1]`, "progress: want 3 or 4"},
		{`[5,1,-5]`, "progress bytes"},
		{`[5,1,5,""]`, "progress error"},
		{`[5,1,5,3]`, "progress error"},
	} {
		_, err := Decode([]byte(tc.frame))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60s: error %v, want one containing %q", tc.frame, err, tc.want)
		}
	}
}

func TestChunkRoundTrip(t *testing.T) {
	for _, c := range []struct {
		ref uint64
		off int64
	}{{1, 0}, {127, 128}, {300, 1 << 40}, {maxSafeInt, maxSafeInt}} {
		frame := append(AppendChunkHeader(nil, c.ref, c.off), "data"...)
		ref, off, data, err := DecodeChunk(frame)
		if err != nil || ref != c.ref || off != c.off || string(data) != "data" {
			t.Errorf("%v: got %d %d %q %v", c, ref, off, data, err)
		}
	}
	for _, frame := range [][]byte{nil, {0}, {0x80}, {1}, {1, 0x80}, bytes.Repeat([]byte{0xff}, 11)} {
		if _, _, _, err := DecodeChunk(frame); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: error %v, want ErrMalformed", frame, err)
		}
	}
}

func TestAppendAck(t *testing.T) {
	if got := string(AppendAck(nil, 3, 65536, "")); got != `[7,3,65536]` {
		t.Errorf("ack %s", got)
	}
	if got := string(AppendAck(nil, 3, 0, `a "b"`)); got != `[7,3,0,"a \"b\""]` {
		t.Errorf("ack %s", got)
	}
}

// FuzzDecodeChunk: any bytes decode to an error or to a header that
// encodes back to the same bytes.
func FuzzDecodeChunk(f *testing.F) {
	f.Add(AppendChunkHeader(nil, 1, 0))
	f.Add(append(AppendChunkHeader(nil, 300, 1<<30), "abc"...))
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, frame []byte) {
		ref, off, data, err := DecodeChunk(frame)
		if err != nil {
			return
		}
		again := append(AppendChunkHeader(nil, ref, off), data...)
		if len(again) > len(frame) || !bytes.Equal(again[len(again)-len(data):], frame[len(frame)-len(data):]) {
			t.Fatalf("%x decodes to %d %d %x", frame, ref, off, data)
		}
	})
}

// FuzzDecodeUpload: an upload frame never panics the decoder and what it
// accepts stays within the limits.
func FuzzDecodeUpload(f *testing.F) {
	f.Add([]byte(`[4,7,"photos",[["a.png",12,"image/png"]]]`))
	f.Add([]byte(`[5,3,100,"x"]`))
	f.Fuzz(func(t *testing.T, frame []byte) {
		m, err := Decode(frame)
		if err != nil || m.Kind != KindUpload {
			return
		}
		if len(m.Upload.Files) == 0 || len(m.Upload.Files) > MaxUploadFiles || m.Upload.Ref == 0 {
			t.Fatalf("%s decoded to %+v", frame, m.Upload)
		}
		for _, f := range m.Upload.Files {
			if f.Size < 0 || len(f.Name) > MaxFileNameBytes || len(f.Type) > MaxFileTypeBytes {
				t.Fatalf("%s decoded to %+v", frame, f)
			}
		}
	})
}
