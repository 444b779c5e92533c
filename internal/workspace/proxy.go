package workspace

import (
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	pathpkg "path"
	"strings"
	"sync/atomic"

	"briefstudio/internal/brief"
)

// Proxy sends r to the same API path on workspace id's shared server with
// its stored session, streaming both bodies, and copies the answer back
// (status, headers but hop-by-hop ones and Set-Cookie, body). path is the
// escaped path from /api/ on. The caller has checked that r comes from the
// local user. An error is returned only when nothing was written: the
// workspace is unknown (not_found), cannot be reached (EUnreachable), or
// the request body was over its limit (too_large).
func (m *Manager) Proxy(w http.ResponseWriter, r *http.Request, id, path string) error {
	plain, err := url.PathUnescape(path)
	if err != nil || !strings.HasPrefix(path, "/api/") || !strings.HasPrefix(pathpkg.Clean(plain)+"/", "/api/") {
		return brief.Errorf(brief.ENotFound, "no such API route: %s", path)
	}
	if sessionRoutes[pathpkg.Clean(plain)] {
		// Their answers carry the stored token, which the UI never sees.
		return brief.Errorf(brief.ENotFound, "the shared server's session is the embedded server's to keep: "+
			"add, renew or remove it through /api/workspaces")
	}
	ws, token, err := m.token(r.Context(), id)
	if err != nil && brief.ErrorCode(err) != brief.EUnauthorized {
		return err
	}
	target, err := url.Parse(ws.URL + path)
	if err != nil {
		return brief.Errorf(brief.ENotFound, "no such API route: %s", path)
	}
	body := &bodyReader{r: r.Body}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = body
	}
	var failed error
	p := &httputil.ReverseProxy{
		Transport: m.remote.transport,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = target.Scheme, target.Host
			pr.Out.URL.Path, pr.Out.URL.RawPath = target.Path, target.RawPath
			pr.Out.URL.RawQuery = r.URL.RawQuery
			pr.Out.Host = ""
			h := pr.Out.Header
			// The local session stops here: the shared server sees only
			// its own session, and nothing of the webview.
			h.Del("Authorization")
			h.Del("Cookie")
			h.Del("Origin")
			h.Del("Referer")
			if token != "" {
				h.Set("Authorization", "Bearer "+token)
			}
		},
		ModifyResponse: func(res *http.Response) error {
			res.Header.Del("Set-Cookie")
			// The embedded server sets its own.
			res.Header.Del("X-Content-Type-Options")
			res.Header.Del("Referrer-Policy")
			m.reached(id, nil)
			if res.StatusCode == http.StatusUnauthorized {
				m.setNeedsLogin(id, true)
			}
			return nil
		},
		ErrorHandler: func(_ http.ResponseWriter, _ *http.Request, err error) { failed = err },
		// Flush at once: a streamed answer should reach the UI as it comes.
		FlushInterval: -1,
	}
	p.ServeHTTP(w, r)
	if failed == nil {
		return nil
	}
	if tooBig := body.tooLarge.Load(); tooBig != nil {
		return brief.Errorf(brief.ETooLarge, "request body is larger than %d bytes", tooBig.Limit)
	}
	err = unreachable(ws.URL, failed)
	m.reached(id, err)
	return err
}

// sessionRoutes are the shared server's routes that are not proxied: the
// embedded server signs in, renews and signs out itself.
var sessionRoutes = map[string]bool{"/api/login": true, "/api/logout": true, "/api/session/renew": true}

// bodyReader notes whether the request body hit its size limit (the
// transport reads it on its own goroutine).
type bodyReader struct {
	r        io.ReadCloser
	tooLarge atomic.Pointer[http.MaxBytesError]
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		b.tooLarge.Store(tooBig)
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.r.Close() }
