package app

import (
	"encoding/json"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// untrainedRater writes fresh rater weights (the command's plumbing does
// not depend on what the rater learned).
func untrainedRater(t *testing.T) string {
	t.Helper()
	cfg := model.DefaultRaterConfig()
	cfg.Width, cfg.Head, cfg.FC = 16, 16, 16
	r, err := model.NewRater(cfg, vqa.Words(), vqa.Answers, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rater.safetensors")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func writePNG(t *testing.T, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "img.png")
	if err := picture.WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRateRefusesBadInput(t *testing.T) {
	weights := untrainedRater(t)
	img, _ := rendered(t, "lake at noon", 1)
	bigLine := image.NewNRGBA(image.Rect(0, 0, 100, 60)) // neither square nor the image's size
	visual.HLine(bigLine, visual.Red, 30, 2)
	wrongOverlay := writePNG(t, bigLine)
	corrupt := filepath.Join(t.TempDir(), "corrupt.safetensors")
	os.WriteFile(corrupt, []byte("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":"), 0o644)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown words", []string{"--question", "Is the volcano erupting?"}, exitUsage, `unknown word(s) "volcano", "erupting"`},
		{"empty question", []string{"--question", "  "}, exitUsage, "missing --question"},
		{"punctuation only", []string{"--question", "?!"}, exitUsage, "empty question"},
		{"unknown answer", []string{"--question", "Is it night?", "--answer", "maybe"}, exitUsage, `unknown answer "maybe"`},
		{"bad mode", []string{"--question", "Is it night?", "--overlay", wrongOverlay, "--mode", "opaque"}, exitUsage, "want solid or transparent"},
		{"overlay size", []string{"--question", "Is the horizon at the red line?", "--overlay", wrongOverlay}, exitUsage, "is 100x60: draw it at the image's size 64x64 or square"},
		{"missing image file", []string{"--question", "Is it night?", "--image", "/nonexistent.png"}, exitFailure, "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"rate", "--weights", weights, "--image", img}, c.args...)
			code, out, stderr := run(t, args...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d (want %d), stderr %q, want it to contain %q", code, c.code, stderr, c.want)
			}
			if out != "" {
				t.Errorf("printed %q despite the error", out)
			}
		})
	}
	code, _, stderr := run(t, "rate", "--weights", corrupt, "--image", img, "--question", "Is it night?")
	if code != exitFailure || !strings.Contains(stderr, "load rater") || !strings.Contains(stderr, corrupt) {
		t.Errorf("corrupt weights: exit %d, %q", code, stderr)
	}
}

func TestRateResizesOtherSizesAndReportsProbabilities(t *testing.T) {
	weights := untrainedRater(t)
	r, _ := world.RenderPrompt("desert at sunset", 3)
	big := image.NewRGBA(image.Rect(0, 0, 128, 96))
	for y := 0; y < 96; y++ {
		for x := 0; x < 128; x++ {
			big.Set(x, y, r.Image.At(x/2, y*2/3))
		}
	}
	line := image.NewNRGBA(big.Rect) // an overlay drawn at the image's size
	for x := 0; x < 128; x++ {
		line.Set(x, 40, color.NRGBA{255, 0, 0, 255})
	}
	code, out, stderr := run(t, "rate", "--weights", weights, "--image", writePNG(t, big), "--overlay", writePNG(t, line),
		"--question", "Is the horizon above the red line? "+vqa.YesNoSuffix, "--answer", "Yes", "--top", "13", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res rating
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, c := range res.Top {
		sum += c.Probability
	}
	if !res.Resized || len(res.Top) != len(vqa.Answers) || sum < 0.999 || sum > 1.001 || res.Probability == nil || res.Answer != "yes" {
		t.Fatalf("rating %+v (probabilities sum to %v)", res, sum)
	}
	code, out, _ = run(t, "rate", "--weights", weights, "--image", writePNG(t, big), "--question", "What time of day is it?")
	if code != 0 || !strings.Contains(out, "resized from 128x96 to 64x64") || strings.Count(out, "\n") != 4 {
		t.Errorf("text output (exit %d):\n%s", code, out)
	}
}

func TestRateWordsListsTheVocabulary(t *testing.T) {
	code, out, _ := run(t, "rate", "--weights", untrainedRater(t), "--words")
	if code != 0 || !strings.Contains(out, "horizon") || !strings.Contains(out, "answers: yes no") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// A drawing that another tool put into the image is read as the visual
// prompt: the same answer as with the drawing given as --overlay.
func TestRateFindsADrawingAlreadyInTheImage(t *testing.T) {
	weights := untrainedRater(t)
	r, _ := world.RenderPrompt("hills at noon", 4)
	d := visual.NewCanvas(world.Size)
	visual.HLine(d, visual.Red, 30, 2)
	ov, err := visual.NewOverlay(d, visual.Solid)
	if err != nil {
		t.Fatal(err)
	}
	composite, err := ov.Apply(r.Image)
	if err != nil {
		t.Fatal(err)
	}
	q := "Is the horizon at the red line?"
	rate := func(args ...string) rating {
		t.Helper()
		code, out, stderr := run(t, append([]string{"rate", "--weights", weights, "--question", q, "--answer", "yes", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var res rating
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	found := rate("--image", writePNG(t, composite))
	given := rate("--image", writePNG(t, r.Image), "--overlay", writePNG(t, d))
	ignored := rate("--image", writePNG(t, composite), "--overlay", "none")
	if found.FoundRed != 2*world.Size || *found.Probability != *given.Probability {
		t.Errorf("found %d red pixels, p %v; with --overlay p %v", found.FoundRed, *found.Probability, *given.Probability)
	}
	if ignored.FoundRed != 0 || *ignored.Probability == *given.Probability {
		t.Errorf("--overlay none: found %d, p %v (the same as with the drawing)", ignored.FoundRed, *ignored.Probability)
	}
}

// A line-weight question's red line drawn anywhere is shown to the rater
// where it learned to read one, at its width: the same answer as the line
// drawn there. A horizon question's line stays where it was drawn.
func TestRateShowsALineWeightReferenceWhereTheRaterLearnedIt(t *testing.T) {
	weights := untrainedRater(t)
	r, err := world.RenderPrompt("hills at noon with trees, outlined", 5)
	if err != nil {
		t.Fatal(err)
	}
	img := writePNG(t, r.Image)
	there := visual.NewCanvas(64)
	visual.Segment(there, visual.Red, vqa.RefX0, vqa.RefX1, vqa.RefY, 2)
	elsewhere := visual.NewCanvas(64)
	visual.Segment(elsewhere, visual.Red, 30, 60, 41, 2)
	rate := func(question string, d *image.NRGBA) rating {
		t.Helper()
		code, out, stderr := run(t, "rate", "--weights", weights, "--image", img, "--overlay", writePNG(t, d),
			"--question", question, "--answer", "yes", "--json")
		var res rating
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Probability == nil {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
		return res
	}
	q := "Are the outlines thicker than the red line?"
	a, b := rate(q, there), rate(q, elsewhere)
	if *a.Probability != *b.Probability || !strings.Contains(b.AsLearned, "row 5") {
		t.Errorf("line at the reference place: p %v; drawn elsewhere: p %v, %q", *a.Probability, *b.Probability, b.AsLearned)
	}
	if h := rate("Is the horizon at the red line?", elsewhere); h.AsLearned != "" {
		t.Errorf("a horizon question's line was moved: %q", h.AsLearned)
	}
	code, out, _ := run(t, "rate", "--weights", weights, "--image", img, "--overlay", writePNG(t, elsewhere), "--question", q)
	if code != 0 || !strings.Contains(out, "where it learned to read one") {
		t.Errorf("text output (exit %d):\n%s", code, out)
	}
}

// A red line painted into the image by another tool, asked about with a
// line-weight question and no --overlay, is taken out of the image and
// shown where the rater learned to read one: the same answer as the
// image without it and the line drawn there.
func TestRateMovesALineWeightReferencePaintedIntoTheImage(t *testing.T) {
	weights := untrainedRater(t)
	r, err := world.RenderPrompt("hills at noon with trees, outlined", 5)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := visual.NewCanvas(64)
	visual.Segment(elsewhere, visual.Red, 30, 60, 41, 3)
	drawn, _ := visual.NewOverlay(elsewhere, visual.Solid)
	painted, err := drawn.Apply(r.Image)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := visual.FindRed(painted)
	there := visual.NewCanvas(64)
	visual.Segment(there, visual.Red, vqa.RefX0, vqa.RefX1, vqa.RefY, 3)
	rate := func(args ...string) rating {
		t.Helper()
		code, out, stderr := run(t, append([]string{"rate", "--weights", weights, "--question", "Are the outlines as thick as the red line?",
			"--answer", "yes", "--json"}, args...)...)
		var res rating
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Probability == nil {
			t.Fatalf("exit %d: %s %s", code, out, stderr)
		}
		return res
	}
	moved := rate("--image", writePNG(t, painted))
	want := rate("--image", writePNG(t, visual.Unpaint(painted, d)), "--overlay", writePNG(t, there))
	if *moved.Probability != *want.Probability || !strings.Contains(moved.AsLearned, "taken out of it") || moved.FoundRed == 0 {
		t.Errorf("painted line: p %v (%q, %d red pixels); taken out and drawn at the reference place: p %v",
			*moved.Probability, moved.AsLearned, moved.FoundRed, *want.Probability)
	}
}
