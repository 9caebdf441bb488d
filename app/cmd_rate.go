package app

import (
	"flag"
	"fmt"
	"image"
	"slices"
	"sort"
	"strings"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/raterfit"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
)

func init() {
	register(command{
		name:    "rate",
		summary: "Ask the rater (the built-in VLM) a question about an image, optionally with a visual prompt overlaid.",
		args:    "--image FILE --question Q [--answer A] [--overlay FILE.png --mode solid|transparent] [--top K] [--weights FILE] [--json] | --words",
		setup:   setupRate,
	})
}

// rating is the JSON output of rate.
type rating struct {
	Question    string         `json:"question"`
	Resized     bool           `json:"resized,omitempty"`          // the image was not 64x64
	FoundRed    int            `json:"found_drawing,omitempty"`    // without --overlay: red drawing pixels found in the image
	AsLearned   string         `json:"shown_as_learned,omitempty"` // the --overlay's reference moved to where the rater learned it
	Top         []answerChance `json:"top"`
	Answer      string         `json:"answer,omitempty"`      // with --answer
	Probability *float64       `json:"probability,omitempty"` // of --answer
}

type answerChance struct {
	Answer      string  `json:"answer"`
	Probability float64 `json:"probability"`
}

func setupRate(fs *flag.FlagSet) func(env, []string) error {
	imgPath := fs.String("image", "", "image file ("+picture.Formats+"); other sizes than 64x64 are resized to 64x64 (required)")
	question := fs.String("question", "", "question, e.g. \"Is the horizon at the red line? Answer with Yes or No.\" (required)")
	answer := fs.String("answer", "", "also print this answer's probability")
	overlay := fs.String("overlay", "", "visual prompt PNG drawn over the image: 64x64 or the image's size (then resized with it); "+
		"transparent or white pixels leave the image visible; without it, instruction-red pixels already in the image "+
		"are taken as the drawing (none: not even those); for a line-weight or palette question, its red line or swatches are "+
		"shown where the rater learned to read them")
	mode := fs.String("mode", "solid", "overlay mode: solid (the drawing replaces the image) or transparent (50% blend)")
	top := fs.Int("top", 3, "number of most probable answers to print")
	weights := fs.String("weights", "", "rater weights .safetensors (default: the built-in ones)")
	words := fs.Bool("words", false, "list the words the rater understands and its answers, then exit")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		r, err := loadRater(*weights)
		if err != nil {
			return err
		}
		if *words {
			return printWords(e, r)
		}
		switch {
		case *imgPath == "":
			return usagef("missing --image")
		case strings.TrimSpace(*question) == "":
			return usagef("missing --question (run 'dualprocess rate --words' for the words it may use)")
		case *top < 1:
			return usagef("--top %d: must be at least 1", *top)
		}
		if _, err := r.Tokenizer().Encode(*question); err != nil {
			return usagef("--question: %w", err)
		}
		if *answer != "" {
			if _, err := r.AnswerIndex(*answer); err != nil {
				return usagef("--answer: %w", err)
			}
		}
		m, err := visual.ParseMode(*mode)
		if err != nil {
			return usagef("--mode: %w", err)
		}
		src, err := picture.ReadPicture(*imgPath)
		if err != nil {
			return err
		}
		img, resized := raterImage(src)
		var ov *visual.Overlay
		var found int
		var learned string
		switch *overlay {
		case "none":
		case "": // a drawing made by another tool, already in the image
			ov, found = visual.FindDrawing(img)
			if found > 0 && vqa.FamilyOf(*question) == "lineweight" {
				img, ov, learned = moveReference(img)
			}
		default:
			if ov, learned, err = readOverlay(*overlay, src.Bounds(), m, *question); err != nil {
				return err
			}
		}
		res, err := rateOne(r, img, ov, *question)
		if err != nil {
			return err
		}
		res.Resized, res.FoundRed, res.AsLearned = resized, found, learned
		res.Top = res.Top[:min(*top, len(res.Top))]
		if *answer != "" {
			k, _ := r.AnswerIndex(*answer)
			p := res.probs[k]
			res.Answer, res.Probability = r.Answers[k], &p
		}
		if *asJSON {
			return printJSON(e, res.rating)
		}
		return printRating(e, res.rating, src.Bounds())
	}
}

type ratingResult struct {
	rating
	probs []float64
}

