package live_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/templive/templive/live"
)

// A client may send its first frames in the same packet as the upgrade
// request, so that they reach the server before it has switched protocols
// (net/http has read them already). Whether they fit the connection's small
// buffer or not, none is lost.
func TestFramesSentWithTheUpgradeAreRead(t *testing.T) {
	for _, beats := range []int{0, 1, 100} { // 100 heartbeats: 900 bytes, more than the small buffer
		t.Run(fmt.Sprintf("join and %d heartbeats", beats), func(t *testing.T) {
			srv, _ := probeServer(t, func() live.View { return &probe{out: "hi"} }, &live.Options{EventRate: 1000, EventBurst: 1000})
			_, tok := srv.page(t, "/view")
			conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			var out bytes.Buffer
			fmt.Fprintf(&out, "GET /view HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
				"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", conn.RemoteAddr())
			out.Write(clientFrame(fmt.Sprintf(`[0,{"v":1,"t":%q,"u":"%s/view","n":0}]`, tok, srv.URL)))
			for range beats {
				out.Write(clientFrame(`[2]`))
			}
			if _, err := conn.Write(out.Bytes()); err != nil { // one write: the frames travel with the request
				t.Fatal(err)
			}
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusSwitchingProtocols {
				t.Fatalf("upgrade: %s", resp.Status)
			}
			// The reader answers heartbeats itself, the view the join:
			// the join's answer may come after some of the pongs.
			joins, pongs := 0, 0
			for range 1 + beats {
				switch got := serverFrame(t, br); got {
				case "[0,0]":
					joins++
				case "[2]":
					pongs++
				default:
					t.Fatalf("frame %s, want a join reply [0,0] or a pong [2]", got)
				}
			}
			if joins != 1 || pongs != beats {
				t.Fatalf("%d join replies and %d pongs, want 1 and %d", joins, pongs, beats)
			}
		})
	}
}

// clientFrame is one masked text frame, as a client sends it.
func clientFrame(payload string) []byte {
	mask := [4]byte{1, 2, 3, 4}
	f := []byte{0x81}
	if n := len(payload); n < 126 {
		f = append(f, 0x80|byte(n))
	} else {
		f = append(f, 0x80|126)
		f = binary.BigEndian.AppendUint16(f, uint16(n))
	}
	f = append(f, mask[:]...)
	for i := range len(payload) {
		f = append(f, payload[i]^mask[i%4])
	}
	return f
}

// serverFrame reads one unmasked text frame of under 64 KiB.
func serverFrame(t testing.TB, br *bufio.Reader) string {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		t.Fatal(err)
	}
	if h[0] != 0x81 {
		t.Fatalf("frame header %#x, want a final text frame", h[0])
	}
	n := int(h[1] & 0x7f)
	if n == 126 {
		var ext [2]byte
		if _, err := io.ReadFull(br, ext[:]); err != nil {
			t.Fatal(err)
		}
		n = int(binary.BigEndian.Uint16(ext[:]))
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(br, p); err != nil {
		t.Fatal(err)
	}
	return string(p)
}
