package teach

import (
	"fmt"

	"dualprocess/training/judge"
	"dualprocess/training/vqa"
)

// completeJudge fills in what a task file leaves out of its judge, as a
// task written by hand or by another tool may: the kind from the first
// question whose desired answer a judge checks (vqa.JudgeOf: "Is the
// horizon at the red line?" -> yes is the horizon judge), and the target
// from the drawing's strokes, else from its picture (judge.FromStrokes,
// judge.FromPicture), or for a sky colour from the question. JudgeFrom says
// where they came from. A judge given in full is kept, and one given with a
// target is never changed: what cannot be filled in is left for Validate to
// name.
func (t *Task) completeJudge() error {
	j := &t.Judge
	if !targetless(*j) {
		return nil
	}
	kind, swapped, asked := j.Kind, false, QA{}
	for _, qa := range t.Questions {
		if k, sw := vqa.JudgeOf(qa.Question, qa.Answer); k != "" && (kind == "" || k == kind) {
			kind, swapped, asked = k, sw, qa
			break
		}
	}
	if kind == "" {
		return nil
	}
	from := "from the drawing"
	if j.Kind == "" {
		from = fmt.Sprintf("from the question %q and the drawing", asked.Question)
	}
	target, ok := judge.FromStrokes(kind, t.Visual.Strokes)
	switch {
	case kind == "sky":
		var hex string
		if hex, ok = vqa.SkyTarget(asked.Question, asked.Answer); ok {
			target, from = judge.Target{Kind: kind, Colors: []string{hex}}, fmt.Sprintf("from the question %q", asked.Question)
		}
	case !ok && t.Visual.Image != "":
		d, err := t.Drawing()
		if err != nil {
			return err
		}
		target, ok = judge.FromPicture(kind, d)
	}
	if !ok {
		j.Kind = kind // Validate says what the target needs, and why it was not read
		t.judgeHint = unread[kind]
		return nil
	}
	if swapped {
		target.Points[0], target.Points[1] = target.Points[1], target.Points[0]
	}
	target.Tolerance = j.Tolerance
	*j, t.JudgeFrom = target, from
	return nil
}

// unread says, for each judge, why a target left out was not read.
var unread = map[string]string{
	"horizon":    "the drawing has no red horizontal line to read it from",
	"tree":       "the drawing has no red vertical line to read it from",
	"lineweight": "the drawing has no red reference line to read it from",
	"sun":        "the drawing has no red box to read it from",
	"depth":      "the drawing has no points A and B drawn as strokes to read them from (a picture does not say which dot is A)",
	"palette":    "the drawing has no swatches to read them from",
	"sky":        "no question names a sky colour (e.g. Is the sky orange? -> yes) to read it from",
}

// targetless reports whether a judge gives no target at all.
func targetless(j judge.Target) bool {
	return j.Row == nil && j.Width == nil && len(j.Colors) == 0 && j.Point == nil && j.Box == nil && len(j.Points) == 0 && j.X == nil
}
