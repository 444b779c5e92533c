package revision

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// dop is a parsed delta operation: keep ('=') or delete ('-') n code
// points, or insert ('+') text of n code points.
type dop struct {
	kind byte
	n    int
	text string
}

func parseDelta(delta string) ([]dop, error) {
	var ops []dop
	for _, tok := range strings.Split(delta, "\t") {
		if tok == "" {
			continue
		}
		switch tok[0] {
		case '+':
			text, err := decodeURI(tok[1:])
			if err != nil {
				return nil, brief.Errorf(brief.EInvalid, "delta: bad insert %q: %v", truncate(tok[1:]), err)
			}
			ops = append(ops, dop{'+', utf8.RuneCountInString(text), text})
		case '-', '=':
			n, err := strconv.Atoi(tok[1:])
			if err != nil || n < 0 {
				return nil, brief.Errorf(brief.EInvalid, "delta: bad length %q", truncate(tok[1:]))
			}
			ops = append(ops, dop{kind: tok[0], n: n})
		default:
			return nil, brief.Errorf(brief.EInvalid, "delta: bad operation %q", truncate(tok))
		}
	}
	return ops, nil
}

func formatDelta(ops []dop) string {
	var b strings.Builder
	for i := 0; i < len(ops); {
		o := ops[i]
		j := i + 1
		for ; j < len(ops) && ops[j].kind == o.kind; j++ {
			o.n += ops[j].n
			o.text += ops[j].text
		}
		i = j
		if o.n == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\t')
		}
		b.WriteByte(o.kind)
		if o.kind == '+' {
			b.WriteString(encodeURI(o.text))
		} else {
			b.WriteString(strconv.Itoa(o.n))
		}
	}
	return b.String()
}

// ComposeDeltas turns consecutive deltas (each made on the text the one
// before it produced) into one delta from the first one's text to the last
// one's, without the texts: what a live room sends a client several
// versions behind, at the cost of the deltas rather than of a diff.
func ComposeDeltas(deltas ...string) (string, error) {
	if len(deltas) == 0 {
		return "", nil
	}
	type run struct {
		ops      []dop
		from, to int // which deltas it covers, for errors
	}
	runs := make([]run, len(deltas))
	for k, d := range deltas {
		ops, err := parseDelta(d)
		if err != nil {
			if k == 0 {
				return "", err
			}
			return "", fmt.Errorf("delta %d: %w", k, err)
		}
		runs[k] = run{ops, k, k}
	}
	// Pairwise, not left to right: a fold copies the growing result once per
	// delta (quadratic in a room where a client is hundreds of versions
	// behind); pairs keep it to k log k.
	for len(runs) > 1 {
		next := runs[:0]
		for i := 0; i < len(runs); i += 2 {
			if i+1 == len(runs) {
				next = append(next, runs[i])
				break
			}
			ops, err := compose(runs[i].ops, runs[i+1].ops)
			if err != nil {
				return "", fmt.Errorf("delta %d: %w", runs[i+1].from, err)
			}
			next = append(next, run{ops, runs[i].from, runs[i+1].to})
		}
		runs = next
	}
	return formatDelta(runs[0].ops), nil
}

// compose returns the delta of a then b (b made on a's result).
func compose(a, b []dop) ([]dop, error) {
	a = append([]dop(nil), a...)
	out := make([]dop, 0, len(a)+len(b))
	i := 0
	for _, op := range b {
		if op.kind == '+' {
			out = append(out, op)
			continue
		}
		need := op.n
		for need > 0 {
			if i >= len(a) {
				return nil, brief.Errorf(brief.EInvalid, "deltas do not compose: the second covers more text than the first makes")
			}
			x := &a[i]
			switch x.kind {
			case '-':
				out = append(out, *x) // deleted from the source: makes nothing b sees
				i++
				continue
			case '=':
				k := min(x.n, need)
				out = append(out, dop{kind: op.kind, n: k}) // kept, then kept or deleted by b
				x.n -= k
				need -= k
			case '+':
				k := min(x.n, need)
				if op.kind == '=' {
					cut := byteOffset(x.text, k)
					out = append(out, dop{'+', k, x.text[:cut]})
					x.text = x.text[cut:]
				} else {
					x.text = x.text[byteOffset(x.text, k):] // inserted, then deleted: nothing
				}
				x.n -= k
				need -= k
			}
			if x.n == 0 {
				i++
			}
		}
	}
	for ; i < len(a); i++ {
		if a[i].n == 0 {
			continue
		}
		if a[i].kind != '-' {
			return nil, brief.Errorf(brief.EInvalid, "deltas do not compose: the second covers less text than the first makes")
		}
		out = append(out, a[i])
	}
	return out, nil
}

// byteOffset is where the k-th code point of s starts (len(s) past the end).
func byteOffset(s string, k int) int {
	for i := range s {
		if k == 0 {
			return i
		}
		k--
	}
	return len(s)
}

// Keep is the delta that keeps text as it is.
func Keep(text string) string { return encodeOps(equalOps(text)) }
