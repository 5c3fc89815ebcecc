package indexer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"dossier/indexer/parse"
	"dossier/indexer/pdf"
	"dossier/indexer/pdftotext"
	"dossier/indexer/sandbox"
)

// OwnPDFExtractor is Meta["extractor"] of a PDF read by Dossier's own
// extractor (indexer/pdf); pdftotext.Name that of one read by poppler's
// pdftotext.
const OwnPDFExtractor = "dossier-pdf"

// parsePDF reads a PDF with Dossier's own extractor and, when that fails on
// something about the file (encryption it cannot decrypt, a structure it
// cannot read, a crash) or finds no text, with poppler's pdftotext where it
// is installed. Both run within the one deadline of the file, pdftotext in a
// child process under the sandbox's memory limit with its text capped.
// Meta["extractor"] says which one produced the text, and
// Meta["fallback_reason"] why the first did not. When pdftotext cannot read
// the file either, or finds no text either, the own extractor's answer
// stands: its reasons are the clearer ones, and a scan keeps its metadata and
// its "no text layer" warning.
func parsePDF(ctx context.Context, data []byte, limits Limits) (*parse.Document, error) {
	timeout := limits.Timeout
	if timeout <= 0 {
		timeout = parse.DefaultTimeout
		if limits.Sandbox != "" {
			timeout = sandbox.DefaultTimeout
		}
	}
	deadline := time.Now().Add(timeout)
	var doc *parse.Document
	var err error
	switch {
	case limits.Pool != nil:
		doc, err = limits.Pool.Parse(ctx, "pdf", data, timeout)
	case limits.Sandbox != "":
		doc, err = sandbox.Parser{Exe: limits.Sandbox, Name: "pdf", Timeout: timeout}.Parse(ctx, data)
	default:
		doc, err = parse.Safe(ctx, Parsers()["pdf"], data, timeout)
	}
	if err == nil {
		if doc.Meta == nil {
			doc.Meta = map[string]string{}
		}
		doc.Meta["extractor"] = OwnPDFExtractor
		if strings.TrimSpace(doc.Body) != "" {
			return doc, nil
		}
	}
	if !worthFallback(ctx, data, err) {
		return doc, err
	}
	tool := limits.PDFToText
	if tool == "" {
		tool = pdftotext.Look()
	}
	left := time.Until(deadline)
	if tool == "" || left <= 0 {
		return doc, err
	}
	maxBody := limits.MaxBody
	if maxBody <= 0 {
		maxBody = MaxTextBytes
	}
	alt, altErr := pdftotext.Parser{Path: tool, Sandbox: limits.Sandbox, Timeout: left, MaxBody: maxBody}.Parse(ctx, data)
	switch {
	case altErr != nil:
		if err != nil && ctx.Err() == nil && !errors.Is(altErr, pdftotext.ErrNotRun) {
			err = fmt.Errorf("%w; also tried %v", err, altErr)
		}
		return doc, err
	case strings.TrimSpace(alt.Body) == "":
		return doc, err
	case err != nil:
		alt.Meta["fallback_reason"] = err.Error()
		return alt, nil
	}
	// The own extractor opened the file and found no text; pdftotext found
	// some. Keep the metadata the own extractor read (title, date, producer).
	doc.Body = alt.Body
	if doc.Title == "" {
		doc.Title = alt.Title
	}
	doc.Meta["extractor"] = pdftotext.Name
	doc.Meta["fallback_reason"] = OwnPDFExtractor + " found no text"
	var warnings []string
	for w := range strings.SplitSeq(doc.Meta["warning"], "; ") {
		if w != "" && w != pdf.NoTextWarning {
			warnings = append(warnings, w)
		}
	}
	if alt.Meta["truncated"] == "true" {
		doc.Meta["truncated"] = "true"
		warnings = append(warnings, alt.Meta["warning"])
	}
	if len(warnings) > 0 {
		doc.Meta["warning"] = strings.Join(warnings, "; ")
	} else {
		delete(doc.Meta, "warning")
	}
	return doc, nil
}

// worthFallback says whether pdftotext may read what the own extractor could
// not: not when the run is ending, when the deadline is spent, when the file
// needs a password (pdftotext would need it too), or when it is no PDF at
// all. err is the own extractor's error, or nil when it found no text.
func worthFallback(ctx context.Context, data []byte, err error) bool {
	switch {
	case ctx.Err() != nil:
		return false
	case err == nil:
		return true
	case errors.Is(err, parse.ErrTimeout):
		return false
	case strings.HasPrefix(err.Error(), pdf.ErrEncrypted.Error()):
		// The sandbox hands back the message, not the error value.
		return false
	}
	return bytes.Contains(data, []byte("%PDF-"))
}
