package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/ui/tool"
)

// visualEditor is the visual prompt: the tools, the sketchpad, the line
// width, the palette colour, the overlay mode, and the judge the drawing
// implies.
type visualEditor struct {
	pad        *Sketchpad
	tools      map[tool.Tool]*widget.Button
	help       *widget.Label
	width      *widget.Slider
	colour     *canvas.Rectangle
	mode       *widget.RadioGroup
	judgeLabel *widget.Label
	undo, redo *widget.Button
	object     fyne.CanvasObject
	// the option rows (label and control) the current tool takes
	widthRow, colourRow []fyne.CanvasObject

	judge         judge.Target // the task's judge; Kind "" for none
	loadedStrokes []visual.Stroke
	loadedJudge   judge.Target

	onDraw func(tool.Tool) // after the user drew with a tool
}

func newVisualEditor(w fyne.Window) *visualEditor {
	v := &visualEditor{pad: NewSketchpad(), tools: map[tool.Tool]*widget.Button{}, help: widget.NewLabel(""),
		judgeLabel: widget.NewLabel("")}
	v.help.Wrapping = fyne.TextWrapWord
	v.help.SizeName = theme.SizeNameCaptionText
	v.judgeLabel.Wrapping = fyne.TextWrapWord
	go vqa.KnownPalettes() // made once, for paletteNote, before a palette is drawn
	v.pad.OnChanged = v.drawn

	bar := container.NewGridWithColumns(3)
	for _, t := range tool.All() {
		b := widget.NewButtonWithIcon(t.Name(), t.Icon(), func() { v.SetTool(t) })
		b.Alignment = widget.ButtonAlignLeading
		v.tools[t] = b
		bar.Add(b)
	}

	widthValue := widget.NewLabel("")
	v.width = widget.NewSlider(0.5, 6)
	v.width.Step = 0.25
	v.width.OnChanged = func(px float64) {
		v.pad.SetWidth(px)
		widthValue.SetText(fmt.Sprintf("%.2f px", px))
	}
	v.width.SetValue(1.5)

	v.colour = canvas.NewRectangle(v.pad.Colour())
	v.colour.SetMinSize(fyne.NewSquareSize(20))
	v.colour.CornerRadius = 3
	pick := widget.NewButton("Colour…", func() {
		d := dialog.NewColorPicker("Palette colour", "The colour a tap adds to the palette strip", v.SetColour, w)
		d.Advanced = true
		d.Show()
	})

	v.mode = widget.NewRadioGroup([]string{string(visual.Solid), string(visual.Transparent)}, func(m string) {
		if m == "" { // a radio group can be unset by a second tap
			v.mode.SetSelected(string(v.pad.Mode()))
			return
		}
		v.pad.SetMode(visual.Mode(m))
	})
	v.mode.Horizontal = true
	v.mode.SetSelected(string(visual.Solid))

	v.undo = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), v.pad.Undo)
	v.redo = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), v.pad.Redo)
	clear := widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), v.pad.Clear)
	v.widthRow = []fyne.CanvasObject{widget.NewLabel("Line width"), container.NewBorder(nil, nil, nil, widthValue, v.width)}
	v.colourRow = []fyne.CanvasObject{widget.NewLabel("Palette"), container.NewHBox(container.NewCenter(v.colour), pick)}
	options := container.New(layout.NewFormLayout(), slices.Concat(v.widthRow, v.colourRow,
		[]fyne.CanvasObject{widget.NewLabel("Overlay"), v.mode})...)
	v.object = container.NewVBox(bar, v.help, container.NewCenter(v.pad),
		container.NewHBox(v.undo, v.redo, clear), v.judgeLabel, options)
	v.SetTool(tool.All()[0])
	v.showJudge()
	v.showHistory()
	return v
}

