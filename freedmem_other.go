//go:build !linux

package main

// keepFreedMemory is Linux's (see freedmem_linux.go).
func keepFreedMemory() {}
