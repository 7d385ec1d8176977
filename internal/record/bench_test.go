package record

import (
	"bytes"
	"io"
	"testing"
)

var benchLine = []byte("disk.used_pct;host=web1;mount=/var/lib/postgresql 18.62 1764045000")

func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(benchLine) + 1))
	for b.Loop() {
		if _, err := Parse(benchLine, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	r, _ := Parse(benchLine, now)
	var buf []byte
	b.SetBytes(int64(len(benchLine) + 1))
	for b.Loop() {
		buf = r.Append(buf[:0])
	}
}

func BenchmarkReader(b *testing.B) {
	in := bytes.Repeat(append(benchLine, '\n'), 10000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r := NewReader(bytes.NewReader(in), "bench")
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkParseKey(b *testing.B) {
	b.SetBytes(int64(len(benchLine) + 1))
	var key []byte
	for b.Loop() {
		var err error
		if key, _, _, err = ParseKey(benchLine, now, key); err != nil {
			b.Fatal(err)
		}
	}
}
