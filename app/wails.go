//go:build desktop

package app

import (
	"context"
	"errors"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Wails is the real window: native dialogs, title, notifications and
// events through the Wails runtime. It is the only file of the façade that
// imports Wails, so the rest builds and tests without GTK.
type Wails struct {
	notify    sync.Once
	notifyErr error
}

var (
	_ Dialogs = (*Wails)(nil)
	_ Window  = (*Wails)(nil)
)

var errNoNotifications = errors.New("app: this desktop shows no notifications")

func filters(fs []FileFilter) []runtime.FileFilter {
	out := make([]runtime.FileFilter, len(fs))
	for i, f := range fs {
		out[i] = runtime.FileFilter{DisplayName: f.Name, Pattern: f.Patterns}
	}
	return out
}

// SaveFile opens the native Save dialog.
func (w *Wails) SaveFile(ctx context.Context, o SaveOptions) (string, error) {
	return runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{
		Title:                o.Title,
		DefaultFilename:      o.DefaultFilename,
		Filters:              filters(o.Filters),
		CanCreateDirectories: true,
	})
}

// OpenFile opens the native Open dialog.
func (w *Wails) OpenFile(ctx context.Context, o OpenOptions) (string, error) {
	return runtime.OpenFileDialog(ctx, runtime.OpenDialogOptions{Title: o.Title, Filters: filters(o.Filters)})
}

// SetTitle sets the window title.
func (w *Wails) SetTitle(ctx context.Context, title string) { runtime.WindowSetTitle(ctx, title) }

// Notify shows a desktop notification (D-Bus on Linux).
func (w *Wails) Notify(ctx context.Context, title, body string) error {
	w.notify.Do(func() { w.notifyErr = runtime.InitializeNotifications(ctx) })
	if w.notifyErr != nil {
		return w.notifyErr
	}
	if !runtime.IsNotificationAvailable(ctx) {
		return errNoNotifications
	}
	return runtime.SendNotification(ctx, runtime.NotificationOptions{ID: "briefstudio", Title: title, Body: body})
}

// Emit sends an event to the UI.
func (w *Wails) Emit(ctx context.Context, name string, data ...any) {
	runtime.EventsEmit(ctx, name, data...)
}

// Focus raises the window.
func (w *Wails) Focus(ctx context.Context) {
	runtime.WindowUnminimise(ctx)
	runtime.WindowShow(ctx)
}
