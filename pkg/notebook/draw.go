package notebook

import (
	"math"

	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
)

// drawTensor renders a captured tensor as a PNG heatmap with a colour bar:
// a 1-D or 2-D tensor as one grid, (1, H, W) as one image, (C, H, W) as C
// tiles sharing one scale, (Cout, Cin, KH, KW) as a Cout by Cin table of
// kernels. It returns nil for a tensor with no values.
func drawTensor(a tensor.Array, v tensorView) ([]byte, error) {
	dims := a.Dims()
	if tensor.Size(dims) == 0 {
		return nil, nil
	}
	if v.drawAs != nil {
		a = tensor.FromFloat64s(a.Float64s(), v.drawAs...)
		dims = v.drawAs
	}
	var opts []plots.Option
	switch {
	case v.grey:
		opts = append(opts, plots.Greyscale())
	case v.signed:
		opts = append(opts, plots.Signed())
	}
	if v.scaleLabel != "" {
		opts = append(opts, plots.ScaleLabel(v.scaleLabel))
	}
	var fig *plots.Figure
	switch {
	case len(dims) == 1:
		rows, cols := wrap(dims[0])
		fig = plots.Heatmap(tensor.FromFloat64s(a.Float64s(), rows, cols), opts...)
	case len(dims) == 2:
		if len(v.xLabels) == dims[1] {
			opts = append(opts, plots.XTicks(v.xLabels...))
		}
		if len(v.yLabels) == dims[0] {
			opts = append(opts, plots.YTicks(v.yLabels...))
		}
		fig = plots.Heatmap(a, opts...)
	case len(dims) == 3 && dims[0] == 1:
		fig = plots.Heatmap(tensor.FromFloat64s(a.Float64s(), dims[1], dims[2]), opts...)
	case len(dims) == 3:
		if v.cols > 0 {
			opts = append(opts, plots.Columns(v.cols))
		}
		if len(v.tileCaps) == dims[0] {
			opts = append(opts, plots.Captions(v.tileCaps...))
		}
		fig = plots.Tiles(a, opts...)
	case len(dims) == 4:
		if len(v.tileCaps) == dims[0] {
			opts = append(opts, plots.RowLabels(v.tileCaps...))
		}
		fig = plots.Tiles(a, opts...)
	default:
		return nil, nil
	}
	return fig.PNG()
}

// wrap lays a long vector out as a near-square grid whose rows hold
// consecutive values (784 values as 28 rows of 28), so its cells stay
// visible; a short vector, or one with no fitting divisor, stays one row.
func wrap(n int) (rows, cols int) {
	if n <= 32 {
		return 1, n
	}
	for d := int(math.Ceil(math.Sqrt(float64(n)))); d <= 64 && d <= n; d++ {
		if n%d == 0 {
			return n / d, d
		}
	}
	return 1, n
}
