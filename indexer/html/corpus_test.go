package html_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"dossier/corpus"
	"dossier/indexer/html"
	"dossier/indexer/parse"
)

// TestCorpus runs the parser over the shipped sample pages, whose four site
// templates wrap each article in navigation, a cookie banner, analytics, share
// buttons, a "Related" sidebar listing other pages' titles, and a footer. None of
// that may reach a body, and no page's title may turn up in another's body.
func TestCorpus(t *testing.T) {
	paths, err := fs.Glob(corpus.FS, "html/*.html")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus pages: %v", err)
	}
	docs := map[string]*parse.Document{}
	for _, p := range paths {
		data, err := corpus.FS.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parser{}.Parse(context.Background(), data)
		if err != nil {
			t.Errorf("Parse(%q) error = %v", p, err)
			continue
		}
		docs[p] = doc
	}
	furniture := []string{"Copyright", "Terms of use", "Privacy notice", "trackingPixel", "dataLayer", "cookies", "Share on", "Related"}
	for p, doc := range docs {
		if doc.Title == "" || strings.Contains(doc.Title, " | ") {
			t.Errorf("Parse(%q) title = %q, want the article's title without the site name", p, doc.Title)
		}
		if !strings.Contains(doc.Body, doc.Title) {
			t.Errorf("Parse(%q) body does not contain the title %q", p, doc.Title)
		}
		for _, w := range furniture {
			if strings.Contains(doc.Body, w) {
				t.Errorf("Parse(%q) body contains site furniture %q", p, w)
			}
		}
		for other, od := range docs {
			if other != p && strings.Contains(doc.Body, od.Title) {
				t.Errorf("Parse(%q) body contains the title of %q (a sidebar link?)", p, other)
			}
		}
	}
}
