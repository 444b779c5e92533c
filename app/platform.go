package app

import (
	"context"
	"errors"
	"path/filepath"
)

// FileFilter narrows a file dialog to some patterns ("*.pdf").
type FileFilter struct {
	Name     string
	Patterns string
}

// SaveOptions configure a Save dialog.
type SaveOptions struct {
	Title           string
	DefaultFilename string
	Filters         []FileFilter
}

// OpenOptions configure an Open dialog.
type OpenOptions struct {
	Title   string
	Filters []FileFilter
}

// Dialogs ask the person at the computer for a file: the native dialogs in
// the window. An empty path with a nil error means they cancelled.
type Dialogs interface {
	SaveFile(ctx context.Context, o SaveOptions) (string, error)
	OpenFile(ctx context.Context, o OpenOptions) (string, error)
}

// Window is what the façade does to the window and the desktop around it.
type Window interface {
	SetTitle(ctx context.Context, title string)
	// Notify shows a desktop notification.
	Notify(ctx context.Context, title, body string) error
	// Emit sends an event to the UI (menus: "menu" with the item's name).
	Emit(ctx context.Context, name string, data ...any)
	// Focus brings the window to the front (a second launch).
	Focus(ctx context.Context)
}

// errNoWindow is what the façade answers when it runs without a window.
var errNoWindow = errors.New("app: no window")

// noWindow is the Window of a façade without a window (tests, a plain build).
type noWindow struct{}

func (noWindow) SetTitle(context.Context, string)                      {}
func (noWindow) Notify(context.Context, string, string) error          { return errNoWindow }
func (noWindow) Emit(context.Context, string, ...any)                  {}
func (noWindow) Focus(context.Context)                                 {}
func (noWindow) SaveFile(context.Context, SaveOptions) (string, error) { return "", errNoWindow }
func (noWindow) OpenFile(context.Context, OpenOptions) (string, error) { return "", errNoWindow }

// FolderDialogs answers every Save dialog with Dir and the proposed name,
// and every Open dialog with nothing (cancelled), without asking anyone:
// for unattended runs (the desktop smoke test sets BRIEFSTUDIO_SAVE_DIR).
type FolderDialogs struct{ Dir string }

// SaveFile answers Dir/DefaultFilename.
func (d FolderDialogs) SaveFile(_ context.Context, o SaveOptions) (string, error) {
	return filepath.Join(d.Dir, safeFileName(o.DefaultFilename, "file")), nil
}

// OpenFile answers as if cancelled.
func (FolderDialogs) OpenFile(context.Context, OpenOptions) (string, error) { return "", nil }
