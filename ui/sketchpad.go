package ui

import (
	"image"
	"image/color"
	"image/draw"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/training/visual"
	"dualprocess/training/world"
	"dualprocess/ui/tool"
)

// sketchScale is how many screen pixels one drawing pixel takes at least.
const sketchScale = 5

// Sketchpad is the 64x64 visual prompt, scaled up pixel by pixel, that the
// user draws on with the current tool. It shows the drawing laid over a
// backdrop (a sample of the task's first prompt) the way the rater sees it.
// It is the tools' Editor.
type Sketchpad struct {
	widget.BaseWidget

	tool     tool.Tool
	strokes  []visual.Stroke
	image    image.Image // the task's visual_prompt.image, or nil
	backdrop image.Image // what the drawing is shown over, or nil
	mode     visual.Mode
	width    float64
	colour   color.Color
	undo     [][]visual.Stroke // the strokes before each change, oldest first
	redo     [][]visual.Stroke // the strokes Undo took back, latest last
	drag     *sketchDrag

	// OnChanged is called after a tap, a drag, Undo, Redo or Clear with the
	// tool that made the change (nil for Undo, Redo and Clear).
	OnChanged func(tool.Tool)

	view *canvas.Image
}

// sketchDrag is a drag in progress: where it started, and the strokes then.
type sketchDrag struct {
	from   tool.Point
	before []visual.Stroke
}

// NewSketchpad makes an empty drawing with the first tool, solid mode,
// 1.5 px lines and a purple swatch colour.
func NewSketchpad() *Sketchpad {
	s := &Sketchpad{tool: tool.All()[0], mode: visual.Solid, width: 1.5, colour: color.NRGBA{0x7f, 0x4d, 0x7f, 0xff}}
	s.view = canvas.NewImageFromImage(nil)
	s.view.ScaleMode = canvas.ImageScalePixels
	s.view.FillMode = canvas.ImageFillStretch
	s.ExtendBaseWidget(s)
	s.redraw()
	return s
}

// Strokes is part of tool.Editor.
func (s *Sketchpad) Strokes() []visual.Stroke { return s.strokes }

// SetStrokes is part of tool.Editor.
func (s *Sketchpad) SetStrokes(strokes []visual.Stroke) {
	s.strokes = strokes
	s.redraw()
}

// Width is part of tool.Editor: the width of new lines, px at 64 px.
func (s *Sketchpad) Width() float64 { return s.width }

// Colour is part of tool.Editor: the colour the palette tool adds.
func (s *Sketchpad) Colour() color.Color { return s.colour }

// Tool is the current tool.
func (s *Sketchpad) Tool() tool.Tool { return s.tool }

// SetTool chooses the tool for the next tap or drag.
func (s *Sketchpad) SetTool(t tool.Tool) { s.tool = t }

// SetWidth sets the width of new lines.
func (s *Sketchpad) SetWidth(w float64) { s.width = w }

// SetColour sets the colour the palette tool adds.
func (s *Sketchpad) SetColour(c color.Color) { s.colour = c }

// Mode is how the drawing is laid over images.
func (s *Sketchpad) Mode() visual.Mode { return s.mode }

// SetMode shows the drawing solid or 50% transparent.
func (s *Sketchpad) SetMode(m visual.Mode) {
	s.mode = m
	s.redraw()
}

// SetBackdrop shows the drawing over img (64x64), or over white for nil.
func (s *Sketchpad) SetBackdrop(img image.Image) {
	s.backdrop = img
	s.redraw()
}

// Load replaces the drawing (a task's image, or nil, and strokes) and
// forgets the undo history.
func (s *Sketchpad) Load(img image.Image, strokes []visual.Stroke, mode visual.Mode) {
	s.image, s.strokes, s.mode, s.undo, s.redo = img, slices.Clone(strokes), mode, nil, nil
	if s.mode == "" {
		s.mode = visual.Solid
	}
	s.redraw()
}

// Undo takes back the last change: a stroke, a drag or Clear.
func (s *Sketchpad) Undo() {
	if len(s.undo) == 0 {
		return
	}
	s.redo = append(s.redo, s.strokes)
	s.strokes, s.undo = s.undo[len(s.undo)-1], s.undo[:len(s.undo)-1]
	s.changed(nil)
}

// Redo makes again the change Undo took back last; a new change since
// forgets what was undone.
func (s *Sketchpad) Redo() {
	if len(s.redo) == 0 {
		return
	}
	s.undo = append(s.undo, s.strokes)
	s.strokes, s.redo = s.redo[len(s.redo)-1], s.redo[:len(s.redo)-1]
	s.changed(nil)
}

// CanUndo reports whether there is a change to take back.
func (s *Sketchpad) CanUndo() bool { return len(s.undo) > 0 }

// CanRedo reports whether there is an undone change to make again.
func (s *Sketchpad) CanRedo() bool { return len(s.redo) > 0 }

