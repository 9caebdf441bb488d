package safetensors

import (
	"fmt"
	"strings"
)

// CheckFormat says whether the file's metadata "format" is want, and if
// not, what it is instead: another of our files ("dualprocess-..."), or a
// file another tool wrote, whose tensors would not fit our models anyway.
func (f *File) CheckFormat(want string) error {
	got := f.Metadata["format"]
	switch {
	case got == want:
		return nil
	case strings.HasPrefix(got, "dualprocess-"):
		return fmt.Errorf("metadata format %q, want %q: a dualprocess file of another kind", got, want)
	default:
		return fmt.Errorf("metadata format %q, want %q: not written by dualprocess (weights made by other tools do not fit its models)", got, want)
	}
}
