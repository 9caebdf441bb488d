package pretrain

import (
	"context"
	"image"
	"math/rand/v2"
	"runtime"
	"sync"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// Seeds of the noise z. Training example i of a run with seed S uses noise
// seed S*TrainSeedStride + i; evaluation uses seeds from HeldOutSeed on,
// which no training run reaches (S < MaxRunSeed).
const (
	TrainSeedStride = 1_000_000_000
	MaxRunSeed      = 1_000_000
	HeldOutSeed     = int64(TrainSeedStride) * (MaxRunSeed + 1)
)

// Example is one (prompt, noise seed) pair and, once rendered, its target.
type Example struct {
	Prompt world.Prompt
	Seed   int64
	Target *image.RGBA
	Truth  world.Truth
}

// trainExample is training example i of a run: a prompt drawn from the
// whole grammar and a training noise seed, both fixed by (runSeed, i).
func trainExample(runSeed uint64, i int) Example {
	rng := rand.New(rand.NewPCG(runSeed, uint64(i)))
	return Example{Prompt: judge.RandomPrompt(rng), Seed: int64(runSeed)*TrainSeedStride + int64(i)}
}

// HeldOut returns n held-out evaluation pairs (never used in training).
func HeldOut(n int) []Example {
	rng := rand.New(rand.NewPCG(uint64(HeldOutSeed), 3))
	out := make([]Example, n)
	for i := range out {
		out[i] = Example{Prompt: judge.RandomPrompt(rng), Seed: HeldOutSeed + int64(i)}
	}
	return out
}

// render fills in the targets of exs with world.Render, on all cores.
func render(ctx context.Context, exs []Example) error {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := world.Render(world.Sample(exs[i].Prompt, world.Noise(exs[i].Seed)))
				exs[i].Target, exs[i].Truth = r.Image, r.Truth
			}
		}()
	}
	var err error
	for i := range exs {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return err
}

// batchAt returns the pool indices of step t's batch: the pool is visited in
// a fresh shuffled order every epoch, the order fixed by (runSeed, epoch), so
// the batch is a pure function of the step and resuming needs no RNG state.
func batchAt(runSeed uint64, pool, batch, t int) []int {
	idx := make([]int, batch)
	var perm []int
	epoch := -1
	for k := range idx {
		pos := t*batch + k
		if e := pos / pool; e != epoch {
			epoch = e
			perm = rand.New(rand.NewPCG(runSeed, uint64(1<<32+e))).Perm(pool)
		}
		idx[k] = perm[pos%pool]
	}
	return idx
}