// rateOne asks r one question about a 64x64 image.
func rateOne(r *model.Rater, img *image.RGBA, ov *visual.Overlay, question string) (ratingResult, error) {
	s, err := r.NewScorer(1)
	if err != nil {
		return ratingResult{}, err
	}
	defer s.Close()
	probs, err := s.Rate([][]float32{raterfit.Planes(img)}, []*visual.Overlay{ov}, []string{question})
	if err != nil {
		return ratingResult{}, err
	}
	res := ratingResult{rating: rating{Question: question}, probs: probs[0]}
	for k, a := range r.Answers {
		res.Top = append(res.Top, answerChance{a, probs[0][k]})
	}
	sort.SliceStable(res.Top, func(i, j int) bool { return res.Top[i].Probability > res.Top[j].Probability })
	return res, nil
}

// readOverlay reads a visual prompt drawn at the image's size (resized to
// 64x64 with it: visual.ResizeDrawing) or at any square size
// (visual.FitDrawing). For a line-weight or palette question, its red line
// or swatches are shown where the rater learned to read them
// (vqa.AsLearned), and learned says so.
func readOverlay(path string, imgSize image.Rectangle, m visual.Mode, question string) (ov *visual.Overlay, learned string, err error) {
	img, err := picture.ReadImage(path)
	if err != nil {
		return nil, "", err
	}
	var d *image.NRGBA
	b := img.Bounds()
	if b.Dx() == imgSize.Dx() && b.Dy() == imgSize.Dy() {
		d = visual.ResizeDrawing(img, model.RaterSize, model.RaterSize)
	} else if d, err = visual.FitDrawing(img, model.RaterSize); err != nil {
		return nil, "", usagef("--overlay %s is %dx%d: draw it at the image's size %dx%d or square",
			path, b.Dx(), b.Dy(), imgSize.Dx(), imgSize.Dy())
	}
	switch f := vqa.FamilyOf(question); f {
	case "lineweight", "palette":
		if moved := vqa.AsLearned(f, d); moved != d {
			d, learned = moved, learnedPlace[f]
		}
	}
	ov, err = visual.NewOverlay(d, m)
	return ov, learned, err
}

// moveReference takes a red reference line painted into an image by
// another tool out of it (visual.Unpaint) and lays it, at its width, where
// the rater learned to read one (vqa.AsLearned), as --overlay does.
func moveReference(img *image.RGBA) (*image.RGBA, *visual.Overlay, string) {
	d, scene := visual.RedCoverage(img)
	moved := vqa.AsLearned("lineweight", d)
	ov, err := visual.NewOverlay(moved, visual.Solid)
	if moved == d || err != nil {
		ov, _ := visual.FindDrawing(img)
		return img, ov, ""
	}
	return scene, ov, learnedPlace["lineweight"] + "; the line painted into the image was taken out of it"
}

// learnedPlace says where vqa.AsLearned draws a family's reference.
var learnedPlace = map[string]string{
	"lineweight": fmt.Sprintf("the red line is shown to the rater where it learned to read one: at its width, from x %g to %g on row %g", vqa.RefX0, vqa.RefX1, vqa.RefY),
	"palette":    fmt.Sprintf("the swatches are shown to the rater where it learned to read them: across the bottom %d rows", vqa.PaletteRows),
}

func printRating(e env, res rating, size image.Rectangle) error {
	var sb strings.Builder
	if res.Resized {
		fmt.Fprintf(&sb, "(image resized from %dx%d to 64x64)\n", size.Dx(), size.Dy())
	}
	if res.AsLearned != "" {
		fmt.Fprintf(&sb, "(%s)\n", res.AsLearned)
	}
	if res.FoundRed > 0 {
		fmt.Fprintf(&sb, "(the image's %d red pixels are read as the visual prompt; --overlay none ignores them)\n", res.FoundRed)
	}
	for _, c := range res.Top {
		fmt.Fprintf(&sb, "%-8s %.4f\n", c.Answer, c.Probability)
	}
	if res.Probability != nil {
		fmt.Fprintf(&sb, "p(%s) = %.4f\n", res.Answer, *res.Probability)
	}
	_, err := fmt.Fprint(e.stdout, sb.String())
	return err
}

func printWords(e env, r *model.Rater) error {
	words := slices.Clone(r.Words)
	slices.Sort(words)
	_, err := fmt.Fprintf(e.stdout, "words (%d): %s\nanswers: %s\nquestions: at most %d words; case and punctuation are ignored\n",
		len(words), strings.Join(words, " "), strings.Join(r.Answers, " "), r.Config.MaxWords)
	return err
}
