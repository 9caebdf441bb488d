package picture

import (
	"image/color"
	"strings"
	"testing"
)

func TestParseColorReadsHexAndCSSNames(t *testing.T) {
	for s, want := range map[string]color.RGBA{
		"#e07040":     {0xe0, 0x70, 0x40, 255},
		"402060":      {0x40, 0x20, 0x60, 255},
		"#fff":        {255, 255, 255, 255},
		"navy":        {0, 0, 0x80, 255},
		" OrangeRed ": {0xff, 0x45, 0, 255},
		"RED":         {255, 0, 0, 255},
	} {
		if got, err := ParseColor(s); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"reddish", "#ggg000", "#12345", "", "+fffff"} {
		if _, err := ParseColor(s); err == nil || !strings.Contains(err.Error(), "CSS colour name") {
			t.Errorf("%q: %v, want a refusal that says what is understood", s, err)
		}
	}
}
