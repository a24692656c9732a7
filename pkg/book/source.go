package book

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"strings"

	"tinynets/pkg/notebook"
)

// chapterSource is a chapter file parsed for what the page shows of it:
// the intro's doc comment and each section function's doc comment and code.
type chapterSource struct {
	Intro    string          // doc comment of the variable named Chapter.Intro, Markdown
	Sections []sectionSource // in the chapter's section order
}

// sectionSource is what the page shows of one section's function.
type sectionSource struct {
	Func  string // the function's name
	Prose string // its doc comment, Markdown
	Code  string // its declaration, from "func" to the closing brace
	Line  int    // the line of "func" in the file
}

// parseChapter reads ch.File from sources and finds every section's
// function in it. A Run that is not a top-level function of that file is
// an error naming the section.
func parseChapter(sources fs.FS, ch *notebook.Chapter) (*chapterSource, error) {
	src, err := fs.ReadFile(sources, ch.File)
	if err != nil {
		return nil, fmt.Errorf("chapter %s: reading its file %q: %w", ch.ID, ch.File, err)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, ch.File, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("chapter %s: %w", ch.ID, err)
	}
	funcs := map[string]*ast.FuncDecl{}
	vars := map[string]*ast.CommentGroup{}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				funcs[d.Name.Name] = d
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, s := range d.Specs {
				vs := s.(*ast.ValueSpec)
				doc := vs.Doc
				if doc == nil && !d.Lparen.IsValid() {
					doc = d.Doc // a single, unparenthesised var keeps its doc on the GenDecl
				}
				for _, n := range vs.Names {
					vars[n.Name] = doc
				}
			}
		}
	}
	out := &chapterSource{}
	if ch.Intro != "" {
		doc, ok := vars[ch.Intro]
		if !ok {
			return nil, fmt.Errorf("chapter %s: its Intro %q is not a variable of %s", ch.ID, ch.Intro, ch.File)
		}
		if doc != nil {
			out.Intro = dropDocLead(doc.Text(), ch.Intro)
		}
	}
	for i := range ch.Sections {
		s := &ch.Sections[i]
		name, err := sectionFunc(ch, s)
		if err != nil {
			return nil, err
		}
		decl, ok := funcs[name]
		if !ok {
			return nil, fmt.Errorf("chapter %s, section %s: its Run %s is not a top-level function of %s", ch.ID, s.ID, name, ch.File)
		}
		start := fset.Position(decl.Pos())
		end := fset.Position(decl.End())
		ss := sectionSource{Func: name, Code: string(src[start.Offset:end.Offset]), Line: start.Line}
		if decl.Doc != nil {
			ss.Prose = decl.Doc.Text()
		}
		out.Sections = append(out.Sections, ss)
	}
	return out, nil
}

// sectionFunc returns the name of the function s.Run points to, and checks
// that it is a plain top-level function declared in the chapter's file.
func sectionFunc(ch *notebook.Chapter, s *notebook.Section) (string, error) {
	if s.Run == nil {
		return "", fmt.Errorf("chapter %s, section %s: Run is nil", ch.ID, s.ID)
	}
	pc := reflect.ValueOf(s.Run).Pointer()
	fn := runtime.FuncForPC(pc)
	if fn == nil {
		return "", fmt.Errorf("chapter %s, section %s: cannot find the function Run points to", ch.ID, s.ID)
	}
	full := fn.Name() // "tinynets/chapters.inputDigit"
	rest := full[strings.LastIndex(full, "/")+1:]
	_, name, ok := strings.Cut(rest, ".")
	if !ok || name == "" || strings.ContainsAny(name, ".()[]") {
		return "", fmt.Errorf("chapter %s, section %s: Run is %s, not a top-level function of %s (closures and methods cannot be shown as the section's code)",
			ch.ID, s.ID, full, ch.File)
	}
	file, _ := fn.FileLine(fn.Entry())
	if path.Base(strings.ReplaceAll(file, `\`, "/")) != path.Base(ch.File) {
		return "", fmt.Errorf("chapter %s, section %s: Run is %s, declared in %s, not in the chapter's file %s",
			ch.ID, s.ID, full, path.Base(file), ch.File)
	}
	return name, nil
}

// dropDocLead removes a Go doc comment's first paragraph when it only
// names the variable ("chapterInput follows the seed's heading ..."):
// that line serves readers of the Go source, not readers of the page.
func dropDocLead(doc, name string) string {
	if !strings.HasPrefix(doc, name+" ") {
		return doc
	}
	_, rest, found := strings.Cut(doc, "\n\n")
	if !found {
		return ""
	}
	return rest
}
