package chapters

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"time"

	"tinynets/pkg/cnn"
	"tinynets/pkg/notebook"
	"tinynets/pkg/opcount"
	"tinynets/pkg/tf"
)

// chapterMechanistic follows the seed's heading "0 My “mechanistic” view
// of AI".
//
// The seed's starting point is that a neural network is a machine: a
// fixed list of multiplications and additions run on clocked binary
// circuits, nothing more. It makes the point with a thought experiment:
// the largest language model could in principle run on electromechanical
// relays, it would just take years per token and the output of a nuclear
// power plant.
//
// This chapter takes the claim literally and does the arithmetic. First it
// counts, from the shapes of the two tiny models this book trains, exactly
// how much work one answer is: how many multiply-adds, how many
// parameters, how many bytes have to move. Then the same for one token of
// a model the size of GPT-3, from its published configuration. Then it
// builds the relay computer on paper, with every assumption stated and
// sourced, and compares it with this machine, timed while the book was
// built. Last, the word "mechanistic" gets a test of its own: the same
// input, run twice, must give the same bits.
//
// (The field uses "mechanistic" differently: mechanistic interpretability
// is the work of reverse-engineering what a trained network computes. The
// seed means that the network is a mechanism. Both meanings meet in this
// book: the chapters after this one open the mechanism up stage by stage.)
var chapterMechanistic = notebook.Chapter{
	ID:    "0",
	Title: "The mechanistic view: counting the work",
	Seed:  "0 My “mechanistic” view of AI",
	File:  "ch0_mechanistic.go",
	Intro: "chapterMechanistic",
	Sections: []notebook.Section{
		{ID: "0-D4-work", Title: "D4: the work of one digit", Run: mechDigitWork},
		{ID: "0-D5-work", Title: "D5: the work of one token", Run: mechTokenWork},
		{ID: "0-GPT3-work", Title: "A GPT-3-sized model: the work of one token", Run: mechGPT3Work},
		{ID: "0-relay", Title: "The relay computer, worked out", Run: mechRelay},
		{ID: "0-measured", Title: "This machine, measured", Run: mechMeasured},
		{ID: "0-bits", Title: "Same input, same bits", Run: mechSameBits},
	},
}

// One digit through D4 is a fixed list of stages, and the work of each
// follows from the shapes alone. A multiply-add is one product added into
// a running sum; a convolution counts only the kernel taps that land
// inside the image (zero padding costs nothing, as in the readable
// reference loop). The bytes column assumes each stage reads its input
// and its weights once and writes its output once, four bytes per
// number: the least traffic any implementation needs.
//
// ReLU and max pooling do no multiplications at all: they only compare.
// Almost all the arithmetic is in the two convolutions.
func mechDigitWork(c *notebook.Cell) error {
	cfg := cnnConfig(c)
	stages := opcount.CNN(cfg)
	c.Table(mechWorkTable("D4, one digit", stages))

	total := opcount.Total(stages)
	c.Printf("one digit: %s multiply-adds, %s parameters\n",
		mechCount(total.MACs), mechCount(total.Params))

	// An im2col implementation multiplies the padding zeros too.
	padded := opcount.PaddedCNNMACs(cfg)
	c.Printf("with the padding multiplied: %s (%.1f%% more)\n",
		mechCount(padded), mechPercentMore(padded, total.MACs))
	return nil
}

// One token of D5 is one pass over a window of `tf.block` characters,
// recomputed from scratch as the generation loop of chapter 2.6 does it.
// Every position attends to itself and the ones before it, so attention's
// share grows with the square of the window; the unembedding scores every
// position, although only the last one picks the next character. A key-
// value cache (chapter 2.6) keeps the earlier positions' keys and values
// and computes only the new one: the last line gives that cost too.
func mechTokenWork(c *notebook.Cell) error {
	m, err := d5(c)
	if err != nil {
		return err
	}
	window, err := mechWindow(c, m)
	if err != nil {
		return err
	}
	shape := opcount.D5(m.Config, m.Vocab.Size())
	stages := shape.Full(len(window))
	caption := fmt.Sprintf("D5, one token from a window of %d", len(window))
	c.Table(mechWorkTable(caption, stages))

	total := opcount.Total(stages)
	if err := mechSameAsTF(total.MACs, m.MACs(len(window))); err != nil {
		return err
	}
	c.Printf("one token: %s multiply-adds (package tf counts the same), %s parameters\n",
		mechCount(total.MACs), mechCount(total.Params))
	cached := opcount.Total(shape.Cached(len(window)))
	c.Printf("with a key-value cache, the token at position %d: %s multiply-adds\n",
		len(window), mechCount(cached.MACs))
	return nil
}