// Clear removes every stroke (the task's image stays).
func (s *Sketchpad) Clear() {
	if len(s.strokes) == 0 {
		return
	}
	s.record(s.strokes)
	s.strokes = nil
	s.changed(nil)
}

// record makes the strokes before a change one undo step.
func (s *Sketchpad) record(before []visual.Stroke) {
	s.undo, s.redo = append(s.undo, before), nil
}

// Drawing is the visual prompt: the task's image with the strokes over it,
// or nil when there is nothing to overlay.
func (s *Sketchpad) Drawing() (*image.NRGBA, error) {
	if s.image == nil && len(s.strokes) == 0 {
		return nil, nil
	}
	d := visual.NewCanvas(world.Size)
	if s.image != nil {
		draw.Draw(d, d.Rect, s.image, s.image.Bounds().Min, draw.Src)
	}
	strokes, err := visual.DrawStrokes(s.strokes, world.Size)
	if err != nil {
		return nil, err
	}
	draw.Draw(d, d.Rect, strokes, image.Point{}, draw.Over)
	return d, nil
}

// Composite is the backdrop with the drawing laid over it as the rater
// sees it.
func (s *Sketchpad) Composite() image.Image {
	back := s.backdrop
	if back == nil || back.Bounds().Dx() != world.Size || back.Bounds().Dy() != world.Size {
		white := image.NewRGBA(image.Rect(0, 0, world.Size, world.Size))
		draw.Draw(white, white.Rect, image.White, image.Point{}, draw.Src)
		back = white
	}
	d, err := s.Drawing()
	if err != nil || d == nil {
		return back
	}
	ov, err := visual.NewOverlay(d, s.mode)
	if err != nil {
		return back
	}
	out, err := ov.Apply(back)
	if err != nil {
		return back
	}
	return out
}

func (s *Sketchpad) redraw() {
	s.view.Image = s.Composite()
	s.view.Refresh()
}

func (s *Sketchpad) changed(t tool.Tool) {
	s.redraw()
	if s.OnChanged != nil {
		s.OnChanged(t)
	}
}

// point converts a position on the widget to drawing fractions.
func (s *Sketchpad) point(p fyne.Position) tool.Point {
	at, side := square(s.Size())
	return tool.Point{X: float64((p.X - at.X) / side), Y: float64((p.Y - at.Y) / side)}
}

// square is where the drawing sits in a widget of size sz: the largest
// centred square, its corner and side.
func square(sz fyne.Size) (fyne.Position, float32) {
	side := min(sz.Width, sz.Height)
	return fyne.NewPos((sz.Width-side)/2, (sz.Height-side)/2), side
}

// Tapped is part of fyne.Tappable: the tool's tap.
func (s *Sketchpad) Tapped(e *fyne.PointEvent) {
	p := s.point(e.Position)
	s.record(s.strokes)
	s.tool.Drag(s, p, p)
	s.changed(s.tool)
}

// Dragged is part of fyne.Draggable: the tool redraws from the press to
// the pointer, from the strokes as they were at the press.
func (s *Sketchpad) Dragged(e *fyne.DragEvent) {
	if s.drag == nil {
		start := e.Position.Subtract(fyne.NewPos(e.Dragged.DX, e.Dragged.DY))
		s.drag = &sketchDrag{from: s.point(start), before: s.strokes}
	}
	s.strokes = s.drag.before
	s.tool.Drag(s, s.drag.from, s.point(e.Position))
}

// DragEnd is part of fyne.Draggable: the drag becomes one undo step.
func (s *Sketchpad) DragEnd() {
	if s.drag == nil {
		return
	}
	s.record(s.drag.before)
	s.drag = nil
	s.changed(s.tool)
}

// Cursor is part of desktop.Cursorable.
func (s *Sketchpad) Cursor() desktop.Cursor { return desktop.CrosshairCursor }

// MinSize is part of fyne.Widget.
func (s *Sketchpad) MinSize() fyne.Size {
	return fyne.NewSquareSize(sketchScale * world.Size)
}

// CreateRenderer is part of fyne.Widget.
func (s *Sketchpad) CreateRenderer() fyne.WidgetRenderer {
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = theme.Color(theme.ColorNameSeparator)
	border.StrokeWidth = 1
	return &sketchRenderer{s: s, border: border}
}

type sketchRenderer struct {
	s      *Sketchpad
	border *canvas.Rectangle
}

func (r *sketchRenderer) Layout(sz fyne.Size) {
	at, side := square(sz)
	for _, o := range []fyne.CanvasObject{r.s.view, r.border} {
		o.Move(at)
		o.Resize(fyne.NewSquareSize(side))
	}
}

func (r *sketchRenderer) MinSize() fyne.Size { return r.s.MinSize() }
func (r *sketchRenderer) Refresh() {
	r.border.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.border.Refresh()
	r.s.view.Refresh()
}
func (r *sketchRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.s.view, r.border}
}
func (r *sketchRenderer) Destroy() {}
