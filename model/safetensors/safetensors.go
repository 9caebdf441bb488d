// Package safetensors reads and writes the safetensors weights format
// (https://github.com/huggingface/safetensors) for float32 and float64
// tensors (float16 and bfloat16 ones are read as float32), strictly: every
// structural defect of a file is an error that names the file and, where it
// applies, the tensor.
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON header
// (optionally padded with spaces), then the data section. The header maps
// tensor names to {"dtype", "shape", "data_offsets": [begin, end]} with
// offsets relative to the data section, and may hold a "__metadata__"
// object of string values.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/x448/float16"
)

// MaxHeaderSize bounds the JSON header (the reference implementation uses the same 100 MB).
const MaxHeaderSize = 100 << 20

// MaxFileSize bounds what Read loads into memory.
const MaxFileSize = 4 << 30

// DType is a tensor element type. F32 and F64 are read and written; F16
// and BF16, which most published weights use, are read and widened to F32.
type DType string

const (
	F32  DType = "F32"
	F64  DType = "F64"
	F16  DType = "F16"
	BF16 DType = "BF16"
)

// Size is the number of bytes of one element.
func (d DType) Size() int {
	switch d {
	case F16, BF16:
		return 2
	case F32:
		return 4
	case F64:
		return 8
	}
	return 0
}

// Tensor is one named tensor. Exactly one of F32 and F64 is used, as DType says.
type Tensor struct {
	DType DType
	Shape []int
	F32   []float32
	F64   []float64
}

// NewF32 makes a float32 tensor; len(data) must equal the product of shape.
func NewF32(data []float32, shape ...int) Tensor {
	return Tensor{DType: F32, Shape: append([]int{}, shape...), F32: data}
}

// NewF64 makes a float64 tensor; len(data) must equal the product of shape.
func NewF64(data []float64, shape ...int) Tensor {
	return Tensor{DType: F64, Shape: append([]int{}, shape...), F64: data}
}

// Len is the number of elements the data holds.
func (t Tensor) Len() int {
	if t.DType == F64 {
		return len(t.F64)
	}
	return len(t.F32)
}

// File is the content of a safetensors file.
type File struct {
	Metadata map[string]string
	Tensors  map[string]Tensor
}

// Names returns the tensor names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Tensors))
	for n := range f.Tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Error is a defect in a safetensors file or in tensors about to be written.
type Error struct {
	File   string // path, or a description of the source
	Tensor string // empty when the defect is not about one tensor
	Msg    string
}

func (e *Error) Error() string {
	if e.Tensor != "" {
		return fmt.Sprintf("safetensors %s: tensor %q: %s", e.File, e.Tensor, e.Msg)
	}
	return fmt.Sprintf("safetensors %s: %s", e.File, e.Msg)
}

func errorf(file, tensor, format string, args ...any) error {
	return &Error{File: file, Tensor: tensor, Msg: fmt.Sprintf(format, args...)}
}

// Read loads and validates a safetensors file.
func Read(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errorf(path, "", "not a regular file")
	}
	if st.Size() > MaxFileSize {
		return nil, errorf(path, "", "file is %d bytes, more than the %d this reader loads", st.Size(), int64(MaxFileSize))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	return Decode(data, path)
}

