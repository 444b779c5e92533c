package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Brief Studio</title>
<body style="font-family:sans-serif;margin:4em auto;max-width:40em">
<h1>Brief Studio</h1><p>UI not built: run <code>make</code> (or <code>make run</code>) in the repository, then restart the server.</p>`

// contentSecurity keeps the UI to its own origin: no inline scripts, no
// framing, websockets only back to where it came from.
const contentSecurity = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

// ui serves the built frontend: files as they are, every other path (the
// app's own routes such as /login) as index.html.
func (s *Server) ui() http.Handler {
	files := s.opts.UI
	var fileServer http.Handler
	if files != nil {
		fileServer = http.FileServerFS(files)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if files == nil {
			serveNotBuilt(w)
			return
		}
		index, err := fs.ReadFile(files, "index.html")
		if err != nil {
			serveNotBuilt(w)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(files, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					// Vite fingerprints these names: they never change.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				fileServer.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", contentSecurity)
		w.Write(index)
	})
}

func serveNotBuilt(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(notBuilt))
}
