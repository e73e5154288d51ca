package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nicholas-fedor/shoutrrr"
	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"
)

// webhook POSTs our JSON payload.
type jsonHook struct {
	url    string
	client *http.Client
}

func newWebhook(u string, o SenderOptions) (Sender, error) {
	req, err := http.NewRequest(http.MethodPost, u, nil)
	if err != nil || req.URL.Host == "" {
		return nil, fmt.Errorf("%w: bad webhook URL", ErrPermanent)
	}
	return &jsonHook{url: u, client: &http.Client{Timeout: o.timeout()}}, nil
}

func (w *jsonHook) Send(ctx context.Context, m Message) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(payload(m)))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "aniworld-notify/1")
	res, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", redact(err))
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode < 300:
		return nil
	case res.StatusCode >= 400 && res.StatusCode < 500 && res.StatusCode != 408 && res.StatusCode != 429:
		return fmt.Errorf("%w: webhook answered %d", ErrPermanent, res.StatusCode)
	}
	return fmt.Errorf("webhook answered %d", res.StatusCode)
}

// redact drops the URL from a transport error (it holds secrets).
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("timed out")
		}
		return ue.Err
	}
	return err
}

// shoutrrrSender goes through a shoutrrr router with one service. The
// router is built per message: some services keep the parameters of one
// send (the title) in their config for the next.
type shoutrrrSender struct {
	url     string
	timeout time.Duration
}

func newShoutrrr(u string, o SenderOptions) (Sender, error) {
	s := &shoutrrrSender{url: u, timeout: o.timeout()}
	if _, err := s.router(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *shoutrrrSender) router() (*router.ServiceRouter, error) {
	r, err := shoutrrr.CreateSender(s.url)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrPermanent, scrub(err.Error(), s.url))
	}
	r.Timeout = s.timeout
	return r, nil
}

func (s *shoutrrrSender) Send(ctx context.Context, m Message) error {
	r, err := s.router()
	if err != nil {
		return err
	}
	params := types.Params{"title": m.Title}
	text := m.Message
	if !carriesTitle(s.url) && m.Title != "" {
		text = m.Title + "\n" + m.Message
	}
	done := make(chan []error, 1)
	go func() { done <- r.Send(text, &params) }() // shoutrrr has no context; it is bounded by its Timeout
	select {
	case <-ctx.Done():
		return ctx.Err()
	case errs := <-done:
		for _, err := range errs {
			if err != nil {
				return fmt.Errorf("send: %s", scrub(err.Error(), s.url))
			}
		}
		return nil
	}
}

// scrub removes a URL (and its secrets) from a message.
func scrub(msg, u string) string {
	return string(bytes.ReplaceAll([]byte(msg), []byte(u), []byte("<url>")))
}

// titleless are the shoutrrr services that send the message without the
// title (the title param is ignored or absent).
var titleless = map[string]bool{"matrix": true, "rocketchat": true, "zulip": true, "googlechat": true, "hangouts": true,
	"signal": true, "wecom": true, "pagerduty": true, "notifiarr": true, "logger": true}

// carriesTitle reports whether a service URL's notification shows the
// title; for the others the title becomes the message's first line. A
// generic webhook carries it only with a template (template=json sends
// {"title", "message"}); plain text is the message alone.
func carriesTitle(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	scheme := strings.ToLower(u.Scheme)
	if strings.HasPrefix(scheme, "generic") {
		return u.Query().Get("template") != ""
	}
	return !titleless[scheme]
}
