package download

import "time"

// progressReporter throttles progress reports (at most one per interval). It is used by
// one goroutine at a time (the MP4 copier or the HLS writer).
type progressReporter struct {
	fn       func(Progress)
	now      func() time.Time
	interval time.Duration

	started bool
	last    time.Time
	maxPct  float64
	sent    bool
}

func newProgressReporter(fn func(Progress), now func() time.Time, interval time.Duration) *progressReporter {
	return &progressReporter{fn: fn, now: now, interval: interval}
}

// begin marks the start of this call's transfer (the first report comes
// one interval later).
func (p *progressReporter) begin(int64) {
	if p.fn == nil {
		return
	}
	p.started, p.last = true, p.now()
}

// update reports done of total bytes and pct percent (pct < 0: derive it
// from the bytes), at most once per interval.
func (p *progressReporter) update(done, total int64, pct float64) {
	if p.fn == nil {
		return
	}
	now := p.now()
	if !p.started {
		p.started, p.last = true, now
		return
	}
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	p.emit(done, total, pct)
}

func (p *progressReporter) emit(done, total int64, pct float64) {
	if pct < 0 {
		pct = 0
		if total > 0 {
			pct = float64(done) / float64(total) * 100
		}
	}
	pct = min(pct, 100)
	if pct < p.maxPct {
		pct = p.maxPct
	}
	p.maxPct = pct
	p.sent = true
	p.fn(Progress{Percent: pct, BytesDone: done, BytesTotal: total})
}

// done sends the final 100 % report.
func (p *progressReporter) done(size int64) {
	if p.fn == nil {
		return
	}
	p.maxPct = 100
	p.fn(Progress{Percent: 100, BytesDone: size, BytesTotal: size})
}
