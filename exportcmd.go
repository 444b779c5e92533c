package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"briefstudio/internal/brief"
	"briefstudio/internal/pdf"
)

// exportCmd writes a brief's branded PDF: the current text, or a named
// version with --version (only an approved version is printed without the
// DRAFT mark). It acts as the first admin, who may read every brief.
func exportCmd(args []string, stdout io.Writer) error {
	fs, data := newFlags("export")
	ver := fs.String("version", "", "a named version (v12), a revision number, or current (default)")
	out := fs.String("out", "", "the PDF file to write")
	// BRIEF_ID may come before, between or after the flags.
	var ids []string
	for {
		if err := fs.Parse(args); err != nil {
			return fmt.Errorf("export: %w\n\n%s", err, usage)
		}
		if fs.NArg() == 0 {
			break
		}
		ids = append(ids, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(ids) > 1 {
		return fmt.Errorf("export: unexpected argument %q", ids[1])
	}
	var id string
	if len(ids) == 1 {
		id = ids[0]
	}
	if id == "" || *out == "" {
		return errors.New("export: usage: briefstudio export BRIEF_ID --out FILE.pdf [--version v12]")
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
	e, err := c.store.Export(ctx, u, id, *ver)
	if err != nil {
		return fmt.Errorf("export %s: %s", id, describe(err))
	}
	var buf bytes.Buffer
	if err := pdf.Publish(&buf, pdf.Publication{Brief: e.Brief, Brand: e.Brand, Logo: e.Logo, Draft: !e.Approved, Date: c.store.Now()}); err != nil {
		return fmt.Errorf("export %s: %s", id, describe(err))
	}
	// Written beside the target and renamed: a failed export leaves no
	// half-written file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*.pdf")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	state := "draft, marked DRAFT"
	if e.Approved {
		state = "approved"
	}
	what := "current text"
	if e.Version != nil {
		what = e.Version.ID + " " + e.Version.Label
	} else if v := strings.TrimSpace(*ver); v != "" && v != "current" {
		what = "revision " + v
	}
	fmt.Fprintf(stdout, "%s: %q, %s (%s), %d bytes\n", *out, e.Brief.Title, what, state, buf.Len())
	return nil
}

// firstAdmin is the acting user of commands that run as the workspace.
func firstAdmin(ctx context.Context, c *core) (brief.User, error) {
	users, err := c.store.Users(ctx)
	if err != nil {
		return brief.User{}, err
	}
	for _, u := range users {
		if u.Role == brief.RoleAdmin {
			return u, nil
		}
	}
	return brief.User{}, errors.New("export: no admin yet (see briefstudio user add)")
}
