package raterfit

import (
	"slices"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/training/vqa"
)

// A rater fine-tuned into a larger architecture keeps every weight that
// fits by name and shape, and the old outputs of a layer that has more.
func TestInitFromCarriesOverMatchingWeights(t *testing.T) {
	small := DefaultConfig()
	small.Model = model.RaterConfig{MaxWords: 24, Embed: 4, Hidden: 8, Stem: [2]int{4, 4}, Width: 8, Blocks: 1, Groups: 2, Head: 8, FC: 8, Readout: 4, Aux: len(AuxMaps), Slope: 0.1}
	from, err := model.NewRater(small.Model, vqa.Words(), vqa.Answers, 3)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(from.Words) // another order of the same words
	from, err = model.NewRater(small.Model, from.Words, vqa.Answers, 3)
	if err != nil {
		t.Fatal(err)
	}
	big := small
	big.Model.Attend, big.Model.AttendDim, big.Model.MarkPools = 1, 2, len(MarkLabels)
	run, err := NewRun(big)
	if err != nil {
		t.Fatal(err)
	}
	copied, fresh, err := run.InitFrom(from)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(run.Rater.Words, from.Words) {
		t.Error("the run's rater did not take the init rater's word order")
	}
	if copied != len(from.Params) || !slices.Contains(fresh, "fc.attend.weight") || !slices.Contains(fresh, "marks.weight") {
		t.Errorf("copied %d of %d, fresh %v", copied, len(from.Params), fresh)
	}
	if !slices.Equal(run.Rater.Params["stem64.weight"].Data().([]float32), from.Params["stem64.weight"].Data().([]float32)) {
		t.Error("stem64 was not copied")
	}
	// a layer with more outputs keeps the old ones
	grown := big
	grown.Model.FC = 2 * small.Model.FC
	run, _ = NewRun(grown)
	if _, _, err := run.InitFrom(from); err != nil {
		t.Fatal(err)
	}
	old := from.Params["fc.question.weight"].Data().([]float32)
	if got := run.Rater.Params["fc.question.weight"].Data().([]float32); !slices.Equal(got[:len(old)], old) || len(got) != 2*len(old) {
		t.Error("the grown layer's old outputs were not carried over")
	}
	other, _ := model.NewRater(small.Model, append(vqa.Words(), "wobbly"), vqa.Answers, 3)
	if _, _, err := run.InitFrom(other); err == nil {
		t.Error("a rater with a word the training data lacks was accepted")
	}
}

// A rater trained before a question brought a new word grows: each old
// word keeps its embedding, the new word starts at zero after them.
func TestInitFromGrowsTheVocabulary(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Model = model.RaterConfig{MaxWords: 24, Embed: 3, Hidden: 4, Stem: [2]int{2, 2}, Width: 4, Blocks: 1, Groups: 2, Head: 4, FC: 4, Readout: 2, Aux: len(AuxMaps), Slope: 0.1}
	words := vqa.Words()
	added := words[len(words)/2]
	from, err := model.NewRater(cfg.Model, slices.Delete(slices.Clone(words), len(words)/2, len(words)/2+1), vqa.Answers, 3)
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewRun(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, fresh, err := run.InitFrom(from); err != nil || len(fresh) != 1 || !strings.Contains(fresh[0], added) {
		t.Fatalf("fresh %q, error %v: want the new word's embedding named", fresh, err)
	}
	if !slices.Equal(run.Rater.Words, append(slices.Clone(from.Words), added)) {
		t.Fatalf("words %v: want the init rater's, then %q", run.Rater.Words, added)
	}
	old, got := from.Params["words.weight"], run.Rater.Params["words.weight"]
	n := len(from.Words) + 1 // with the padding id 0
	for e := range cfg.Model.Embed {
		for id := range n + 1 {
			want := float32(0)
			if id < n {
				want = old.Data().([]float32)[e*n+id]
			}
			if v := got.Data().([]float32)[e*(n+1)+id]; v != want {
				t.Fatalf("embedding %d of word id %d: %v, want %v", e, id, v, want)
			}
		}
	}
}
