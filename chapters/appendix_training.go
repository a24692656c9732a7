package chapters

import (
	"fmt"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/plots"
	"tinynets/pkg/tensor"
)

// chapterTraining is an appendix to the seed's section 2: how D4, the CNN
// of chapters 2.1 to 2.5, got its weights.
//
// D4 starts from random weights and learns from the 60,000 MNIST training
// images (all of them by default; cnn.train_images uses fewer). In every
// step it runs a minibatch of images forward, measures how wrong its
// probabilities were with the cross-entropy loss, runs the layers backward
// to get the gradient of that loss for each of its parameters, and lets
// Adam move every parameter a little against its gradient. One epoch is a
// pass over all training images in a freshly shuffled order. After each
// epoch the network labels the 10,000 test images, which it never trains
// on.
//
// The numbers below are the record of the training run of this build (or
// of the run whose result the cache kept: the same configuration, data
// and code give the same weights, bit for bit).
var chapterTraining = notebook.Chapter{
	ID:    "training",
	Title: "Appendix: training D4",
	Seed:  "2 CNN/TF algorithms – details",
	File:  "appendix_training.go",
	Intro: "chapterTraining",
	Sections: []notebook.Section{
		{ID: "training-D4-config", Title: "D4: the configuration and its parameters", Run: trainingConfig},
		{ID: "training-D4-history", Title: "D4: loss and test accuracy, epoch by epoch", Run: trainingHistory},
		{ID: "training-D4-time", Title: "D4: how long it took", Run: trainingTime},
	},
}

// The settings of the run, under the keys that change them with -set, and
// the parameters they give, counted layer by layer from the shapes of the
// weight tensors: a convolution has one weight per filter, input map and
// place of its kernel plus one bias per filter; the classifier one weight
// per digit and input plus one bias per digit.
func trainingConfig(c *notebook.Cell) error {
	m, _, err := d4(c)
	if err != nil {
		return err
	}
	c.Table(configTable(m.Config))
	params := notebook.Table{
		Caption: "Parameters per layer",
		Header:  []string{"layer", "weights", "shape", "biases", "total"},
	}
	total := 0
	for _, l := range []struct {
		name string
		w, b *tensor.Tensor
	}{{"conv1", m.Conv1W, m.Conv1B}, {"conv2", m.Conv2W, m.Conv2B}, {"fc", m.FCW, m.FCB}} {
		n := l.w.Len() + l.b.Len()
		total += n
		params.Rows = append(params.Rows, []string{l.name, fmt.Sprint(l.w.Len()), shapeOf(l.w),
			fmt.Sprint(l.b.Len()), fmt.Sprint(n)})
	}
	params.Rows = append(params.Rows, []string{"all", "", "", "", fmt.Sprint(total)})
	c.Table(params)
	c.Printf("cnn.Model.NumParams: %d\n", m.NumParams())
	return nil
}

// The loss of an epoch is the mean cross-entropy of its training images,
// each measured when it was trained on (so the first epoch's loss includes
// the clumsy first steps). The test accuracy is measured after the epoch.
//
// Why these defaults: the learning rate starts at its peak, cnn.lr, and
// falls along a half cosine to zero at the last step; by default the peak
// is 0.003, three times PyTorch's usual 0.001. The documentation of
// pkg/cnn (DefaultConfig) records the comparison that chose this: with
// PyTorch's usual constant rate the last steps stay as large as the first
// and the test accuracy wandered from epoch to epoch, while the falling
// rate (large early steps to cover ground, small late ones to settle)
// ended higher, and five epochs left a margin over the 98.5% this book
// aims for. What this run itself can show is what the schedule did here:
// how far the first epoch got, and how much the later epochs, with ever
// smaller steps, added.
func trainingHistory(c *notebook.Cell) error {
	m, data, err := d4(c)
	if err != nil {
		return err
	}
	h := m.History
	if len(h) == 0 {
		return fmt.Errorf("the D4 model has no training record")
	}
	c.Table(historyTable(h))
	epochs, losses, accs := make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h))
	for i, e := range h {
		epochs[i], losses[i], accs[i] = float64(e.Epoch), e.Loss, 100*e.TestAccuracy
	}
	loss := plots.Lines([]plots.Series{{X: epochs, Y: losses}}, plots.Markers(),
		plots.XLabel("epoch"), plots.YLabel("mean training loss"))
	if err := c.Figure("cnn/loss", loss,
		"Line plot of D4's mean training cross-entropy loss in each epoch",
		"Training loss per epoch."); err != nil {
		return err
	}
	acc := plots.Lines([]plots.Series{{X: epochs, Y: accs}}, plots.Markers(),
		plots.XLabel("epoch"), plots.YLabel("test accuracy (%)"))
	if err := c.Figure("cnn/test-accuracy", acc,
		"Line plot of D4's accuracy on the 10,000 MNIST test images after each epoch",
		"Test accuracy per epoch."); err != nil {
		return err
	}

	first, last := h[0], h[len(h)-1]
	c.Markdownf("After epoch 1 the network labelled %.2f%% of the test images right.",
		100*first.TestAccuracy)
	if len(h) > 1 {
		c.Markdownf("After epoch %d, %.2f%%: the epochs after the first, with their shrinking "+
			"steps, added %.2f percentage points and cut the training loss from %.4f to %.4f.",
			last.Epoch, 100*last.TestAccuracy, 100*(last.TestAccuracy-first.TestAccuracy),
			first.Loss, last.Loss)
	}
	final := m.Accuracy(data.Test)
	c.Printf("the final weights, tested again now: %.2f%% of %d images right\n",
		100*final, data.Test.N)
	c.Model("cnn", modelRecord(m, final))
	return nil
}

