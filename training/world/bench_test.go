package world

import "testing"

func BenchmarkRender(b *testing.B) {
	p := MustParsePrompt("lake at sunset with trees and house and boat and clouds, outlined")
	for i := 0; i < b.N; i++ {
		Render(Sample(p, Noise(int64(i))))
	}
}
