//go:build linux

package localch

import "syscall"

// sysProcAttr puts the server in its own process group (a terminal's Ctrl-C
// reaches only mcpaudit, which then stops the server in order) and has the
// kernel send it SIGTERM if mcpaudit dies without stopping it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