// The seed measures its claims against GPT-scale models, so here is one
// token of a model shaped like GPT-3's largest, from the configuration
// its paper publishes (Brown et al., 2020, Table 2.1: 96 layers,
// d_model 12,288, an FFN four times as wide, a context of 2,048 tokens)
// and GPT-2's vocabulary of 50,257 tokens, with the unembedding tied to
// the embedding as in GPT-2. The count of parameters, made with the same
// formula that reproduces D5's (and GPT-2's published 124,439,808, in the
// tests of package opcount), lands close to the published 175 billion.
//
// The token is generated the way production models do it, with a key-value
// cache, at the end of a full context: it attends to 2,048 positions. Its
// cost is about one multiply-add per parameter (the often quoted "two
// floating-point operations per parameter": a multiply and an add), plus
// attention over the cached keys and values. The bytes column shows what
// makes such models slow to run: every weight is read once per token.
func mechGPT3Work(c *notebook.Cell) error {
	gpt3 := opcount.GPT3()
	stages := opcount.ByKind(gpt3.Cached(gpt3.Ctx)) // the 96 layers summed per job
	mechNameLayers(stages, gpt3.Layers)
	caption := fmt.Sprintf("GPT-3 shape, one token at position %d", gpt3.Ctx)
	c.Table(mechWorkTable(caption, stages))

	params := gpt3.Params()
	const published = 175.0e9 // Brown et al., Table 2.1
	c.Printf("parameters by the formula: %s, %.2f%% from the published 175.0 billion\n",
		mechCount(params), 100*math.Abs(float64(params)-published)/published)
	total := opcount.Total(stages)
	c.Printf("one token: %s multiply-adds, %.2f per parameter; %s moved\n",
		mechCount(total.MACs), float64(total.MACs)/float64(params), mechBytes(total.Bytes()))
	return nil
}

// Now the thought experiment. A relay is an electromagnet that pulls a
// metal contact closed: one switch, one bit of logic, and it takes
// milliseconds to move. The estimate needs three numbers: how long a
// relay machine takes for one 32-bit multiply-add, how many relays one
// multiply-add unit needs, and how much power each relay draws. The table
// gives two machines: one with the figures of a relay computer that was
// really built, Konrad Zuse's Z3 of 1941, and one built from fast modern
// reed relays. Every figure is chosen in the relays' favour (the real
// cost would be higher), so the conclusions hold a fortiori.
//
// Energy is the part that does not depend on how many units are built:
// a thousand units finish a thousand times sooner and draw a thousand
// times the power. So the last rows ask how long a token takes when a
// whole large power plant feeds as many units as it can, all working at
// once (another assumption in the relays' favour: perfect parallelism).
// The reed relays get one more row: such a relay survives about a billion
// switchings, and the row says how many of those lifetimes one relay of
// the adder would use up.
func mechRelay(c *notebook.Cell) error {
	c.Table(mechAssumptionsTable())

	m4 := opcount.Total(opcount.CNN(cnnConfig(c))).MACs
	m5, err := mechTokenMACs(c)
	if err != nil {
		return err
	}
	gpt3 := opcount.Total(opcount.GPT3().Cached(opcount.GPT3().Ctx)).MACs
	work := []mechJob{
		{"one D4 digit", m4},
		{"one D5 token", m5},
		{"one GPT-3 token", gpt3},
	}
	for _, r := range mechRelays {
		c.Table(mechRelayTable(r, work))
	}
	return nil
}

