package download

import "time"

// progressReporter throttles and smooths progress reports. It is used by
// one goroutine at a time (the MP4 copier or the HLS writer).
type progressReporter struct {
	fn       func(Progress)
	now      func() time.Time
	interval time.Duration

	started   bool
	last      time.Time
	lastBytes int64
	speed     float64
	maxPct    float64
	sent      bool
}

func newProgressReporter(fn func(Progress), now func() time.Time, interval time.Duration) *progressReporter {
	return &progressReporter{fn: fn, now: now, interval: interval}
}

// begin marks the start of this call's transfer at done bytes (resumed
// bytes do not count towards the speed).
func (p *progressReporter) begin(done int64) {
	if p.fn == nil {
		return
	}
	p.started, p.last, p.lastBytes = true, p.now(), done
}

// update reports done of total bytes and pct percent (pct < 0: derive it
// from the bytes), at most once per interval.
func (p *progressReporter) update(done, total int64, pct float64) {
	if p.fn == nil {
		return
	}
	now := p.now()
	if !p.started {
		p.started, p.last, p.lastBytes = true, now, done
		return
	}
	dt := now.Sub(p.last)
	if dt < p.interval {
		return
	}
	inst := float64(done-p.lastBytes) / dt.Seconds()
	if inst < 0 {
		inst = 0
	}
	if p.speed == 0 {
		p.speed = inst
	} else {
		p.speed = 0.5*p.speed + 0.5*inst
	}
	p.last, p.lastBytes = now, done
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
	eta := time.Duration(-1)
	if total > 0 && p.speed > 0 {
		eta = time.Duration(float64(max(total-done, 0)) / p.speed * float64(time.Second)).Round(time.Second)
	}
	p.sent = true
	p.fn(Progress{Percent: pct, BytesDone: done, BytesTotal: total, Speed: p.speed, ETA: eta})
}

// done sends the final 100 % report.
func (p *progressReporter) done(size int64) {
	if p.fn == nil {
		return
	}
	p.maxPct = 100
	p.fn(Progress{Percent: 100, BytesDone: size, BytesTotal: size, Speed: p.speed, ETA: 0})
}
