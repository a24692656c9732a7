package life

import "fmt"

// net holds every weight of the Life CNN in one flat buffer, with a named
// view per tensor, so that Adam, marshalling and the gradient checks treat
// all weights alike.
//
//	board x                       (1, S, S), cells 0 or 1
//	-> 3x3 circular conv + ReLU   a1, r1 are (F, S, S): context sharing, each cell sees its 8 neighbours
//	-> 1x1 conv + ReLU            a2, r2 are (H, S, S): storyline, per cell
//	-> 1x1 conv                   z is (S, S): one logit per cell
//	-> sigmoid                    p is (S, S): the probability that the cell is alive next
//
// The receptive field is 3 x 3: the output at a cell depends only on the
// cell and its 8 neighbours, as the rule of Life does.
type net[F Float] struct {
	Filters, Hidden int

	all []F // every weight below, back to back
	w1  []F // (Filters, 1, 3, 3)
	b1  []F // (Filters)
	w2  []F // (Hidden, Filters)
	b2  []F // (Hidden)
	w3  []F // (1, Hidden)
	b3  []F // (1)
}

func newNet[F Float](filters, hidden int) *net[F] {
	n := &net[F]{Filters: filters, Hidden: hidden}
	n.all = make([]F, filters*9+filters+hidden*filters+hidden+hidden+1)
	rest := n.all
	take := func(k int) []F {
		s := rest[:k:k]
		rest = rest[k:]
		return s
	}
	n.w1, n.b1 = take(filters*9), take(filters)
	n.w2, n.b2 = take(hidden*filters), take(hidden)
	n.w3, n.b3 = take(hidden), take(1)
	return n
}

// trace keeps what backward needs from one board's forward pass, plus the
// scratch buffers of the backward pass.
type trace[F Float] struct {
	S      int
	x      []F // (1, S, S)
	a1, r1 []F // (Filters, S, S)
	a2, r2 []F // (Hidden, S, S)
	z      []F // (S, S)

	dz, dr2, da2, dr1, da1 []F
}

func newTrace[F Float](n *net[F], S int) *trace[F] {
	N := S * S
	return &trace[F]{
		S: S, x: make([]F, N),
		a1: make([]F, n.Filters*N), r1: make([]F, n.Filters*N),
		a2: make([]F, n.Hidden*N), r2: make([]F, n.Hidden*N),
		z:  make([]F, N),
		dz: make([]F, N), dr2: make([]F, n.Hidden*N), da2: make([]F, n.Hidden*N),
		dr1: make([]F, n.Filters*N), da1: make([]F, n.Filters*N),
	}
}

// forward runs the net on one board and fills tr; tr.z holds the logits.
// forward panics if the board does not have tr.S * tr.S cells.
func (n *net[F]) forward(tr *trace[F], board []uint8) {
	S, N := tr.S, tr.S*tr.S
	if len(board) != N {
		panic(fmt.Sprintf("life: board of %d cells, trace is for %d x %d", len(board), S, S))
	}
	for i, c := range board {
		tr.x[i] = F(c)
	}
	conv2dForward(tr.a1, tr.x, n.w1, n.b1, 1, n.Filters, S)
	reluForward(tr.r1, tr.a1)
	pointwiseForward(tr.a2, tr.r1, n.w2, n.b2, n.Filters, n.Hidden, N)
	reluForward(tr.r2, tr.a2)
	pointwiseForward(tr.z, tr.r2, n.w3, n.b3, n.Hidden, 1, N)
}

// backward adds to g the gradient of scale * (summed binary cross-entropy
// of the board's logits against next), after forward filled tr. It returns
// the summed cross-entropy. g must have n's shape.
func (n *net[F]) backward(g *net[F], tr *trace[F], next []uint8, scale F) float64 {
	N := tr.S * tr.S
	loss := bceForward(tr.z, next)
	clear(tr.dz)
	bceBackward(tr.dz, tr.z, next, scale)
	clear(tr.dr2)
	pointwiseBackward(tr.dr2, g.w3, g.b3, tr.dz, tr.r2, n.w3, n.Hidden, 1, N)
	clear(tr.da2)
	reluBackward(tr.da2, tr.dr2, tr.a2)
	clear(tr.dr1)
	pointwiseBackward(tr.dr1, g.w2, g.b2, tr.da2, tr.r1, n.w2, n.Filters, n.Hidden, N)
	clear(tr.da1)
	reluBackward(tr.da1, tr.dr1, tr.a1)
	conv2dBackward(nil, g.w1, g.b1, tr.da1, tr.x, n.w1, 1, n.Filters, tr.S)
	return loss
}
