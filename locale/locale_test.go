package locale

import (
	"os"
	"testing"
)

func TestMapPOSIX(t *testing.T) {
	for _, c := range []struct {
		lcAll, lang       string
		wantAll, wantLang string
	}{
		{"", "C.UTF-8", "", "en_US.UTF-8"},
		{"", "POSIX", "", "en_US.UTF-8"},
		{"", "de_DE.UTF-8", "", "de_DE.UTF-8"},
		{"C", "fr_FR.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8"},
		{"ja_JP.UTF-8", "C", "ja_JP.UTF-8", "C"},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		mapPOSIX()
		if got := os.Getenv("LC_ALL"); got != c.wantAll {
			t.Errorf("LC_ALL=%q LANG=%q: LC_ALL becomes %q, want %q", c.lcAll, c.lang, got, c.wantAll)
		}
		if got := os.Getenv("LANG"); got != c.wantLang {
			t.Errorf("LC_ALL=%q LANG=%q: LANG becomes %q, want %q", c.lcAll, c.lang, got, c.wantLang)
		}
	}
}
