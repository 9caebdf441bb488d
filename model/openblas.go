//go:build cgo && !noopenblas

package model

// OpenBLAS replaces the pure-Go BLAS for the conv ops here and for
// gorgonia's own matrix products. Build with -tags noopenblas (or
// CGO_ENABLED=0) to use pure Go; Debian needs libopenblas-dev.

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// BLAS names the BLAS in use.
const BLAS = "OpenBLAS"

func init() {
	// The conv ops split work across goroutines themselves; BLAS threads on
	// top of them only oversubscribe the cores.
	C.openblas_set_num_threads(1)
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
	G.Use(netlib.Implementation{})
}
