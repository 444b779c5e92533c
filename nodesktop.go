//go:build !desktop

package main

import "errors"

// runDesktop is the stand-in of a binary built without the Wails desktop
// tags: such a binary can serve, import, export and manage users, but cannot
// open a window.
func runDesktop(dataDir string, files []string) error {
	return errors.New("this binary was built without the desktop tags: run `make desktop`, or `briefstudio serve`")
}
