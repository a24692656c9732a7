package chapters

import (
	"fmt"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
)

// The CNN's parameters; defaults are cnn.DefaultConfig's.
var (
	cnnDefault = cnn.DefaultConfig()

	cnnFilters1 = params.Int("cnn.filters1", cnnDefault.Filters1, 1, cnn.MaxFilters,
		"filters of the first convolution (the seed's 8)")
	cnnFilters2 = params.Int("cnn.filters2", cnnDefault.Filters2, 1, cnn.MaxFilters,
		"filters of the second convolution (the seed's 16)")
	cnnKernel = params.Int("cnn.kernel", cnnDefault.Kernel, 1, cnn.MaxKernel,
		"side of both convolution kernels, odd (the seed's 3)")
	cnnEpochs = params.Int("cnn.epochs", cnnDefault.Epochs, 1, cnn.MaxEpochs, "passes over the training images")
	cnnBatch  = params.Int("cnn.batch", cnnDefault.Batch, 1, 60000, "images per Adam step")
	cnnLR     = params.Float("cnn.lr", cnnDefault.LR, 0, 10, "Adam's peak learning rate (it falls along a half cosine)")
	cnnSeed   = params.Int("cnn.seed", int(cnnDefault.Seed), 0, 1<<31-1, "seed of the initial weights and the shuffling")
	cnnTrain  = params.Int("cnn.train_images", cnnDefault.TrainImages, 1, cnn.MaxTrainImages,
		"train on the first N of the 60,000 training images (fewer: a quicker, weaker model)")
)

func init() {
	params.Rule([]string{"cnn.kernel"}, func() error {
		if k := cnnKernel.Int(); k%2 == 0 {
			return fmt.Errorf("cnn.kernel=%d must be odd, so that \"same\" padding keeps a 28x28 image 28x28", k)
		}
		if k := cnnKernel.Int(); k > 14 {
			return fmt.Errorf("cnn.kernel=%d is larger than the 14x14 input of the second convolution: allowed odd values 1 to 13", k)
		}
		return nil
	})
}

// cnnConfig is the CNN configuration this build runs with.
func cnnConfig(c *notebook.Cell) cnn.Config {
	return cnn.Config{
		Filters1: cnnFilters1.Get(c), Filters2: cnnFilters2.Get(c), Kernel: cnnKernel.Get(c),
		Epochs: cnnEpochs.Get(c), Batch: cnnBatch.Get(c), LR: cnnLR.Get(c), Seed: uint64(cnnSeed.Get(c)),
		TrainImages: cnnTrain.Get(c),
	}
}

// cnnKey is what a trained CNN depends on.
type cnnKey struct {
	Config cnn.Config
	Data   string // hash of the MNIST pixels and labels
	Code   string
}

// trainCNN returns the CNN trained with cfg on the MNIST training images
// (the first cfg.TrainImages of them), measured on all 10,000 test images.
func trainCNN(c *notebook.Cell, prefix string, cfg cnn.Config) (*cnn.Model, *mnistData, error) {
	data, err := loadMNIST(c)
	if err != nil {
		return nil, nil, err
	}
	m, err := trained(c, "cnn", cnnKey{cfg, data.Hash, cnn.CodeVersion()},
		func() (*cnn.Model, error) {
			return cnn.Train(cfg, data.Train.Head(cfg.TrainImages), data.Test, c.Progress("training "+prefix))
		},
		(*cnn.Model).MarshalBinary,
		func(b []byte) (*cnn.Model, error) { m := new(cnn.Model); return m, m.UnmarshalBinary(b) })
	return m, data, err
}

// d4 is the book's default CNN: this build's cnn.* parameters. Its tensors
// carry the prefix "cnn/".
func d4(c *notebook.Cell) (*cnn.Model, *mnistData, error) {
	return trainCNN(c, "cnn", cnnConfig(c))
}
