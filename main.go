// Command briefstudio is Brief Studio: with no command it opens the desktop
// window; its commands run the sync server and administer a data directory.
// main only parses flags and wires the parts.
package main

import (
	"briefstudio/app"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"briefstudio/internal/brief"
	"briefstudio/internal/importer"
	"briefstudio/internal/loadtest"
	"briefstudio/internal/server"
	"briefstudio/internal/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `Brief Studio: write and review policy briefs together.

Usage:
  briefstudio [--data DIR] [FILE.md]...      open the desktop app (importing the files named)
  briefstudio serve [--addr 127.0.0.1:8737] [--data DIR] [--public-url URL]
                    [--tls-cert F --tls-key F] [--allow-origin O]... [--login-link]
  briefstudio user add --email E --name N --role author|supervisor|admin
  briefstudio user link --email E            print a fresh login link
  briefstudio user revoke --email E          revoke all of a user's tokens
  briefstudio import FILE.md --type TYPE|auto [--owner EMAIL]   import a brief, print its id
  briefstudio export BRIEF_ID --out FILE.pdf [--version v12]   the branded PDF
  briefstudio bundle export BRIEF_ID --out FILE.json   the brief with its whole history, to move it
  briefstudio bundle import FILE.json [--owner EMAIL]  a new brief from a bundle, print its id
  briefstudio backup --out FILE.db           a consistent copy of the database
  briefstudio loadtest [--scenario all|realistic|team|throughput|stress|idle]
                    [--url URL --token ADMIN_API_TOKEN] [--pid PID] [--duration D] [--scale F]
                    [--cpuprofile FILE]
                                             drive a server with simulated people, print a table
  briefstudio version

Every command takes --data DIR (default $BRIEFSTUDIO_DATA, else the user
config directory's briefstudio folder).
`

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		keepFreedMemory()
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "briefstudio:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || isMarkdownFile(args[0]) || app.IsLoginLink(args[0]) {
		return desktop(args, stdout, stderr)
	}
	switch args[0] {
	case "serve":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return serve(ctx, args[1:], stdout, stderr)
	case "embedded":
		// For tests and scripting; not in the usage (README.md "Command line").
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return embeddedCmd(ctx, args[1:], stdout, stderr)
	case "user":
		return userCmd(args[1:], stdout)
	case "backup":
		return backup(args[1:], stdout)
	case "import":
		return importCmd(args[1:], stdout)
	case "export":
		return exportCmd(args[1:], stdout)
	case "bundle":
		return bundleCmd(args[1:], stdout, stderr)
	case "loadtest":
		return loadtestCmd(args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, "briefstudio", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

// loadtestCmd runs the load scenarios (internal/loadtest) against --url,
// or against servers it starts itself from this binary.
func loadtestCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("scenario", "all", "all, or one or more (comma-separated) scenario names")
	url := fs.String("url", "", "a running server (default: start one per scenario)")
	token := fs.String("token", "", "an admin API token of the server at --url")
	pid := fs.Int("pid", 0, "the process id of the server at --url (for its memory)")
	duration := fs.Duration("duration", 0, "how long each scenario types (default: the scenario's own)")
	scale := fs.Float64("scale", 1, "scale the number of clients")
	cpuProfile := fs.String("cpuprofile", "", "write the load tool's own CPU profile to this file (the server's: BRIEFSTUDIO_PPROF)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*url == "") != (*token == "") {
		return errors.New("loadtest: --url and --token go together")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("loadtest: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("loadtest: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if os.Getenv("GOGC") == "" {
		// The tool shares the cores with the server it measures: a
		// collector that runs a fifth as often leaves the server more of
		// them (the tool's heap stays a few hundred MB).
		debug.SetGCPercent(500)
	}
	scenarios, err := loadtest.Select(*name, *scale, *duration)
	if err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err = loadtest.Run(ctx, loadtest.Config{Scenarios: scenarios, URL: *url, Token: *token, PID: *pid, Out: stdout})
	return err
}

// defaultDataDir is $BRIEFSTUDIO_DATA, else <user config dir>/briefstudio.
func defaultDataDir() string {
	if d := os.Getenv("BRIEFSTUDIO_DATA"); d != "" {
		return d
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "briefstudio")
	}
	return ".briefstudio"
}

func newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", defaultDataDir(), "data directory")
	return fs, data
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w\n\n%s", fs.Name(), err, usage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q\n\n%s", fs.Name(), fs.Arg(0), usage)
	}
	return nil
}

// isMarkdownFile says whether arg names a Markdown file (briefstudio FILE.md
// opens the window and imports it, as a file manager's "Open with" does).
func isMarkdownFile(arg string) bool {
	if !app.IsMarkdownName(arg) {
		return false
	}
	st, err := os.Stat(arg)
	return err == nil && st.Mode().IsRegular()
}

func desktop(args []string, stdout, stderr io.Writer) error {
	fs, data := newFlags("briefstudio")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w\n\n%s", fs.Name(), err, usage)
	}
	var files []string
	for _, a := range fs.Args() {
		if app.IsLoginLink(a) {
			continue // for a running window (a second launch hands it over)
		}
		if !isMarkdownFile(a) {
			return fmt.Errorf("%s: %q is not a Markdown file (.md) to open\n\n%s", fs.Name(), a, usage)
		}
		abs, err := filepath.Abs(a)
		if err != nil {
			return err
		}
		files = append(files, abs)
	}
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(stderr, "No display found: starting the server instead (open the login link below in a browser).")
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return serve(ctx, []string{"--data", *data, "--login-link"}, stdout, stderr)
	}
	return runDesktop(*data, files)
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// serve runs the sync server until ctx is done (a signal, in main).
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlags("serve")
	addr := fs.String("addr", "127.0.0.1:8737", "listen address")
	publicURL := fs.String("public-url", "", "the URL people reach this server at")
	certFile := fs.String("tls-cert", "", "TLS certificate file")
	keyFile := fs.String("tls-key", "", "TLS key file")
	adminEmail := fs.String("admin-email", "admin@localhost", "e-mail of the admin created on an empty database")
	printLink := fs.Bool("login-link", false, "print a fresh login link for the first admin")
	var origins stringList
	fs.Var(&origins, "allow-origin", "a further origin allowed to open the websocket (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return errors.New("serve: --tls-cert and --tls-key go together")
	}
	c, err := openCore(*data)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := startPprof(stderr); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	scheme := "http"
	if *certFile != "" {
		scheme = "https"
	}
	base := strings.TrimRight(*publicURL, "/")
	if base == "" {
		host, port, _ := net.SplitHostPort(ln.Addr().String())
		if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		base = scheme + "://" + net.JoinHostPort(host, port)
	}
	if err := c.auth.SetPublicURL(ctx, base); err != nil {
		return err
	}

	n, err := c.store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		created, err := c.auth.CreateUser(ctx, nil, *adminEmail, "Admin", string(brief.RoleAdmin))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created the first admin, %s.\nlogin: %s\n", created.User.Email, created.Login)
	} else if *printLink {
		if err := printFirstAdminLink(ctx, c, stdout); err != nil {
			return err
		}
	}

	srv := &http.Server{
		Handler:           c.Handler(server.Options{PublicURL: base, AllowOrigins: origins}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Fprintf(stdout, "Brief Studio %s serving %s (data: %s)\n", version, base, *data)

	errc := make(chan error, 1)
	go func() {
		if *certFile != "" {
			errc <- srv.ServeTLS(ln, *certFile, *keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		fmt.Fprintln(stderr, "shutting down")
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.live.Close(shut) // websockets are hijacked: Shutdown does not see them
	return srv.Shutdown(shut)
}

func printFirstAdminLink(ctx context.Context, c *core, stdout io.Writer) error {
	users, err := c.store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Role == brief.RoleAdmin && !u.Local {
			link, err := c.auth.LoginLink(ctx, u.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Sign in as %s:\nlogin: %s\n", u.Email, link)
			return nil
		}
	}
	return nil
}

func userCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("user: say add, link or revoke\n\n%s", usage)
	}
	fs, data := newFlags("user " + args[0])
	email := fs.String("email", "", "e-mail address")
	name := fs.String("name", "", "name (user add)")
	role := fs.String("role", "author", "author, supervisor or admin (user add)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return fmt.Errorf("user %s: --email is required", args[0])
	}
	c, err := openCore(*data)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx := context.Background()
	switch args[0] {
	case "add":
		created, err := c.auth.CreateUser(ctx, nil, *email, *name, *role)
		if err != nil {
			return fmt.Errorf("user add: %s", describe(err))
		}
		fmt.Fprintf(stdout, "token: %s\nlogin: %s\n", created.Token, created.Login)
		return nil
	case "link", "revoke":
		u, err := c.store.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("user %s: no user with e-mail %s", args[0], *email)
		}
		if args[0] == "link" {
			link, err := c.auth.LoginLink(ctx, u.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "login: %s\n", link)
			return nil
		}
		n, err := c.auth.RevokeUser(ctx, nil, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %d token(s) of %s\n", n, u.Email)
		return nil
	}
	return fmt.Errorf("user: unknown command %q (add, link or revoke)", args[0])
}

func backup(args []string, stdout io.Writer) error {
	fs, data := newFlags("backup")
	out := fs.String("out", "", "the backup file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup: --out FILE is required")
	}
	c, err := openCore(*data)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.store.Backup(context.Background(), *out); err != nil {
		return fmt.Errorf("backup: %s", describe(err))
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	return nil
}

// describe words an error for the terminal: a coded error's message, or
// the whole chain of anything unexpected (the operator needs the cause).
func describe(err error) string {
	if c := brief.ErrorCode(err); c != brief.EInternal {
		return brief.ErrorMessage(err)
	}
	return err.Error()
}

func importCmd(args []string, stdout io.Writer) error {
	fs, data := newFlags("import")
	typ := fs.String("type", "", "brief type (discussion-brief, policy-options-brief, ...)")
	owner := fs.String("owner", "", "e-mail of the brief's author (default: the first admin)")
	// FILE may come before or after the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("import: %w\n\n%s", err, usage)
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("import: unexpected argument %q", fs.Arg(0))
	}
	if file == "" || *typ == "" {
		return errors.New("import: usage: briefstudio import FILE.md --type TYPE [--owner EMAIL]")
	}
	src, c, u, err := openAsOwner("import", file, *data, *owner)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx := context.Background()
	b, _, err := importer.Create(ctx, c.store, u, src, *typ)
	if err != nil {
		return fmt.Errorf("import %s: %s", file, describe(err))
	}
	fmt.Fprintln(stdout, b.ID)
	return nil
}

// importOwner is the user named by --owner, else the first admin.
func importOwner(ctx context.Context, c *core, email string) (brief.User, error) {
	if email != "" {
		u, err := c.store.UserByEmail(ctx, email)
		if err != nil {
			return u, fmt.Errorf("import: no user with e-mail %s", email)
		}
		return u, nil
	}
	users, err := c.store.Users(ctx)
	if err != nil {
		return brief.User{}, err
	}
	for _, u := range users {
		if u.Role == brief.RoleAdmin {
			return u, nil
		}
	}
	return brief.User{}, errors.New("import: no admin yet: give --owner EMAIL (see briefstudio user add)")
}

// bundleCmd exports a brief with its whole history as a bundle file, or
// imports one as a new brief (docs/API.md "Bundles").
func bundleCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("bundle: say export or import\n\n%s", usage)
	}
	switch args[0] {
	case "export":
		return bundleExport(args[1:], stdout)
	case "import":
		return bundleImport(args[1:], stdout, stderr)
	}
	return fmt.Errorf("bundle: unknown command %q (export or import)", args[0])
}

// parseWithArg parses flags with one positional argument before, between
// or after them ("" when there is none).
func parseWithArg(fs *flag.FlagSet, args []string) (string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", fmt.Errorf("%s: %w\n\n%s", fs.Name(), err, usage)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) > 1 {
		return "", fmt.Errorf("%s: unexpected argument %q", fs.Name(), pos[1])
	}
	if len(pos) == 0 {
		return "", nil
	}
	return pos[0], nil
}

// bundleExport writes a brief's bundle as the first admin (as export does).
func bundleExport(args []string, stdout io.Writer) error {
	fs, data := newFlags("bundle export")
	out := fs.String("out", "", "the bundle file to write")
	id, err := parseWithArg(fs, args)
	if err != nil {
		return err
	}
	if id == "" || *out == "" {
		return errors.New("bundle export: usage: briefstudio bundle export BRIEF_ID --out FILE.json")
	}
	c, err := openCore(*data)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx := context.Background()
	u, err := firstAdmin(ctx, c)
	if err != nil {
		return err
	}
	b, err := c.store.ExportBundle(ctx, u, id)
	if err != nil {
		return fmt.Errorf("bundle export %s: %s", id, describe(err))
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("bundle export: %w", err)
	}
	// Written beside the target and renamed: a failed export leaves no
	// half-written file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".bundle-*.json")
	if err != nil {
		return fmt.Errorf("bundle export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("bundle export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("bundle export: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("bundle export: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %q, %d sections, %d edits, %d named versions, %d comments, %d bytes\n",
		*out, b.Brief.Title, len(b.Sections), len(b.Log), len(b.Versions), len(b.Comments), len(raw)+1)
	return nil
}

// bundleImport makes a new brief from a bundle file; its author is
// --owner, else the first admin (as import does). It prints the new
// brief's id, and how the bundle's people were mapped on stderr.
// openAsOwner reads file and opens the data directory as the new brief's
// owner (--owner, else the first admin): what import and bundle import share.
func openAsOwner(cmd, file, data, owner string) ([]byte, *core, brief.User, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, brief.User{}, fmt.Errorf("%s: %w", cmd, err)
	}
	c, err := openCore(data)
	if err != nil {
		return nil, nil, brief.User{}, err
	}
	u, err := importOwner(context.Background(), c, owner)
	if err != nil {
		c.Close()
		return nil, nil, brief.User{}, err
	}
	return src, c, u, nil
}

func bundleImport(args []string, stdout, stderr io.Writer) error {
	fs, data := newFlags("bundle import")
	owner := fs.String("owner", "", "e-mail of the brief's author here (default: the first admin)")
	file, err := parseWithArg(fs, args)
	if err != nil {
		return err
	}
	if file == "" {
		return errors.New("bundle import: usage: briefstudio bundle import FILE.json [--owner EMAIL]")
	}
	raw, c, u, err := openAsOwner("bundle import", file, *data, *owner)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx := context.Background()
	bundle, err := store.ParseBundle(raw)
	if err != nil {
		return fmt.Errorf("bundle import %s: %s", file, describe(err))
	}
	b, report, err := c.store.ImportBundle(ctx, u, bundle)
	if err != nil {
		return fmt.Errorf("bundle import %s: %s", file, describe(err))
	}
	fmt.Fprintln(stdout, b.ID)
	for _, p := range report.People {
		fmt.Fprintf(stderr, "%s <%s>: %s\n", p.Name, p.Email, p.Mapped)
	}
	for _, w := range report.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	return nil
}
