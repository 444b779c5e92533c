//go:build linux

package app

import (
	"net/url"

	"github.com/godbus/dbus/v5"
)

// showItemDBus asks the file manager to show a file selected in its folder
// (org.freedesktop.FileManager1, which Nautilus, Dolphin, Nemo and others serve).
func showItemDBus(path string) error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	u := url.URL{Scheme: "file", Path: path}
	obj := conn.Object("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1")
	return obj.Call("org.freedesktop.FileManager1.ShowItems", 0, []string{u.String()}, "").Err
}
