// Package frontend embeds the built user interface (frontend/dist, made by
// `npm run build`). Only dist/.gitkeep is committed, so the package compiles
// on a clean clone; Dist then holds no index.html and the server says so.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built UI with index.html at its root.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path name; "dist" is valid.
		panic("frontend: " + err.Error())
	}
	return sub
}

// Built reports whether the UI was built into the binary (dist/index.html exists).
func Built() bool {
	_, err := fs.Stat(Dist(), "index.html")
	return err == nil
}
