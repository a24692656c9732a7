package cnn

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"strings"
	"testing"
	"tinynets/pkg/srchash"
)

// trainedModel returns a small model with a history, made without
// training: every field set to a distinct value.
func trainedModel() *Model {
	cfg := DefaultConfig()
	cfg.Filters1, cfg.Filters2, cfg.Kernel, cfg.Epochs, cfg.LR, cfg.Seed = 3, 5, 5, 2, 0.0123, 99
	m := New(cfg)
	m.Conv1B.Data[0] = float32(math.NaN()) // odd values survive too
	m.Conv2B.Data[1] = float32(math.Copysign(0, -1))
	m.History = []Epoch{{1, 0.5, 0.9}, {2, 0.25, 0.95}}
	m.Seconds, m.ImagesPerSecond, m.SecondsTo98 = 12.5, 4800.25, 7.75
	return m
}

func TestMarshalRoundTrip(t *testing.T) {
	m := trainedModel()
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if back.Config != m.Config || fmt.Sprint(back.History) != fmt.Sprint(m.History) ||
		back.Seconds != m.Seconds || back.ImagesPerSecond != m.ImagesPerSecond || back.SecondsTo98 != m.SecondsTo98 {
		t.Fatalf("round trip changed the model: %+v %+v", back.Config, back.History)
	}
	if !bytes.Equal(paramBytes(&back), paramBytes(m)) {
		t.Fatal("round trip changed a parameter's bits")
	}
	for i, bt := range back.tensors() {
		if fmt.Sprint(bt.Shape) != fmt.Sprint(m.tensors()[i].Shape) {
			t.Fatalf("tensor %d has shape %v, want %v", i, bt.Shape, m.tensors()[i].Shape)
		}
	}
	again, _ := back.MarshalBinary()
	if !bytes.Equal(again, data) {
		t.Fatal("marshalling the decoded model gives other bytes")
	}
}

// TestUnmarshalVersion1 reads the format before SecondsTo98: the same
// bytes without it.
func TestUnmarshalVersion1(t *testing.T) {
	m := trainedModel()
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	old := append([]byte(nil), data[:len(data)-4-8]...)
	binary.LittleEndian.PutUint32(old[len(binaryMagic):], 1)
	var back Model
	if err := back.UnmarshalBinary(resum(append(old, 0, 0, 0, 0))); err != nil {
		t.Fatal(err)
	}
	if back.SecondsTo98 != 0 || back.Seconds != m.Seconds || !bytes.Equal(paramBytes(&back), paramBytes(m)) {
		t.Fatalf("version 1 read as SecondsTo98 %v, Seconds %v", back.SecondsTo98, back.Seconds)
	}
}

// resum replaces the checksum, so that a test reaches the checks behind it.
func resum(b []byte) []byte {
	b = append([]byte(nil), b[:len(b)-4]...)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func TestUnmarshalRejects(t *testing.T) {
	good, err := trainedModel().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 1
	version := append([]byte(nil), good...)
	version[len(binaryMagic)] = 9
	kernel := append([]byte(nil), good...)
	kernel[len(binaryMagic)+4+16] = 4 // Kernel = 4
	epochs := append([]byte(nil), good...)
	epochs[len(binaryMagic)+4+24] = 1 // Epochs = 1, but 2 recorded
	body := good[:len(good)-4]
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "bad magic"},
		{"other file", []byte("\x89PNG\r\n\x1a\n0000000000000000000"), "bad magic"},
		{"flipped bit", flipped, "checksum mismatch"},
		{"version", resum(version), "format version 9"},
		{"bad config", resum(kernel), "cnn.kernel = 4"},
		{"history too long", resum(epochs), "records 2 epochs of a 1-epoch"},
		{"trailing bytes", resum(append(append([]byte(nil), good...), 0, 0, 0, 0)), "4 unexpected bytes"},
		{"cut and resummed", resum(body[:len(body)-40]), "truncated"},
	}
	for n := len(binaryMagic); n < len(good); n += 97 {
		cases = append(cases, struct {
			name string
			data []byte
			want string
		}{fmt.Sprintf("first %d bytes", n), good[:n], ""})
	}
	for _, c := range cases {
		m := trainedModel()
		before, _ := m.MarshalBinary()
		err := m.UnmarshalBinary(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", c.name, err, c.want)
		}
		if after, _ := m.MarshalBinary(); !bytes.Equal(after, before) {
			t.Errorf("%s: a failed UnmarshalBinary changed the model", c.name)
		}
	}
}

// TestCodeVersion recomputes the digest from the files on disk: all of the
// package's .go and .s files but its tests.
func TestCodeVersion(t *testing.T) {
	want, files, err := srchash.OnDisk(".", ".go", ".s")
	if err != nil {
		t.Fatal(err)
	}
	if got := CodeVersion(); got != want || files < 5 {
		t.Fatalf("CodeVersion() = %s, but the %d source files on disk hash to %s", got, files, want)
	}
}
