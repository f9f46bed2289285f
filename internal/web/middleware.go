package web

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/locale"
	"github.com/serambi/serambi/internal/tenant"
)

// MaxBody caps request bodies; forms and JSON here are small. Uploads (a
// later issue) get their own, larger limit on their own routes.
const MaxBody = 1 << 20

// maxUpload bounds an upload request: the largest file a form may accept
// (20 MiB) and the multipart framing around it.
const maxUpload = 21 << 20

func (s *Server) middleware(next http.Handler) http.Handler {
	h := s.withState(next)
	h = http.NewCrossOriginProtection().Handler(h)
	h = s.securityHeaders(h)
	h = gzipHandler(h)
	h = s.observe(h)
	return s.recoverPanics(h)
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic", "path", loggedPath(r), "panic", fmt.Sprint(p))
				http.Error(w, "500 internal server error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, holder := withRouteHolder(r.Context())
		w.Header().Set("X-Request-Id", holder.id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(holder.pattern, sw.status, d)
		if sw.status >= 500 {
			s.Log.Error("request", "method", r.Method, "path", maskPath(holder.pattern, r.URL.Path), "route", holder.pattern, "request_id", holder.id,
				"status", sw.status, "ms", d.Milliseconds())
		} else {
			s.Log.Debug("request", "method", r.Method, "path", maskPath(holder.pattern, r.URL.Path), "status", sw.status, "ms", d.Milliseconds())
		}
	})
}

const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		limit := int64(MaxBody)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/documents") {
			limit = maxUpload // the document store enforces each requirement's own limit
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// gzip: pages, CSS and JSON shrink to a fraction, which matters on slow,
// expensive mobile data.
var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}

type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func compressible(ct string) bool {
	if strings.HasPrefix(ct, "text/event-stream") {
		return false // live updates must reach the browser at once, not when a gzip block fills
	}
	for _, p := range []string{"text/", "application/json", "application/problem+json", "application/javascript", "image/svg+xml"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

func (w *gzipWriter) decide(status int) {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	if status == http.StatusNoContent || status == http.StatusNotModified || h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	gz := gzipPool.Get().(*gzip.Writer)
	gz.Reset(w.ResponseWriter)
	w.gz = gz
}

func (w *gzipWriter) WriteHeader(code int) {
	w.decide(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *gzipWriter) Flush() {
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func gzipHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		next.ServeHTTP(gw, r)
		if gw.gz != nil {
			_ = gw.gz.Close()
			gzipPool.Put(gw.gz)
		}
	})
}

// state is what the middleware knows about a request.
type state struct {
	lang         string
	langExplicit bool // chosen by the user (query, cookie, account), not guessed
	textSize     string
	user         *identity.User
	memberships  []identity.Membership
	// tenant is the route's {tenant}, once loaded (by the policy check
	// or the handler), so it is read once per request.
	tenant     *tenant.Tenant
	sessionRaw string
	session    *identity.Session
	viaToken   bool
	tokenRaw   string // the bearer token presented, to revoke at sign-out
	// loadErr: the user's roles could not be read. The request is refused
	// (500) rather than served with no roles, which could look like a
	// different person's view.
	loadErr      error
	mustEnrol    bool           // staff without a second factor: only enrolment pages
	pending      *identity.User // password ok, waiting for the one-time code
	badToken     bool           // an Authorization header with an unknown or expired token
	sessionEnded bool           // a session cookie whose session is gone
	ip           string
	guest        *classes.Guest // a class practice guest, on the practice routes only
}

type stateKey struct{}

func getState(r *http.Request) *state {
	if st, ok := r.Context().Value(stateKey{}).(*state); ok {
		return st
	}
	return &state{lang: "en", textSize: "normal"}
}

// The site's cookies: the browser session, and the language and text
// size chosen without an account.
const (
	SessionCookie = "serambi_session"
	LangCookie    = "serambi_lang"
	TextCookie    = "serambi_text"
)

func (s *Server) withState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &state{textSize: "normal", ip: clientIP(r)}
		s.loadUser(r, st)
		if st.loadErr != nil {
			s.ServerError(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)), fmt.Errorf("web: find who is signed in and their roles: %w", st.loadErr))
			return
		}
		if st.badToken {
			// A client that sends a token expects to act as someone: never
			// serve it as anonymous.
			w.Header().Set("WWW-Authenticate", `Bearer realm="serambi", error="invalid_token"`)
			s.Problem(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)), http.StatusUnauthorized, "invalid_token", "problem.invalid_token")
			return
		}
		if st.sessionEnded {
			http.SetCookie(w, s.cookie(SessionCookie, "", -1))
		}
		s.pickLanguage(w, r, st)
		if c, err := r.Cookie(TextCookie); err == nil && identity.ValidTextSize(c.Value) {
			st.textSize = c.Value
		} else if st.user != nil {
			st.textSize = st.user.TextSize
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
	})
}

func (s *Server) loadUser(r *http.Request, st *state) {
	ctx := r.Context()
	if r.URL.Path == "/metrics" {
		return // its bearer token is the metrics token, not a person's
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		st.viaToken = true
		st.tokenRaw = strings.TrimPrefix(auth, "Bearer ")
		u, err := s.Identity.UserByToken(ctx, st.tokenRaw)
		if err != nil {
			st.badToken = true
			if !errors.Is(err, identity.ErrNoSession) {
				st.loadErr = err // refused as a server error and logged, not as a bad token
			}
			return
		}
		st.user = &u
		st.memberships, st.loadErr = s.Identity.Memberships(ctx, u.ID)
		return
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return
	}
	ss, u, err := s.Identity.Session(ctx, c.Value)
	if err != nil {
		// The cookie named a session that ended (timeout, sign out
		// elsewhere): say so at sign-in instead of failing silently.
		st.sessionEnded = c.Value != ""
		return
	}
	st.session, st.sessionRaw = &ss, c.Value
	if u.TOTPEnabled && !ss.MFAOK {
		st.pending = &u
		return
	}
	st.user = &u
	st.memberships, st.loadErr = s.Identity.Memberships(ctx, u.ID)
	st.mustEnrol = s.Identity.NeedsTOTPEnrolment(u, st.memberships)
}

// pickLanguage: ?lang= (remembered in a cookie), then the cookie, then the
// account's language, then Accept-Language; the tenant's default comes in
// later, when the handler knows the tenant.
func (s *Server) pickLanguage(w http.ResponseWriter, r *http.Request, st *state) {
	if l := r.URL.Query().Get("lang"); locale.Supported(l) {
		st.lang, st.langExplicit = l, true
		if !IsAPI(r) { // API clients choose per request; they keep no cookies
			http.SetCookie(w, s.cookie(LangCookie, l, 365*24*time.Hour))
		}
		return
	}
	if c, err := r.Cookie(LangCookie); err == nil && locale.Supported(c.Value) {
		st.lang, st.langExplicit = c.Value, true
		return
	}
	if st.user != nil && locale.Supported(st.user.Lang) {
		st.lang, st.langExplicit = st.user.Lang, true
		return
	}
	if l := locale.FromAcceptLanguage(r.Header.Get("Accept-Language")); l != "" {
		st.lang, st.langExplicit = l, true
		return
	}
	st.lang = "en"
}

func (s *Server) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	}
}

// clientIP is the peer address. Deployments behind a proxy should make the
// proxy overwrite RemoteAddr (documented); trusting X-Forwarded-For blindly
// would let anyone dodge the sign-in throttle.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
