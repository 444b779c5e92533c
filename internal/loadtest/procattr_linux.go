package loadtest

import "syscall"

// childAttr kills the server if the tool dies first.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
