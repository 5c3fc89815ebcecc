package server

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// originalType decides how the original file at p is served, from its
// extension: the Content-Type, whether a browser may show it in place
// (inline) or must save it (attachment), and the Content-Security-Policy that
// replaces the pages' own.
//
// A saved HTML page is the dangerous one: served as HTML on our origin, its
// scripts could read the API. It is served as HTML, so that it reads as the
// page it was, but sandboxed: no scripts, an opaque origin, nothing loaded from
// anywhere (which also keeps a saved page from calling home). PDFs and text
// are shown in place; anything else is a download.
func originalType(p string) (contentType, disposition, csp string) {
	switch strings.ToLower(path.Ext(p)) {
	case ".pdf":
		// The browser's PDF viewer is a plugin document: object-src 'none'
		// would blank it, so this policy only forbids framing.
		return "application/pdf", "inline", "frame-ancestors 'none'"
	case ".txt", ".text":
		return "text/plain; charset=utf-8", "inline", "default-src 'none'; frame-ancestors 'none'"
	case ".html", ".htm":
		return "text/html", "inline", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
	default:
		return "application/octet-stream", "attachment", "sandbox; default-src 'none'; frame-ancestors 'none'"
	}
}

// contentDisposition builds the header for a file called name, quoting and
// encoding the name as RFC 6266 wants (mime falls back to RFC 2231 for
// non-ASCII names).
func contentDisposition(disposition, name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		return disposition
	}
	if h := mime.FormatMediaType(disposition, map[string]string{"filename": name}); h != "" {
		return h
	}
	return disposition
}

// documentOriginal serves the file a document was indexed from. The path is
// the one stored with the document found by id, never anything from the URL,
// so this route cannot be walked to other files.
func (s *Server) documentOriginal(c echo.Context) error {
	if s.originals == nil {
		return echo.NewHTTPError(http.StatusNotFound, "this server does not serve original files")
	}
	doc, err := s.pathDocument(c)
	if err != nil {
		return err
	}
	if doc.Path == "" {
		return echo.NewHTTPError(http.StatusNotFound, "this document has no original file")
	}
	rc, err := s.originals(doc.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return echo.NewHTTPError(http.StatusNotFound, "the original file of this document is no longer there")
	}
	if err != nil {
		return err
	}
	defer rc.Close()

	ct, disp, csp := originalType(doc.Path)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ct)
	h.Set(echo.HeaderContentDisposition, contentDisposition(disp, path.Base(doc.Path)))
	h.Set("Content-Security-Policy", csp)
	h.Set("Cache-Control", "no-cache")
	// A file that can seek (a file on disk, an embedded one) is served with
	// ranges, which PDF viewers use; anything else is copied as it comes.
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(c.Response(), c.Request(), "", time.Time{}, rs)
		return nil
	}
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(c.Response(), rc)
	return err
}
