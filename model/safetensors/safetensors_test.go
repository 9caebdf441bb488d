package safetensors

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sample() *File {
	return &File{
		Metadata: map[string]string{"format": "pt", "config": `{"r":4}`},
		Tensors: map[string]Tensor{
			"b.weight": NewF32([]float32{1, -2, 3.5, float32(math.Inf(1)), 0, 6}, 2, 3),
			"a.bias":   NewF32([]float32{0.25}, 1),
			"c.scalar": NewF64([]float64{math.Pi}),
			"d.empty":  NewF32([]float32{}, 0, 4),
		},
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := Write(path, sample()); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	if !reflect.DeepEqual(got.Metadata, want.Metadata) {
		t.Errorf("metadata %v, want %v", got.Metadata, want.Metadata)
	}
	if !reflect.DeepEqual(got.Names(), want.Names()) {
		t.Fatalf("names %v, want %v", got.Names(), want.Names())
	}
	for _, n := range want.Names() {
		g, w := got.Tensors[n], want.Tensors[n]
		if g.DType != w.DType || !reflect.DeepEqual(g.Shape, w.Shape) || g.Len() != w.Len() {
			t.Errorf("%s: got %s %v len %d, want %s %v len %d", n, g.DType, g.Shape, g.Len(), w.DType, w.Shape, w.Len())
		}
		for i := range g.F32 {
			if math.Float32bits(g.F32[i]) != math.Float32bits(w.F32[i]) {
				t.Errorf("%s[%d] = %v, want %v", n, i, g.F32[i], w.F32[i])
			}
		}
		for i := range g.F64 {
			if g.F64[i] != w.F64[i] {
				t.Errorf("%s[%d] = %v, want %v", n, i, g.F64[i], w.F64[i])
			}
		}
	}
	// Header padded to 8 bytes; no temp files left behind.
	data, _ := os.ReadFile(path)
	if n := binary.LittleEndian.Uint64(data); n%8 != 0 {
		t.Errorf("header length %d not a multiple of 8", n)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(entries))
	}
}

func TestEncodeIsDeterministicAndSorted(t *testing.T) {
	a, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		b, _ := Encode(sample())
		if string(a) != string(b) {
			t.Fatal("Encode is not deterministic")
		}
	}
	// Data order follows sorted names: a.bias comes first at offset 0.
	if !strings.Contains(string(a), `"a.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`) {
		t.Errorf("unexpected header %s", a[8:8+binary.LittleEndian.Uint64(a)])
	}
}

// build makes raw file bytes from a header string and a data section.
func build(header string, body []byte) []byte {
	out := make([]byte, 8)
	binary.LittleEndian.PutUint64(out, uint64(len(header)))
	return append(append(out, header...), body...)
}

func TestCorruptFiles(t *testing.T) {
	body8 := make([]byte, 8)
	tests := []struct {
		name, want string
		data       []byte
	}{
		{"empty", "too short", nil},
		{"short", "too short", []byte{1, 2, 3}},
		{"header past end", "exceeds the 4 bytes", append(binary.LittleEndian.AppendUint64(nil, 5), "{}  "...)},
		{"huge header", "exceeds the maximum", binary.LittleEndian.AppendUint64(nil, 1<<62)},
		{"not an object", "does not start with '{'", build(`[1,2]`, nil)},
		{"bad json", "header:", build(`{"a":`, nil)},
		{"trailing json", "trailing data", build(`{} {}`, nil)},
		{"invalid utf8", "UTF-8", build("{\"\xff\":1}", nil)},
		{"unknown dtype", `dtype "I64" not supported`, build(`{"w":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}`, make([]byte, 16))},
		{"f16 size mismatch", "needs 4", build(`{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}`, body8)},
		{"missing shape", "missing shape", build(`{"w":{"dtype":"F32","data_offsets":[0,4]}}`, make([]byte, 4))},
		{"negative dim", "negative dimension", build(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4))},
		{"huge shape", "too large", build(`{"w":{"dtype":"F32","shape":[1000000000,1000000000],"data_offsets":[0,4]}}`, make([]byte, 4))},
		{"fractional dim", "header:", build(`{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, make([]byte, 4))},
		{"one offset", "data_offsets must be", build(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4]}}`, make([]byte, 4))},
		{"reversed offsets", "invalid data_offsets", build(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, make([]byte, 4))},
		{"offsets past data", "run past the data section", build(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 4))},
		{"size mismatch", "needs 8", build(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4))},
		{"overlap", "overlap", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, body8)},
		{"gap", "gap in the data section", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, body8)},
		{"unused tail", "tensors cover 4", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, body8)},
		{"duplicate name", `duplicate tensor name "a"`, build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, body8)},
		{"duplicate field", `duplicate key "shape"`, build(`{"a":{"dtype":"F32","shape":[2],"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4))},
		{"unknown field", "unknown field", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, make([]byte, 4))},
		{"metadata not strings", "__metadata__ must be an object of strings", build(`{"__metadata__":{"r":4}}`, nil)},
		{"metadata null", "__metadata__ must be", build(`{"__metadata__":null}`, nil)},
		{"duplicate metadata", "duplicate __metadata__", build(`{"__metadata__":{},"__metadata__":{}}`, nil)},
		{"empty name", "empty tensor name", build(`{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4))},
		{"tensor not object", `tensor "a"`, build(`{"a":[1]}`, nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.data, "bad.safetensors")
			if err == nil {
				t.Fatalf("accepted a corrupt file")
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("error %v is not an *Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.safetensors") {
				t.Errorf("error %q does not mention %q and the file", err, tc.want)
			}
		})
	}
}

