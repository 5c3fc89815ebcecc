package server

// Protections against heavy, careless or hostile clients, as Echo middleware:
// request ids, a rate limit per client address, cross-origin protection for
// every state-changing route, a body limit and a deadline per request. New
// installs them in that order, inside the request log and the panic recovery,
// so every refusal is logged with its status and its request id, and answered
// through handleError ({"error"} on the API, the error page elsewhere).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Limits tune the server's protections. The zero value means the defaults,
// which are generous: a person at a browser never meets them.
type Limits struct {
	// Rate (requests per second) and Burst size the token bucket each client
	// address gets; over it, requests are answered 429 with Retry-After. Zero
	// means 50 per second with a burst of 100; a negative Rate turns the limit
	// off.
	Rate  float64
	Burst int
	// LimitLoopback applies the rate limit to clients on a loopback address
	// too. It is off by default: Dossier serves 127.0.0.1, where the client is
	// the machine's own user (or a reverse proxy, for which one bucket would
	// throttle every user behind it together; the proxy must limit them).
	LimitLoopback bool
	// Timeout bounds the work of one request: searches, documents, mentions and
	// pages. When it passes, the index is asked to stop and the client gets 503.
	// Zero means 10 seconds. The mentions CSV export gets six times as long;
	// POST /api/index, which answers when its run ends, has no deadline.
	Timeout time.Duration
	// MaxBody bounds a request body, in bytes; zero means 1 MB. A list import
	// (POST /api/lists/import) has its own, larger limit.
	MaxBody int64
	// ReadHeaderTimeout is how long a connection may take to send a request's
	// headers; zero means 10 seconds. A client that dribbles them a byte at a
	// time is cut off then, holding only its own connection meanwhile.
	ReadHeaderTimeout time.Duration
}

// Defaults of Limits.
const (
	DefaultRate              = 50
	DefaultBurst             = 100
	DefaultTimeout           = 10 * time.Second
	DefaultMaxBody           = 1 << 20
	DefaultReadHeaderTimeout = 10 * time.Second
)

// withDefaults fills in the zero fields.
func (l Limits) withDefaults() Limits {
	if l.Rate == 0 {
		l.Rate = DefaultRate
	}
	if l.Burst <= 0 {
		l.Burst = DefaultBurst
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	return l
}

// harden returns the protective middleware in the order they run.
func (s *Server) harden(l Limits) []echo.MiddlewareFunc {
	mw := []echo.MiddlewareFunc{}
	if l.Rate > 0 {
		rl := newRateLimiter(l.Rate, l.Burst, time.Now)
		mw = append(mw, rateLimit(rl, l.LimitLoopback))
	}
	return append(mw, crossOrigin(), bodyLimit(l.MaxBody), deadline(l.Timeout))
}

// ---- request ids ----

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// maxRequestIDLen bounds an id a client sends; a longer one is replaced.
const maxRequestIDLen = 64

// requestID gives every request an id, in the X-Request-ID response header and
// in every log line written with the request's context. A client's own id is
// kept when it is short and made of safe characters (letters, digits, . _ : -),
// so a proxy's id follows the request through; anything else, which could
// forge log lines or bloat them, is replaced by a random one.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if !safeRequestID(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		c.SetRequest(req.WithContext(context.WithValue(req.Context(), requestIDKey{}, id)))
		return next(c)
	}
}

func safeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '.', b == '_', b == ':', b == '-':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b[:])
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDHandler adds the request id (when ctx has one) to every record
// logged with a request's context, so a 500's details in the log can be found
// from the id the client saw.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// ---- rate limit ----

// rateLimit answers 429 to a client address whose bucket is empty. The address
// is the connection's (r.RemoteAddr), never a header such as X-Forwarded-For,
// which any client can write.
func rateLimit(rl *rateLimiter, limitLoopback bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ip := clientIP(c.Request().RemoteAddr)
			if !limitLoopback && ip != nil && ip.IsLoopback() {
				return next(c)
			}
			if ok, wait := rl.allow(clientKey(ip, c.Request().RemoteAddr)); !ok {
				secs := max(1, int(math.Ceil(wait.Seconds())))
				c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
				return echo.NewHTTPError(http.StatusTooManyRequests, "too many requests from your address; retry in "+strconv.Itoa(secs)+" s")
			}
			return next(c)
		}
	}
}

