package pretrain

import (
	"context"
	"testing"

	"dualprocess/assets"
	"dualprocess/model"
)

// The shipped weights (assets/generator.safetensors) on 512 held-out
// (prompt, seed) pairs against the acceptance bars.
func TestShippedWeightsReproduceTheRenderer(t *testing.T) {
	gen, err := model.DecodeGenerator(assets.Generator, "assets/generator.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	r, err := EvaluateHeldOut(context.Background(), gen, 512)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("512 held-out pairs: %s", r)
	horizon, line, palette := r.Rates()
	if horizon < 0.95 {
		t.Errorf("horizon within %d px in %.1f%%, want >= 95%%", HorizonTolerance, 100*horizon)
	}
	if r.MAE > 0.06 {
		t.Errorf("mean absolute pixel error %.4f, want <= 0.06", r.MAE)
	}
	if line < 0.90 {
		t.Errorf("line width agrees in %.1f%%, want >= 90%%", 100*line)
	}
	if palette < 0.90 {
		t.Errorf("palette agrees in %.1f%%, want >= 90%%", 100*palette)
	}
}
