// Command latent-reach asks whether a task's target is within reach of the
// generator at all, by the means its teacher, the procedural world, has: the
// world places its objects and its horizon by components of the noise z, and
// the generator G(prompt, z) was trained to draw the world's scene for the
// same z. Setting those components to one value for every seed is the
// simplest layout change an adapter could learn. For each of the task's
// prompts it prints how many evaluation seeds the task's judge passes on the
// world's renders and on the generator's images: unchanged, and with the
// best such setting, chosen by the world's passes and by the generator's.
//
//	go run ./docs/experiments/latent-reach [-task docs/experiments/depth-tasks/depth-house.json] [-seeds 100-123]
package main

import (
	"flag"
	"fmt"
	"image"
	"log"
	"math"

	"dualprocess/assets"
	"dualprocess/model"
	"dualprocess/training/judge"
	"dualprocess/training/teach"
	"dualprocess/training/world"
)

// Components of z that place things, in the order of training/world/sample.go.
const (
	zHorizon = 0
	zTreesX  = 9 // and zTreesY = 10
	zHouseX  = 11
)

var (
	grid  = []float64{-2, -1, -0.4, 0.3, 1, 2}
	hgrid = []float64{-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2}
)

type setting struct {
	what          string
	x, y, horizon float64 // NaN horizon: kept
}

func main() {
	taskPath := flag.String("task", "docs/experiments/depth-tasks/depth-house.json", "task file")
	seedSpec := flag.String("seeds", "100-123", "evaluation seeds")
	flag.Parse()
	task, err := teach.LoadTask(*taskPath)
	check(err)
	seeds, err := teach.ParseSeedRange(*seedSpec)
	check(err)
	gen, err := model.DecodeGenerator(assets.Generator, "assets/generator.safetensors")
	check(err)
	d, err := model.DecodeDepthNet(assets.Depth, "assets/depth.safetensors")
	check(err)
	judge.Depth = d
	tr, err := model.DecodeTreeNet(assets.Trees, "assets/trees.safetensors")
	check(err)
	judge.Trees = tr
	sampler, err := gen.NewSampler(len(seeds))
	check(err)

	for _, p := range task.ParsedPrompts() {
		passes := func(zs [][]float64) (w, g int) {
			prs := make([]world.Prompt, len(zs))
			for i := range prs {
				prs[i] = p
			}
			imgs, err := sampler.Generate(prs, zs)
			check(err)
			for i, z := range zs {
				w += pass(task.Judge, world.Render(world.Sample(p, z)).Image)
				g += pass(task.Judge, imgs[i])
			}
			return w, g
		}
		noises := func(s setting) [][]float64 {
			zs := make([][]float64, len(seeds))
			for i, seed := range seeds {
				z := world.Noise(seed)
				k := map[string]int{"trees": zTreesX, "house": zHouseX}[s.what]
				z[k], z[k+1] = s.x, s.y
				if !math.IsNaN(s.horizon) {
					z[zHorizon] = s.horizon
				}
				zs[i] = z
			}
			return zs
		}
		n := len(seeds)
		w, g := passes(noises(setting{what: "none"}))
		fmt.Printf("%s\n  unchanged: world %d/%d, generator %d/%d\n", p, w, n, g, n)
		for _, withHorizon := range []bool{false, true} {
			for _, what := range []string{"trees", "house"} {
				if (what == "trees" && !p.Trees) || (what == "house" && !p.House) {
					continue
				}
				var byW, byG setting
				bw, bg := [2]int{-1, 0}, [2]int{0, -1}
				hs := []float64{math.NaN()}
				if withHorizon {
					hs = hgrid
				}
				for _, x := range grid {
					for _, y := range grid {
						for _, h := range hs {
							s := setting{what, x, y, h}
							w, g := passes(noises(s))
							if w > bw[0] {
								byW, bw = s, [2]int{w, g}
							}
							if g > bg[1] {
								byG, bg = s, [2]int{w, g}
							}
						}
					}
				}
				fmt.Printf("  %s placed%s: best for the world %v: world %d/%d, generator %d/%d; best for the generator %v: world %d/%d, generator %d/%d\n",
					what, map[bool]string{true: ", horizon set"}[withHorizon], byW, bw[0], n, bw[1], n, byG, bg[0], n, bg[1], n)
			}
		}
	}
}

func pass(t judge.Target, img image.Image) int {
	r, err := judge.Check(img, t)
	check(err)
	if r.Verdict != nil && r.Verdict.Pass {
		return 1
	}
	return 0
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
