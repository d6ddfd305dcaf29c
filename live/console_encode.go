package live

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"path"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/templive/templive/internal/protocol"
)

// How the dev console writes a slog record for the browser: JSON built by
// hand, so that any attribute value prints (cycles, funcs and channels as
// their type) and nothing the app logs can fail the record.

// encode returns a record's wire form without its leading "[seq" (see
// docs/protocol.md): `,time,level,"msg",{attrs},"source","view"]`.
func (d *DevConsole) encode(ctx context.Context, r slog.Record) []byte {
	attrs := make([]slog.Attr, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, a)
		return true
	})
	for i := len(d.goas) - 1; i >= 0; i-- {
		g := d.goas[i]
		if g.group == "" {
			attrs = append(slices.Clip(g.attrs), attrs...)
		} else if len(attrs) > 0 { // an empty group is left out, as slog does
			attrs = []slog.Attr{{Key: g.group, Value: slog.GroupValue(attrs...)}}
		}
	}
	var ms int64
	if !r.Time.IsZero() {
		ms = r.Time.UnixMilli()
	}
	b := make([]byte, 0, 128)
	b = append(b, ',')
	b = strconv.AppendInt(b, ms, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Level), 10)
	b = append(b, ',')
	b = protocol.AppendString(b, r.Message)
	b = append(b, ',')
	b = appendObject(b, attrs, 0)
	b = append(b, ',')
	b = protocol.AppendString(b, source(r.PC))
	b = append(b, ',')
	var view string
	if ctx != nil {
		if s, ok := ctx.Value(sessionKey{}).(*session); ok {
			view = consoleID(s.id)
		}
	}
	b = protocol.AppendString(b, view)
	return append(b, ']')
}

// consoleID is how a view is named in log frames: enough of its random id
// to tell the views of one server apart, not the whole of it.
func consoleID(id viewID) string {
	return hex.EncodeToString(id[:8])
}

// source is "dir/file.go:line" of pc, or "".
func source(pc uintptr) string {
	if pc == 0 {
		return ""
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	if f.File == "" {
		return ""
	}
	return path.Join(path.Base(path.Dir(f.File)), path.Base(f.File)) + ":" + strconv.Itoa(f.Line)
}

// appendObject appends attrs as a JSON object. Groups nest; a group with
// no attributes is left out and one with an empty key is inlined, as slog
// handlers do.
func appendObject(b []byte, attrs []slog.Attr, depth int) []byte {
	b = append(b, '{')
	n := len(b)
	b = appendMembers(b, attrs, depth)
	if len(b) > n {
		b = b[:len(b)-1] // the last comma
	}
	return append(b, '}')
}

// appendMembers appends `"key":value,` for each attribute.
func appendMembers(b []byte, attrs []slog.Attr, depth int) []byte {
	for _, a := range attrs {
		v := a.Value.Resolve() // recovers a panicking LogValue
		if a.Key == "" && v.Kind() == slog.KindAny && v.Any() == nil {
			continue // the zero Attr
		}
		if v.Kind() == slog.KindGroup {
			g := v.Group()
			switch {
			case len(g) == 0:
				continue
			case depth >= consoleDepth:
				b = protocol.AppendString(b, a.Key)
				b = append(b, `:"…",`...)
				continue
			case a.Key == "":
				b = appendMembers(b, g, depth+1)
				continue
			}
			b = protocol.AppendString(b, a.Key)
			b = append(b, ':')
			b = appendObject(b, g, depth+1)
			b = append(b, ',')
			continue
		}
		b = protocol.AppendString(b, a.Key)
		b = append(b, ':')
		b = appendValue(b, v)
		b = append(b, ',')
	}
	return b
}

func appendValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return protocol.AppendString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return protocol.AppendString(b, strconv.FormatFloat(f, 'g', -1, 64))
		}
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return protocol.AppendString(b, v.Duration().String())
	case slog.KindTime:
		return protocol.AppendString(b, v.Time().Format(time.RFC3339Nano))
	}
	return appendAny(b, v.Any())
}

// appendAny appends x as JSON: an error as its message, anything else as
// encoding/json encodes it. What does not encode (a channel, a func, a
// cycle, a panicking method, a huge value) becomes the name of its type.
func appendAny(b []byte, x any) (out []byte) {
	defer func() {
		if recover() != nil {
			out = protocol.AppendString(b, fmt.Sprintf("%T", x))
		}
	}()
	if err, ok := x.(error); ok {
		return protocol.AppendString(b, err.Error())
	}
	j, err := json.Marshal(x)
	if err != nil || len(j) > consoleAnyMax {
		return protocol.AppendString(b, fmt.Sprintf("%T", x))
	}
	return append(b, j...)
}
