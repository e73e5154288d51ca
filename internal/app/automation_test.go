package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/notify"
)

type recordSender struct {
	mu  sync.Mutex
	got []notify.Message
}

func (r *recordSender) Send(_ context.Context, m notify.Message) error {
	r.mu.Lock()
	r.got = append(r.got, m)
	r.mu.Unlock()
	return nil
}

// TestQueueEventsBecomeNotifications: download_complete and
// download_failed (failed for good) become messages with the series,
// episode and error; other events are not sent.
func TestQueueEventsBecomeNotifications(t *testing.T) {
	rec := &recordSender{}
	n := notify.New(notify.Options{})
	n.Configure([]notify.Target{{Name: "r", Key: "r", Sender: rec, Events: []notify.Kind{notify.DownloadFinished, notify.DownloadFailed}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- n.Run(ctx) }()
	au := &automation{notes: n}
	au.Publish(event.New(event.DownloadProgress, event.DownloadData{Key: "demo", Season: 1, EpisodeNo: 2}))
	au.Publish(event.New(event.DownloadFailed, event.DownloadData{Key: "demo", SerieName: "Demo", Season: 1, EpisodeNo: 2, Error: "failed after 4 tries: no hoster"}))
	au.Publish(event.New(event.DownloadComplete, event.DownloadData{Key: "demo", Season: 0, EpisodeNo: 1, FilePath: "/lib/Demo/Filme/Demo - S00E01.mp4"}))
	au.Publish(event.New(event.QueueStatus, event.QueueData{}))
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec.mu.Lock()
		k := len(rec.got)
		rec.mu.Unlock()
		if k >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if len(rec.got) != 2 {
		t.Fatalf("messages %+v", rec.got)
	}
	byEvent := map[notify.Kind]notify.Message{}
	for _, m := range rec.got {
		byEvent[m.Event] = m
	}
	f := byEvent[notify.DownloadFailed]
	if f.Title != "Download failed: Demo S01E02" || f.Error != "failed after 4 tries: no hoster" || *f.Episode != 2 {
		t.Fatalf("failed message %+v", f)
	}
	c := byEvent[notify.DownloadFinished]
	if c.Title != "Downloaded: demo S00E01" || c.Message != "Demo - S00E01.mp4" || c.Path == "" {
		t.Fatalf("finished message %+v", c)
	}
}
