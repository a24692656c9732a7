package tf

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 30
	m, err := Train(cfg, "hello wörld", nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	u, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if u.Config != m.Config || !slices.Equal(u.Vocab.Runes, m.Vocab.Runes) || !slices.Equal(u.Losses, m.Losses) ||
		u.FinalLoss != m.FinalLoss || u.Seconds != m.Seconds {
		t.Fatal("configuration, vocabulary or training record changed")
	}
	for i := range m.p.flat {
		if math.Float32bits(m.p.flat[i]) != math.Float32bits(u.p.flat[i]) {
			t.Fatalf("weight %d: %v became %v", i, m.p.flat[i], u.p.flat[i])
		}
	}
	again, _ := u.MarshalBinary()
	if !bytes.Equal(data, again) {
		t.Fatal("marshalling the unmarshalled model gives other bytes")
	}
	ids := mustEncode(t, m.Vocab, "hel")
	if !slices.Equal(m.Forward(ids).Get("logits").Data, u.Forward(ids).Get("logits").Data) {
		t.Fatal("the round trip changed the logits")
	}
	var z Model
	if err := z.UnmarshalBinary(data); err != nil || z.NumParams() != m.NumParams() {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 1
	m, _ := Train(cfg, "hello world", nil)
	good, _ := m.MarshalBinary()

	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 1
	// A model whose checksum is right but whose header lies about the shape.
	liar := *m
	liar.Config.FF = 32
	lying, _ := liar.MarshalBinary()
	badCfg := *m
	badCfg.Config.Heads = 5
	invalid, _ := badCfg.MarshalBinary()

	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a tinynets tf model"},
		{"other file", []byte("\x93NUMPY\x01\x00...................................."), "not a tinynets tf model"},
		{"truncated", good[:len(good)-10], "checksum"},
		{"flipped bit", flip, "checksum"},
		{"extra byte", append(bytes.Clone(good), 0), "checksum"},
		{"weight count", lying, "weights, but the config and vocabulary need"},
		{"invalid config", invalid, "tf.heads = 5"},
	} {
		if _, err := Unmarshal(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
