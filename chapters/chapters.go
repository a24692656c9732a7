// Package chapters is the book's text and experiments: one literate Go file
// per heading of the seed document, each declaring a notebook.Chapter whose
// sections are the file's functions. The doc comment of each section's
// function is its prose, in Markdown; its body is the code the page shows.
package chapters

import (
	"embed"

	"tinynets/pkg/notebook"
)

// Sources holds the chapter files themselves, so the book shows each
// section's real code and prose, parsed from the file that ran.
//
//go:embed *.go
var Sources embed.FS

// params is every parameter a reader can change with -set key=value.
var params = notebook.NewParams()

// Params returns the book's parameters.
func Params() *notebook.Params { return params }

// All returns the chapters in reading order.
func All() []*notebook.Chapter {
	return []*notebook.Chapter{
		&chapterMechanistic,
		&chapterOverview,
		&chapterDiagrams,
		&chapterInput,
		&chapterEmbed,
		&chapterLayer1,
		&chapterLayer2,
		&chapterLogits,
		&chapterLabel,
		&chapterAutoregressive,
		&chapterGenerators,
		&chapterTraining,
		&chapterClaims,
		&chapterGlossary,
	}
}
