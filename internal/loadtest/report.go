package loadtest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// PrintTable writes one row per result, then the missed targets and the
// first errors of each scenario.
func PrintTable(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tclients\tbriefs\tsecs\tacked\tedits/s\tcommit p50/p95/p99 ms\tedit→others p50/p95/p99 ms\terrors\tRSS MB\tKB/conn\tjoin s\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%d\t%.0f\t%s\t%s\t%d\t%s\t%s\t%s\t\n",
			r.Scenario, r.Clients, r.Briefs, r.Seconds, r.Acked, r.EditsPerSecond(),
			triple(r.Commit), triple(r.Others), r.Errors,
			opt(r.memory, "%.0f", r.RSSMB), opt(r.memory && r.KBPerConn != 0, "%.1f", r.KBPerConn),
			opt(r.JoinSeconds > 0, "%.2f", r.JoinSeconds))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, r := range results {
		verdict := "met"
		if len(r.Missed) > 0 {
			verdict = "MISSED (" + strings.Join(r.Missed, "; ") + ")"
		}
		fmt.Fprintf(w, "%-11s target: %s\n", r.Scenario, verdict)
	}
	for _, r := range results {
		if len(r.ErrorDetails) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: %d error(s), the first:\n", r.Scenario, r.Errors)
		for _, e := range r.ErrorDetails {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

func triple(l Latency) string {
	if l.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%s/%s/%s", ms(l.P50), ms(l.P95), ms(l.P99))
}

func ms(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func opt(ok bool, format string, v float64) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf(format, v)
}
