package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"dossier/indexer/html"
	"dossier/indexer/parse"
	"dossier/indexer/pdf"
	"dossier/indexer/text"
	"dossier/internal/entity"
	"dossier/internal/search"
)

// parsers maps a lower-case file extension to the parser for it.
var parsers = map[string]parse.Parser{
	".txt":  text.Parser{},
	".text": text.Parser{},
	".html": html.Parser{},
	".htm":  html.Parser{},
	".pdf":  pdf.Parser{},
}

// Supported reports whether Dossier has a parser for the file at path.
func Supported(path string) bool {
	_, ok := parsers[strings.ToLower(filepath.Ext(path))]
	return ok
}

// DocID is the document id for a file's content: the same bytes at two paths are
// one document, and re-indexing unchanged bytes gives the same id.
func DocID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Analyze parses one file's bytes with the parser its extension names, finds its
// entities, and returns the document ready to index. A parser that panics or runs
// past timeout fails this file only.
func Analyze(ctx context.Context, path string, data []byte, timeout time.Duration) (*search.Document, error) {
	p, ok := parsers[strings.ToLower(filepath.Ext(path))]
	if !ok {
		return nil, fmt.Errorf("no parser for %q files (supported: .txt, .html, .htm, .pdf)", filepath.Ext(path))
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("empty file")
	}
	doc, err := parse.Safe(ctx, p, data, timeout)
	if err != nil {
		return nil, err
	}
	mentions := entity.Extract(doc.Body)
	date := documentDate(doc)
	title := doc.Title
	if title == "" {
		title = filepath.Base(path)
	}
	return &search.Document{
		ID:       DocID(data),
		Title:    title,
		Date:     date,
		Type:     entity.DocType(title, doc.Body),
		Format:   doc.Format,
		Language: doc.Language,
		Path:     path,
		Body:     doc.Body,
		Meta:     doc.Meta,
		Entities: mentions,
	}, nil
}

// documentDate picks the date a document was issued. Metadata comes first where
// it means publication (an HTML page's article:published_time), but a PDF's
// CreationDate is when the file was produced — often an export or a re-save
// years later — so for PDFs the first date in the text wins and the metadata is
// the fallback.
func documentDate(doc *parse.Document) string {
	if doc.Format == "pdf" {
		if d := entity.DocumentDate(doc.Body); d != "" {
			return d
		}
		return doc.Date
	}
	if doc.Date != "" {
		return doc.Date
	}
	return entity.DocumentDate(doc.Body)
}
