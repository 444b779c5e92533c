//go:build desktop

package main

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"briefstudio/app"
	"briefstudio/frontend"
	"briefstudio/internal/server"
)

//go:embed build/appicon.png
var appIcon []byte

// wailsOrigins are the origins the desktop UI runs under: wails://wails on
// Linux and macOS, http://wails.localhost on Windows. The loopback server
// accepts websockets from them.
var wailsOrigins = []string{"wails://wails", "http://wails.localhost"}

// runDesktop opens the desktop window over the data directory dataDir and
// returns when the window closes.
func runDesktop(dataDir string) error {
	if !frontend.Built() {
		return errors.New("the user interface is not built into this binary: run `make desktop`")
	}
	c, err := openCore(dataDir)
	if err != nil {
		return err
	}
	defer c.Close()

	sess, err := c.LocalSession()
	if err != nil {
		return fmt.Errorf("desktop: local session: %w", err)
	}

	// The asset server carries no websocket, so the same handler also listens
	// on a random loopback port for /api/ws.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("desktop: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	handler := c.Handler(server.Options{PublicURL: base, AllowOrigins: wailsOrigins})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	a := app.New(app.Config{
		SessionToken: sess.Token,
		User:         app.User{ID: sess.UserID, Email: sess.Email, Name: sess.Name, Role: sess.Role},
		WSURL:        "ws://" + ln.Addr().String() + "/api/ws",
		Version:      version,
		Log:          os.Stderr,
	})

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
			Handler: handler, // same origin for REST: no CORS, no login
		},
		OnStartup: func(ctx context.Context) {
			windowCtx.Store(&ctx)
			a.Startup(ctx)
		},
		Bind: []interface{}{a},
		// Cut, copy and paste in text fields and on selected text (the
		// runtime's --default-contextmenu: auto); nowhere else.
		EnableDefaultContextMenu: true,
		// A file dropped on the window must not replace the app with the file.
		DragAndDrop: &options.DragAndDrop{DisableWebViewDrop: true},
		SingleInstanceLock: &options.SingleInstanceLock{
			// One window per data directory: opening it again raises that window.
			UniqueId: instanceID(dataDir),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) {
				if ctx := windowCtx.Load(); ctx != nil {
					runtime.WindowUnminimise(*ctx)
					runtime.Show(*ctx)
				}
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
	select {
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("desktop: embedded server: %w", err)
		}
	default:
	}
	return nil
}

// instanceID names the single-instance lock after the data directory.
func instanceID(dataDir string) string {
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	sum := sha256.Sum256([]byte(dataDir))
	return "briefstudio-" + hex.EncodeToString(sum[:8])
}
