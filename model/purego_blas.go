//go:build !cgo || noopenblas

package model

// BLAS names the BLAS in use.
const BLAS = "gonum (pure Go)"
