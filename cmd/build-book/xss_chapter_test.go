package main

// This file is the chapter file of a small book that the browser tests
// build: it quotes text a reader sets, the way a chapter quotes tf.text.

import (
	"tinynets/pkg/notebook"
)

var xssParams = notebook.NewParams()

var xssText = xssParams.String("xss.text", "hello", "any text", "a text a reader sets", nil)

// A chapter that quotes what a reader set, in every way a section can.
var xssChapter = notebook.Chapter{
	ID: "X.1", Title: "Quoting a reader's text", Seed: "none", File: "xss_chapter_test.go", Intro: "xssChapter",
	Sections: []notebook.Section{{ID: "X.1-a", Title: "Quote it", Run: xssQuote}},
}

// xssQuote prints the text, quotes it in prose (escaped, and not) and in a
// table. Whatever it holds must show as characters and run nothing.
func xssQuote(c *notebook.Cell) error {
	v := xssText.Get(c)
	c.Printf("the text is %s\n", v)
	c.Markdownf("escaped: %s; not escaped: %s", notebook.Escape(v), v)
	c.Markdownf("%s", v)
	c.Table(notebook.Table{Caption: v, Header: []string{"text"}, Rows: [][]string{{v}}})
	return nil
}