// The training time is the wall time of the whole run, the test
// evaluations after each epoch included; the speed counts only the time
// spent in training steps. Both were measured when the model was trained,
// on the machine that built the book, and change from run to run.
func trainingTime(c *notebook.Cell) error {
	m, _, err := d4(c)
	if err != nil {
		return err
	}
	cfg := m.Config
	c.Printf("%d epochs × %d images = %d training images, in minibatches of %d\n",
		cfg.Epochs, cfg.TrainImages, cfg.Epochs*cfg.TrainImages, cfg.Batch)
	c.Measuredf("training took %.1f s; %.0f training images per second\n",
		m.Seconds, m.ImagesPerSecond)
	c.Timing("cnn.seconds", m.Seconds)
	c.Timing("cnn.images_per_second", m.ImagesPerSecond)
	if m.SecondsTo98 > 0 {
		c.Measuredf("the test accuracy first reached 98%% %.1f s after training started\n", m.SecondsTo98)
		c.Timing("cnn.seconds_to_98", m.SecondsTo98)
	} else {
		c.Printf("the test accuracy never reached 98%% in this run\n")
	}
	return nil
}

// configTable lists cfg under the book's parameter keys.
func configTable(cfg cnn.Config) notebook.Table {
	return notebook.Table{
		Caption: "The training configuration",
		Header:  []string{"key", "value"},
		Rows: [][]string{
			{"cnn.filters1", fmt.Sprint(cfg.Filters1)}, {"cnn.filters2", fmt.Sprint(cfg.Filters2)},
			{"cnn.kernel", fmt.Sprint(cfg.Kernel)}, {"cnn.epochs", fmt.Sprint(cfg.Epochs)},
			{"cnn.batch", fmt.Sprint(cfg.Batch)}, {"cnn.lr", fmt.Sprint(cfg.LR)},
			{"cnn.seed", fmt.Sprint(cfg.Seed)}, {"cnn.train_images", fmt.Sprint(cfg.TrainImages)},
		},
	}
}

// historyTable lists the training record, epoch by epoch.
func historyTable(h []cnn.Epoch) notebook.Table {
	t := notebook.Table{Caption: "The training record",
		Header: []string{"epoch", "mean training loss", "test accuracy"}}
	for _, e := range h {
		t.Rows = append(t.Rows, []string{fmt.Sprint(e.Epoch), fmt.Sprintf("%.4f", e.Loss),
			fmt.Sprintf("%.2f%%", 100*e.TestAccuracy)})
	}
	return t
}

// modelRecord is book.json's models.cnn: the configuration, the training
// record, the test accuracy (a fraction) and the parameter count.
// final_loss is the last epoch's mean training loss.
func modelRecord(m *cnn.Model, testAccuracy float64) map[string]any {
	cfg := m.Config
	history := make([]map[string]any, len(m.History))
	for i, e := range m.History {
		history[i] = map[string]any{"epoch": e.Epoch, "loss": e.Loss, "test_accuracy": e.TestAccuracy}
	}
	return map[string]any{
		"config": map[string]any{
			"filters1": cfg.Filters1, "filters2": cfg.Filters2, "kernel": cfg.Kernel,
			"epochs": cfg.Epochs, "batch": cfg.Batch, "lr": cfg.LR, "seed": cfg.Seed,
			"train_images": cfg.TrainImages,
		},
		"epochs":        len(m.History),
		"history":       history,
		"test_accuracy": testAccuracy,
		"final_loss":    m.History[len(m.History)-1].Loss,
		"params":        m.NumParams(),
		"seconds_to_98": m.SecondsTo98, // measured: masked when two builds are compared
	}
}