type entry struct {
	DType       DType   `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// Decode parses and validates the bytes of a safetensors file. name is used in errors.
func Decode(data []byte, name string) (*File, error) {
	if len(data) < 8 {
		return nil, errorf(name, "", "file is %d bytes, too short for the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > MaxHeaderSize {
		return nil, errorf(name, "", "header length %d exceeds the maximum %d", n, MaxHeaderSize)
	}
	if n > uint64(len(data)-8) {
		return nil, errorf(name, "", "header length %d exceeds the %d bytes after the length field", n, len(data)-8)
	}
	header := data[8 : 8+n]
	body := data[8+n:]
	if len(header) == 0 || header[0] != '{' {
		return nil, errorf(name, "", "header does not start with '{'")
	}
	if !utf8.Valid(header) {
		return nil, errorf(name, "", "header is not valid UTF-8")
	}

	meta, entries, order, err := parseHeader(bytes.TrimRight(header, " "))
	if err != nil {
		return nil, errorf(name, "", "header: %v", err)
	}

	// Validate each entry, then that the entries tile the data section.
	type span struct {
		name       string
		begin, end int64
	}
	spans := make([]span, 0, len(entries))
	out := &File{Metadata: meta, Tensors: make(map[string]Tensor, len(entries))}
	for _, tn := range order {
		e := entries[tn]
		if tn == "" {
			return nil, errorf(name, tn, "empty tensor name")
		}
		size := e.DType.Size()
		if size == 0 {
			return nil, errorf(name, tn, "dtype %q not supported (want F32, F64, F16 or BF16)", e.DType)
		}
		if e.Shape == nil {
			return nil, errorf(name, tn, "missing shape")
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 {
				return nil, errorf(name, tn, "negative dimension in shape %v", e.Shape)
			}
			if d != 0 && count > (1<<50)/d {
				return nil, errorf(name, tn, "shape %v is too large", e.Shape)
			}
			count *= d
		}
		if len(e.DataOffsets) != 2 {
			return nil, errorf(name, tn, "data_offsets must be [begin, end], got %v", e.DataOffsets)
		}
		b, en := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || en < b {
			return nil, errorf(name, tn, "invalid data_offsets [%d, %d]", b, en)
		}
		if en > int64(len(body)) {
			return nil, errorf(name, tn, "data_offsets [%d, %d] run past the data section of %d bytes", b, en, len(body))
		}
		if en-b != count*int64(size) {
			return nil, errorf(name, tn, "data_offsets [%d, %d] hold %d bytes, but %s %v needs %d",
				b, en, en-b, e.DType, e.Shape, count*int64(size))
		}
		spans = append(spans, span{tn, b, en})
		shape := make([]int, len(e.Shape))
		for i, d := range e.Shape {
			shape[i] = int(d)
		}
		raw := body[b:en]
		t := Tensor{DType: e.DType, Shape: shape}
		switch e.DType {
		case F32:
			t.F32 = make([]float32, count)
			for i := range t.F32 {
				t.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		case F64:
			t.F64 = make([]float64, count)
			for i := range t.F64 {
				t.F64[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
			}
		case F16, BF16:
			t.DType, t.F32 = F32, make([]float32, count)
			for i := range t.F32 {
				h := binary.LittleEndian.Uint16(raw[2*i:])
				if e.DType == BF16 { // the top half of a float32
					t.F32[i] = math.Float32frombits(uint32(h) << 16)
				} else {
					t.F32[i] = float16.Frombits(h).Float32()
				}
			}
		}
		out.Tensors[tn] = t
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].end < spans[j].end
	})
	var at int64
	for _, s := range spans {
		switch {
		case s.begin < at:
			return nil, errorf(name, s.name, "data_offsets [%d, %d] overlap another tensor's data (which ends at %d)", s.begin, s.end, at)
		case s.begin > at:
			return nil, errorf(name, s.name, "gap in the data section: bytes [%d, %d) belong to no tensor", at, s.begin)
		}
		at = s.end
	}
	if at != int64(len(body)) {
		return nil, errorf(name, "", "data section is %d bytes but the tensors cover %d", len(body), at)
	}
	return out, nil
}

// parseHeader reads the top-level JSON object token by token so duplicate
// names are caught (encoding/json would silently keep the last one).
func parseHeader(header []byte) (map[string]string, map[string]entry, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, nil, errors.New("not a JSON object")
	}
	var meta map[string]string
	entries := map[string]entry{}
	var order []string
	seenMeta := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, nil, fmt.Errorf("unexpected %v", tok)
		}
		if key == "__metadata__" {
			if seenMeta {
				return nil, nil, nil, errors.New("duplicate __metadata__")
			}
			seenMeta = true
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, nil, nil, fmt.Errorf("__metadata__: %v", err)
			}
			if err := decodeStrictMeta(raw, &meta); err != nil {
				return nil, nil, nil, fmt.Errorf("__metadata__ must be an object of strings: %v", err)
			}
			continue
		}
		if _, dup := entries[key]; dup {
			return nil, nil, nil, fmt.Errorf("duplicate tensor name %q", key)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, nil, fmt.Errorf("tensor %q: %v", key, err)
		}
		var e entry
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, nil, nil, fmt.Errorf("tensor %q: %v", key, err)
		}
		if err := noDuplicateKeys(raw); err != nil {
			return nil, nil, nil, fmt.Errorf("tensor %q: %v", key, err)
		}
		entries[key] = e
		order = append(order, key)
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return nil, nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, nil, errors.New("trailing data after the JSON object")
	}
	if meta == nil {
		meta = map[string]string{}
	}
	return meta, entries, order, nil
}

func decodeStrictMeta(raw json.RawMessage, meta *map[string]string) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return errors.New("null")
	}
	if err := noDuplicateKeys(raw); err != nil {
		return err
	}
	return json.Unmarshal(raw, meta)
}

// noDuplicateKeys checks one JSON object for repeated keys (not nested ones).
func noDuplicateKeys(raw json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := tok.(string)
		if seen[k] {
			return fmt.Errorf("duplicate key %q", k)
		}
		seen[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

// Encode serialises tensors (sorted by name, data in the same order) and
// metadata. The header is padded with spaces to a multiple of 8 bytes.
func Encode(f *File) ([]byte, error) {
	const src = "(encoding)"
	names := f.Names()
	type hdr struct {
		DType       DType    `json:"dtype"`
		Shape       []int    `json:"shape"`
		DataOffsets [2]int64 `json:"data_offsets"`
	}
	header := make(map[string]any, len(names)+1)
	if len(f.Metadata) > 0 {
		header["__metadata__"] = f.Metadata
	}
	var off int64
	for _, n := range names {
		t := f.Tensors[n]
		if n == "" || n == "__metadata__" {
			return nil, errorf(src, n, "reserved or empty tensor name")
		}
		if t.DType != F32 && t.DType != F64 {
			return nil, errorf(src, n, "dtype %q not supported (want F32 or F64)", t.DType)
		}
		count := 1
		for _, d := range t.Shape {
			if d < 0 {
				return nil, errorf(src, n, "negative dimension in shape %v", t.Shape)
			}
			count *= d
		}
		if t.Len() != count {
			return nil, errorf(src, n, "shape %v needs %d elements, data has %d", t.Shape, count, t.Len())
		}
		if t.Shape == nil {
			t.Shape = []int{}
		}
		size := int64(count * t.DType.Size())
		header[n] = hdr{t.DType, t.Shape, [2]int64{off, off + size}}
		off += size
	}
	js, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	if pad := (8 - len(js)%8) % 8; pad > 0 {
		js = append(js, strings.Repeat(" ", pad)...)
	}
	out := make([]byte, 8, 8+len(js)+int(off))
	binary.LittleEndian.PutUint64(out, uint64(len(js)))
	out = append(out, js...)
	for _, n := range names {
		t := f.Tensors[n]
		switch t.DType {
		case F32:
			for _, v := range t.F32 {
				out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
			}
		case F64:
			for _, v := range t.F64 {
				out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
			}
		}
	}
	return out, nil
}

// Write saves f atomically: it writes a temporary file in the same
// directory, syncs it, and renames it over path.
func Write(path string, f *File) error {
	data, err := Encode(f)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			se.File = path
			return se
		}
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic writes data to path via a synced temporary file and a rename,
// so readers see either the old file or the complete new one.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename durable; best effort
		d.Sync()
		d.Close()
	}
	return nil
}