// SetTool makes t the current tool and highlights its button.
func (v *visualEditor) SetTool(t tool.Tool) {
	v.pad.SetTool(t)
	for bt, b := range v.tools {
		b.Importance = widget.MediumImportance
		if bt == t {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	width, colour := t.Options()
	showRow(v.widthRow, width)
	showRow(v.colourRow, colour)
	judged, ok := t.Judge()
	v.help.Importance = widget.MediumImportance
	if !ok {
		v.help.Importance = widget.WarningImportance
	}
	v.help.SetText(t.Help() + "\n" + strings.ToUpper(judged[:1]) + judged[1:] + ".")
}

// showRow shows or hides a row of the options form.
func showRow(row []fyne.CanvasObject, on bool) {
	for _, o := range row {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// SetColour sets the colour the palette tool adds.
func (v *visualEditor) SetColour(c color.Color) {
	v.pad.SetColour(c)
	v.colour.FillColor = c
	v.colour.Refresh()
}

// Load shows a task's visual prompt and takes its judge, with the tool and
// the line width of its last stroke selected (without strokes, the tool
// whose strokes that judge checks).
func (v *visualEditor) Load(img image.Image, spec TaskSpec) {
	mode := spec.Visual.Mode
	if mode == "" {
		mode = visual.Solid
	}
	v.pad.Load(img, spec.Visual.Strokes, mode)
	v.mode.SetSelected(string(mode))
	v.loadedStrokes, v.loadedJudge, v.judge = slices.Clone(spec.Visual.Strokes), spec.Judge, spec.Judge
	if len(spec.Visual.Strokes) == 0 { // a drawing made elsewhere, or none: the tool of the task's judge
		if k := slices.IndexFunc(tool.All(), func(t tool.Tool) bool { return t.JudgeKind() == spec.Judge.Kind }); k >= 0 {
			v.SetTool(tool.All()[k])
		} else if img == nil && spec.Judge.Kind != "" { // text only (a sky task): no tool's help applies
			v.SetTool(v.pad.Tool())
			v.help.Importance = widget.MediumImportance
			v.help.SetText("This task has no drawing: its judge reads the image alone. Tapping the image draws with " +
				v.pad.Tool().Name() + ", the highlighted tool.")
		}
	}
	for i := len(spec.Visual.Strokes) - 1; i >= 0; i-- { // the tool that drew the last stroke, ready to move it
		if k := slices.IndexFunc(tool.All(), func(t tool.Tool) bool { return t.Kind() == spec.Visual.Strokes[i].Tool }); k >= 0 {
			v.SetTool(tool.All()[k])
			if w := spec.Visual.Strokes[i].Width; w > 0 { // and at its width: moving it keeps the line as it was
				v.width.SetValue(w)
			}
			break
		}
	}
	v.showJudge()
	v.showHistory()
}

// drawn follows a change of the drawing: the judge is the one the strokes
// imply, the task's own while the drawing is as loaded, or none.
func (v *visualEditor) drawn(t tool.Tool) {
	strokes := v.pad.Strokes()
	if target, ok := tool.JudgeFor(strokes); ok {
		v.judge = target
	} else if slices.EqualFunc(strokes, v.loadedStrokes, sameStroke) {
		v.judge = v.loadedJudge
	} else {
		v.judge = judge.Target{}
	}
	v.showJudge()
	v.showHistory()
	if t != nil && v.onDraw != nil {
		v.onDraw(t)
	}
}

// showHistory turns Undo and Redo on when there is something to take back
// or to make again.
func (v *visualEditor) showHistory() {
	for b, on := range map[*widget.Button]bool{v.undo: v.pad.CanUndo(), v.redo: v.pad.CanRedo()} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func sameStroke(a, b visual.Stroke) bool {
	return a.Tool == b.Tool && a.X == b.X && a.Y == b.Y && a.X1 == b.X1 && a.Y1 == b.Y1 &&
		a.Width == b.Width && a.Label == b.Label && slices.Equal(a.Colors, b.Colors)
}

// showJudge says what the independent judge will check, and which of the
// drawing's strokes no judge checks.
func (v *visualEditor) showJudge() {
	note := v.unjudged()
	if v.judge.Kind == "" {
		v.judgeLabel.Importance = widget.WarningImportance
		v.judgeLabel.SetText(strings.TrimSpace("Judge: none yet. Draw a horizon, vertical line, line weight, points A/B, box or palette: " +
			"the independent judge checks what the drawing asks for. A task without a drawing is judged by the sky colour it asks for " +
			"(Is the sky orange? -> yes).\n" + note))
		return
	}
	v.judgeLabel.Importance = widget.MediumImportance
	palette, known := paletteNote(v.judge)
	if note != "" || !known {
		v.judgeLabel.Importance = widget.WarningImportance
	}
	lines := []string{"Judge: " + describeTarget(v.judge) + "."}
	for _, l := range []string{palette, note} {
		if l != "" {
			lines = append(lines, l)
		}
	}
	v.judgeLabel.SetText(strings.Join(lines, "\n"))
}

// paletteNote says, for a palette judge, how near its colours are to a
// palette the world paints, and whether they are near enough to be one
// (vqa.KnownPaletteNear): the built-in rater learned the world's
// palettes, and two others taught no seed in our tests.
func paletteNote(t judge.Target) (note string, known bool) {
	if t.Kind != "palette" || len(t.Colors) == 0 {
		return "", true
	}
	cols := make([]color.RGBA, 0, len(t.Colors))
	for _, h := range t.Colors {
		if c, err := picture.ParseColor(h); err == nil {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return "", true
	}
	scene, d := vqa.NearestPalette(cols)
	if d <= vqa.KnownPaletteNear {
		return fmt.Sprintf("These are the colours of %s (mean ΔE %.1f): a palette the rater knows.", scene, d), true
	}
	return fmt.Sprintf("These colours are mean ΔE %.0f from the nearest palette the world paints (%s). "+
		"The rater learned the world's palettes; two others taught no seed in our tests.", d, scene), false
}

// unjudged says which tools drew strokes that no independent judge checks,
// or "".
func (v *visualEditor) unjudged() string {
	var lines []string
	for _, t := range tool.Unjudged(v.pad.Strokes()) {
		text, _ := t.Judge()
		lines = append(lines, t.Name()+": "+text+".")
	}
	return strings.Join(lines, "\n")
}

// describeTarget says in words what the judge will check.
func describeTarget(t judge.Target) string {
	tol := func(def float64) float64 {
		if t.Tolerance != 0 {
			return t.Tolerance
		}
		return def
	}
	switch {
	case t.Kind == "horizon" && t.Row != nil:
		return fmt.Sprintf("the horizon within %g px of row %.3f", tol(judge.HorizonTolerance), *t.Row)
	case t.Kind == "lineweight" && t.Width != nil:
		return fmt.Sprintf("outlines %.2f px wide (± %g px)", *t.Width, tol(judge.LineWeightTolerance))
	case t.Kind == "palette":
		return fmt.Sprintf("the colours %s (mean ΔE ≤ %g)", strings.Join(t.Colors, " "), tol(judge.PaletteTolerance))
	case t.Kind == "sky":
		return "the sky colour " + strings.Join(t.Colors, " or ")
	case t.Kind == "sun" && t.Box != nil:
		return fmt.Sprintf("the sun inside the box %.2f,%.2f–%.2f,%.2f", t.Box[0], t.Box[1], t.Box[2], t.Box[3])
	case t.Kind == "sun" && t.Point != nil:
		return fmt.Sprintf("the sun at %.2f,%.2f", t.Point[0], t.Point[1])
	case t.Kind == "depth" && len(t.Points) == 2:
		return fmt.Sprintf("point A at most %.2f times as far as point B (depth model)", math.Exp(-tol(judge.DepthTolerance)))
	case t.Kind == "tree" && t.X != nil:
		return fmt.Sprintf("a tree at the line at x %.3f (tree cover above %g, tree model)", *t.X, tol(judge.TreeThreshold))
	}
	return t.Kind
}
