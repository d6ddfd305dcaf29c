package htmldiff

import (
	"testing"

	"github.com/templive/templive/internal/protocol"
)

// BenchmarkFastParse is BenchmarkParse with the fast builder, which takes
// all the benchmark documents.
func BenchmarkFastParse(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			src := []byte(bc.after())
			var fb builder
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				fb.spans = fb.spans[:0]
				if _, err := fb.fastParse(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDocUpdate is what a render costs once rendered: Doc.Update
// from the last render to the new one (each iteration flips between the
// two documents) and the patch's encoding.
func BenchmarkDocUpdate(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			srcs := [2][]byte{[]byte(bc.before()), []byte(bc.after())}
			d, err := NewDoc(srcs[0])
			if err != nil {
				b.Fatal(err)
			}
			var ops []protocol.Op
			var buf []byte
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i ^= 1
				if ops, err = d.Update(ops[:0], srcs[i]); err != nil {
					b.Fatal(err)
				}
				buf = protocol.AppendOps(buf[:0], ops)
			}
			b.ReportMetric(float64(len(buf)), "patch-bytes")
		})
	}
}
