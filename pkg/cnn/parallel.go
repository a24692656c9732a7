package cnn

import (
	"runtime"
	"sync"
)

// numShards is how many pieces every batch (and every evaluation) is cut
// into, whatever the number of cores. Each shard sums its own gradients and
// the shards are added in shard order, so the result is the same bits on
// one core or many.
const numShards = 8

// shardRange returns the half-open range of items [lo, hi) of shard s when
// n items are cut into numShards nearly equal pieces.
func shardRange(s, n int) (lo, hi int) {
	return s * n / numShards, (s + 1) * n / numShards
}

// workers runs the numShards shards of a job on min(GOMAXPROCS, numShards)
// goroutines that live as long as the workers, so a training step starts
// no goroutine and allocates nothing.
type workers struct {
	shards chan int // shard numbers of the current job
	job    func(shard int)
	done   sync.WaitGroup
	n      int // goroutines; with one the caller runs the shards itself
}

func newWorkers() *workers {
	w := &workers{n: min(runtime.GOMAXPROCS(0), numShards), shards: make(chan int, numShards)}
	if w.n > 1 {
		for range w.n {
			go func() {
				for s := range w.shards {
					w.job(s)
					w.done.Done()
				}
			}()
		}
	}
	return w
}

// run calls job(s) for every shard s and returns when all are done.
func (w *workers) run(job func(shard int)) {
	if w.n <= 1 {
		for s := range numShards {
			job(s)
		}
		return
	}
	w.job = job // published to the goroutines by the channel sends below
	w.done.Add(numShards)
	for s := range numShards {
		w.shards <- s
	}
	w.done.Wait()
	w.job = nil
}

// close stops the goroutines.
func (w *workers) close() { close(w.shards) }
