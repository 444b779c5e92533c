package server

import (
	"math/rand"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkDiffHTTP60KB: GET /diff between two named versions of a brief
// whose introduction is 60 KB with 5 % of its words changed, over loopback
// HTTP, JSON included.
func BenchmarkDiffHTTP60KB(b *testing.B) {
	e := newEnv(b)
	bb := e.newBrief()
	rng := rand.New(rand.NewSource(3))
	words := strings.Fields("migration asylum integration policy council member states Garcés-Mascareñas Jørgensen " +
		"Çağlar Łódź labour market refugees reception directive solidarity return border procedure evidence 中文 😀")
	var sb strings.Builder
	for sb.Len() < 60_000 {
		sb.WriteString(words[rng.Intn(len(words))])
		sb.WriteByte(' ')
	}
	v1 := sb.String()
	ws := strings.Split(v1, " ")
	for i := range ws {
		if rng.Intn(20) == 0 {
			ws[i] = "changed"
		}
	}
	v2 := strings.Join(ws, " ")
	e.put(bb.ID, "introduction", v1, 0)
	e.must(201, "POST", "/api/briefs/"+bb.ID+"/versions", e.tokens["author"], map[string]string{"label": "one"}, nil)
	e.put(bb.ID, "introduction", v2, 1)
	e.must(201, "POST", "/api/briefs/"+bb.ID+"/versions", e.tokens["author"], map[string]string{"label": "two"}, nil)
	req, _ := http.NewRequest("GET", e.url+"/api/briefs/"+bb.ID+"/diff?from=v1&to=v2", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["author"])
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			b.Fatal(err, res)
		}
		var n int64
		buf := make([]byte, 64<<10)
		for {
			k, err := res.Body.Read(buf)
			n += int64(k)
			if err != nil {
				break
			}
		}
		res.Body.Close()
		b.SetBytes(n)
	}
}
