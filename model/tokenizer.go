package model

import (
	"fmt"
	"slices"
	"strings"

	"dualprocess/training/world"
)

// Tokenizer turns a question into word ids for the rater: world.Tokenize's
// lower-cased words, each looked up in a fixed vocabulary (id 0 is
// padding, word i of the vocabulary is id i+1), padded to MaxWords.
type Tokenizer struct {
	Words    []string
	MaxWords int
	ids      map[string]int
}

// NewTokenizer makes a tokenizer over words (no duplicates or empty words).
func NewTokenizer(words []string, maxWords int) (*Tokenizer, error) {
	if maxWords < 1 {
		return nil, fmt.Errorf("tokenizer: question length %d must be positive", maxWords)
	}
	t := &Tokenizer{Words: slices.Clone(words), MaxWords: maxWords, ids: map[string]int{}}
	for i, w := range words {
		if w == "" || !slices.Equal(world.Tokenize(w), []string{w}) {
			return nil, fmt.Errorf("tokenizer: %q is not a lower-case word", w)
		}
		if _, dup := t.ids[w]; dup {
			return nil, fmt.Errorf("tokenizer: word %q listed twice", w)
		}
		t.ids[w] = i + 1
	}
	return t, nil
}

// spellings maps other spellings of vocabulary words to the vocabulary's
// (British) one, so "What color is the sky?" is understood.
var spellings = map[string]string{"color": "colour", "colors": "colours"}

// UnknownWordsError is a question with words outside the rater's vocabulary.
type UnknownWordsError struct {
	Words []string // the unknown words, in question order
	Known []string // the vocabulary, sorted
}

func (e *UnknownWordsError) Error() string {
	return fmt.Sprintf("unknown word(s) %s in the question; the rater understands only these words: %s",
		world.QuoteWords(e.Words, e.Known), strings.Join(e.Known, " "))
}

// Encode returns the question's word ids padded to MaxWords. It refuses an
// empty question, unknown words and questions longer than MaxWords.
func (t *Tokenizer) Encode(question string) ([]int, error) {
	words := world.Tokenize(question)
	if len(words) == 0 {
		return nil, fmt.Errorf("empty question: ask e.g. %q", "Is the horizon at the red line? Answer with Yes or No.")
	}
	ids := make([]int, t.MaxWords)
	var unknown []string
	for i, w := range words {
		id, ok := t.ids[w]
		if alt, variant := spellings[w]; !ok && variant {
			id, ok = t.ids[alt]
		}
		if !ok {
			if !slices.Contains(unknown, w) {
				unknown = append(unknown, w)
			}
			continue
		}
		if i < len(ids) {
			ids[i] = id
		}
	}
	if len(unknown) > 0 {
		known := slices.Clone(t.Words)
		slices.Sort(known)
		return nil, &UnknownWordsError{Words: unknown, Known: known}
	}
	if len(words) > t.MaxWords {
		return nil, fmt.Errorf("question has %d words; the rater reads at most %d", len(words), t.MaxWords)
	}
	return ids, nil
}
