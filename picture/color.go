package picture

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"golang.org/x/image/colornames"
)

// ParseColor reads a colour written as #rrggbb, rrggbb, #rgb or a CSS
// (SVG 1.1) colour name, any case ("navy", "OrangeRed").
func ParseColor(s string) (color.RGBA, error) {
	if c, ok := colornames.Map[strings.ToLower(strings.TrimSpace(s))]; ok {
		return c, nil
	}
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return color.RGBA{}, fmt.Errorf("colour %q: want #rrggbb, #rgb or a CSS colour name such as navy", s)
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.RGBA{}, fmt.Errorf("colour %q: want #rrggbb, #rgb or a CSS colour name such as navy", s)
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, nil
}
