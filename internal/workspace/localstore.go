package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"briefstudio/internal/brief"
)

// LocalStoreDir is the UI store's folder in the data directory.
const LocalStoreDir = "uistore"

// MaxLocalValue is the largest value the UI store keeps.
const MaxLocalValue = 5 << 20

var localKey = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,200}$`)

// LocalStore keeps the UI's offline queue and its cache of last-synced
// briefs as one JSON file per key, so unsent edits survive an app restart
// on disk (the webview's storage is not trusted for that). Writes are
// atomic: a crash leaves the old value or the new one.
//
// File names encode keys so that they are safe on every file system:
// lower-case letters, digits and '-' stand for themselves, '_' + a letter
// is that letter in upper case (case-insensitive file systems keep "A" and
// "a" apart), "_0" is '.', "_1" is ':'; every name starts with "k-" (no
// reserved device names) and ends in ".json". A name over 200 characters
// is cut into folders ending in ".d".
type LocalStore struct {
	dir string
}

// LocalEntry is one key of the store as listed.
type LocalEntry struct {
	Key       string    `json:"key"`
	Size      int64     `json:"size"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// OpenLocalStore opens (creating) the store in dir.
func OpenLocalStore(dir string) (*LocalStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ui store: %w", err)
	}
	return &LocalStore{dir: dir}, nil
}

// CheckKey says whether key is a valid key.
func CheckKey(key string) error {
	if !localKey.MatchString(key) || strings.Trim(key, ".") == "" {
		return brief.Errorf(brief.EInvalid, "a key is 1 to 200 of A-Z a-z 0-9 . _ : - (got %q)", key)
	}
	return nil
}

const segment = 200

// path is the file of a key.
func (s *LocalStore) path(key string) string {
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteByte('_')
			b.WriteRune(r - 'A' + 'a')
		case r == '.':
			b.WriteString("_0")
		case r == ':':
			b.WriteString("_1")
		}
	}
	enc := b.String()
	parts := []string{s.dir}
	for len(enc) > segment {
		parts = append(parts, "k-"+enc[:segment]+".d")
		enc = enc[segment:]
	}
	parts = append(parts, "k-"+enc+".json")
	return filepath.Join(parts...)
}

// keyOf decodes a file's path relative to the store back to its key.
func keyOf(rel string) (string, bool) {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	var enc strings.Builder
	for i, p := range parts {
		suffix := ".d"
		if i == len(parts)-1 {
			suffix = ".json"
		}
		if !strings.HasPrefix(p, "k-") || !strings.HasSuffix(p, suffix) {
			return "", false
		}
		enc.WriteString(strings.TrimSuffix(strings.TrimPrefix(p, "k-"), suffix))
	}
	e := enc.String()
	var key strings.Builder
	for i := 0; i < len(e); i++ {
		c := e[i]
		if c != '_' {
			key.WriteByte(c)
			continue
		}
		if i++; i == len(e) {
			return "", false
		}
		switch c = e[i]; {
		case c >= 'a' && c <= 'z':
			key.WriteByte(c - 'a' + 'A')
		case c == '0':
			key.WriteByte('.')
		case c == '1':
			key.WriteByte(':')
		default:
			return "", false
		}
	}
	return key.String(), true
}

// Get returns a key's value (not_found when absent).
func (s *LocalStore) Get(key string) ([]byte, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(s.path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, brief.Errorf(brief.ENotFound, "nothing is stored under %q", key)
	}
	if err != nil {
		return nil, brief.Internal(err)
	}
	return data, nil
}

// Put stores a JSON value under a key, reading it from r: at most
// MaxLocalValue bytes (too_large) of valid JSON (invalid).
func (s *LocalStore) Put(key string, r io.Reader) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxLocalValue+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(data) > MaxLocalValue {
		return brief.Errorf(brief.ETooLarge, "a stored value is at most %d bytes", MaxLocalValue)
	}
	if err != nil {
		return brief.Errorf(brief.EInvalid, "reading the value: %v", err)
	}
	if len(data) > MaxLocalValue {
		return brief.Errorf(brief.ETooLarge, "a stored value is at most %d bytes", MaxLocalValue)
	}
	if !json.Valid(data) {
		return brief.Errorf(brief.EInvalid, "the value must be JSON")
	}
	p := s.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return brief.Internal(err)
	}
	if err := writeFileAtomic(p, data, 0o600); err != nil {
		return brief.Internal(err)
	}
	return nil
}

// Delete removes a key (absent is fine).
func (s *LocalStore) Delete(key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	p := s.path(key)
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return brief.Internal(err)
	}
	for dir := filepath.Dir(p); dir != s.dir && strings.HasPrefix(dir, s.dir); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil { // not empty
			break
		}
	}
	syncDir(filepath.Dir(p))
	return nil
}

// List returns the keys that start with prefix, in order.
func (s *LocalStore) List(prefix string) ([]LocalEntry, error) {
	if len(prefix) > 200 || (prefix != "" && !localKey.MatchString(prefix)) {
		return nil, brief.Errorf(brief.EInvalid, "a prefix is up to 200 of A-Z a-z 0-9 . _ : -")
	}
	out := []LocalEntry{}
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == s.dir {
				return err
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return nil
		}
		key, ok := keyOf(rel)
		if !ok || !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		out = append(out, LocalEntry{Key: key, Size: info.Size(), UpdatedAt: info.ModTime().UTC()})
		return nil
	})
	if err != nil {
		return nil, brief.Internal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
