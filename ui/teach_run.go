package ui

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"fyne.io/fyne/v2"

	"dualprocess/training/visual"
)

// What goes in the background of the Teach tab (teachView.job).
const (
	jobTeach = "teach"
	jobRate  = "rate"
)

// refuseBusy says so and reports true while a run or a rating goes.
func (v *teachView) refuseBusy() bool {
	switch {
	case v.cancel == nil:
		return false
	case v.job == jobRate:
		v.host.fail(errors.New("the base samples are being rated: wait for it to finish, or press Stop"))
	default:
		v.host.fail(errors.New("a teaching run is already going: wait for it to finish, or press Stop"))
	}
	return true
}

// Teach starts a run in the background; while one runs it is refused.
func (v *teachView) Teach() {
	if v.refuseBusy() {
		return
	}
	spec, err := v.Spec()
	if err != nil {
		v.host.fail(err)
		return
	}
	dir, err := v.dirs.New()
	if err != nil {
		v.host.fail(err)
		return
	}
	overlay := v.overlay()
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel, v.job = cancel, jobTeach
	v.result = nil
	v.run.Start(spec.Train.Steps)
	v.host.say(fmt.Sprintf("Teaching %s: %d steps …", spec.Name, spec.Train.Steps))
	v.runs.Add(1)
	go func() {
		defer v.runs.Done()
		res, err := v.backend.Teach(ctx, spec, dir, func(p Progress) { fyne.Do(func() { v.run.Progress(p) }) })
		if v.dirs.Ended(dir) { // else the window has closed and the folder is gone
			fyne.Do(func() { v.finish(spec, dir, res, err, overlay) })
		}
	}()
}

// overlay is the visual prompt as the rater sees it, or nil.
func (v *teachView) overlay() *visual.Overlay {
	d, err := v.visual.pad.Drawing()
	if err != nil || d == nil {
		return nil
	}
	ov, _ := visual.NewOverlay(d, v.visual.pad.Mode())
	return ov
}

// finish shows how a run ended. A failed run's folder goes at once; the
// folder of a run with results stays until the window closes.
func (v *teachView) finish(spec TaskSpec, dir string, res *Result, err error, ov *visual.Overlay) {
	v.cancel()
	v.cancel, v.job = nil, ""
	if res == nil {
		v.dirs.Drop(dir)
	}
	v.run.Finish(res, err)
	if res != nil {
		v.result = res
		v.run.results.Set(res, describeTarget(spec.Judge), ov)
	}
	switch {
	case res == nil:
		v.host.fail(fmt.Errorf("teaching %s failed: %w", spec.Name, err))
	case err != nil:
		v.host.fail(fmt.Errorf("teaching %s ended early: %w; the results below are of the adapter so far", spec.Name, err))
	case res.Stopped:
		v.host.say(fmt.Sprintf("Stopped %s after %d of %d steps; the results below are of the adapter so far.",
			spec.Name, res.StepsDone, res.Steps))
	default:
		v.host.say(fmt.Sprintf("Taught %s: %s Save the adapter to keep it.", spec.Name, shortSummary(res)))
	}
	if v.finished != nil {
		v.finished()
	}
}

// Stop ends the run early; it still evaluates and shows its results. It
// ends a rating without results.
func (v *teachView) Stop() {
	if v.cancel == nil {
		v.host.say("Nothing to stop: no teaching run is going.")
		return
	}
	if v.job == jobRate {
		v.host.say("Stopping the rating …")
		v.cancel()
		return
	}
	v.run.Stopping()
	v.host.say("Stopping: evaluating the adapter so far …")
	v.cancel()
}

// Close stops a run or a rating, waits up to closeWait for it, and
// removes the run folders; a run still going then removes its own folder
// when it ends. The window calls it when it has closed, whether by its
// close button, File ▸ Quit, SIGTERM or SIGINT.
func (v *teachView) Close() {
	if v.cancel != nil {
		v.cancel()
	}
	v.dirs.Close()
	done := make(chan struct{})
	go func() { v.runs.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(v.closeWait):
		log.Printf("dualprocess: the teaching run did not stop within %s; removing its folder while it still evaluates", v.closeWait)
	}
	v.dirs.RemoveAll()
}
