package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"dossier/internal/entity"
	"dossier/internal/lists"
	"dossier/internal/search"
)

// The hostile document: markup in its title and body, as a crawled page may
// carry, next to entities so that it shows up in contexts and snippets.
var hostileDoc = search.Document{
	ID:    "hostile",
	Title: `<script>alert("title")</script> Hostile <img src=x onerror=alert(1)> report`,
	Date:  "2022-03-01", Format: "text", Language: "en", Path: "testdata/hostile.txt",
	Body: "Officials of Kyrgyzstan said <script>alert(\"body\")</script> the hostile payload " +
		"<img src=x onerror=alert(2)> was removed under resolution 2178 (2014).",
}

// hardenEnv is a server over a real index (the testdata documents and the
// hostile one) and a real list store, with an ingester behind a token, so the
// protections are tested on the routes as they are wired.
type hardenEnv struct {
	srv    *Server
	h      http.Handler
	ingest *countingIngester
	logs   *syncBuffer
	paths  []string // every path the Originals hook was asked for
	mu     sync.Mutex
}

const testIngestToken = "secret-token"

type countingIngester struct{ calls atomic.Int32 }

func (c *countingIngester) Ingest(ctx context.Context, paths []string) (any, error) {
	c.calls.Add(1)
	return map[string]any{"indexed": len(paths)}, nil
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newHardenEnv(t *testing.T, limits Limits) *hardenEnv {
	t.Helper()
	dir := t.TempDir()
	ix, err := search.Open(filepath.Join(dir, "bleve"), search.Options{})
	if err != nil {
		t.Fatalf("search.Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	docs := testdataDocs(t)
	hd := hostileDoc
	hd.Type = entity.DocType(hd.Title, hd.Body)
	hd.Entities = entity.Extract(hd.Body)
	docs = append(docs, hd)
	if err := ix.Apply(docs, nil); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	st, err := lists.Open(filepath.Join(dir, "lists.db"), 0)
	if err != nil {
		t.Fatalf("lists.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := &hardenEnv{ingest: &countingIngester{}, logs: &syncBuffer{}}
	srv, err := New(ix, Options{
		Logger:      slog.New(slog.NewTextHandler(e.logs, nil)),
		Lists:       st,
		Ingest:      e.ingest,
		IngestToken: testIngestToken,
		Limits:      limits,
		Originals: func(path string) (io.ReadCloser, error) {
			e.mu.Lock()
			e.paths = append(e.paths, path)
			e.mu.Unlock()
			if !slices.ContainsFunc(docs, func(d search.Document) bool { return d.Path == path }) {
				t.Errorf("Originals asked for %q, which no document has as its path", path)
			}
			return nil, os.ErrNotExist
		},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.srv, e.h = srv, srv.Handler()
	return e
}

// do sends one request through the handler; header holds name, value pairs.
func (e *hardenEnv) do(method, target, body string, header ...string) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// serve runs the server on a loopback port until the test ends.
func (e *hardenEnv) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("Serve did not return after cancel")
		}
	})
	return ln.Addr().String()
}

// noLimit is the limits of the tests that send many requests from one address.
var noLimit = Limits{Rate: -1}

// Each hostile query answers 4xx, or a bounded result, within the deadline;
// never a 500.
func TestHostileQueries(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	ored := make([]string, 10000)
	for i := range ored {
		ored[i] = "t" + strconv.Itoa(i)
	}
	huge := strings.Repeat("a", 1<<20)
	bad, bounded := []int{http.StatusBadRequest}, []int{http.StatusOK, http.StatusBadRequest}
	for _, tc := range []struct {
		name   string
		query  string // the query string, escaped
		status []int
	}{
		{"1 MB q", "q=" + huge, bad},
		{"star", "q=*", bounded},
		{"regexp of everything", "q=" + url.QueryEscape("/.*/"), bounded},
		{"fuzzy 2", "q=" + url.QueryEscape("a~2"), bounded},
		{"fuzzy everything", "q=" + url.QueryEscape("a~2 b~2 c~2 d~2 e~2 f~2 g~2 h~2"), bounded},
		{"prefix of everything", "q=" + url.QueryEscape("a* b* c* d* e* f* g* h* i* t*"), bounded},
		{"10,000 OR-ed terms", "q=" + url.QueryEscape(strings.Join(ored, " OR ")), bad},
		{"as many OR-ed terms as fit", "q=" + url.QueryEscape(strings.Join(ored[:140], " OR ")), bounded},
		// Bleve reads "title:(" as the term "(" in titles: nothing found.
		{"open group", "q=" + url.QueryEscape("title:("), bounded},
		{"unbalanced groups", "q=" + url.QueryEscape("((((((((((a"), bounded},
		{"unbalanced quote", "q=" + url.QueryEscape(`"foreign terrorist`), bounded},
		{"field that does not exist", "q=" + url.QueryEscape("nosuchfield:x"), bounded},
		{"from a billion", "from=1000000000", bad},
		{"to a billion", "to=1000000000", bad},
		{"from after to", "from=2020&to=2019", bad},
		{"page a billion", "page=1000000000", bad},
		{"size a billion (capped)", "size=1000000000", []int{http.StatusOK}},
		{"negative size", "size=-1", bad},
		{"year not a year", "year=abcd", bad},
		{"unknown facet value", "country=NOPE&organization=" + url.QueryEscape("<script>"), []int{http.StatusOK}},
		{"unknown facet (not a parameter)", "person=Smith", []int{http.StatusOK}},
		{"a thousand facet values", strings.Repeat("country=X&", 1000)[:len(strings.Repeat("country=X&", 1000))-1], []int{http.StatusOK, http.StatusBadRequest}},
		{"too many facet values", manyValues("country", 60), bad},
		{"long facet value", "resolution=" + strings.Repeat("9", 300), bad},
		{"unknown sort", "sort=" + url.QueryEscape("title;drop"), bad},
		{"invalid escape", "q=%zz", bounded},
		{"NUL and control bytes", "q=%00%01%1b", bounded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/api/search?", "/?"} {
				start := time.Now()
				rec := e.do(http.MethodGet, path+tc.query, "")
				took := time.Since(start)
				if !slices.Contains(tc.status, rec.Code) {
					t.Errorf("GET %s%.80s: status %d, want one of %v; body %.300s", path, tc.query, rec.Code, tc.status, rec.Body)
				}
				if took > DefaultTimeout {
					t.Errorf("GET %s%.80s took %v, longer than the deadline", path, tc.query, took)
				}
				if path == "/api/search?" && rec.Code == http.StatusOK {
					var res search.Result
					if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
						t.Fatalf("decoding: %v", err)
					}
					if len(res.Hits) > search.MaxSize {
						t.Errorf("%d hits in one answer, more than %d", len(res.Hits), search.MaxSize)
					}
				}
				if path == "/api/search?" && rec.Code >= 400 {
					var m map[string]string
					if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || m["error"] == "" {
						t.Errorf("error body %.200s, want {\"error\"}", rec.Body)
					}
				}
			}
		})
	}
	for _, target := range []string{
		"/api/mentions?kind=resolution&id=" + huge[:5000],
		"/api/mentions?kind=nope&id=1",
		"/api/mentions?kind=resolution&id=1373&page=1000000000",
		"/api/mentions?kind=resolution&id=1373&format=" + url.QueryEscape("<x>"),
		"/entities/resolution/" + huge[:5000],
		"/entities/nope/1",
	} {
		if rec := e.do(http.MethodGet, target, ""); rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("GET %.80s: status %d, want 4xx", target, rec.Code)
		}
	}
}