// The same work on the machine that built this book: one digit through
// D4's Forward and one full window through D5's Forward, each timed over
// many repetitions and reported as the median. These times change from run
// to run and machine to machine; the counts above do not.
func mechMeasured(c *notebook.Cell) error {
	m4, data, err := d4(c)
	if err != nil {
		return err
	}
	m5, err := d5(c)
	if err != nil {
		return err
	}
	window, err := mechWindow(c, m5)
	if err != nil {
		return err
	}
	img := data.Test.Image(0)
	digit := mechMedianSeconds(func() { m4.Forward(img) })
	token := mechMedianSeconds(func() { m5.Forward(window) })
	c.Timing("mechanistic.d4_digit_seconds", digit)
	c.Timing("mechanistic.d5_token_seconds", token)

	c.Table(mechMeasuredTable([]mechTimed{
		{"one D4 digit", opcount.Total(opcount.CNN(m4.Config)).MACs, digit},
		{"one D5 token", int64(m5.MACs(len(window))), token},
	}))
	return nil
}

// Mechanistic, taken literally: nothing in the computation is left to
// chance. The same digit and the same window, run twice, must give the
// same logits to the last bit, and so must a copy of the model decoded
// from its stored bytes. The fingerprint shown is the SHA-256 of the
// logits' float32 bytes; it depends only on the weights and the input,
// so any build with the same parameters on the same kind of processor
// prints the same one. (Go may fuse a multiply and an add into one
// instruction on some processors, which rounds differently: the mechanism
// is exact, but it is a particular mechanism.)
func mechSameBits(c *notebook.Cell) error {
	m4, data, err := d4(c)
	if err != nil {
		return err
	}
	copy4, err := mechReloadCNN(m4)
	if err != nil {
		return err
	}
	img := data.Test.Image(0)
	d4Runs := []string{
		mechHash(m4.Forward(img).Logits.Data),
		mechHash(m4.Forward(img).Logits.Data),
		mechHash(copy4.Forward(img).Logits.Data),
	}

	m5, err := d5(c)
	if err != nil {
		return err
	}
	copy5, err := mechReloadTF(m5)
	if err != nil {
		return err
	}
	window, err := mechWindow(c, m5)
	if err != nil {
		return err
	}
	d5Runs := []string{
		mechHash(m5.Forward(window).Get("logits").Data),
		mechHash(m5.Forward(window).Get("logits").Data),
		mechHash(copy5.Forward(window).Get("logits").Data),
	}
	c.Table(mechHashTable(d4Runs, d5Runs))

	same := mechAllEqual(d4Runs) && mechAllEqual(d5Runs)
	c.Printf("bit-identical: %v\n", same)
	if !same {
		return fmt.Errorf("the same input gave different logits: the models are not deterministic")
	}
	return nil
}

// mechTimed is a piece of work and its measured time.
type mechTimed struct {
	Name    string
	MACs    int64
	Seconds float64
}

// mechMeasuredTable sets measured times beside the Z3-like relay
// machine's; the measured columns are volatile.
func mechMeasuredTable(rows []mechTimed) notebook.Table {
	z3 := mechRelays[0]
	t := notebook.Table{
		Caption:  "Measured on this machine (median of 15 timed batches)",
		Header:   []string{"", "time", "multiply-adds per second", "Z3-like relays", "times longer on relays"},
		Volatile: []int{1, 2, 4},
	}
	for _, r := range rows {
		relay := z3.seconds(r.MACs)
		t.Rows = append(t.Rows, []string{r.Name, mechDuration(r.Seconds),
			fmt.Sprintf("%s million", mechSig(float64(r.MACs)/r.Seconds/1e6)),
			mechDuration(relay), mechRatio(relay / r.Seconds)})
	}
	return t
}

// mechSameAsTF fails the build if the stage-by-stage count disagrees
// with package tf's own.
func mechSameAsTF(stages int64, tfCount int) error {
	if stages != int64(tfCount) {
		return fmt.Errorf("the stage counts add up to %d multiply-adds, package tf counts %d", stages, tfCount)
	}
	return nil
}

