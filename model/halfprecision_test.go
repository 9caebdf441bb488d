package model

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/x448/float16"

	"dualprocess/model/safetensors"
)

// asHalf re-encodes a safetensors file's F32 tensors in half
// precision, as a Python tool saving model.half() or bfloat16 weights
// writes them.
func asHalf(t *testing.T, f *safetensors.File, dtype safetensors.DType) []byte {
	t.Helper()
	header := map[string]any{"__metadata__": f.Metadata}
	var body []byte
	for _, name := range f.Names() {
		ten := f.Tensors[name]
		if ten.DType != safetensors.F32 {
			t.Fatalf("%s is %s", name, ten.DType)
		}
		begin := len(body)
		for _, v := range ten.F32 {
			h := float16.Fromfloat32(v).Bits()
			if dtype == safetensors.BF16 {
				h = uint16(math.Float32bits(v) >> 16) // truncated, as a plain cast does
			}
			body = binary.LittleEndian.AppendUint16(body, h)
		}
		header[name] = map[string]any{"dtype": dtype, "shape": ten.Shape, "data_offsets": []int{begin, len(body)}}
	}
	js, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	return append(append(binary.LittleEndian.AppendUint64(nil, uint64(len(js))), js...), body...)
}

// TestHalfPrecisionWeightsLoad: the generator saved in F16 or BF16 by
// another tool loads and draws what the F32 one draws, to the precision of
// its weights.
func TestHalfPrecisionWeightsLoad(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	path := filepath.Join(t.TempDir(), "gen.safetensors")
	if err := gen.Save(path); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := run[float32](t, gen)
	for dtype, tol := range map[safetensors.DType]float64{safetensors.F16: 0.01, safetensors.BF16: 0.05} {
		half, err := DecodeGenerator(asHalf(t, f, dtype), string(dtype))
		if err != nil {
			t.Fatalf("%s: %v", dtype, err)
		}
		var worst float64
		for i, v := range run[float32](t, half) {
			worst = math.Max(worst, math.Abs(float64(v-want[i])))
		}
		if worst > tol || worst == 0 {
			t.Errorf("%s: largest pixel difference %.4f from the F32 generator, want (0, %g]", dtype, worst, tol)
		}
		t.Logf("%s: largest pixel difference %.4f", dtype, worst)
	}
}
