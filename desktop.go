//go:build desktop

package main

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"briefstudio/app"
	"briefstudio/frontend"
)

//go:embed build/appicon.png
var appIcon []byte

// runDesktop opens the desktop window over the data directory dataDir and
// returns when the window closes.
func runDesktop(dataDir string, files []string) (err error) {
	if !frontend.Built() {
		return errors.New("the user interface is not built into this binary: run `make desktop`")
	}
	emb, err := startEmbedded(dataDir, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := emb.Close(); err == nil {
			err = cerr
		}
	}()

	win := &app.Wails{}
	var dialogs app.Dialogs = win
	if dir := os.Getenv("BRIEFSTUDIO_SAVE_DIR"); dir != "" {
		// Unattended runs (the smoke test): Save dialogs answer this folder.
		dialogs = app.FolderDialogs{Dir: dir}
	}
	cfg := emb.AppConfig()
	cfg.OpenFiles = files
	cfg.Dialogs = dialogs
	cfg.Window = win
	cfg.Log = os.Stderr
	a := app.New(cfg)

	var windowCtx atomic.Pointer[context.Context] // set by OnStartup, read by the single-instance callback
	err = wails.Run(&options.App{
		Title:            "Brief Studio",
		Width:            1280,
		Height:           820,
		MinWidth:         720,
		MinHeight:        480,
		BackgroundColour: &options.RGBA{R: 245, G: 246, B: 248, A: 255},
		AssetServer: &assetserver.Options{
			Assets:  frontend.Dist(),
			Handler: emb.Handler, // same origin for REST: no CORS, no login
		},
		OnStartup: func(ctx context.Context) {
			windowCtx.Store(&ctx)
			a.Startup(ctx)
		},
		Bind: []interface{}{a},
		Menu: appMenu(a, &windowCtx),
		// Cut, copy and paste in text fields and on selected text (the
		// runtime's --default-contextmenu: auto); nowhere else.
		EnableDefaultContextMenu: true,
		// A file dropped on the window must not replace the app with the file.
		DragAndDrop: &options.DragAndDrop{DisableWebViewDrop: true},
		SingleInstanceLock: &options.SingleInstanceLock{
			// One window per data directory: opening it again raises that window.
			UniqueId: instanceID(dataDir),
			OnSecondInstanceLaunch: func(d options.SecondInstanceData) {
				a.SecondLaunch(d.Args, d.WorkingDirectory)
			},
		},
		Linux: &linux.Options{
			Icon:        appIcon,
			ProgramName: "briefstudio",
			// Wails' own default when Linux options are absent: software
			// rendering avoids blank windows on some GPU drivers (wails#2977).
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
	})
	if err != nil {
		return fmt.Errorf("desktop: %w", err)
	}
	return nil
}

// appMenu is the window's menu bar; items the UI carries out reach it as
// the event "menu" (app.App.Menu).
func appMenu(a *app.App, windowCtx *atomic.Pointer[context.Context]) *menu.Menu {
	withCtx := func(f func(ctx context.Context)) func(*menu.CallbackData) {
		return func(*menu.CallbackData) {
			if ctx := windowCtx.Load(); ctx != nil {
				f(*ctx)
			}
		}
	}
	ui := func(name string) func(*menu.CallbackData) { return func(*menu.CallbackData) { a.Menu(name) } }
	m := menu.NewMenu()
	file := m.AddSubmenu("File")
	file.AddText("New brief", keys.CmdOrCtrl("n"), ui("new-brief"))
	file.AddText("Import Markdown…", keys.CmdOrCtrl("o"), ui("import"))
	file.AddText("Export PDF…", keys.Combo("e", keys.CmdOrCtrlKey, keys.ShiftKey), ui("export"))
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), withCtx(runtime.Quit))
	// Edit items carry no accelerators: the editor handles Ctrl+Z, Ctrl+C and
	// the rest itself, and a menu accelerator would take the keys first.
	edit := m.AddSubmenu("Edit")
	edit.AddText("Undo", nil, ui("undo"))
	edit.AddText("Redo", nil, ui("redo"))
	edit.AddSeparator()
	edit.AddText("Cut", nil, ui("cut"))
	edit.AddText("Copy", nil, ui("copy"))
	edit.AddText("Paste", nil, ui("paste"))
	edit.AddText("Select all", nil, ui("select-all"))
	view := m.AddSubmenu("View")
	view.AddText("Briefs", keys.CmdOrCtrl("1"), ui("briefs"))
	view.AddText("Reload", keys.CmdOrCtrl("r"), withCtx(runtime.WindowReloadApp))
	view.AddText("Full screen", keys.Key("f11"), withCtx(func(ctx context.Context) {
		if runtime.WindowIsFullscreen(ctx) {
			runtime.WindowUnfullscreen(ctx)
		} else {
			runtime.WindowFullscreen(ctx)
		}
	}))
	help := m.AddSubmenu("Help")
	help.AddText("About Brief Studio", nil, ui("about"))
	return m
}

// instanceID names the single-instance lock after the data directory.
func instanceID(dataDir string) string {
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	sum := sha256.Sum256([]byte(dataDir))
	return "briefstudio-" + hex.EncodeToString(sum[:8])
}
