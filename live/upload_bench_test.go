package live_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
	"github.com/templive/templive/live"
)

// BenchmarkUpload200MB sends a 200 MB file through a real WebSocket in
// 64 KiB chunks, WINDOW (4) ahead of the acks as the browser client does,
// and reports the bytes allocated per MB uploaded (client and server, one
// process) and the peak heap in use while it runs: memory stays flat
// whatever the file's size. Run it with:
//
//	go test ./live -run '^$' -bench Upload200MB -benchtime 1x
func BenchmarkUpload200MB(b *testing.B) {
	const size = 200 << 20
	const chunkSize = 64 << 10
	const window = 4
	s, _, _ := newUploadServer(b, live.UploadConfig{MaxSize: size, ChunkSize: chunkSize}, nil)
	data := make([]byte, chunkSize)
	for b.Loop() {
		resp, err := s.Client().Get(s.URL)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tok := tokenRE.FindSubmatch(body)[1]
		ws, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(s.URL, "http"), nil)
		if err != nil {
			b.Fatal(err)
		}
		ws.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil, `[0,{"v":1,"t":%q,"u":%q}]`, tok, s.URL))
		ws.Read(context.Background()) // the join's reply
		ws.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil, `[4,1,"f",[["big.bin",%d,""]]]`, size))
		_, reply, _ := ws.Read(context.Background())
		const eref = 1 // the view's first entry
		if !strings.HasSuffix(string(reply), `,[65536,[[1,true]]]]`) {
			b.Fatalf("reply %s: the file was not accepted", reply)
		}
		runtime.GC()
		var before, now runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := before.HeapInuse
		frame := make([]byte, 0, protocol.MaxChunkHeader+chunkSize)
		var sent, acked int64
		for acked < size {
			for sent < size && sent-acked < window*chunkSize {
				frame = append(protocol.AppendChunkHeader(frame[:0], eref, sent), data...)
				if err := ws.Write(context.Background(), websocket.MessageBinary, frame); err != nil {
					b.Fatal(err)
				}
				sent += chunkSize
			}
			_, msg, err := ws.Read(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			var kind, ref int
			var got int64
			if n, _ := fmt.Sscanf(string(msg), "[%d,%d,%d]", &kind, &ref, &got); n == 3 && kind == protocol.KindAck {
				acked = got
			}
			if sent%(16<<20) == 0 {
				runtime.ReadMemStats(&now)
				peak = max(peak, now.HeapInuse)
			}
		}
		runtime.ReadMemStats(&now)
		peak = max(peak, now.HeapInuse)
		b.ReportMetric(float64(now.TotalAlloc-before.TotalAlloc)/(size>>20), "B/MB")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(peak-min(peak, before.HeapInuse))/(1<<20), "heap-growth-MB")
		ws.CloseNow()
	}
}
