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
	r, err := ComposeRun(deltas...)
	return r.String(), err
}

// ComposeRun is ComposeDeltas held parsed, for a merge that reads the
// changes from it.
func ComposeRun(deltas ...string) (Run, error) {
	if len(deltas) == 0 {
		return Run{}, nil
	}
	runs := make([][]dop, len(deltas))
	for k, d := range deltas {
		ops, err := parseDelta(d)
		if err != nil {
			if k == 0 {
				return Run{}, err
			}
			return Run{}, fmt.Errorf("delta %d: %w", k, err)
		}
		runs[k] = ops
	}
	ops, bad, err := composeAll(runs)
	if err != nil {
		return Run{}, fmt.Errorf("delta %d: %w", bad, err)
	}
	return Run{ops: ops}, nil
}

// composeAll composes runs (each made on the text the one before it
// produced), pairwise rather than left to right: a fold copies the growing
// result once per delta (quadratic in a room where a client is hundreds of
// versions behind); pairs keep it to k log k. On error it says which delta
// did not fit. runs is used as scratch.
func composeAll(runs [][]dop) ([]dop, int, error) {
	first := make([]int, len(runs)) // the first delta each run covers
	for i := range first {
		first[i] = i
	}
	for len(runs) > 1 {
		next, nextFirst := runs[:0], first[:0]
		for i := 0; i < len(runs); i += 2 {
			if i+1 == len(runs) {
				next, nextFirst = append(next, runs[i]), append(nextFirst, first[i])
				break
			}
			ops, err := compose(runs[i], runs[i+1])
			if err != nil {
				return nil, first[i+1], err
			}
			next, nextFirst = append(next, ops), append(nextFirst, first[i])
		}
		runs, first = next, nextFirst
	}
	return runs[0], 0, nil
}

