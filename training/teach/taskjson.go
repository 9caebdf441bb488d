package teach

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"dualprocess/training/world"
)

// decodeTask decodes a task file: a leading byte-order mark is skipped,
// unknown fields and text after the task are errors, and the json
// package's errors are said in the file's terms: the line and column of a
// syntax error, the field of a value of the wrong type, the place of an
// unknown field and the known name it may be a slip for.
func decodeTask(b []byte) (Task, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var t Task
	if err := d.Decode(&t); err != nil {
		return t, fmt.Errorf("not a valid task file: %s", explainJSON(b, err))
	}
	if _, err := d.Token(); err != io.EOF {
		return t, fmt.Errorf("not a valid task file: text after the task (at %s)", place(b, d.InputOffset()))
	}
	return t, nil
}

// textList is a list of strings that a task file may also give as one
// string: "prompts": "lake at noon".
type textList []string

func (l *textList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = textList{one}
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[textList]()}
	}
	out := make(textList, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &out[i]); err != nil {
			return &json.UnmarshalTypeError{Value: jsonKind(it), Type: reflect.TypeFor[string]()}
		}
	}
	*l = out
	return nil
}

// seedList is a list of seeds that a task file may also give as a range:
// "eval_seeds": "100-115".
type seedList []int64

func (l *seedList) UnmarshalJSON(b []byte) error {
	var r string
	if json.Unmarshal(b, &r) == nil {
		seeds, err := ParseSeedRange(r)
		if err != nil {
			return fmt.Errorf("train.eval_seeds: %w", err) // the only list of seeds in a task
		}
		*l = seeds
		return nil
	}
	var list []int64
	if err := json.Unmarshal(b, &list); err != nil {
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[seedList]()}
	}
	*l = list
	return nil
}

// ParseSeedRange reads "FROM-TO" (inclusive, at most MaxSeedRange seeds);
// "" is nil.
func ParseSeedRange(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	a, b, ok := strings.Cut(s, "-")
	from, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	to, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	if !ok || err1 != nil || err2 != nil || from < 0 || to < from || to-from >= MaxSeedRange {
		return nil, fmt.Errorf("%q: want FROM-TO, 0 <= FROM <= TO, at most %d seeds", s, MaxSeedRange)
	}
	seeds := make([]int64, 0, to-from+1)
	for v := from; v <= to; v++ {
		seeds = append(seeds, v)
	}
	return seeds, nil
}

// MaxSeedRange is the most seeds a range gives.
const MaxSeedRange = 256

// jsonKind names the kind of a JSON value as the json package's errors do.
func jsonKind(b []byte) string {
	switch b = bytes.TrimSpace(b); {
	case len(b) == 0:
		return "nothing"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == '"':
		return "string"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	case b[0] == 'n':
		return "null"
	}
	return "number"
}

// explainJSON says what is wrong with a task file in its own terms.
func explainJSON(b []byte, err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("%s: %v", place(b, syntax.Offset), syntax)
	case errors.As(err, &typ):
		at := ""
		if typ.Offset > 0 { // 0: from a value's own decoder, which does not know where it is
			at = fmt.Sprintf(" (at %s)", place(b, typ.Offset))
		}
		return fmt.Sprintf("%s: %s where %s is wanted%s", typ.Field, article(typ.Value), kindOf(typ.Type), at)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends before the task does"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		var v any
		if json.Unmarshal(b, &v) == nil {
			if path, known, ok := findUnknown(v, reflect.TypeFor[Task](), "", name); ok {
				return unknownField(path, name, known)
			}
		}
		return fmt.Sprintf("unknown field %q", name)
	}
	return err.Error()
}

// unknownField names an unknown field, where it is, and the known field it
// may be a slip for (or, if none is near, the known fields there).
func unknownField(path, name string, known []string) string {
	at := "in the task"
	if path != "" {
		at = "in " + path
	}
	if k, ok := world.Nearest(strings.ToLower(name), known); ok {
		return fmt.Sprintf("unknown field %q %s: did you mean %q?", name, at, k)
	}
	return fmt.Sprintf("unknown field %q %s (known: %s)", name, at, strings.Join(known, ", "))
}

// findUnknown walks a decoded JSON value against the Go type it fills and
// returns the path of the object holding an unknown key name, and the
// known keys there.
func findUnknown(v any, t reflect.Type, path, name string) (string, []string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return "", nil, false
		}
		fields := jsonFields(t)
		var known []string
		for k := range fields {
			if !strings.HasPrefix(k, "$") { // an annotation ($schema), not a setting
				known = append(known, k)
			}
		}
		slices.Sort(known)
		for _, k := range slices.Sorted(maps.Keys(v)) {
			f, ok := fields[strings.ToLower(k)]
			if !ok {
				if k == name {
					return path, known, true
				}
				continue
			}
			if p, kn, ok := findUnknown(v[k], f, join(path, k), name); ok {
				return p, kn, true
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return "", nil, false
		}
		for i, e := range v {
			if p, kn, ok := findUnknown(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), name); ok {
				return p, kn, true
			}
		}
	}
	return "", nil, false
}

// jsonFields maps the lower-cased JSON names of a struct's fields (as the
// json package matches them, ignoring case) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
			continue
		case f.Anonymous && name == "":
			for k, v := range jsonFields(f.Type) {
				m[k] = v
			}
			continue
		case name == "":
			name = f.Name
		}
		m[strings.ToLower(name)] = f.Type
	}
	return m
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// place is the line and column of a byte offset.
func place(b []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(b)))
	line := 1 + bytes.Count(b[:offset], []byte("\n"))
	col := offset - int64(bytes.LastIndexByte(b[:offset], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

// article names a JSON value kind as the json package reports it.
func article(kind string) string {
	switch {
	case kind == "":
		return "a value"
	case strings.HasPrefix(kind, "number"):
		return "a number"
	case strings.ContainsAny(kind[:1], "aeiou"):
		return "an " + kind
	}
	return "a " + kind
}

// kindOf names a Go type in JSON terms.
func kindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list [...]"
	case reflect.Pointer:
		return kindOf(t.Elem())
	}
	return "an object {...}"
}
