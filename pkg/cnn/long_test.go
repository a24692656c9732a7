package cnn

import (
	"os"
	"testing"
)

// TestDefaultConfigAccuracy trains the default D4 on all 60,000 training
// images and checks the promise of DefaultConfig: at least 98.5% on the
// 10,000 test images. It takes minutes, so it runs only when the
// environment sets CNN_LONG=1:
//
//	CNN_LONG=1 go test -run DefaultConfigAccuracy -v -timeout 30m ./pkg/cnn
func TestDefaultConfigAccuracy(t *testing.T) {
	if os.Getenv("CNN_LONG") != "1" {
		t.Skip("trains for minutes; set CNN_LONG=1 to run")
	}
	train, test := mnistSets(t)
	m, err := Train(DefaultConfig(), train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m.History {
		t.Logf("epoch %d: mean training loss %.4f, test accuracy %.4f", e.Epoch, e.Loss, e.TestAccuracy)
	}
	t.Logf("%.1f s, %.0f training images/s, 98%% after %.1f s", m.Seconds, m.ImagesPerSecond, m.SecondsTo98)
	if first := firstEpochAt(m.History, 0.98); first == 0 || !(m.SecondsTo98 > 0 && m.SecondsTo98 <= m.Seconds) {
		t.Errorf("SecondsTo98 = %v of %v s; the history first reaches 98%% at epoch %d", m.SecondsTo98, m.Seconds, first)
	}
	if last := m.History[len(m.History)-1].TestAccuracy; last < 0.985 {
		t.Fatalf("test accuracy %.4f after the last epoch, want at least 0.985", last)
	}
}

// firstEpochAt returns the first epoch whose test accuracy reached acc, or 0.
func firstEpochAt(h []Epoch, acc float64) int {
	for _, e := range h {
		if e.TestAccuracy >= acc {
			return e.Epoch
		}
	}
	return 0
}
