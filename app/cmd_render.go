package app

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"dualprocess/picture"
	"dualprocess/training/world"
)

// maxRenderN bounds --n so a typo cannot ask for a gigapixel grid.
const maxRenderN = 1024

func init() {
	register(command{
		name:    "render",
		summary: "Render procedural-world images for a prompt and seeds to a PNG (and their truth as JSON).",
		args:    "--prompt P --seed N [--n K] --out FILE.png [--json]",
		setup:   setupRender,
	})
}

func setupRender(fs *flag.FlagSet) func(env, []string) error {
	prompt := fs.String("prompt", "", "scene prompt, e.g. \"mountains at sunset with trees, outlined\" (required)")
	seed := fs.Int64("seed", 0, "noise seed of the first image")
	n := fs.Int("n", 1, "number of images, seeds N..N+K-1, laid out in a near-square grid")
	out := fs.String("out", "", "output PNG file (required)")
	asJSON := fs.Bool("json", false, "print the scene truth as JSON on stdout (an array when --n > 1)")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		switch {
		case *prompt == "":
			return usagef("missing --prompt")
		case *out == "":
			return usagef("missing --out")
		case !strings.EqualFold(filepath.Ext(*out), ".png"):
			return usagef("--out %q: the file name must end in .png", *out)
		case *n < 1 || *n > maxRenderN:
			return usagef("--n %d: must be between 1 and %d", *n, maxRenderN)
		}
		p, err := world.ParsePrompt(*prompt)
		if err != nil {
			return usagef("--prompt: %w", err)
		}
		tiles := make([]image.Image, *n)
		truths := make([]world.Truth, *n)
		for i := range *n {
			if err := e.ctx.Err(); err != nil {
				return err
			}
			r := world.Render(world.Sample(p, world.Noise(*seed+int64(i))))
			tiles[i], truths[i] = r.Image, r.Truth
		}
		if err := picture.WritePNG(*out, picture.Grid(tiles, picture.SquareCols(*n))); err != nil {
			return err
		}
		if !*asJSON {
			return nil
		}
		var v any = truths
		if *n == 1 {
			v = truths[0]
		}
		return printJSON(e, v)
	}
}

func printJSON(e env, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}
