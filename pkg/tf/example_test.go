package tf_test

import (
	"fmt"

	"tinynets/pkg/tf"
)

// D5, the seed's demo: learn "hello world", then write it from "h".
func ExampleTrain() {
	m, err := tf.Train(tf.DefaultConfig(), "hello world", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	prompt, err := m.Vocab.Encode("h", "tf.prompt")
	if err != nil {
		fmt.Println(err)
		return
	}
	steps := m.Generate(prompt, 10, tf.Sampler{}) // greedy
	fmt.Printf("vocabulary %q, %d parameters\n", string(m.Vocab.Runes), m.NumParams())
	fmt.Println(m.Text(prompt, steps))
	last := steps[len(steps)-1]
	fmt.Printf("last window %q -> %q\n", m.Vocab.Decode(last.Window), m.Vocab.Decode([]int{last.Token}))
	// Output:
	// vocabulary "helo wrd", 3704 parameters
	// hello world
	// last window "llo worl" -> "d"
}

func ExampleVocab_Encode() {
	v, _ := tf.NewVocab("hello world")
	ids, _ := v.Encode("hold", "tf.prompt")
	fmt.Println(ids)
	_, err := v.Encode("help", "tf.prompt")
	fmt.Println(err)
	// Output:
	// [0 3 2 7]
	// tf.prompt = "help": character 'p' is not in the vocabulary "helo wrd"
}

// The activations of one window, under TransformerLens's hook names.
func ExampleModel_Forward() {
	v, _ := tf.NewVocab("hello world")
	m, _ := tf.New(tf.DefaultConfig(), v)
	tr := m.Forward([]int{0, 1, 2})
	for _, a := range tr.All()[:8] {
		fmt.Println(a.Name, a.T.Shape)
	}
	// Output:
	// hook_embed [3 16]
	// hook_pos_embed [3 16]
	// blocks.0.hook_resid_pre [3 16]
	// blocks.0.ln1.hook_normalized [3 16]
	// blocks.0.attn.hook_q [3 1 16]
	// blocks.0.attn.hook_k [3 1 16]
	// blocks.0.attn.hook_v [3 1 16]
	// blocks.0.attn.hook_attn_scores [1 3 3]
}
