package notify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	fakematrix "github.com/aniworld/aniworld/internal/fake/matrix"
	fakesmtp "github.com/aniworld/aniworld/internal/fake/smtp"
	"github.com/aniworld/aniworld/internal/fake/webhook"
)

// toFake sends every request to the fake instead of its host, over plain
// HTTP, keeping the host it was meant for in X-Original-Host. Discord,
// Slack, Telegram and Pushover have fixed hosts in shoutrrr (no custom
// host in their URLs), and use the default transport; this is how their
// real request building and answer handling meet a local fake.
type toFake struct {
	fake *url.URL
	next http.RoundTripper
}

func (t toFake) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("X-Original-Host", req.URL.Host)
	r.URL.Scheme, r.URL.Host, r.Host = "http", t.fake.Host, t.fake.Host
	return t.next.RoundTrip(r)
}

// TestShoutrrrServices: one URL per target reaches a local fake that
// answers like the service, and the title arrives where that service
// carries it — ntfy, Gotify, generic webhooks (JSON template) natively;
// Discord, Slack, Telegram and Pushover through their fixed API hosts,
// redirected to the fake. A second message carries its own title.
func TestShoutrrrServices(t *testing.T) {
	rx := webhook.New()
	srv := httptest.NewServer(rx)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fake, _ := url.Parse(srv.URL)
	orig := http.DefaultTransport
	http.DefaultTransport = toFake{fake: fake, next: orig.(*http.Transport).Clone()}
	defer func() { http.DefaultTransport = orig }()

	cases := []struct {
		name, url    string
		path, origin string // where the request must land and for which host it was meant ("": a client of its own, not the default transport)
		title        bool   // the service carries the title (else it leads the message)
	}{
		{"ntfy", "ntfy://" + host + "/alerts?scheme=http", "/alerts", "", true},
		{"gotify", "gotify://" + host + "/Abcdef.ghijk_lm?disabletls=yes", "/message", "", true},
		{"generic JSON", "generic://" + host + "/hook?template=json&disabletls=yes", "/hook", host, true},
		{"generic plain text", "generic://" + host + "/plain?disabletls=yes", "/plain", host, false},
		{"discord", "discord://s3cr3t-token@123456789012345678", "/api/webhooks/123456789012345678/s3cr3t-token", "discord.com", true},
		{"slack webhook", "slack://hook:T00000000-B00000000-XXXXXXXXXXXXXXXXXXXXXXXX@webhook", "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "hooks.slack.com", true},
		{"telegram", "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@aniworld", "/bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage", "api.telegram.org", true},
		{"pushover", "pushover://shoutrrr:azGDORePK8gMaC0QOYAMyEEuzJnyUi@uQiRzpo4DXghDmr9QzzfQu27cmVRsG/", "/1/messages.json", "api.pushover.net", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSender(c.url, SenderOptions{Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			for _, title := range []string{"Downloaded: Demo & Friends S01E04", "New episode: Demo & Friends S02E03"} {
				before := len(rx.Requests())
				msg := Message{Event: DownloadFinished, Title: title, Message: "Demo & Friends - S01E04 - (German Dub).mp4"}
				if err := s.Send(context.Background(), msg); err != nil {
					t.Fatalf("send: %v", err)
				}
				got := rx.Requests()
				if len(got) != before+1 {
					t.Fatalf("%d requests arrived, want 1", len(got)-before)
				}
				r := got[len(got)-1]
				if r.Path != c.path || r.Header.Get("X-Original-Host") != c.origin {
					t.Fatalf("request to %s (meant for %q), want %s (%q)", r.Path, r.Header.Get("X-Original-Host"), c.path, c.origin)
				}
				if c.title && r.Title != title {
					t.Fatalf("title %q, want %q (body %s)", r.Title, title, r.Body)
				}
				if !c.title && !strings.HasPrefix(r.Message, title+"\n") { // the title leads the text
					t.Fatalf("message %q does not start with the title %q", r.Message, title)
				}
				if !strings.Contains(r.Message, "S01E04 - (German Dub)") {
					t.Fatalf("message %q (body %s)", r.Message, r.Body)
				}
			}
		})
	}
}

// TestShoutrrrServiceErrorsAreScrubbed: a service's failure answer never
// puts the URL (its secrets) into the error.
func TestShoutrrrServiceErrorsAreScrubbed(t *testing.T) {
	rx := webhook.New()
	rx.SetMode(webhook.Down)
	srv := httptest.NewServer(rx)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, u := range []string{"gotify://" + host + "/Abcdef.ghijk_lm?disabletls=yes", "ntfy://user:pa55word@" + host + "/alerts?scheme=http"} {
		s, err := NewSender(u, SenderOptions{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Send(context.Background(), Message{Title: "x", Message: "y"})
		if err == nil || strings.Contains(err.Error(), "Abcdef.ghijk_lm") || strings.Contains(err.Error(), "pa55word") {
			t.Fatalf("%s: error %v", u, err)
		}
	}
}

// TestMatrixAndMail: Matrix (a fake homeserver: password login, room
// join, m.room.message) and e-mail (a fake SMTP server): Matrix drops
// shoutrrr's title, so it leads the message; the mail's subject is the
// title.
func TestMatrixAndMail(t *testing.T) {
	hs := fakematrix.New("aniworld-bot", "s3cret")
	msrv := httptest.NewServer(hs)
	defer msrv.Close()
	mx := "matrix://aniworld-bot:s3cret@" + strings.TrimPrefix(msrv.URL, "http://") + "/?rooms=%23anime:fake.local&disableTLS=yes"
	mailer, err := fakesmtp.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer mailer.Close()
	mail := "smtp://" + mailer.Addr() + "/?from=aniworld@example.org&to=me@example.org&encryption=None&usestarttls=No&auth=None"
	msg := Message{Title: "Downloaded: Demo & Friends S02E03", Message: "Demo & Friends - S02E03 - (German Sub).mp4"}
	for _, u := range []string{mx, mail} {
		s, err := NewSender(u, SenderOptions{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(context.Background(), msg); err != nil {
			t.Fatalf("%s: %v", strings.SplitN(u, ":", 2)[0], err)
		}
	}
	got := hs.Messages()
	if len(got) != 1 || got[0].Room != "!anime:fake.local" || got[0].MsgType != "m.text" || got[0].Body != msg.Title+"\n"+msg.Message {
		t.Fatalf("matrix got %+v", got)
	}
	mails := mailer.Mails()
	if len(mails) != 1 || mails[0].Subject != msg.Title || mails[0].From != "aniworld@example.org" ||
		len(mails[0].To) != 1 || mails[0].To[0] != "me@example.org" || !strings.Contains(mails[0].Body, "S02E03 - (German Sub)") {
		t.Fatalf("mail got %+v", mails)
	}
}
