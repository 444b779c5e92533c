package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// gofpdf deflates every page with a new zlib writer, and a writer costs
// about 1 MB of freshly zeroed memory: for a 20-page brief that was a
// third of the rendering time. So pages are written plain and deflated here
// with pooled writers, at the same level gofpdf uses, and the cross-reference
// table is rewritten to the new object offsets.
var zlibPool = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

var errLayout = errors.New("pdf: unexpected gofpdf output layout")

// deflateStreams copies the PDF src to w, deflating each stream whose
// dictionary is only "<</Length n>>" (gofpdf's plain page contents and
// ToUnicode maps). Objects are found through the xref table, never by
// searching stream data.
func deflateStreams(w io.Writer, src []byte) error { return rewrite(w, src, "") }

// rewrite is deflateStreams that also completes the catalog: gofpdf writes
// the XMP metadata object but never links it, and has no /Lang. With lang
// set, the catalog gets "/Lang (lang)" and "/Metadata N 0 R" for the XMP
// object, so readers (and pdfinfo -meta) see the language.
func rewrite(w io.Writer, src []byte, lang string) error {
	xref := bytes.LastIndex(src, []byte("\nxref\n"))
	if xref < 0 {
		return errLayout
	}
	xref++
	tail := src[xref:]
	// "xref\n0 N\n" then N entries of 20 bytes: "oooooooooo ggggg n \n".
	hdr := bytes.SplitN(tail, []byte("\n"), 3)
	if len(hdr) < 3 || !bytes.HasPrefix(hdr[1], []byte("0 ")) {
		return errLayout
	}
	n, err := strconv.Atoi(string(hdr[1][2:]))
	if err != nil || n < 1 {
		return errLayout
	}
	entries := hdr[2]
	if len(entries) < 20*n {
		return errLayout
	}
	rest := entries[20*n:] // "trailer ... startxref\n<offset>\n%%EOF\n"
	sx := bytes.LastIndex(rest, []byte("startxref\n"))
	if sx < 0 {
		return errLayout
	}

	// Object offsets in file order (gofpdf writes the page tree root,
	// object 1, after the pages, so the table is not in file order).
	offs := make([]int, n)
	order := make([]int, 0, n)
	for i := 1; i < n; i++ {
		e := entries[20*i : 20*i+20]
		if e[17] != 'n' {
			offs[i] = -1
			continue
		}
		o, err := strconv.Atoi(string(e[:10]))
		if err != nil || o >= xref {
			return errLayout
		}
		offs[i] = o
		order = append(order, i)
	}
	slices.SortFunc(order, func(a, b int) int { return offs[a] - offs[b] })

	var jobs []stream
	xmp := 0
	for _, obj := range order {
		o := offs[obj]
		if body, from, to, ok := plainStream(src[o:xref]); ok {
			jobs = append(jobs, stream{obj: obj, body: o + body, data: src[o+from : o+to], end: o + to})
		} else if lang != "" && bytes.HasPrefix(src[o:], fmt.Appendf(nil, "%d 0 obj\n<< /Type /Metadata /Subtype /XML ", obj)) {
			xmp = obj
		}
	}
	root, catalogAt := 0, -1 // where in src the catalog's extra entries go
	if lang != "" {
		m := rootRef.FindSubmatch(rest[:sx])
		if m == nil {
			return errLayout
		}
		root, _ = strconv.Atoi(string(m[1]))
		head := fmt.Appendf(nil, "%d 0 obj\n<<\n/Type /Catalog\n", root)
		if root <= 0 || root >= n || offs[root] < 0 || !bytes.HasPrefix(src[offs[root]:], head) {
			return errLayout
		}
		catalogAt = offs[root] + len(head)
	}
	extra := fmt.Sprintf("/Lang %s\n", pdfString(lang))
	if xmp > 0 {
		extra += fmt.Sprintf("/Metadata %d 0 R\n", xmp)
	}
	deflateAll(jobs)

	var out bytes.Buffer
	out.Grow(len(src) / 3)
	newOffs := make([]int, n)
	pos := 0
	for _, obj := range order {
		o := offs[obj]
		out.Write(src[pos:o])
		newOffs[obj] = out.Len()
		pos = o
		if obj == root && catalogAt >= 0 {
			out.Write(src[o:catalogAt])
			out.WriteString(extra)
			pos = catalogAt
			continue
		}
		if len(jobs) == 0 || jobs[0].obj != obj {
			continue
		}
		j := jobs[0]
		jobs = jobs[1:]
		out.Write(src[o:j.body])
		fmt.Fprintf(&out, "<</Filter /FlateDecode /Length %d>>\nstream\n", len(j.z))
		out.Write(j.z)
		pos = j.end
	}
	out.Write(src[pos:xref])

	start := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n", n)
	out.Write(entries[:20])
	for i := 1; i < n; i++ {
		if offs[i] < 0 {
			out.Write(entries[20*i : 20*i+20])
			continue
		}
		fmt.Fprintf(&out, "%010d%s", newOffs[i], entries[20*i+10:20*i+20])
	}
	out.Write(rest[:sx])
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", start)
	if _, err := w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// stream is a plain stream to deflate: its object, where its dictionary
// starts and its data ends in the source, its data and the deflated data.
type stream struct {
	obj, body, end int
	data, z        []byte
}

// deflateAll deflates the streams on all CPUs: a page stream takes as long
// to deflate as to lay out. Writing to a bytes.Buffer cannot fail.
func deflateAll(jobs []stream) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			zw := zlibPool.Get().(*zlib.Writer)
			defer zlibPool.Put(zw)
			for i := int(next.Add(1)) - 1; i < len(jobs); i = int(next.Add(1)) - 1 {
				var z bytes.Buffer
				z.Grow(len(jobs[i].data)/3 + 64)
				zw.Reset(&z)
				zw.Write(jobs[i].data)
				zw.Close()
				jobs[i].z = z.Bytes()
			}
		})
	}
	wg.Wait()
}

// plainStream reports whether obj (starting "N G obj\n") holds a stream
// with a bare Length dictionary: body is the offset of that dictionary,
// from and to bound the stream data, all relative to obj.
func plainStream(obj []byte) (body, from, to int, ok bool) {
	nl := bytes.IndexByte(obj, '\n')
	if nl < 0 || !bytes.HasSuffix(obj[:nl], []byte(" obj")) {
		return 0, 0, 0, false
	}
	body = nl + 1
	d := obj[body:]
	const pre, post = "<</Length ", ">>\nstream\n"
	if !bytes.HasPrefix(d, []byte(pre)) {
		return 0, 0, 0, false
	}
	end := bytes.IndexByte(d, '>')
	if end < 0 || end > len(pre)+10 {
		return 0, 0, 0, false
	}
	l, err := strconv.Atoi(string(d[len(pre):end]))
	if err != nil || !bytes.HasPrefix(d[end:], []byte(post)) {
		return 0, 0, 0, false
	}
	from = body + end + len(post)
	to = from + l
	if to > len(obj) || !bytes.HasPrefix(obj[to:], []byte("\nendstream")) {
		return 0, 0, 0, false
	}
	return body, from, to, true
}

var rootRef = regexp.MustCompile(`/Root (\d+) 0 R`)

// pdfString writes s as a PDF literal string.
func pdfString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", `\r`, "\n", `\n`)
	return "(" + r.Replace(s) + ")"
}