func mechPercentMore(a, b int64) float64 { return 100 * float64(a-b) / float64(b) }

// mechWindow returns the first tf.block token ids of the training text
// (all of them if the text is shorter), the window chapter 2.1 shows.
func mechWindow(c *notebook.Cell, m *tf.Model) ([]int, error) {
	text, err := trainingText(c)
	if err != nil {
		return nil, err
	}
	_, ids, err := demoWindow(text, m.Vocab, m.Config.Block)
	return ids, err
}

// mechTokenMACs is the multiply-adds of one D5 token, as mechTokenWork
// counts them.
func mechTokenMACs(c *notebook.Cell) (int64, error) {
	m, err := d5(c)
	if err != nil {
		return 0, err
	}
	window, err := mechWindow(c, m)
	if err != nil {
		return 0, err
	}
	return int64(m.MACs(len(window))), nil
}

// mechNameLayers names the summed rows of ByKind after what they hold.
func mechNameLayers(stages []opcount.Stage, layers int) {
	for i, s := range stages {
		switch s.Kind {
		case "context sharing":
			stages[i].Name = fmt.Sprintf("attention, %d layers", layers)
		case "storyline":
			stages[i].Name = fmt.Sprintf("FFN, %d layers", layers)
		case "logits":
			stages[i].Name = "unembed (W_E, tied)"
		case "input":
			stages[i].Name = "token id"
		case "select label":
			stages[i].Name = "softmax, argmax"
		}
	}
}

// mechWorkTable lays out stages with a totals row.
func mechWorkTable(caption string, stages []opcount.Stage) notebook.Table {
	t := notebook.Table{
		Caption: caption,
		Header:  []string{"stage", "the seed's job", "multiply-adds", "parameters", "values read", "values written", "bytes moved"},
	}
	for _, s := range append(slices.Clone(stages), opcount.Total(stages)) {
		job := s.Kind
		if s.Kind == "total" {
			job = ""
		}
		t.Rows = append(t.Rows, []string{s.Name, job, mechCount(s.MACs), mechCount(s.Params),
			mechCount(s.Reads), mechCount(s.Writes), mechBytes(s.Bytes())})
	}
	return t
}

// mechMachine is one relay machine: the assumptions of the thought
// experiment, each with where it comes from.
type mechMachine struct {
	Name          string
	SecondsMAC    float64 // one 32-bit multiply-add on one unit
	SwitchSeconds float64 // one relay switching (0: not used)
	RelaysUnit    int     // relays of one multiply-add unit
	WattsRelay    float64 // average power of one relay of a working unit
	LifeSwitches  float64 // switching operations a relay survives (0: not given)
	Time, Relays  string  // where the time and the relay count come from
	Power, Life   string  // where the power and the lifetime come from
}

func (r mechMachine) unitWatts() float64             { return float64(r.RelaysUnit) * r.WattsRelay }
func (r mechMachine) seconds(macs int64) float64     { return float64(macs) * r.SecondsMAC }
func (r mechMachine) joules(macs int64) float64      { return r.seconds(macs) * r.unitWatts() }
func (r mechMachine) unitsPowered(w float64) float64 { return math.Floor(w / r.unitWatts()) }

// mechPlantWatts is the electrical output assumed for "a large nuclear
// power plant": one large reactor (a Westinghouse AP1000 is rated at about
// 1.1 GW electric; the largest plants have several reactors).
const mechPlantWatts = 1e9

