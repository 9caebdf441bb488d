package model

// SetFilmStd is a temporary experiment hook.
func SetFilmStd(v float64) { filmStd = v }

var noQ bool

// SetNoQ is a temporary experiment hook.
func SetNoQ(v bool) { noQ = v }

var stemGN bool

// SetStemGN is a temporary experiment hook.
func SetStemGN(v bool) { stemGN = v }