// Over a real connection, a URL longer than the header limit is refused by
// net/http (431) before any handler runs, and one just under it by the
// handler (400); neither hangs.
func TestLongURLOverTheWire(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	addr := e.serve(t)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tc := range []struct {
		n    int
		want int
	}{
		{1 << 20, http.StatusBadRequest},
		{2 << 20, http.StatusRequestHeaderFieldsTooLarge},
	} {
		resp, err := client.Get("http://" + addr + "/api/search?q=" + strings.Repeat("a", tc.n))
		if err != nil {
			t.Errorf("q of %d bytes: %v", tc.n, err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("q of %d bytes: status %d, want %d", tc.n, resp.StatusCode, tc.want)
		}
	}
}

// leaked reports whether a body shows a file from outside what the server
// serves: the module's go.mod, /etc/passwd, or this test's source.
func leaked(body string) bool {
	for _, s := range []string{"module dossier", "root:", "package server", "/bin/sh"} {
		if strings.Contains(body, s) {
			return true
		}
	}
	return false
}

var traversalPaths = []string{
	"/documents/..%2F..%2Fetc%2Fpasswd",
	"/documents/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd/original",
	"/documents/..%5C..%5Cgo.mod",
	"/documents/..%5C..%5Cgo.mod/original",
	"/documents/%252E%252E%252Fgo.mod",
	"/documents/%252E%252E%252Fgo.mod/original",
	"/documents/..%252F..%252Fgo.mod/original",
	"/documents/../../go.mod",
	"/documents/%2e%2e/%2e%2e/go.mod/original",
	"/api/documents/..%2F..%2Fetc%2Fpasswd",
	"/api/documents/..%2F..%2Fgo.mod",
	"/static/../go.mod",
	"/static/../../go.mod",
	"/static/..%2F..%2Fgo.mod",
	"/static/%2e%2e/%2e%2e/go.mod",
	"/static/..%5C..%5Cgo.mod",
	"/static/%252e%252e%252fgo.mod",
	"/static/../harden_test.go",
	"/static/..%2Fharden_test.go",
	"/static//etc/passwd",
	"/entities/resolution/..%2F..",
	"/entities/resolution/..%2F..%2F..%2Fetc%2Fpasswd",
	"/entities/../../go.mod",
	"/lists/..%2F..%2Fgo.mod",
	"/api/lists/..%2F..%2Fgo.mod/export?format=csv",
	"/searches/..%2F..%2Fgo.mod",
}

// pathOK reports whether status is a right answer to a traversal attempt: not
// found, or refused. An entity page is the exception: it reads no file, and an
// id nothing mentions gets a page that says so.
func pathOK(p string, status int) bool {
	switch status {
	case http.StatusNotFound, http.StatusBadRequest, http.StatusMethodNotAllowed:
		return true
	case http.StatusOK:
		return strings.HasPrefix(p, "/entities/")
	}
	return false
}

// No path in a URL reaches a file outside what the server serves, however it is
// escaped; the Originals hook is asked only for stored paths (newHardenEnv
// checks that).
func TestPathTraversal(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	for _, p := range traversalPaths {
		rec := e.do(http.MethodGet, p, "")
		if !pathOK(p, rec.Code) {
			t.Errorf("GET %s: status %d, want 404 or 400; body %.200s", p, rec.Code, rec.Body)
		}
		if leaked(rec.Body.String()) {
			t.Errorf("GET %s: body shows a file it must not: %.300s", p, rec.Body)
		}
	}
	// The same request lines over a raw connection, which no client cleans.
	addr := e.serve(t)
	for _, p := range traversalPaths {
		status, body := rawGet(t, addr, p)
		if !pathOK(p, status) {
			t.Errorf("raw GET %s: status %d, want 404 or 400", p, status)
		}
		if leaked(body) {
			t.Errorf("raw GET %s: body shows a file it must not: %.300s", p, body)
		}
	}
	if len(e.paths) != 0 {
		t.Errorf("Originals asked for %q", e.paths)
	}
}

// rawGet sends "GET target HTTP/1.1" as written and reads the answer.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("raw GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Every state-changing route refuses a request another site's page started,
// POST /api/index included (its token alone would not stop a page that got
// hold of it); a script, which sends no Origin or Sec-Fetch-Site, gets through.
func TestCrossSiteRefused(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	auth := []string{"Authorization", "Bearer " + testIngestToken, "Content-Type", "application/json"}
	for _, evil := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "https://evil.example"},
		{"Origin", "null"},
		{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
	} {
		if rec := e.do(http.MethodPost, "/api/lists", `{"name":"planted"}`, append([]string{"Content-Type", "application/json"}, evil...)...); rec.Code != http.StatusForbidden {
			t.Errorf("POST /api/lists with %q: status %d, want 403; %s", evil, rec.Code, rec.Body)
		}
		rec := e.do(http.MethodPost, "/api/index", `{"paths":["/tmp"]}`, append(slices.Clone(auth), evil...)...)
		if rec.Code != http.StatusForbidden {
			t.Errorf("POST /api/index with %q: status %d, want 403; %s", evil, rec.Code, rec.Body)
		}
		var m map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || m["error"] == "" {
			t.Errorf("403 body %s, want {\"error\"}", rec.Body)
		}
	}
	if n := e.ingest.calls.Load(); n != 0 {
		t.Errorf("cross-site requests started %d indexing runs", n)
	}
	// Scripts, and the page itself, get through.
	if rec := e.do(http.MethodPost, "/api/lists", `{"name":"script"}`, "Content-Type", "application/json"); rec.Code != http.StatusCreated {
		t.Errorf("POST /api/lists from a script: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodPost, "/api/lists", `{"name":"page"}`, "Content-Type", "application/json", "Sec-Fetch-Site", "same-origin"); rec.Code != http.StatusCreated {
		t.Errorf("POST /api/lists from the page: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodPost, "/api/index", `{"paths":["/tmp"]}`, auth...); rec.Code != http.StatusOK {
		t.Errorf("POST /api/index from a script: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodPost, "/api/index", `{"paths":["/tmp"]}`, "Content-Type", "application/json"); rec.Code != http.StatusUnauthorized {
		t.Errorf("POST /api/index without the token: %d, want 401", rec.Code)
	}
	// Reading stays open to any origin: a GET changes nothing.
	if rec := e.do(http.MethodGet, "/api/search?q=visit", "", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); rec.Code != http.StatusOK {
		t.Errorf("cross-site GET: %d, want 200", rec.Code)
	}
}

// A burst over the limit from one address gets 429 with Retry-After and
// {"error"}; another address, whatever headers the first one sends, is not
// affected.
func TestRateLimit(t *testing.T) {
	e := newHardenEnv(t, Limits{Rate: 1, Burst: 5})
	from := func(addr string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/search?q=visit", nil)
		req.RemoteAddr = addr
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec
	}
	for i := range 5 {
		if rec := from("192.0.2.1:1234"); rec.Code != http.StatusOK {
			t.Fatalf("request %d of the burst: %d", i+1, rec.Code)
		}
	}
	// Over the burst, whatever X-Forwarded-For claims.
	for _, xff := range []string{"", "198.51.100.7", "127.0.0.1"} {
		rec := from("192.0.2.1:4321", "X-Forwarded-For", xff, "X-Real-IP", xff)
		if rec.Code != http.StatusTooManyRequests {
			t.Errorf("over the burst (X-Forwarded-For %q): %d, want 429", xff, rec.Code)
			continue
		}
		if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 {
			t.Errorf("Retry-After = %q, want whole seconds", rec.Header().Get("Retry-After"))
		}
		var m map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || m["error"] == "" {
			t.Errorf("429 body %s, want {\"error\"}", rec.Body)
		}
	}
	if rec := from("192.0.2.2:1234"); rec.Code != http.StatusOK {
		t.Errorf("another address: %d, want 200", rec.Code)
	}
	// An IPv6 client draws from its /64's bucket, not one per address.
	for i := range 5 {
		from(fmt.Sprintf("[2001:db8::%x]:80", i+1))
	}
	if rec := from("[2001:db8::ffff]:80"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("sixth request from one /64: %d, want 429", rec.Code)
	}
	if rec := from("[2001:db8:0:1::1]:80"); rec.Code != http.StatusOK {
		t.Errorf("another /64: %d, want 200", rec.Code)
	}
	// Loopback is the local user: not limited unless asked.
	for i := range 20 {
		if rec := from("127.0.0.1:5555"); rec.Code != http.StatusOK {
			t.Fatalf("loopback request %d: %d", i+1, rec.Code)
		}
	}
	e = newHardenEnv(t, Limits{Rate: 1, Burst: 2, LimitLoopback: true})
	codes := []int{}
	for range 3 {
		codes = append(codes, from("[::1]:5555").Code)
	}
	if codes[2] != http.StatusTooManyRequests {
		t.Errorf("loopback with LimitLoopback: %v, want the third 429", codes)
	}
}

// The bucket refills at the rate, and idle buckets go.
func TestRateLimiterBuckets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rl := newRateLimiter(2, 4, func() time.Time { return now })
	for i := range 4 {
		if ok, _ := rl.allow("a"); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	ok, wait := rl.allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Errorf("fifth request: %v, wait %v; want refused, 500ms", ok, wait)
	}
	now = now.Add(time.Second) // two tokens back
	for i := range 2 {
		if ok, _ := rl.allow("a"); !ok {
			t.Errorf("after a second, request %d refused", i+1)
		}
	}
	if ok, _ := rl.allow("a"); ok {
		t.Errorf("third request after a second allowed")
	}
	rl.allow("b")
	if n := rl.len(); n != 2 {
		t.Errorf("%d buckets, want 2", n)
	}
	now = now.Add(2 * time.Minute)
	rl.allow("c")
	if n := rl.len(); n != 1 {
		t.Errorf("after two idle minutes, %d buckets, want 1 (the new one)", n)
	}
}

// Every response carries a request id, also in the request's log line; a
// client's own id is kept only when it is short and safe.
func TestRequestID(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	generated := regexp.MustCompile(`^[0-9a-f]{24}$`)
	seen := map[string]bool{}
	for _, target := range []string{"/healthz", "/", "/api/search?q=visit", "/api/search?q=title:(", "/documents/nope", "/static/style.css", "/no/such/route"} {
		rec := e.do(http.MethodGet, target, "")
		id := rec.Header().Get("X-Request-ID")
		if !generated.MatchString(id) {
			t.Errorf("GET %s: X-Request-ID %q", target, id)
		}
		if seen[id] {
			t.Errorf("GET %s: id %q given twice", target, id)
		}
		seen[id] = true
		if !strings.Contains(e.logs.String(), "request_id="+id) {
			t.Errorf("GET %s: the log has no line with request_id=%s", target, id)
		}
	}
	for _, tc := range []struct{ sent, want string }{
		{"abc-123_X.y:z", "abc-123_X.y:z"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), ""},
		{"two words", ""},
		{"forged\nlevel=ERROR msg=owned", ""},
		{"<script>", ""},
		{"é", ""},
	} {
		rec := e.do(http.MethodGet, "/healthz", "", "X-Request-ID", tc.sent)
		got := rec.Header().Get("X-Request-ID")
		if tc.want != "" && got != tc.want {
			t.Errorf("sent id %q: got %q, want it kept", tc.sent, got)
		}
		if tc.want == "" && !generated.MatchString(got) {
			t.Errorf("sent id %q: got %q, want a generated one", tc.sent, got)
		}
	}
	if strings.Contains(e.logs.String(), "owned") {
		t.Errorf("a client's id forged a log line")
	}
}

// Bodies over the limit are refused before the handler reads them; the list
// import keeps its own, larger limit.
func TestBodyLimit(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	big := `{"name":"` + strings.Repeat("a", 2<<20) + `"}`
	if rec := e.do(http.MethodPost, "/api/lists", big, "Content-Type", "application/json"); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB list body: %d, want 413", rec.Code)
	}
	// A body of unknown length is cut off while it is read.
	req := httptest.NewRequest(http.MethodPost, "/api/lists", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB list body of unknown length: %d, want 413", rec.Code)
	}
	// 2 MB is within the import's limit: the middleware lets it through, and the
	// handler answers what is wrong with it.
	imp := `[` + strings.Repeat(`{"id":"x","type":"report","title":"t"},`, 2<<20/40) + `{"id":"y","type":"report","title":"t"}]`
	rec = e.do(http.MethodPost, "/api/lists/import?name=big", imp, "Content-Type", "application/json")
	if rec.Code == http.StatusRequestEntityTooLarge || rec.Code >= 500 {
		t.Errorf("2 MB import: %d %.200s, want it read", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodPost, "/api/index", `{"paths":["`+strings.Repeat("a", 2<<20)+`"]}`, "Authorization", "Bearer "+testIngestToken); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB index body: %d, want 413", rec.Code)
	}
}

