package app

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dualprocess/picture"
	"dualprocess/training/world"
)

// run calls the entry point like the shell would and returns the exit
// status and what the command printed.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = Run(context.Background(), args, &out, &errs)
	return code, out.String(), errs.String()
}

func TestUsageErrorsExitTwoWithAMessage(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "x.png")
	for _, c := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"render", "--bogus"}, "flag provided but not defined: -bogus"},
		{"bad seed", []string{"render", "--prompt", "lake", "--seed", "x", "--out", png}, `invalid value "x" for flag -seed`},
		{"missing prompt", []string{"render", "--out", png}, "missing --prompt"},
		{"missing out", []string{"render", "--prompt", "lake"}, "missing --out"},
		{"n zero", []string{"render", "--prompt", "lake", "--n", "0", "--out", png}, "--n 0: must be between 1"},
		{"n negative", []string{"render", "--prompt", "lake", "--n", "-3", "--out", png}, "--n -3: must be between 1"},
		{"not png", []string{"render", "--prompt", "lake", "--out", filepath.Join(dir, "x.jpg")}, "must end in .png"},
		{"unknown word", []string{"render", "--prompt", "volcano at dawn", "--out", png}, `unknown word(s) "volcano"`},
		{"two kinds", []string{"render", "--prompt", "lake and desert", "--out", png}, "2 scene kinds"},
		{"stray argument", []string{"render", "--prompt", "lake", "--out", png, "extra"}, `unexpected argument "extra"`},
		{"version argument", []string{"version", "now"}, `unexpected argument "now"`},
		{"help unknown", []string{"help", "nope"}, `unknown command "nope"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.args...)
			if code != exitUsage {
				t.Errorf("exit status %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not contain %q", stderr, c.want)
			}
			if _, err := os.Stat(png); err == nil {
				t.Errorf("%s was written despite the error", png)
			}
		})
	}
}

func TestUnknownWordListsVocabulary(t *testing.T) {
	_, _, stderr := run(t, "render", "--prompt", "volcano", "--out", filepath.Join(t.TempDir(), "x.png"))
	if !strings.Contains(stderr, world.VocabularyHelp()) {
		t.Errorf("stderr %q does not list the vocabulary", stderr)
	}
}

func TestRuntimeFailureExitsOne(t *testing.T) {
	out := filepath.Join(t.TempDir(), "no-such-dir", "x.png")
	code, _, stderr := run(t, "render", "--prompt", "lake", "--out", out)
	if code != exitFailure {
		t.Errorf("exit status %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr, "no-such-dir") {
		t.Errorf("stderr %q does not name the path", stderr)
	}
}

func TestRenderOneImage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "one.PNG")
	code, stdout, stderr := run(t, "render", "--prompt", "lake at dawn with boat", "--seed", "7", "--out", out, "--json")
	if code != exitOK {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	img := decodePNG(t, out)
	if b := img.Bounds(); b.Dx() != world.Size || b.Dy() != world.Size {
		t.Errorf("image is %v, want %dx%d", b.Size(), world.Size, world.Size)
	}
	var truth world.Truth
	if err := json.Unmarshal([]byte(stdout), &truth); err != nil {
		t.Fatalf("stdout is not one truth object: %v\n%s", err, stdout)
	}
	want, err := world.RenderPrompt("lake at dawn with boat", 7)
	if err != nil {
		t.Fatal(err)
	}
	if truth.Prompt != want.Truth.Prompt || truth.Horizon != want.Truth.Horizon {
		t.Errorf("truth %+v does not match the world's %+v", truth, want.Truth)
	}
	if !picture.Equal(img, want.Image) {
		t.Error("written image differs from world.RenderPrompt's")
	}
}

func TestRenderGrid(t *testing.T) {
	out := filepath.Join(t.TempDir(), "grid.png")
	code, stdout, stderr := run(t, "render", "--prompt", "city at night", "--seed", "100", "--n", "5", "--out", out, "--json")
	if code != exitOK {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	// 5 tiles: 3 columns, 2 rows, 2 px gutters.
	img := decodePNG(t, out)
	side, gap := world.Size, picture.Gutter
	if got, want := img.Bounds().Size(), image.Pt(3*side+2*gap, 2*side+gap); got != want {
		t.Errorf("grid is %v, want %v", got, want)
	}
	var truths []world.Truth
	if err := json.Unmarshal([]byte(stdout), &truths); err != nil {
		t.Fatalf("stdout is not an array of truths: %v", err)
	}
	if len(truths) != 5 {
		t.Fatalf("%d truths, want 5", len(truths))
	}
	// Tile 4 (second row, second column) is seed 104.
	want, _ := world.RenderPrompt("city at night", 104)
	if truths[4].Horizon != want.Truth.Horizon {
		t.Errorf("truth 4 horizon %v, want seed 104's %v", truths[4].Horizon, want.Truth.Horizon)
	}
	tile := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(side+gap, side+gap, 2*side+gap, 2*side+gap))
	if !picture.Equal(tile, want.Image) {
		t.Error("tile 4 differs from seed 104's image")
	}
}

func TestRenderWithoutJSONPrintsNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "quiet.png")
	code, stdout, _ := run(t, "render", "--prompt", "hills", "--out", out)
	if code != exitOK || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 0 and nothing", code, stdout)
	}
	decodePNG(t, out)
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, stdout, _ := run(t, "help")
	if code != exitOK {
		t.Fatalf("exit status %d", code)
	}
	for name, c := range commands {
		if !strings.Contains(stdout, name) || !strings.Contains(stdout, c.summary) {
			t.Errorf("help does not list %s with its summary", name)
		}
	}
	// One line a command, descriptions in one column (a newline in a
	// summary breaks the table's alignment for every row after it).
	col := -1
	for _, line := range strings.Split(stdout, "\n") {
		name, _, ok := strings.Cut(strings.TrimSpace(line), " ")
		if _, known := commands[name]; !ok || !known || !strings.HasPrefix(line, "  ") {
			continue
		}
		at := len(line) - len(strings.TrimLeft(line[2+len(name):], " "))
		if col >= 0 && at != col {
			t.Errorf("%s's description starts at column %d, the others at %d:\n%s", name, at, col, stdout)
		}
		col = at
	}
	for name, c := range commands {
		if strings.Contains(c.summary, "\n") {
			t.Errorf("%s's summary has a newline; the help list wants one line", name)
		}
	}
}

func TestHelpCommandShowsFlags(t *testing.T) {
	code, stdout, _ := run(t, "help", "render")
	if code != exitOK {
		t.Fatalf("exit status %d", code)
	}
	for _, flag := range []string{"-prompt", "-seed", "-n", "-out", "-json"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("help render does not mention %s:\n%s", flag, stdout)
		}
	}
}

func TestDashHExitsZero(t *testing.T) {
	code, _, stderr := run(t, "render", "-h")
	if code != exitOK || !strings.Contains(stderr, "usage: dualprocess render") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestVersionMatchesFyneAppToml(t *testing.T) {
	code, stdout, _ := run(t, "version")
	if code != exitOK || stdout != "dualprocess "+Version+"\n" {
		t.Errorf("version printed %q (exit %d)", stdout, code)
	}
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version\s*=\s*"([^"]+)"`).FindSubmatch(toml)
	if m == nil || string(m[1]) != Version {
		t.Errorf("FyneApp.toml version %q, want %q", m, Version)
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

func TestGUIWithoutADisplaySaysSoInsteadOfPanicking(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, c := range []struct {
		goos string
		vars map[string]string
		ok   bool
	}{
		{"linux", nil, false},
		{"linux", map[string]string{"DISPLAY": ":99"}, true},
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, true},
		{"freebsd", nil, false},
		{"darwin", nil, true},
		{"windows", nil, true},
	} {
		if err := needDisplay(c.goos, env(c.vars)); (err == nil) != c.ok {
			t.Errorf("%s %v: %v", c.goos, c.vars, err)
		}
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if code, _, stderr := run(t, "gui"); code == 0 || !strings.Contains(stderr, "no display") {
		t.Errorf("gui without a display: exit %d, stderr %q", code, stderr)
	}
	// a task that cannot open is refused first, with its own reason
	if code, _, stderr := run(t, "gui", "--task", "no-such-task"); code == 0 || !strings.Contains(stderr, "no built-in task of that name") {
		t.Errorf("gui --task no-such-task: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "gui", "--task", "horizon-low"); code == 0 || !strings.Contains(stderr, "no display") {
		t.Errorf("gui --task horizon-low without a display: exit %d, stderr %q", code, stderr)
	}
}
