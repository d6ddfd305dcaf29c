// Package benchviews holds templ components that stand for real pages, for
// benchmarks of rendering, parsing and diffing: a counter, a 1,000-row keyed
// table and a ~100 KB article.
package benchviews

import "strconv"

// Row is one table row.
type Row struct {
	ID    int
	Label string
}

// Rows returns n rows with ids 1..n, in reverse order if reversed. Row
// edited (by id) gets another label.
func Rows(n int, reversed bool, edited int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		id := i + 1
		if reversed {
			id = n - i
		}
		rows[i] = Row{ID: id, Label: "row " + strconv.Itoa(id) + " pretty red table"}
		if id == edited {
			rows[i].Label = "edited & new"
		}
	}
	return rows
}

// Section is a part of an Article.
type Section struct {
	ID         int
	Title      string
	Paragraphs []Paragraph
}

// Paragraph is one paragraph of a Section; Extra is an optional last
// sentence.
type Paragraph struct {
	Lead  string
	Note  int
	Extra string
}

// Sections returns the sections of a ~100 KB article. Paragraph edited
// (counting from 0 across sections) gets one more sentence.
func Sections(edited int) []Section {
	sections := make([]Section, 66)
	for s := range sections {
		sec := Section{ID: s, Title: "Section " + strconv.Itoa(s), Paragraphs: make([]Paragraph, 5)}
		for p := range sec.Paragraphs {
			n := s*5 + p
			sec.Paragraphs[p] = Paragraph{
				Lead: "The server keeps the last render of each view and compares it with the next one,",
				Note: n,
			}
			if n == edited {
				sec.Paragraphs[p].Extra = "This sentence was added by an edit."
			}
		}
		sections[s] = sec
	}
	return sections
}
