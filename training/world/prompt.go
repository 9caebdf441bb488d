// Package world is the procedural world the built-in models learn from and
// the judges measure in: a prompt grammar, a deterministic scene sampler
// (prompt, z) -> Scene, and a renderer Scene -> image, depth map and truth.
package world

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The vocabulary of the prompt grammar.
var (
	Kinds   = []string{"mountains", "lake", "sea", "desert", "hills", "city"}
	Times   = []string{"dawn", "noon", "sunset", "night"}
	Objects = []string{"trees", "house", "boat", "clouds"}
	Styles  = []string{"flat", "outlined"}
	// Fillers are forgiven anywhere in a prompt.
	Fillers = []string{"a", "an", "the", "in", "at", "with", "and", "style", "of",
		"on", "by", "some", "scene", "landscape", "view", "picture", "image", "drawing"}
)

// aliases maps forgiven spellings to their canonical word.
var aliases = map[string]string{
	"mountain": "mountains", "lakes": "lake", "ocean": "sea", "seaside": "sea",
	"hill": "hills", "town": "city", "deserts": "desert",
	"sunrise": "dawn", "morning": "dawn", "midday": "noon", "day": "noon",
	"daytime": "noon", "dusk": "sunset", "evening": "sunset",
	"tree": "trees", "forest": "trees", "houses": "house", "boats": "boat",
	"cloud": "clouds", "cloudy": "clouds", "outline": "outlined", "outlines": "outlined",
	"plain": "flat",
}

// Defaults used for the parts a prompt leaves out.
const (
	DefaultKind  = "hills"
	DefaultTime  = "noon"
	DefaultStyle = "flat"
)

// Prompt is a parsed prompt: one scene kind, one time of day, a set of
// objects and a style.
type Prompt struct {
	Kind     string
	Time     string
	Trees    bool
	House    bool
	Boat     bool
	Clouds   bool
	Outlined bool
}

// UnknownWordsError reports prompt words outside the vocabulary.
type UnknownWordsError struct{ Words []string }

func (e *UnknownWordsError) Error() string {
	return fmt.Sprintf("unknown word(s) %s in prompt; %s",
		QuoteWords(e.Words, promptWords()), VocabularyHelp())
}

// VocabularyHelp lists the words a prompt may use.
func VocabularyHelp() string {
	return fmt.Sprintf("known words: scenes (%s), times (%s), objects (%s), styles (%s)",
		strings.Join(Kinds, ", "), strings.Join(Times, ", "),
		strings.Join(Objects, ", "), strings.Join(Styles, ", "))
}

// ParsePrompt reads a prompt such as "mountains at sunset with trees, outlined".
// Word order, case, punctuation and filler words do not matter. Missing parts
// take the defaults (hills, noon, flat). Unknown words and contradictions
// (two scene kinds, two times, two styles) are errors.
func ParsePrompt(s string) (Prompt, error) {
	var p Prompt
	var unknown []string
	var kinds, times, styles []string
	for _, w := range Tokenize(s) {
		if a, ok := aliases[w]; ok {
			w = a
		}
		switch {
		case slices.Contains(Kinds, w):
			kinds = appendNew(kinds, w)
		case slices.Contains(Times, w):
			times = appendNew(times, w)
		case slices.Contains(Styles, w):
			styles = appendNew(styles, w)
		case w == "trees":
			p.Trees = true
		case w == "house":
			p.House = true
		case w == "boat":
			p.Boat = true
		case w == "clouds":
			p.Clouds = true
		case slices.Contains(Fillers, w):
		default:
			unknown = appendNew(unknown, w)
		}
	}
	if len(unknown) > 0 {
		return Prompt{}, &UnknownWordsError{Words: unknown}
	}
	for _, c := range []struct {
		what  string
		words []string
	}{{"scene kinds", kinds}, {"times of day", times}, {"styles", styles}} {
		if len(c.words) > 1 {
			return Prompt{}, fmt.Errorf("prompt names %d %s (%s); use one",
				len(c.words), c.what, strings.Join(c.words, ", "))
		}
	}
	p.Kind, p.Time = DefaultKind, DefaultTime
	if len(kinds) == 1 {
		p.Kind = kinds[0]
	} else if p.Boat {
		p.Kind = "sea"
	}
	if len(times) == 1 {
		p.Time = times[0]
	}
	p.Outlined = len(styles) == 1 && styles[0] == "outlined"
	return p, nil
}

// MustParsePrompt is ParsePrompt for prompts known to be valid; it panics otherwise.
func MustParsePrompt(s string) Prompt {
	p, err := ParsePrompt(s)
	if err != nil {
		panic(err)
	}
	return p
}

// Tokenize lower-cases s and splits it into words, dropping punctuation.
func Tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'')
	})
}

// Words returns the prompt's canonical words: kind, time, objects, style.
// These are the tokens the generator's prompt encoder embeds.
func (p Prompt) Words() []string {
	w := []string{p.Kind, p.Time}
	for _, o := range []struct {
		on   bool
		word string
	}{{p.Trees, "trees"}, {p.House, "house"}, {p.Boat, "boat"}, {p.Clouds, "clouds"}} {
		if o.on {
			w = append(w, o.word)
		}
	}
	if p.Outlined {
		return append(w, "outlined")
	}
	return append(w, "flat")
}

// String is the canonical text of the prompt, e.g.
// "mountains at sunset with trees and clouds, outlined".
func (p Prompt) String() string {
	s := p.Kind + " at " + p.Time
	var objs []string
	for _, w := range p.Words()[2:] {
		if slices.Contains(Objects, w) {
			objs = append(objs, w)
		}
	}
	if len(objs) > 0 {
		s += " with " + strings.Join(objs, " and ")
	}
	if p.Outlined {
		s += ", outlined"
	}
	return s
}

// HasWater tells whether the scene shows water (sea, lake, or a pond for a boat).
func (p Prompt) HasWater() bool { return p.Kind == "sea" || p.Kind == "lake" || p.Boat }

// AllWords is the sorted canonical vocabulary (no fillers or aliases).
func AllWords() []string {
	var w []string
	for _, l := range [][]string{Kinds, Times, Objects, Styles} {
		w = append(w, l...)
	}
	sort.Strings(w)
	return w
}

// promptWords is every word a prompt may use, aliases and fillers too,
// sorted: the words an unknown one may be a slip for.
func promptWords() []string {
	w := append(AllWords(), Fillers...)
	for a := range aliases {
		w = append(w, a)
	}
	slices.Sort(w)
	return slices.Compact(w)
}

func appendNew(list []string, w string) []string {
	if slices.Contains(list, w) {
		return list
	}
	return append(list, w)
}

// Without is p without objects of kind ("house", "boat" or "tree"); false
// for any other kind (the sun or moon comes with the time of day) and for a
// boat that brings the scene's water. Each kind is drawn from noise
// components of its own, so the rest of the scene stays as it was.
func (p Prompt) Without(kind string) (Prompt, bool) {
	switch kind {
	case "house":
		p.House = false
	case "boat":
		p.Boat = false
		if !p.HasWater() {
			return p, false
		}
	case "tree":
		p.Trees = false
	default:
		return p, false
	}
	return p, true
}