// compose returns the delta of a then b (b made on a's result). Touching
// operations of one kind are joined as they are written, so composing many
// deltas does not fragment the result into ever more pieces.
func compose(a, b []dop) ([]dop, error) {
	a = append([]dop(nil), a...)
	out := make([]dop, 0, len(a)+len(b))
	i := 0
	for _, op := range b {
		if op.kind == '+' {
			out = appendOp(out, op)
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
				out = appendOp(out, *x) // deleted from the source: makes nothing b sees
				i++
				continue
			case '=':
				k := min(x.n, need)
				out = appendOp(out, dop{kind: op.kind, n: k}) // kept, then kept or deleted by b
				x.n -= k
				need -= k
			case '+':
				k := min(x.n, need)
				if op.kind == '=' {
					cut := byteOffset(x.text, k)
					out = appendOp(out, dop{'+', k, x.text[:cut]})
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
		out = appendOp(out, a[i])
	}
	return out, nil
}

// appendOp appends op, joining it to the last operation if that is of its
// kind.
func appendOp(ops []dop, op dop) []dop {
	if op.n == 0 {
		return ops
	}
	if n := len(ops); n > 0 && ops[n-1].kind == op.kind {
		last := &ops[n-1]
		last.n += op.n
		if op.kind == '+' {
			last.text += op.text
		}
		return ops
	}
	return append(ops, op)
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

// DeltaLog holds consecutive deltas of one text, parsed once, so that any
// run of them composes without reading or parsing them again: a live room's
// edits are made some versions back, and each needs the others' changes
// since its base.
//
// It also keeps the compositions of aligned blocks of deltas (2, 4, 8, …
// of them, starting at a multiple of their size), each built the first
// time a run needs it: a run is then a few blocks, not every delta in it.
// In a busy room every edit is some hundred versions behind, and composing
// each edit's run from its single deltas was a third of the writer's time.
type DeltaLog struct {
	from int64   // ops[i] takes version from+i to from+i+1
	ops  [][]dop // parsed deltas
	// blocks[j-1][i] composes ops[i<<j : (i+1)<<j] (nil until built).
	blocks [][][]dop
}

// maxDeltaLog bounds the deltas a DeltaLog keeps (the older half goes).
const maxDeltaLog = 1024

// maxBlockLevel is the largest block, 1<<maxBlockLevel deltas: half the
// log, so a block never spans the half that goes.
const maxBlockLevel = 9

// Append records delta, which takes version-1 to version. A version that
// does not follow the last one starts the log again there.
func (l *DeltaLog) Append(version int64, delta string) {
	ops, err := parseDelta(delta)
	if err != nil {
		l.Reset(version)
		return
	}
	if version != l.from+int64(len(l.ops))+1 {
		l.Reset(version - 1)
	}
	if len(l.ops) == maxDeltaLog {
		l.ops = append(l.ops[:0], l.ops[maxDeltaLog/2:]...)
		l.from += maxDeltaLog / 2
		// Blocks start at multiples of their size, and the half that
		// went is a multiple of every size: each level shifts down.
		for j := range l.blocks {
			gone := (maxDeltaLog / 2) >> (j + 1)
			l.blocks[j] = append(l.blocks[j][:0], l.blocks[j][min(gone, len(l.blocks[j])):]...)
		}
	}
	l.ops = append(l.ops, ops)
}

// Reset empties the log, which goes on from version.
func (l *DeltaLog) Reset(version int64) {
	l.from, l.ops = version, l.ops[:0]
	for j := range l.blocks {
		l.blocks[j] = l.blocks[j][:0]
	}
}

// Since composes the deltas from version base to version to, if the log
// holds them all.
func (l *DeltaLog) Since(base, to int64) (string, bool) {
	r, ok := l.Run(base, to)
	return r.String(), ok
}

// Run is Since held parsed, for a merge that reads the changes from it.
func (l *DeltaLog) Run(base, to int64) (Run, bool) {
	runs, ok := l.blocksOf(base, to)
	if !ok {
		return Run{}, false
	}
	if len(runs) == 0 {
		return Run{}, true
	}
	ops, _, err := composeAll(runs)
	if err != nil {
		return Run{}, false
	}
	return Run{ops: ops}, true
}

// After composes delta, which makes the text at version base (from some
// other text), with the log's deltas from base to to: a delta from that
// other text to the text at to.
func (l *DeltaLog) After(delta string, base, to int64) (string, bool) {
	first, err := parseDelta(delta)
	if err != nil {
		return "", false
	}
	runs, ok := l.blocksOf(base, to)
	if !ok {
		return "", false
	}
	ops, _, err := composeAll(append([][]dop{first}, runs...))
	if err != nil {
		return "", false
	}
	return formatDelta(ops), true
}

// blocksOf is the run of deltas from version base to to as the fewest
// aligned blocks, if the log holds them all.
func (l *DeltaLog) blocksOf(base, to int64) ([][]dop, bool) {
	if base < l.from || to > l.from+int64(len(l.ops)) || base > to {
		return nil, false
	}
	var runs [][]dop
	for p, end := int(base-l.from), int(to-l.from); p < end; {
		j := 0 // the largest aligned block at p that ends by end
		for j < maxBlockLevel && p%(2<<j) == 0 && p+2<<j <= end {
			j++
		}
		b, err := l.block(j, p>>j)
		if err != nil {
			return nil, false
		}
		runs = append(runs, b)
		p += 1 << j
	}
	return runs, true
}

// Run is a delta held parsed (see DeltaLog.Run); the zero Run is the
// empty delta.
type Run struct {
	ops []dop
	bad bool // from a delta that does not parse
}

// RunOf parses delta; a delta that does not parse gives a Run no text
// fits, so that a merge falls back on the texts.
func RunOf(delta string) Run {
	ops, err := parseDelta(delta)
	return Run{ops: ops, bad: err != nil}
}

// String is the delta's text form.
func (r Run) String() string { return formatDelta(r.ops) }

// block is the composition of ops[i<<j : (i+1)<<j], built once.
func (l *DeltaLog) block(j, i int) ([]dop, error) {
	if j == 0 {
		return l.ops[i], nil
	}
	for len(l.blocks) < j {
		l.blocks = append(l.blocks, nil)
	}
	level := &l.blocks[j-1]
	for len(*level) <= i {
		*level = append(*level, nil)
	}
	if b := (*level)[i]; b != nil {
		return b, nil
	}
	a, err := l.block(j-1, 2*i)
	if err != nil {
		return nil, err
	}
	c, err := l.block(j-1, 2*i+1)
	if err != nil {
		return nil, err
	}
	b, err := compose(a, c)
	if err != nil {
		return nil, err
	}
	(*level)[i] = b
	return b, nil
}
