package notebook

import "tinynets/pkg/tensor"

// drawTensor renders a tensor as a heatmap PNG, or returns nil when the
// tensor has no useful drawing. (Drawing through pkg/plots lands next.)
func drawTensor(a tensor.Array, v tensorView) ([]byte, error) {
	return nil, nil
}
