package chapters

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"sync"

	"tinynets/pkg/mnist"
	"tinynets/pkg/notebook"
)

var mnistDir = params.String("mnist.dir", "", "a folder holding the four MNIST files (plain or .gz)",
	"where to read MNIST from; empty means the copy in the GoMNIST module (set by -mnist DIR)", nil)

// mnistData is the MNIST set, read once per build: 60,000 training and
// 10,000 test images with pixels scaled to [0, 1].
type mnistData struct {
	Train, Test *mnist.Set
	Dir         string
	Hash        string // sha256 of every pixel and label: part of each cache key
}

var (
	mnistOnce   sync.Mutex
	mnistLoaded = map[string]*mnistData{}
)

// loadMNIST reads the MNIST set from mnist.dir (or the bundled copy).
func loadMNIST(c *notebook.Cell) (*mnistData, error) {
	dir := mnistDir.Get(c)
	mnistOnce.Lock()
	defer mnistOnce.Unlock()
	if d, ok := mnistLoaded[dir]; ok {
		return d, nil
	}
	from := dir
	if from == "" {
		var err error
		if from, err = mnist.DefaultDir(); err != nil {
			return nil, err
		}
	}
	train, test, err := mnist.Load(from)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	buf := make([]byte, 0, 4<<16)
	for _, s := range []*mnist.Set{train, test} {
		for i, v := range s.Images {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) || i == len(s.Images)-1 {
				h.Write(buf)
				buf = buf[:0]
			}
		}
		h.Write(s.Labels)
	}
	d := &mnistData{Train: train, Test: test, Dir: from, Hash: hex.EncodeToString(h.Sum(nil))}
	mnistLoaded[dir] = d
	return d, nil
}