// mechRelays are the two machines of the thought experiment. The Z3
// figures are from the Konrad-Zuse-Computermuseum's data sheet of the
// machine (600 relays in the floating-point unit, 1,400 in memory, about
// 2,600 in all; a clock of about 5.3 Hz; a multiplication in 16 cycles,
// about 3 s, an addition in 3; about 4,000 W), and R. Rojas, "Konrad
// Zuse's legacy: the architecture of the Z1 and Z3", IEEE Annals of the
// History of Computing 19(2), 1997.
var mechRelays = []mechMachine{
	{
		Name:       "Z3-like relays (1941)",
		SecondsMAC: 19 / 5.33, RelaysUnit: 600, WattsRelay: 4000.0 / 2600,
		Time:   "Z3: a multiply (16 cycles) plus an add (3 cycles) at 5.33 Hz; the Z3's words were 22-bit floats, so a 32-bit unit would be slower",
		Relays: "the Z3's arithmetic unit: 600 relays (22-bit floating point; 32 bits would need more)",
		Power:  "the Z3 drew about 4,000 W for about 2,600 relays: 1.5 W per relay; only the arithmetic unit is counted",
	},
	{
		Name:       "modern reed relays",
		SecondsMAC: 33 * 0.5e-3, SwitchSeconds: 0.5e-3, RelaysUnit: 200, WattsRelay: 0.05, LifeSwitches: 1e9,
		Time:   "a reed relay switches in as little as 0.5 ms (reed-relay makers' figure); a 32-bit shift-and-add multiply-add takes 33 steps, each one switching time (carries ripple through closed contacts)",
		Relays: "about 2 relays per bit of a 32-bit adder and 1 per bit of three registers (32 + 32 + 64 bits): 192, rounded up to 200",
		Power:  "a small reed relay's coil takes about 10 mA at 5 V: 0.05 W",
		Life:   "reed relays are rated for up to about a billion operations",
	},
}

func mechAssumptionsTable() notebook.Table {
	t := notebook.Table{
		Caption: "Assumptions, each in the relays' favour",
		Header:  []string{"machine", "one 32-bit multiply-add", "relays per unit", "power per relay", "where the figures come from"},
	}
	for _, r := range mechRelays {
		src := "time: " + r.Time + ". Relays: " + r.Relays + ". Power: " + r.Power + "."
		if r.Life != "" {
			src += " Lifetime: " + r.Life + "."
		}
		t.Rows = append(t.Rows, []string{r.Name, mechDuration(r.SecondsMAC), fmt.Sprint(r.RelaysUnit),
			fmt.Sprintf("%.2g W", r.WattsRelay), src})
	}
	t.Rows = append(t.Rows, []string{"the power plant", "", "", fmt.Sprintf("%.0f GW", mechPlantWatts/1e9),
		"one large reactor's electrical output (an AP1000 is rated at about 1.1 GW)"})
	return t
}

// mechJob is a piece of work to run on the relay machine.
type mechJob struct {
	Name string
	MACs int64
}

func mechRelayTable(r mechMachine, jobs []mechJob) notebook.Table {
	t := notebook.Table{Caption: "On " + r.Name, Header: []string{""}}
	rows := [][]string{
		{"multiply-adds"}, {"time on one unit"}, {"energy"}, {"units a 1 GW plant can power"}, {"time with all of them working"},
	}
	if r.LifeSwitches > 0 {
		rows = append(rows, []string{"switchings per adder relay, in relay lifetimes"})
	}
	units := r.unitsPowered(mechPlantWatts)
	for _, j := range jobs {
		t.Header = append(t.Header, j.Name)
		rows[0] = append(rows[0], mechCount(j.MACs))
		rows[1] = append(rows[1], mechDuration(r.seconds(j.MACs)))
		rows[2] = append(rows[2], mechEnergy(r.joules(j.MACs)))
		rows[3] = append(rows[3], mechCount(int64(units)))
		rows[4] = append(rows[4], mechDuration(r.seconds(j.MACs)/min(units, float64(j.MACs))))
		if r.LifeSwitches > 0 {
			perRelay := r.seconds(j.MACs) / r.SwitchSeconds // an adder relay may switch at every step
			rows[5] = append(rows[5], mechSig(perRelay/r.LifeSwitches))
		}
	}
	t.Rows = rows
	return t
}

