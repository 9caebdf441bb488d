//go:build unix

package app

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// Without SIGTERM in signalContext the signal kills the test binary.
func TestSIGTERMCancelsTheCommandsContext(t *testing.T) {
	ctx, stop := signalContext()
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
}
