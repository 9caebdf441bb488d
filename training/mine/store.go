package mine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"dualprocess/model/safetensors"
	"dualprocess/picture"
	"dualprocess/training/raterfit"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// IndexFile lists a directory's decoys (JSON); each image is a PNG beside it.
const IndexFile = "decoys.json"

// Store writes decoys into a directory as they come: each image first,
// then the whole index (both through a temporary file and a rename), so a
// run stopped at any point leaves a directory Load can read.
type Store struct {
	Dir    string
	Decoys []Decoy
}

// NewStore starts a store in dir, continuing the decoys already there.
func NewStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &Store{Dir: dir}
	if b, err := os.ReadFile(filepath.Join(dir, IndexFile)); err == nil {
		if err := json.Unmarshal(b, &s.Decoys); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, IndexFile), err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return s, nil
}

// Keep writes decoys and the index.
func (s *Store) Keep(decoys []Decoy) error {
	for _, d := range decoys {
		d.File = fmt.Sprintf("%06d.png", len(s.Decoys))
		if err := picture.WritePNG(filepath.Join(s.Dir, d.File), d.Image); err != nil {
			return err
		}
		s.Decoys = append(s.Decoys, d)
	}
	b, err := json.MarshalIndent(s.Decoys, "", " ")
	if err != nil {
		return err
	}
	return safetensors.WriteFileAtomic(filepath.Join(s.Dir, IndexFile), append(b, '\n'))
}

// Load reads a directory's decoys as the rater trains on them: each image
// with its render's truth (for the auxiliary targets) and its drawing.
func Load(dir string) ([]raterfit.Mined, error) {
	b, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if err != nil {
		return nil, fmt.Errorf("mined images: %w", err)
	}
	var decoys []Decoy
	if err := json.Unmarshal(b, &decoys); err != nil {
		return nil, fmt.Errorf("mined images: %s: %w", filepath.Join(dir, IndexFile), err)
	}
	out := make([]raterfit.Mined, 0, len(decoys))
	for i, d := range decoys {
		m, err := d.mined(dir)
		if err != nil {
			return nil, fmt.Errorf("mined images: %s entry %d (%s): %w", IndexFile, i, d.File, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func (d Decoy) mined(dir string) (raterfit.Mined, error) {
	p, err := world.ParsePrompt(d.Prompt)
	if err != nil {
		return raterfit.Mined{}, err
	}
	if len(d.QAs) < MinQuestions {
		return raterfit.Mined{}, fmt.Errorf("%d questions, want at least %d", len(d.QAs), MinQuestions)
	}
	img, err := picture.ReadImage(filepath.Join(dir, d.File))
	if err != nil {
		return raterfit.Mined{}, err
	}
	if b := img.Bounds(); b.Dx() != world.Size || b.Dy() != world.Size {
		return raterfit.Mined{}, fmt.Errorf("%dx%d pixels, want %dx%d", b.Dx(), b.Dy(), world.Size, world.Size)
	}
	m := raterfit.Mined{Family: d.QAs[0].Family, Scene: world.Render(world.Sample(p, world.Noise(d.Noise))),
		Image: picture.ToRGBA(img), QAs: d.QAs}
	if len(d.Swatches) > 0 {
		drawing, err := visual.DrawStrokes([]visual.Stroke{{Tool: "swatches", Colors: d.Swatches}}, world.Size)
		if err != nil {
			return raterfit.Mined{}, err
		}
		if m.Overlay, err = visual.NewOverlay(drawing, visual.Solid); err != nil {
			return raterfit.Mined{}, err
		}
	}
	return m, nil
}
