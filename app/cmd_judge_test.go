package app

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// rendered writes a world render to a PNG and returns its path and truth.
func rendered(t *testing.T, prompt string, seed int64) (string, world.Truth) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scene.png")
	if code, _, stderr := run(t, "render", "--prompt", prompt, "--seed", strconv.FormatInt(seed, 10), "--out", path); code != 0 {
		t.Fatalf("render: %s", stderr)
	}
	r, _ := world.RenderPrompt(prompt, seed)
	return path, r.Truth
}

func TestJudgeMeasuresAndChecksTargets(t *testing.T) {
	path, truth := rendered(t, "lake at sunset with trees, outlined", 7)
	code, out, stderr := run(t, "judge", "--kind", "horizon", "--image", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res judge.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Found || math.Abs(res.Horizon-truth.HorizonFrac)*64 > 3 {
		t.Fatalf("horizon %+v, truth %.3f", res, truth.HorizonFrac)
	}
	code, out, _ = run(t, "judge", "--kind", "lineweight", "--image", path, "--target", "0")
	if code != 0 || !strings.Contains(out, "FAIL: target width 0.00") {
		t.Fatalf("outlined image against no outlines: exit %d, %q", code, out)
	}
	code, out, _ = run(t, "judge", "--kind", "horizon", "--image", path, "--target", "0.99")
	if code != 0 || !strings.Contains(out, "FAIL: target row 0.990") {
		t.Fatalf("far target: exit %d, %q", code, out)
	}
	var hexes []string
	for _, p := range truth.Palette {
		hexes = append(hexes, p.Hex)
	}
	code, out, _ = run(t, "judge", "--kind", "palette", "--image", path, "--target", strings.Join(hexes, ","))
	if code != 0 || !strings.Contains(out, "PASS") {
		t.Fatalf("own palette: exit %d, %q", code, out)
	}
}

// The tree judge (built-in weights) finds a tree at a line through one and
// none at a line clear of all.
func TestJudgeTreeAtALine(t *testing.T) {
	path, truth := rendered(t, "hills at noon with trees", 3)
	var tree [4]float64
	for _, o := range truth.Objects {
		if o.Kind == "tree" {
			tree = o.Box
		}
	}
	through := strconv.FormatFloat((tree[0]+tree[2])/2/64, 'f', 3, 64)
	code, out, stderr := run(t, "judge", "--kind", "tree", "--image", path, "--target", through)
	if code != 0 || !strings.Contains(out, "PASS: target a tree at column "+through) || !strings.Contains(out, "tree: cover") {
		t.Fatalf("line through a tree: exit %d, %q %s", code, out, stderr)
	}
	code, out, _ = run(t, "judge", "--kind", "tree", "--image", path, "--target", "0.99", "--json")
	var res judge.Result
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || res.Verdict == nil || res.Verdict.Pass {
		t.Fatalf("line at the right edge, clear of trees: exit %d, %q", code, out)
	}
}

// The depth judge orders two points: near ground low in the image before
// far ground just under the horizon, and not the other way round.
func TestJudgeDepthOfTwoPoints(t *testing.T) {
	path, truth := rendered(t, "hills at noon", 2)
	near, far := 0.95, truth.HorizonFrac+0.05
	target := func(ya, yb float64) string {
		return strconv.FormatFloat(0.5, 'f', 3, 64) + "," + strconv.FormatFloat(ya, 'f', 3, 64) + "," +
			strconv.FormatFloat(0.5, 'f', 3, 64) + "," + strconv.FormatFloat(yb, 'f', 3, 64)
	}
	code, out, stderr := run(t, "judge", "--kind", "depth", "--image", path, "--target", target(near, far))
	if code != 0 || !strings.Contains(out, "PASS: target A [0.5 0.95] closer") || !strings.Contains(out, "log-depth of A minus B") ||
		!strings.Contains(out, "depth: log-depth") {
		t.Fatalf("A near, B far: exit %d, %q %s", code, out, stderr)
	}
	code, out, _ = run(t, "judge", "--kind", "depth", "--image", path, "--target", target(far, near), "--json")
	var res judge.Result
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || res.Verdict == nil || res.Verdict.Pass || len(res.Depths) != 2 {
		t.Fatalf("A far, B near: exit %d, %q", code, out)
	}
}

// Two points at one row of an image with no depth cue are as far as each
// other: by default the judge orders them neither way (it used to pass one
// order by rounding), and it names its margin.
func TestJudgeDepthKeepsItsMargin(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(90 + y), uint8(140 + y/2), 80, 255})
		}
	}
	path := filepath.Join(t.TempDir(), "flat.png")
	f, _ := os.Create(path)
	png.Encode(f, img)
	f.Close()
	for _, pts := range []string{"0.3,0.7,0.7,0.7", "0.7,0.7,0.3,0.7"} {
		code, out, _ := run(t, "judge", "--kind", "depth", "--image", path, "--target", pts)
		if code != 0 || !strings.HasPrefix(strings.Split(out, "\n")[1], "FAIL") || !strings.Contains(out, "(tolerance -0.40)") {
			t.Errorf("points %s on a flat image: exit %d, %q: want FAIL at the margin 0.4", pts, code, out)
		}
	}
}

func TestJudgeBadInput(t *testing.T) {
	path, _ := rendered(t, "hills", 1)
	bad := filepath.Join(t.TempDir(), "bad.png")
	os.WriteFile(bad, []byte("not an image"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--kind", "vibes", "--image", path}, exitUsage, `unknown judge "vibes"`},
		{[]string{"--image", path}, exitUsage, "missing --kind"},
		{[]string{"--kind", "palette", "--image", path}, exitUsage, "needs --target"},
		{[]string{"--kind", "palette", "--image", path, "--target", "#12"}, exitUsage, "#rrggbb"},
		{[]string{"--kind", "horizon", "--image", path, "--target", "high"}, exitUsage, "not a number"},
		{[]string{"--kind", "horizon", "--image", path, "--target", "2"}, exitUsage, "between 0 and 1"},
		{[]string{"--kind", "sun", "--image", path, "--target", "0.1,0.2,0.3"}, exitUsage, "x,y or x0,y0,x1,y1"},
		{[]string{"--kind", "sun", "--image", path, "--tolerance", "-1"}, exitUsage, "negative"},
		{[]string{"--kind", "tree", "--image", path}, exitUsage, "the tree judge needs --target x"},
		{[]string{"--kind", "tree", "--image", path, "--target", "1.5"}, exitUsage, "x between 0 and 1"},
		{[]string{"--kind", "tree", "--image", path, "--target", "0.2,0.3"}, exitUsage, "one column fraction"},
		{[]string{"--kind", "tree", "--image", path, "--target", "0.2", "--tolerance", "2"}, exitUsage, "at most 1"},
		{[]string{"--kind", "depth", "--image", path}, exitUsage, "the depth judge needs --target xA,yA,xB,yB"},
		{[]string{"--kind", "depth", "--image", path, "--target", "0.2,0.3"}, exitUsage, "xA,yA,xB,yB as fractions"},
		{[]string{"--kind", "sun", "--image", filepath.Join(t.TempDir(), "missing.png")}, exitFailure, "no such file"},
		{[]string{"--kind", "sun", "--image", bad}, exitFailure, "not a PNG, JPEG, GIF, WebP"},
	} {
		code, _, stderr := run(t, append([]string{"judge"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}
