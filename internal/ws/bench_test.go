package ws

import (
	"fmt"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/event"
)

// BenchmarkPublish measures the cost of one published progress message
// fanned out to n subscribed clients (queues drained in between, no
// network): encoding happens once, every client shares the bytes.
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			h := NewHub(Options{SendBuffer: 64})
			cs := make([]*client, n)
			for i := range cs {
				cs[i] = newClient(h, fmt.Sprint(i), nil, true)
				cs[i].rooms.Store(uint32(maskDownloads))
				h.clients[cs[i]] = struct{}{}
			}
			ids := []string{"0b8f3c2e-1", "0b8f3c2e-2", "0b8f3c2e-3"}
			at := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				h.Publish(event.Event{Type: event.DownloadProgress, Time: at, Data: event.DownloadData{
					DownloadID: ids[i%3], Key: "attack-on-titan", Folder: "Attack on Titan (2013)",
					Episode: "S01E01", Season: 1, EpisodeNo: 1, Percent: float64(i%1000) / 10, SpeedMbps: 2.5, ETASeconds: 180,
				}})
				if i%32 == 31 {
					for _, c := range cs {
						c.giveBack(c.take())
					}
				}
			}
		})
	}
}

// BenchmarkEncode measures encoding one progress message.
func BenchmarkEncode(b *testing.B) {
	at := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	d := event.DownloadData{DownloadID: "0b8f3c2e", Key: "attack-on-titan", Folder: "Attack on Titan (2013)", Percent: 45.2, SpeedMbps: 2.5, ETASeconds: 180}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encode(event.DownloadProgress, at, d); err != nil {
			b.Fatal(err)
		}
	}
}
