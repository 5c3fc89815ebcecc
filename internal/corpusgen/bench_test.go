package corpusgen

import (
	"path/filepath"
	"testing"
)

// BenchmarkDoc measures generating one document of the mix (text, HTML, PDF),
// in memory; b.SetBytes counts the file bytes, so MB/s is the generator's.
func BenchmarkDoc(b *testing.B) {
	b.ReportAllocs()
	g := New(1)
	var n int64
	for i := 0; b.Loop(); i++ {
		n += int64(len(g.Doc(i).Data))
	}
	b.SetBytes(n / int64(max(1, b.N)))
}

// BenchmarkFormat measures each format alone.
func BenchmarkFormat(b *testing.B) {
	for _, f := range Formats {
		b.Run(f, func(b *testing.B) {
			g := New(1)
			// Find documents of this format once, outside the timing.
			var idx []int
			for i := 0; len(idx) < 64; i++ {
				if g.Doc(i).Format == f {
					idx = append(idx, i)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			var n int64
			for i := 0; b.Loop(); i++ {
				n += int64(len(g.Doc(idx[i%len(idx)]).Data))
			}
			b.SetBytes(n / int64(max(1, b.N)))
		})
	}
}

// BenchmarkWriteDir measures writing a 1000-document corpus to disk.
func BenchmarkWriteDir(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), "c")
		if err := WriteDir(dir, int64(i), 1000); err != nil {
			b.Fatal(err)
		}
	}
}
