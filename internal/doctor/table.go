package doctor

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Table renders the report as an aligned text table:
//
//	SITE         HOSTER  STEP        RESULT  TIME    DETAIL / REASON
//	aniworld.to          reach       ok      12 ms   aniworld.to answered HTTP 200
//	aniworld.to  VOE     extraction  FAILED  80 ms   voe: no payload in embed page (…)
func (r Report) Table() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SITE\tHOSTER\tSTEP\tRESULT\tTIME\tDETAIL / REASON")
	for _, s := range r.Steps {
		res, text := s.Result, s.Detail
		if s.Result == Failed {
			res, text = "FAILED", s.Reason
			if s.Detail != "" {
				text = s.Detail + ": " + s.Reason
			}
		}
		t := ""
		if s.Result != Skipped {
			t = fmt.Sprintf("%.0f ms", s.DurationMS)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Site, s.Hoster, s.Step, res, t, oneLine(text))
	}
	_ = w.Flush()
	verdict := "all steps ok"
	if f := r.Failures(); len(f) > 0 {
		verdict = fmt.Sprintf("%d step(s) failed", len(f))
	}
	fmt.Fprintf(&b, "%s in %.1f s\n", verdict, r.DurationMS/1000)
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
