//go:build !linux

package app

import "errors"

func showItemDBus(string) error { return errors.New("no D-Bus here") }
