package ui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sampleMinSide is the smallest on-screen side of one sample; the 64x64
// images are scaled up pixel by pixel (nearest neighbour) to stay crisp.
const sampleMinSide = 128

// Samples is a grid of images, each captioned with its seed.
type Samples struct {
	widget.BaseWidget
	images   []*canvas.Image
	captions []*widget.Label
	grid     *fyne.Container
}

// NewSamples makes a grid of n empty cells in cols columns.
func NewSamples(n, cols int) *Samples {
	s := &Samples{grid: container.NewGridWithColumns(cols)}
	for range n {
		img := canvas.NewImageFromImage(nil)
		img.ScaleMode = canvas.ImageScalePixels
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSquareSize(sampleMinSide))
		caption := widget.NewLabel("")
		caption.Alignment = fyne.TextAlignCenter
		caption.SizeName = theme.SizeNameCaptionText
		s.images = append(s.images, img)
		s.captions = append(s.captions, caption)
		s.grid.Add(container.New(captionedLayout{}, img, caption))
	}
	s.ExtendBaseWidget(s)
	return s
}

// Len is the number of cells.
func (s *Samples) Len() int { return len(s.images) }

// Set shows images for the seeds firstSeed, firstSeed+1, ... Cells beyond
// len(imgs) are cleared.
func (s *Samples) Set(imgs []image.Image, firstSeed int64) {
	for i, c := range s.images {
		c.Image, s.captions[i].Text = nil, ""
		if i < len(imgs) {
			c.Image = imgs[i]
			s.captions[i].Text = fmt.Sprintf("seed %d", firstSeed+int64(i))
		}
		c.Refresh()
		s.captions[i].Refresh()
	}
}

// Image returns the image in cell i, or nil when the cell is empty.
func (s *Samples) Image(i int) image.Image { return s.images[i].Image }

// CreateRenderer is part of fyne.Widget.
func (s *Samples) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.grid)
}

// captionedLayout puts the first object, an image, in the largest square
// that leaves room for the second, its caption, right under it; both are
// centred.
type captionedLayout struct{}

func (captionedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	img, caption := objs[0], objs[1]
	ch := caption.MinSize().Height
	side := max(0, min(size.Width, size.Height-ch))
	img.Resize(fyne.NewSquareSize(side))
	img.Move(fyne.NewPos((size.Width-side)/2, 0))
	caption.Resize(fyne.NewSize(size.Width, ch))
	caption.Move(fyne.NewPos(0, side))
}

func (captionedLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	img, caption := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(img.Width, caption.Width), img.Height+caption.Height)
}
