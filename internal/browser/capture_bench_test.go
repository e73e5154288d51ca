package browser

import (
	"context"
	"sync"
	"testing"
	"time"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/jsplayer"
)

// peakRSS samples the browser's summed resident memory every 20 ms until
// stop is called, and answers the peak.
func peakRSS(b *Browser) (stop func() int64) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var peak int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if s := b.Processes(); s.RSSBytes > peak {
				peak = s.RSSBytes
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// benchCapture measures embed URL -> stream for a variant; cold starts a
// new browser per iteration. It also downloads each stream with the
// engine, outside the timer, and reports the media bytes the browser and
// the engine fetched per iteration.
func benchCapture(b *testing.B, variant string, cold bool) {
	exe := needChromium(b)
	media := fakehoster.TestMedia(4<<20, 10, 256<<10)
	fake := jsplayer.Start(media)
	defer fake.Close()
	var br *Browser
	if !cold {
		br = New(Options{Path: exe})
		defer br.Close()
		if _, err := br.Capture(context.Background(), CaptureRequest{URL: fake.EmbedURL(variant, "warmup"), UserAgent: testUA, Skip: isBigBuckBunny}); err != nil {
			b.Fatal(err)
		}
	}
	var ds []time.Duration
	var peak, received int64
	start := fake.Counts()
	i := 0
	for b.Loop() {
		i++
		b.StopTimer()
		if cold {
			br = New(Options{Path: exe})
		}
		stop := peakRSS(br)
		b.StartTimer()
		t0 := time.Now()
		m, err := br.Capture(context.Background(), CaptureRequest{URL: fake.EmbedURL(variant, "ep"+string(rune('a'+i%26))), UserAgent: testUA, Skip: isBigBuckBunny})
		ds = append(ds, time.Since(t0))
		b.StopTimer()
		peak = max(peak, stop())
		if err != nil {
			b.Fatal(err)
		}
		received += m.BrowserBytes
		fetchWithEngine(b, m)
		if cold {
			br.Close()
		}
		b.StartTimer()
	}
	reportMedian(b, ds)
	b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MiB")
	end := fake.Counts()
	n := float64(len(ds))
	b.ReportMetric(float64(received)/n, "browser-received-B/op")
	b.ReportMetric(float64(end.BrowserRequests-start.BrowserRequests)/n, "browser-media-req/op")
	b.ReportMetric(float64(end.EngineRequests-start.EngineRequests)/n, "engine-media-req/op")
	b.ReportMetric(float64(end.EngineBytes-start.EngineBytes)/n, "engine-media-B/op")
	b.ReportMetric(float64(end.BrowserSegments-start.BrowserSegments)/n, "browser-segments/op")
}

func BenchmarkCaptureHLSCold(b *testing.B)      { benchCapture(b, jsplayer.Pieces, true) }
func BenchmarkCaptureHLSWarm(b *testing.B)      { benchCapture(b, jsplayer.Pieces, false) }
func BenchmarkCaptureMP4ClickWarm(b *testing.B) { benchCapture(b, jsplayer.Click, false) }
func BenchmarkCaptureIframeWarm(b *testing.B)   { benchCapture(b, jsplayer.Iframe, false) }
