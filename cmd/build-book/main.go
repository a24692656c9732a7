// Command build-book runs the book's chapters and writes the book as
// static HTML, ready to open from the file system.
//
//	go run ./cmd/build-book                      # the whole book, into output/
//	go run ./cmd/build-book -chapter 2.1         # one chapter, its outputs echoed as it runs
//	go run ./cmd/build-book -set tf.text='hi there' -set tf.steps=200
//	go run ./cmd/build-book -params              # every parameter, then exit
//
// The book is built into a staging folder beside the output folder and
// swapped in only when every chapter ran, so a failed or interrupted build
// (Ctrl-C, SIGTERM, even SIGKILL) leaves the previous book as it was.
// Exit status: 0 when the book was written, 1 when the build failed, 2 for
// a bad flag or parameter, 130 when interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"tinynets/chapters"
	"tinynets/pkg/book"
	"tinynets/pkg/notebook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// The book's title and the command pages quote to rebuild it.
const (
	title   = "Tiny CNN, tiny transformer"
	command = "go run ./cmd/build-book"
)

// newBook is the book of the chapters in chapters/.
func newBook() *book.Book {
	return &book.Book{
		Title:     title,
		Chapters:  chapters.All(),
		Sources:   chapters.Sources,
		SourceDir: "chapters",
		Params:    chapters.Params(),
		Command:   command,
	}
}

// run is the whole command; it returns the exit status. The parameters
// are at their defaults when it starts and when it returns.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	b := newBook()
	params := b.Params
	params.Reset()
	defer params.Reset()

	flags := flag.NewFlagSet("build-book", flag.ContinueOnError)
	flags.SetOutput(stderr)
	out := flags.String("o", "output", "the `folder` the book is written to")
	chapter := flags.String("chapter", "", "run only the chapter with this `id` (such as 2.1), print its outputs as it runs,\n"+
		"and rewrite only its page, figures and tensors, with the index, report and book.json")
	var sets []string
	flags.Func("set", "set a parameter, as `key=value`; repeat for more (-params lists them)", func(s string) error {
		sets = append(sets, s)
		return nil
	})
	listParams := flags.Bool("params", false, "list every parameter with its default, its current value and what it means, then exit")
	mnist := flags.String("mnist", "", "read MNIST from this `folder` (the four IDX files, plain or .gz) instead of\n"+
		"the copy in the GoMNIST module; the same as -set mnist.dir=folder")
	fresh := flags.Bool("fresh", false, "ignore the cache: recompute every cached result (and store the new ones)")
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [flags]\n\nRuns the book's chapters and writes the book as static HTML.\n\nFlags:\n", command)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // the flag package has printed the error, naming the flag
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "build-book: unexpected argument %q (flags start with -; see -h)\n", flags.Arg(0))
		return 2
	}
	for _, s := range sets {
		if err := params.Set(s); err != nil {
			fmt.Fprintf(stderr, "build-book: %v\n", err)
			return 2
		}
	}
	if *mnist != "" {
		if fi, err := os.Stat(*mnist); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "build-book: -mnist %s: not a folder (want a folder holding the four MNIST files)\n", *mnist)
			return 2
		}
		if params.Lookup("mnist.dir") == nil {
			fmt.Fprintln(stderr, "build-book: -mnist: the chapters declare no parameter mnist.dir")
			return 2
		}
		if err := params.Set("mnist.dir=" + *mnist); err != nil {
			fmt.Fprintf(stderr, "build-book: -mnist %s: %v\n", *mnist, err)
			return 2
		}
	}
	if err := params.Validate(); err != nil {
		fmt.Fprintf(stderr, "build-book: %v\n", err)
		return 2
	}
	if *listParams {
		printParams(stdout, params)
		return 0
	}
	if *chapter != "" {
		if _, err := b.Find(*chapter); err != nil {
			fmt.Fprintf(stderr, "build-book: %v\n", err)
			return 2
		}
	}

	cacheDir, err := notebook.DefaultCacheDir()
	if err != nil {
		fmt.Fprintf(stderr, "build-book: %v\n", err)
		return 1
	}
	cache := &notebook.Cache{Dir: cacheDir, Fresh: *fresh}
	opts := book.Options{Out: *out, Chapter: *chapter, Cache: cache, Bars: stderr, Log: stderr}
	if *chapter != "" {
		opts.Echo = stdout
	}
	if err := b.Build(ctx, opts); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "build-book: interrupted; the book at %s is as it was\n", *out)
			return 130
		}
		fmt.Fprintf(stderr, "build-book: %v\nbuild-book: the book at %s is as it was\n", err, *out)
		return 1
	}
	fmt.Fprintf(stderr, "build-book: wrote %s; open %s in a browser (cache: %d hits, %d misses, in %s)\n",
		*out, strings.TrimSuffix(*out, "/")+"/index.html", cache.Hits, cache.Misses, cacheDir)
	return 0
}

// printParams lists every parameter: key, default, current value, what is
// allowed and what it means.
func printParams(w io.Writer, params *notebook.Params) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tDEFAULT\tVALUE\tALLOWED\tMEANING")
	for _, p := range params.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Key, show(p.Default), show(p.Value()), p.Allowed, p.Help)
	}
	tw.Flush()
}

// show quotes a value that would otherwise be invisible or ambiguous.
func show(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\n\"'") {
		return fmt.Sprintf("%q", v)
	}
	return v
}