// TestReadsHalfPrecisionAsFloat32: F16 and BF16 tensors, as most published
// weights are stored, are read widened to F32 with their exact values.
func TestReadsHalfPrecisionAsFloat32(t *testing.T) {
	halves := func(bits ...uint16) []byte {
		var b []byte
		for _, h := range bits {
			b = binary.LittleEndian.AppendUint16(b, h)
		}
		return b
	}
	inf := float32(math.Inf(1))
	f16 := halves(0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00) // 1, -2, 0.5, 65504, 2^-24 (subnormal), +Inf
	bf16 := halves(0x3f80, 0xc020, 0x4049)                        // 1, -2.5, 3.140625
	data := build(`{"h":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[12,18]}}`,
		append(append(f16, bf16...), 0, 0)[:18])
	f, err := Decode(data, "half.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]float32{
		"h": {1, -2, 0.5, 65504, float32(math.Ldexp(1, -24)), inf},
		"b": {1, -2.5, 3.140625},
	} {
		got := f.Tensors[name]
		if got.DType != F32 || !reflect.DeepEqual(got.F32, want) {
			t.Errorf("%s: %s %v, want F32 %v", name, got.DType, got.F32, want)
		}
	}
	if !reflect.DeepEqual(f.Tensors["h"].Shape, []int{2, 3}) {
		t.Errorf("shape %v", f.Tensors["h"].Shape)
	}
}

func TestErrorNamesTensor(t *testing.T) {
	_, err := Decode(build(`{"conv1.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), "g.safetensors")
	if err == nil || !strings.Contains(err.Error(), `tensor "conv1.weight"`) {
		t.Errorf("error %v does not name the tensor", err)
	}
}

func TestAcceptsValidEdgeCases(t *testing.T) {
	for name, data := range map[string][]byte{
		"no tensors":     build(`{}`, nil),
		"padded header":  build(`{}      `, nil),
		"metadata only":  build(`{"__metadata__":{"a":"b"}}`, nil),
		"zero-size":      build(`{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, nil),
		"scalar":         build(`{"s":{"dtype":"F64","shape":[],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"unsorted order": build(`{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 8)),
	} {
		if _, err := Decode(data, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEncodeRefusesBadTensors(t *testing.T) {
	for name, f := range map[string]*File{
		"shape mismatch": {Tensors: map[string]Tensor{"w": NewF32([]float32{1, 2}, 3)}},
		"bad dtype":      {Tensors: map[string]Tensor{"w": {DType: "I8", Shape: []int{1}}}},
		"reserved name":  {Tensors: map[string]Tensor{"__metadata__": NewF32([]float32{1}, 1)}},
	} {
		path := filepath.Join(t.TempDir(), "x.safetensors")
		err := Write(path, f)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v does not name the file", name, err)
		}
		if _, serr := os.Stat(path); serr == nil {
			t.Errorf("%s: a file was written", name)
		}
	}
}

func TestReadMissingFile(t *testing.T) {
	if _, err := Read(filepath.Join(t.TempDir(), "nope.safetensors")); err == nil {
		t.Error("no error for a missing file")
	}
}

func FuzzRead(f *testing.F) {
	good, _ := Encode(sample())
	f.Add(good)
	f.Add(build(`{}`, nil))
	f.Add(build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(build(`{"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}`, make([]byte, 8)))
	f.Add(build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Decode(data, "fuzz")
		if err != nil {
			return
		}
		// Whatever is accepted must re-encode and decode to the same tensors.
		again, err := Encode(file)
		if err != nil {
			t.Fatalf("accepted file does not re-encode: %v", err)
		}
		back, err := Decode(again, "re-encoded")
		if err != nil {
			t.Fatalf("re-encoded file rejected: %v", err)
		}
		if len(back.Tensors) != len(file.Tensors) {
			t.Fatalf("re-encode changed the tensor count")
		}
	})
}

// TestCheckFormatSaysWhatTheFileIs: our own file of another kind, and a
// file another tool wrote (PEFT, diffusers: format "pt"), are told apart.
func TestCheckFormatSaysWhatTheFileIs(t *testing.T) {
	for format, want := range map[string]string{
		"dualprocess-lora-v1":      "",
		"dualprocess-generator-v1": `metadata format "dualprocess-generator-v1", want "dualprocess-lora-v1": a dualprocess file of another kind`,
		"pt":                       `metadata format "pt", want "dualprocess-lora-v1": not written by dualprocess`,
		"":                         `metadata format "", want "dualprocess-lora-v1": not written by dualprocess`,
	} {
		err := (&File{Metadata: map[string]string{"format": format}}).CheckFormat("dualprocess-lora-v1")
		if (err == nil) != (want == "") || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("format %q: %v, want %q", format, err, want)
		}
	}
}