// clientIP parses the host part of a RemoteAddr; nil when it is not an IP.
func clientIP(remoteAddr string) net.IP {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return net.ParseIP(host)
}

// clientKey is the bucket an address draws from: the IPv4 address, or the /64
// network of an IPv6 one (one machine commonly holds a whole /64, and would
// otherwise get a fresh bucket per address).
func clientKey(ip net.IP, remoteAddr string) string {
	if ip == nil {
		return remoteAddr
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// maxBuckets bounds the limiter's memory. When that many addresses are active
// at once, new ones share one overflow bucket until idle ones are evicted.
const maxBuckets = 100_000

// rateLimiter is a token bucket per key: each holds up to burst tokens, refills
// at rate per second, and a request takes one. A bucket idle long enough to be
// full again is the same as no bucket, so it is evicted (a sweep at most once a
// minute), and memory follows the addresses active in the last minute or so.
type rateLimiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}, lastSweep: now()}
}

// allow takes a token from key's bucket. When there is none, it reports how
// long until there is.
func (rl *rateLimiter) allow(key string) (bool, time.Duration) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	now := rl.now()
	if now.Sub(rl.lastSweep) >= time.Minute || len(rl.buckets) >= maxBuckets {
		rl.sweep(now)
	}
	b, ok := rl.buckets[key]
	if !ok {
		if len(rl.buckets) >= maxBuckets {
			key = ""
			b = rl.buckets[key]
		}
		if b == nil {
			b = &bucket{tokens: rl.burst, last: now}
			rl.buckets[key] = b
		}
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(rl.burst, b.tokens+d.Seconds()*rl.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rl.rate * float64(time.Second))
}

// sweep evicts the buckets that would be full by now.
func (rl *rateLimiter) sweep(now time.Time) {
	full := time.Duration(rl.burst / rl.rate * float64(time.Second))
	for k, b := range rl.buckets {
		if now.Sub(b.last) >= full {
			delete(rl.buckets, k)
		}
	}
	rl.lastSweep = now
}

// len reports the number of buckets held, for tests.
func (rl *rateLimiter) len() int {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return len(rl.buckets)
}

// ---- cross-origin protection ----

// crossOrigin refuses, with 403, a state-changing request (anything but GET,
// HEAD and OPTIONS) that a browser sent on behalf of another site: its
// Sec-Fetch-Site header says cross-site, or, from browsers without it, its
// Origin names another host. This is net/http's CrossOriginProtection, over
// every route, so a page elsewhere can neither change a reader's lists nor
// start an indexing run (POST /api/index also needs its token, which no page
// has). Scripts and curl send neither header and are let through.
func crossOrigin() echo.MiddlewareFunc {
	cop := http.NewCrossOriginProtection()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := cop.Check(c.Request()); err != nil {
				return echo.NewHTTPError(http.StatusForbidden, "cross-site request refused: "+err.Error())
			}
			return next(c)
		}
	}
}

// ---- body limit ----

// ownBodyLimits are the routes (as registered) that allow a larger body than
// Limits.MaxBody, with their limit. Their handlers enforce it.
var ownBodyLimits = map[string]int64{
	"/api/lists/import": maxImportBody,
}

// bodyLimit refuses a body declared larger than the limit with 413 before the
// handler runs, and cuts off one that turns out larger while it is read (the
// handler then answers 413 or 400), so no route reads an unbounded body.
func bodyLimit(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Body == nil || req.Body == http.NoBody {
				return next(c)
			}
			n := limit
			if own, ok := ownBodyLimits[c.Path()]; ok {
				n = own
			}
			if req.ContentLength > n {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "the request body is larger than "+strconv.FormatInt(n, 10)+" bytes")
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			return next(c)
		}
	}
}

// ---- deadlines ----

// deadline bounds the work of one request (see Limits.Timeout). Handlers pass
// the request's context to the index, which stops when it is done; the error
// handler answers context.DeadlineExceeded with 503.
func deadline(timeout time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			d := timeout
			switch {
			case req.Method == http.MethodPost && c.Path() == "/api/index":
				// An indexing run takes as long as the folder needs.
				return next(c)
			case c.Path() == "/api/mentions" && c.QueryParam("format") == "csv":
				// The export gathers every mention, all pages in one pass.
				d = 6 * timeout
			}
			ctx, cancel := context.WithTimeout(req.Context(), d)
			defer cancel()
			c.SetRequest(req.WithContext(ctx))
			return next(c)
		}
	}
}
