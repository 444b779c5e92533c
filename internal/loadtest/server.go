package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a server the tool started: `<exe> serve` on its own data
// directory, on a free loopback port.
type child struct {
	exe, data string
	cmd       *exec.Cmd
	url       string
	exited    chan struct{}
	err       error // why it exited
	stderr    *os.File
	stopping  bool
}

var servingLine = regexp.MustCompile(`serving (https?://\S+)`)

// makeAdmin creates the admin of a fresh data directory and returns its
// API token (`<exe> user add` before the server runs).
func makeAdmin(ctx context.Context, exe, data string) (string, error) {
	out, err := exec.CommandContext(ctx, exe, "user", "add", "--data", data,
		"--email", "load-admin@example.org", "--name", "Load", "--role", "admin").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("user add: %v: %s", err, out)
	}
	m := regexp.MustCompile(`token: (\S+)`).FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("user add printed no token: %s", out)
	}
	return string(m[1]), nil
}

// startChild runs `<exe> serve --data data --addr 127.0.0.1:0` and waits
// for the line that says where it serves.
func startChild(ctx context.Context, exe, data string) (*child, error) {
	c := &child{exe: exe, data: data, exited: make(chan struct{})}
	cmd := exec.Command(exe, "serve", "--data", data, "--addr", "127.0.0.1:0")
	cmd.SysProcAttr = childAttr()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if c.stderr, err = os.OpenFile(filepath.Join(data, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		return nil, err
	}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		c.stderr.Close()
		return nil, err
	}
	c.cmd = cmd
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		c.err = cmd.Wait()
		c.stderr.Close()
		close(c.exited)
	}()
	select {
	case c.url = <-urls:
		return c, nil
	case <-c.exited:
		return nil, fmt.Errorf("the server exited before serving: %v\n%s", c.err, c.logTail())
	case <-time.After(30 * time.Second):
		c.stop()
		return nil, errors.New("the server did not say where it serves within 30 s")
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	}
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// crashed says whether the server exited without being asked to.
func (c *child) crashed() error {
	select {
	case <-c.exited:
		if !c.stopping {
			return fmt.Errorf("the server (pid %d) exited: %v\n%s", c.pid(), c.err, c.logTail())
		}
	default:
	}
	return nil
}

// stop asks the server to shut down (SIGTERM), killing it after 10 s.
func (c *child) stop() {
	if c == nil || c.cmd == nil {
		return
	}
	c.stopping = true
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
	}
}

// logTail is the end of the server's stderr.
func (c *child) logTail() string {
	data, err := os.ReadFile(filepath.Join(c.data, "server.log"))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// errorLines counts the server's logged errors so far.
func (c *child) errorLines() int {
	data, err := os.ReadFile(filepath.Join(c.data, "server.log"))
	if err != nil {
		return 0
	}
	return strings.Count(string(data), "level=ERROR")
}

// rss returns a process's resident memory in bytes (Linux /proc).
func rss(pid int) (int64, bool) {
	if pid <= 0 {
		return 0, false
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err == nil
			}
		}
	}
	return 0, false
}

// alive says whether a process exists.
func alive(pid int) bool {
	if pid <= 0 {
		return true
	}
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil || !errors.Is(err, os.ErrNotExist)
}