// slowSearcher answers nothing until the request's deadline passes, as an
// index stuck on a pathological query would.
type slowSearcher struct{ *fakeSearcher }

func (s slowSearcher) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (s slowSearcher) Mentions(ctx context.Context, req search.MentionsRequest) (*search.MentionsResult, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A search that runs past the deadline is stopped and answered 503.
func TestDeadline(t *testing.T) {
	srv, err := New(slowSearcher{newFake(t)}, Options{Logger: slog.New(slog.DiscardHandler), Limits: Limits{Timeout: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/api/search?q=x", "/?q=x", "/api/mentions?kind=resolution&id=1373", "/entities/resolution/1373"} {
		start := time.Now()
		rec := get(t, srv.Handler(), target)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("GET %s took %v", target, took)
		}
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("GET %s: %d, want 503; %.200s", target, rec.Code, rec.Body)
		}
	}
}

// A client that sends its headers a byte a second holds its own connection
// only until ReadHeaderTimeout, and normal requests are answered meanwhile.
func TestSlowHeadersDoNotStarve(t *testing.T) {
	e := newHardenEnv(t, Limits{Rate: -1, ReadHeaderTimeout: time.Second})
	addr := e.serve(t)

	const slow = 20
	closed := make(chan time.Duration, slow)
	for range slow {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		go func() {
			start := time.Now()
			conn.SetDeadline(time.Now().Add(8 * time.Second))
			if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
				closed <- time.Since(start)
				return
			}
			go func() {
				// Drain whatever the server says (net/http may answer 408) until it closes.
				io.Copy(io.Discard, conn)
				closed <- time.Since(start)
			}()
			for range 8 {
				time.Sleep(time.Second)
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}()
	}

	client := &http.Client{Timeout: 2 * time.Second}
	for i := range 10 {
		start := time.Now()
		resp, err := client.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("normal request %d while slow clients hold connections: %v", i+1, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if took := time.Since(start); resp.StatusCode != http.StatusOK || took > time.Second {
			t.Errorf("normal request %d: %d in %v", i+1, resp.StatusCode, took)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for range slow {
		select {
		case d := <-closed:
			if d > 4*time.Second {
				t.Errorf("a slow client was cut off after %v, want about 1s", d)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a slow client still holds its connection")
		}
	}
}

// No markup from a document reaches a page as markup: titles, snippets from
// the real highlighter, entity contexts and list pages show it as text.
// (TestDocumentPageEscapesBody and TestEntityPageEscapesContext check the same
// on the fake searcher's hand-made results.)
func TestNoDocumentMarkupOnPages(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	injected := func(t *testing.T, what string, d *goquery.Document) {
		t.Helper()
		if n := d.Find("script:not([src])").Length(); n != 0 {
			t.Errorf("%s: %d inline scripts", what, n)
		}
		if n := d.Find("img, [onerror]").Length(); n != 0 {
			t.Errorf("%s: %d injected images or handlers", what, n)
		}
	}
	page := func(target string) *goquery.Document {
		t.Helper()
		rec := e.do(http.MethodGet, target, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %.200s", target, rec.Code, rec.Body)
		}
		d, err := goquery.NewDocumentFromReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	// The API's snippet is HTML: the text escaped, only <mark> added.
	rec := e.do(http.MethodGet, "/api/search?q=hostile+payload", "")
	var res search.Result
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "hostile" {
		t.Fatalf("search for the hostile document: %v %.300s", err, rec.Body)
	}
	snip := res.Hits[0].Snippet
	if tags := regexp.MustCompile(`</?([a-zA-Z]+)`).FindAllStringSubmatch(snip, -1); slices.ContainsFunc(tags, func(m []string) bool { return m[1] != "mark" }) {
		t.Errorf("snippet %q has tags other than <mark>", snip)
	}
	if !strings.Contains(snip, "&lt;script&gt;") && !strings.Contains(snip, "&lt;img") {
		t.Errorf("snippet %q does not show the markup escaped", snip)
	}

	d := page("/?q=hostile+payload")
	injected(t, "search page", d)
	if got := d.Find("li.hit h2 a").First().Text(); got != hostileDoc.Title {
		t.Errorf("hit title %q, want the markup as text", got)
	}
	if d.Find("p.snippet mark").Length() == 0 || !strings.Contains(d.Find("p.snippet").First().Text(), "<img src=x onerror=alert(2)>") &&
		!strings.Contains(d.Find("p.snippet").First().Text(), `<script>alert("body")</script>`) {
		t.Errorf("snippet text %q: want marks and the markup as text", d.Find("p.snippet").First().Text())
	}

	d = page("/documents/hostile")
	injected(t, "document page", d)
	if got := d.Find("h1").Text(); got != hostileDoc.Title {
		t.Errorf("document h1 %q", got)
	}

	d = page("/entities/country/KGZ")
	injected(t, "entity page", d)
	var shown bool
	d.Find("blockquote.context").Each(func(_ int, s *goquery.Selection) {
		shown = shown || strings.Contains(s.Text(), `<script>alert("body")</script>`)
	})
	if !shown {
		t.Errorf("entity page: the context with markup is not shown as text")
	}

	var l lists.List
	rec = e.do(http.MethodPost, "/api/lists", `{"name":"<script>alert('list')</script>","description":"<img src=x onerror=alert(3)>"}`, "Content-Type", "application/json")
	if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil || rec.Code != http.StatusCreated {
		t.Fatalf("create list: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodPost, "/api/lists/"+l.ID+"/items", `{"doc_id":"hostile","note":"<script>alert('note')</script>"}`, "Content-Type", "application/json"); rec.Code != http.StatusCreated {
		t.Fatalf("add item: %d %s", rec.Code, rec.Body)
	}
	d = page("/lists/" + l.ID)
	injected(t, "list page", d)
	if !strings.Contains(d.Text(), hostileDoc.Title) || !strings.Contains(d.Text(), "<script>alert('list')</script>") {
		t.Errorf("list page does not show the title and name as text")
	}
	injected(t, "lists page", page("/lists"))
}

// The pages' headers close framing, sniffing and cross-origin reads; the API
// answers carry them too.
func TestSecurityHeaders(t *testing.T) {
	e := newHardenEnv(t, noLimit)
	for _, target := range []string{"/", "/api/search?q=x", "/documents/nope"} {
		h := e.do(http.MethodGet, target, "").Header()
		for name, want := range map[string]string{
			"X-Frame-Options":              "DENY",
			"X-Content-Type-Options":       "nosniff",
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Resource-Policy": "same-origin",
			"Referrer-Policy":              "same-origin",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("GET %s: %s = %q, want %q", target, name, got, want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP %q allows inline script or eval", target, csp)
		}
	}
}
