package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// api calls the server's REST API with a bearer token.
type api struct {
	base string // http://127.0.0.1:PORT
	hc   *http.Client
}

func newAPI(base string) *api {
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}
	return &api{base: strings.TrimRight(base, "/"), hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (a *api) wsURL() string { return "ws" + strings.TrimPrefix(a.base, "http") + "/api/ws" }

func (a *api) do(ctx context.Context, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, res.StatusCode, strings.TrimSpace(string(data)))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

type person struct {
	Email, Token string
}

// createUsers makes n authors through the admin API.
func (a *api) createUsers(ctx context.Context, admin, prefix string, n int) ([]person, error) {
	users := make([]person, n)
	err := parallel(ctx, n, 16, func(ctx context.Context, i int) error {
		email := fmt.Sprintf("%s-%d@load.example.org", prefix, i)
		var out struct {
			Token string `json:"token"`
		}
		if err := a.do(ctx, admin, "POST", "/api/users", map[string]string{"email": email, "name": fmt.Sprintf("Load %d", i), "role": "author"}, &out); err != nil {
			return err
		}
		users[i] = person{Email: email, Token: out.Token}
		return nil
	})
	return users, err
}

// createBriefs makes n discussion briefs (the admin is their first author)
// and adds members(i)'s e-mails to brief i as authors.
func (a *api) createBriefs(ctx context.Context, admin, title string, n int, members func(i int) []string) ([]string, error) {
	ids := make([]string, n)
	err := parallel(ctx, n, 16, func(ctx context.Context, i int) error {
		var b struct {
			ID string `json:"id"`
		}
		if err := a.do(ctx, admin, "POST", "/api/briefs", map[string]any{"type": "discussion-brief", "title": fmt.Sprintf("%s %d", title, i)}, &b); err != nil {
			return err
		}
		for _, email := range members(i) {
			if err := a.do(ctx, admin, "POST", "/api/briefs/"+b.ID+"/members", map[string]string{"email": email, "role": "author"}, nil); err != nil {
				return err
			}
		}
		ids[i] = b.ID
		return nil
	})
	return ids, err
}

// sectionText returns a brief's section text and version as the server has it.
func (a *api) sectionText(ctx context.Context, admin, id, key string) (string, int64, error) {
	var b struct {
		Sections []struct {
			Key     string `json:"key"`
			Text    string `json:"text"`
			Version int64  `json:"version"`
		} `json:"sections"`
	}
	if err := a.do(ctx, admin, "GET", "/api/briefs/"+id, nil, &b); err != nil {
		return "", 0, err
	}
	for _, s := range b.Sections {
		if s.Key == key {
			return s.Text, s.Version, nil
		}
	}
	return "", 0, fmt.Errorf("brief %s has no section %q", id, key)
}

// parallel runs f(0..n-1) on up to workers goroutines, stopping at the
// first error.
func parallel(ctx context.Context, n, workers int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int)
	)
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	return first
}
