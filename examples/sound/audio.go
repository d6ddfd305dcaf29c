package sound

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"math"
	"net/http"
	"path"
	"sync"
	"time"
)

// The demo's sounds are synthesised here, when first asked for: small
// 16-bit mono WAV files made for the project, no third-party assets.
const rate = 16000 // samples per second

// A note is a tone of the jingle: its frequency, when it starts and how
// long it rings, in seconds.
type note struct{ hz, at, dur float64 }

var sounds = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		// click: a short, bright tick.
		"click.wav": wav(0.05, func(t float64) float64 {
			return 0.6 * math.Sin(2*math.Pi*1800*t) * math.Exp(-t/0.008)
		}),
		// donk: a dull thud whose pitch falls: nothing happened.
		"donk.wav": wav(0.25, func(t float64) float64 {
			// The pitch falls from 160 Hz to 90 Hz; the phase is its integral.
			phase := 2 * math.Pi * (90*t + 3.5*(1-math.Exp(-t/0.05)))
			return 0.6 * (math.Sin(phase) + 0.3*math.Sin(2*phase)) * math.Exp(-t/0.07)
		}),
		// win: a rising arpeggio, C E G, then a held C.
		"win.wav": jingle([]note{{523.25, 0, 0.2}, {659.25, 0.15, 0.2}, {783.99, 0.3, 0.2}, {1046.5, 0.45, 0.75}}),
	}
})

// jingle mixes notes, each a soft triangle-like tone with its own decay.
func jingle(notes []note) []byte {
	end := 0.0
	for _, n := range notes {
		end = max(end, n.at+n.dur)
	}
	return wav(end, func(t float64) float64 {
		v := 0.0
		for _, n := range notes {
			u := t - n.at
			if u < 0 || u > n.dur {
				continue
			}
			attack := min(1, u/0.005)
			release := min(1, (n.dur-u)/0.03)
			tone := math.Sin(2*math.Pi*n.hz*u) + math.Sin(2*math.Pi*3*n.hz*u)/9
			v += 0.35 * tone * attack * release * math.Exp(-u/0.4)
		}
		return v
	})
}

// wav renders f, sampled over seconds, as a 16-bit mono PCM WAV file.
func wav(seconds float64, f func(t float64) float64) []byte {
	n := int(seconds * rate)
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))       // fmt chunk size
	le(uint16(1))        // PCM
	le(uint16(1))        // mono
	le(uint32(rate))     // sample rate
	le(uint32(2 * rate)) // byte rate
	le(uint16(2))        // block align
	le(uint16(16))       // bits per sample
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		v := max(-1, min(1, f(float64(i)/rate)))
		le(int16(v * math.MaxInt16))
	}
	return b.Bytes()
}

//go:embed hooks.js
var hooksJS []byte

// AssetPath is where Files must be mounted: the URLs the page uses start
// with it.
const AssetPath = "/static/sound/"

// Files serves the demo's sounds and its hooks script (hooks.js), by base
// name, with a day's caching.
func Files() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		body, ctype := sounds()[name], "audio/wav"
		if name == "hooks.js" {
			body, ctype = hooksJS, "text/javascript; charset=utf-8"
		}
		if body == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	})
}
