package webhook

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// readService recognises a push or chat service by its request path, reads
// the title and message where that service carries them, and answers the
// way the service does (nil: the default ntfy/JSON answer).
func readService(req *http.Request, body []byte, q *Request) func(w http.ResponseWriter, n int) {
	p := req.URL.Path
	switch {
	case p == "/message": // Gotify: JSON {title, message, priority}, token in the query or header
		return func(w http.ResponseWriter, n int) {
			writeJSON(w, http.StatusOK, map[string]any{"id": n, "appid": 1, "title": q.Title, "message": q.Message,
				"priority": q.JSON["priority"], "date": "2026-12-01T00:00:00Z"})
		}
	case strings.HasPrefix(p, "/api/webhooks/"): // Discord webhook: embeds[].title/description or content
		if embeds, ok := q.JSON["embeds"].([]any); ok && len(embeds) > 0 {
			e, _ := embeds[0].(map[string]any)
			q.Title, _ = e["title"].(string)
			q.Message, _ = e["description"].(string)
		} else {
			q.Message, _ = q.JSON["content"].(string)
		}
		return func(w http.ResponseWriter, _ int) { w.WriteHeader(http.StatusNoContent) }
	case strings.HasPrefix(p, "/services/"): // Slack incoming webhook: text (the title), attachments (the message)
		q.Title, _ = q.JSON["text"].(string)
		if atts, ok := q.JSON["attachments"].([]any); ok && len(atts) > 0 {
			a, _ := atts[0].(map[string]any)
			q.Message, _ = a["text"].(string)
		}
		return func(w http.ResponseWriter, _ int) { fmt.Fprint(w, "ok") }
	case strings.HasPrefix(p, "/bot") && strings.HasSuffix(p, "/sendMessage"): // Telegram Bot API
		text, _ := q.JSON["text"].(string)
		q.Title, q.Message = "", text
		if m := telegramTitle.FindStringSubmatch(text); m != nil {
			q.Title, q.Message = htmlUnescape(m[1]), m[2]
		}
		return func(w http.ResponseWriter, n int) {
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": map[string]any{"message_id": n,
				"date": 1764547200, "chat": map[string]any{"id": -100123, "type": "channel"}, "text": q.Message}})
		}
	case p == "/1/messages.json": // Pushover: a form with token, user, title, message
		form, _ := url.ParseQuery(string(body))
		q.Title, q.Message = form.Get("title"), form.Get("message")
		return func(w http.ResponseWriter, _ int) {
			writeJSON(w, http.StatusOK, map[string]any{"status": 1, "request": "5042853c-402d-4a18-abcb-168734a801de"})
		}
	}
	return nil
}

var telegramTitle = regexp.MustCompile(`(?s)^<b>(.*?)</b>\n(.*)$`)

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(s)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