// mechMedianSeconds times f: it finds a repetition count that takes at
// least 5 ms, times 15 such batches, and returns the median time per call.
func mechMedianSeconds(f func()) float64 {
	n := 1
	for {
		start := time.Now()
		for range n {
			f()
		}
		if time.Since(start) >= 5*time.Millisecond || n >= 1<<20 {
			break
		}
		n *= 2
	}
	per := make([]float64, 15)
	for i := range per {
		start := time.Now()
		for range n {
			f()
		}
		per[i] = time.Since(start).Seconds() / float64(n)
	}
	slices.Sort(per)
	return per[len(per)/2]
}

// mechHashTable lists the fingerprints of each model's runs.
func mechHashTable(d4Runs, d5Runs []string) notebook.Table {
	t := notebook.Table{
		Caption: "SHA-256 of the logits' bytes: D4 on test image 0, D5 on the first window of its text",
		Header:  []string{"model", "run", "SHA-256 of the logits"},
	}
	names := []string{"first run", "second run", "copy decoded from the model's bytes"}
	for i, h := range d4Runs {
		t.Rows = append(t.Rows, []string{"D4", names[i], h})
	}
	for i, h := range d5Runs {
		t.Rows = append(t.Rows, []string{"D5", names[i], h})
	}
	return t
}

// mechHash is the SHA-256 of values as little-endian float32 bytes.
func mechHash(values []float32) string {
	b := make([]byte, 0, 4*len(values))
	for _, v := range values {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func mechAllEqual(s []string) bool {
	for _, x := range s {
		if x != s[0] {
			return false
		}
	}
	return true
}

func mechReloadCNN(m *cnn.Model) (*cnn.Model, error) {
	b, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	out := new(cnn.Model)
	return out, out.UnmarshalBinary(b)
}

func mechReloadTF(m *tf.Model) (*tf.Model, error) {
	b, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return tf.Unmarshal(b)
}

// mechCount writes n with thousands separators.
func mechCount(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + mechCount(-n)
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// mechBytes writes a byte count in decimal units.
func mechBytes(b int64) string {
	v := float64(b)
	for _, u := range []struct {
		size float64
		name string
	}{{1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "kB"}} {
		if v >= u.size {
			return fmt.Sprintf("%.3g %s", v/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d B", b)
}

// mechSig writes x to three significant digits, with thousands
// separators and no exponent from 1,000 up to a trillion.
func mechSig(x float64) string {
	if x >= 1000 && x < 1e12 {
		digits := math.Pow(10, math.Floor(math.Log10(x))-2)
		return mechCount(int64(math.Round(x/digits) * digits))
	}
	return fmt.Sprintf("%.3g", x)
}

// mechDuration writes seconds in the largest unit that fits.
func mechDuration(s float64) string {
	const year = 365.25 * 24 * 3600
	switch {
	case s >= year:
		return mechSig(s/year) + " years"
	case s >= 2*86400:
		return mechSig(s/86400) + " days"
	case s >= 2*3600:
		return mechSig(s/3600) + " hours"
	case s >= 120:
		return mechSig(s/60) + " minutes"
	case s >= 1:
		return mechSig(s) + " s"
	case s >= 1e-3:
		return mechSig(s*1e3) + " ms"
	case s >= 1e-6:
		return mechSig(s*1e6) + " µs"
	}
	return mechSig(s*1e9) + " ns"
}

// mechEnergy writes joules in watt-hours once they are large.
func mechEnergy(j float64) string {
	wh := j / 3600
	switch {
	case wh >= 1e9:
		return fmt.Sprintf("%.3g GWh", wh/1e9)
	case wh >= 1e6:
		return fmt.Sprintf("%.3g MWh", wh/1e6)
	case wh >= 1e3:
		return fmt.Sprintf("%.3g kWh", wh/1e3)
	case wh >= 1:
		return fmt.Sprintf("%.3g Wh", wh)
	}
	return fmt.Sprintf("%.3g J", j)
}

// mechRatio writes a large ratio in words of thousands.
func mechRatio(r float64) string {
	switch {
	case r >= 1e9:
		return mechSig(r/1e9) + " billion"
	case r >= 1e6:
		return mechSig(r/1e6) + " million"
	}
	return mechSig(r)
}
