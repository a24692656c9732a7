package notebook

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Cache keeps expensive results (trained models) between builds, outside
// the repository. An entry's file name is a hash of its key, which must
// hold every parameter, input and code version the result depends on, so
// changing one of them recomputes exactly what depends on it.
//
// Entries are written atomically (a temporary file renamed into place) and
// carry a checksum: a corrupt or truncated entry is recomputed, never trusted.
type Cache struct {
	Dir   string // the cache folder; created when first written
	Fresh bool   // ignore what is stored (but store the new results)

	// Hits and Misses count lookups, for the build's summary.
	Hits, Misses int
}

// DefaultCacheDir is the book's folder under the user's cache directory.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory (set XDG_CACHE_HOME or HOME): %w", err)
	}
	return filepath.Join(base, "tinynets-book"), nil
}

var cacheMagic = []byte("tinynets-cache-1\n")

// Cached returns the bytes stored for (kind, key), computing and storing
// them if they are absent, corrupt or c.Fresh is set. A nil Cache always
// computes. key must marshal to JSON.
func (c *Cache) Cached(kind string, key any, compute func() ([]byte, error)) ([]byte, error) {
	if c == nil {
		return compute()
	}
	checkName("cache kind", kind)
	kj, err := json.Marshal(key)
	if err != nil {
		panic(fmt.Sprintf("notebook: cache key of %s does not marshal: %v", kind, err))
	}
	sum := sha256.Sum256(append([]byte(kind+"\x00"), kj...))
	path := filepath.Join(c.Dir, kind, hex.EncodeToString(sum[:16])+".bin")
	if !c.Fresh {
		if data, err := readEntry(path); err == nil {
			c.Hits++
			return data, nil
		}
	}
	c.Misses++
	data, err := compute()
	if err != nil {
		return nil, err
	}
	if err := writeEntry(path, data); err != nil {
		return nil, fmt.Errorf("cache %s: %w", path, err)
	}
	return data, nil
}

// Cached is the cell's view of the runner's cache.
func (c *Cell) Cached(kind string, key any, compute func() ([]byte, error)) ([]byte, error) {
	return c.run.runner.Cache.Cached(kind, key, compute)
}

func readEntry(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	head := len(cacheMagic) + sha256.Size + 8
	if len(raw) < head || !bytes.Equal(raw[:len(cacheMagic)], cacheMagic) {
		return nil, errors.New("not a cache entry")
	}
	want := raw[len(cacheMagic) : len(cacheMagic)+sha256.Size]
	n := binary.LittleEndian.Uint64(raw[head-8 : head])
	payload := raw[head:]
	if uint64(len(payload)) != n {
		return nil, errors.New("truncated cache entry")
	}
	got := sha256.Sum256(payload)
	if !bytes.Equal(got[:], want) {
		return nil, errors.New("corrupt cache entry")
	}
	return payload, nil
}

func writeEntry(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	var buf bytes.Buffer
	buf.Write(cacheMagic)
	buf.Write(sum[:])
	binary.Write(&buf, binary.LittleEndian, uint64(len(data)))
	buf.Write(data)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
