package world

import (
	"fmt"
	"strings"
)

// Nearest is the word of known that w is most likely a slip for: the
// nearest in edit distance, if at most 2 edits away (1 for words of four
// letters or fewer, where two edits make another word). ok is false when
// none is that near.
func Nearest(w string, known []string) (word string, ok bool) {
	limit := 2
	if len(w) <= 4 {
		limit = 1
	}
	best := limit + 1
	for _, k := range known {
		if d := EditDistance(w, k); d < best {
			word, best = k, d
		}
	}
	return word, best <= limit
}

// QuoteWords quotes unknown words for a message, each with the known word
// it may be a slip for: "montains" (mountains?), "volcano".
func QuoteWords(words, known []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = fmt.Sprintf("%q", w)
		if k, ok := Nearest(w, known); ok {
			q[i] += " (" + k + "?)"
		}
	}
	return strings.Join(q, ", ")
}

// EditDistance is the Levenshtein distance between two strings: the
// fewest insertions, deletions and substitutions of bytes that turn a into b.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
