package app

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestPretrainTreesRefusesBadFlagsAndOtherWeights(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "t.safetensors")
	depth := filepath.Join("..", "assets", "depth.safetensors")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"pretrain", "trees"}, exitUsage, "missing --out"},
		{[]string{"pretrain", "trees", "--out", out, "--steps", "0"}, exitUsage, "must be positive"},
		{[]string{"pretrain", "trees", "--out", out, "extra"}, exitUsage, "extra"},
		{[]string{"pretrain", "trees", "--out", out, "--resume", filepath.Join(dir, "none")}, exitFailure, "no such file"},
		{[]string{"pretrain", "trees", "--out", out, "--resume", depth}, exitFailure, `want "dualprocess-trees-v1"`},
	} {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}
