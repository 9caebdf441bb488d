package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/ui/tool"
)

// maxQuestions is the most question/answer pairs a task may have.
const maxQuestions = 8

// textQuestions are questions about the scene without a drawing, offered
// with the tools' suggestions; all are in the rater's vocabulary.
var textQuestions = []string{
	"What colour is the sky?", "What time of day is it?", "Is the sun on the left or the right?",
	"Is there a sun?", "Is there a moon?", "Are there trees?", "Is there a house?", "Is there a boat?",
	"Are there clouds?", "Is there water?", "Is it night?", "Are there dark outlines?",
}

// questionRows are the task's questions, each with the answer wanted,
// picked from the rater's answers.
type questionRows struct {
	rows    []*questionRow
	box     *fyne.Container
	add     *widget.Button
	answers []string
	options []string // suggested questions
	object  fyne.CanvasObject
}

type questionRow struct {
	question *widget.SelectEntry
	answer   *widget.Select
	object   fyne.CanvasObject
}

func newQuestionRows(answers []string) *questionRows {
	q := &questionRows{box: container.NewVBox(), answers: answers}
	for _, t := range tool.All() {
		for _, qa := range t.Questions() {
			if !slices.Contains(q.options, qa.Question) {
				q.options = append(q.options, qa.Question)
			}
		}
	}
	q.options = append(q.options, textQuestions...)
	q.add = widget.NewButtonWithIcon("Add question", theme.ContentAddIcon(), func() { q.Add(QA{Answer: "yes"}) })
	q.object = container.NewVBox(q.box, container.NewHBox(q.add))
	return q
}

// Set replaces the rows with qas (one empty row when there are none).
func (q *questionRows) Set(qas []QA) {
	q.rows = nil
	q.box.RemoveAll()
	for _, qa := range qas {
		q.Add(qa)
	}
	if len(qas) == 0 {
		q.Add(QA{Answer: "yes"})
	}
}

// Add appends a row, up to maxQuestions.
func (q *questionRows) Add(qa QA) {
	if len(q.rows) >= maxQuestions {
		return
	}
	r := &questionRow{question: widget.NewSelectEntry(q.options), answer: widget.NewSelect(q.answers, nil)}
	r.question.SetPlaceHolder("a question about the image, e.g. Is the horizon at the red line?")
	// Questions run to 20 words: the entry wraps them over two lines, and a
	// line break typed or pasted becomes a space (a question is one line).
	r.question.MultiLine = true
	r.question.Wrapping = fyne.TextWrapWord
	r.question.SetMinRowsVisible(2)
	r.question.OnChanged = func(s string) {
		if strings.ContainsAny(s, "\r\n") {
			r.question.SetText(strings.Join(strings.Fields(s), " "))
		}
	}
	r.question.SetText(qa.Question)
	r.answer.PlaceHolder = "answer"
	r.answer.SetSelected(strings.ToLower(qa.Answer))
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { q.remove(r) })
	remove.Importance = widget.LowImportance
	answer := container.NewGridWrap(fyne.NewSize(96, r.answer.MinSize().Height), r.answer)
	// The question has the whole width (questions run to 20 words); the
	// answer wanted sits under it, on the right.
	wanted := widget.NewLabel("answer wanted")
	wanted.Importance = widget.LowImportance
	r.object = container.NewVBox(r.question, container.NewHBox(layout.NewSpacer(), wanted, answer, remove))
	q.rows = append(q.rows, r)
	q.box.Add(r.object)
	q.refresh()
}

func (q *questionRows) remove(r *questionRow) {
	i := slices.Index(q.rows, r)
	if i < 0 {
		return
	}
	q.rows = slices.Delete(q.rows, i, i+1)
	q.box.Remove(r.object)
	if len(q.rows) == 0 {
		q.Add(QA{Answer: "yes"})
	}
	q.refresh()
}

func (q *questionRows) refresh() {
	if len(q.rows) >= maxQuestions {
		q.add.Disable()
	} else {
		q.add.Enable()
	}
}

// Suggest adds the tool's first suggestion unless a row already asks one
// of its questions: into the first empty row, or a new row.
func (q *questionRows) Suggest(t tool.Tool) {
	suggested := t.Questions()
	for _, r := range q.rows {
		for _, qa := range suggested {
			if strings.EqualFold(strings.TrimSpace(r.question.Text), qa.Question) {
				return
			}
		}
	}
	first := suggested[0]
	for _, r := range q.rows {
		if strings.TrimSpace(r.question.Text) == "" {
			r.question.SetText(first.Question)
			r.answer.SetSelected(first.Answer)
			return
		}
	}
	q.Add(QA{Question: first.Question, Answer: first.Answer})
}

// QAs returns the rows with a question; a question without an answer is
// an error naming the row.
func (q *questionRows) QAs() ([]QA, error) {
	var qas []QA
	for i, r := range q.rows {
		text := strings.TrimSpace(r.question.Text)
		switch {
		case text == "":
			continue // an empty row
		case r.answer.Selected == "":
			return nil, fmt.Errorf("question %d: pick the answer you want for %q", i+1, text)
		}
		qas = append(qas, QA{Question: text, Answer: r.answer.Selected})
	}
	if len(qas) == 0 {
		return nil, fmt.Errorf("ask at least one question, e.g. %q", tool.Horizon{}.Questions()[0].Question)
	}
	return qas, nil
}
