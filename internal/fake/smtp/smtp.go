// Package smtp is a fake mail server for notification tests: plain SMTP
// (no TLS) with EHLO, optional AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET,
// NOOP and QUIT; it records each mail with its envelope, subject and body.
//
//	srv, _ := smtp.Start()
//	defer srv.Close()
//	// smtp://127.0.0.1:port/?from=aniworld@example.org&to=me@example.org&encryption=None&usestarttls=No&auth=None
package smtp

import (
	"bufio"
	"context"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
)

// Mail is one received message.
type Mail struct {
	From    string
	To      []string
	Subject string
	Body    string
}

// Server is the fake; safe for concurrent use.
type Server struct {
	ln      net.Listener
	mu      sync.Mutex
	got     []Mail
	changed chan struct{}
	wg      sync.WaitGroup
}

// Start listens on a loopback port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, changed: make(chan struct{})}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server.
func (s *Server) Close() { s.ln.Close(); s.wg.Wait() }

// Mails answers the mails received so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

// WaitFor blocks until a mail satisfies match, or ctx ends.
func (s *Server) WaitFor(ctx context.Context, match func(Mail) bool) (Mail, error) {
	for {
		s.mu.Lock()
		for _, m := range s.got {
			if match(m) {
				s.mu.Unlock()
				return m, nil
			}
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return Mail{}, fmt.Errorf("no matching mail: %w", ctx.Err())
		case <-ch:
		}
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.session(c) }()
	}
}

func (s *Server) session(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	say := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	say("220 fake.local ESMTP ready")
	var cur Mail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO":
			say("250-fake.local greets you")
			say("250-AUTH PLAIN LOGIN")
			say("250 8BITMIME")
		case "HELO":
			say("250 fake.local")
		case "AUTH":
			if strings.Contains(strings.ToUpper(line), "LOGIN") {
				say("334 VXNlcm5hbWU6")
				r.ReadString('\n')
				say("334 UGFzc3dvcmQ6")
				r.ReadString('\n')
			}
			say("235 2.7.0 Authentication successful")
		case "MAIL":
			cur = Mail{From: addr(line)}
			say("250 OK")
		case "RCPT":
			cur.To = append(cur.To, addr(line))
			say("250 OK")
		case "DATA":
			if cur.From == "" || len(cur.To) == 0 {
				say("503 need MAIL and RCPT first")
				continue
			}
			say("354 end with <CRLF>.<CRLF>")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if strings.TrimRight(l, "\r\n") == "." {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			s.record(cur, data.String())
			cur = Mail{}
			say("250 OK queued")
		case "RSET":
			cur = Mail{}
			say("250 OK")
		case "NOOP":
			say("250 OK")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 command not implemented")
		}
	}
}

func (s *Server) record(m Mail, data string) {
	if msg, err := mail.ReadMessage(strings.NewReader(data)); err == nil {
		dec := new(mime.WordDecoder)
		if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
			m.Subject = subj
		}
		var b strings.Builder
		sc := bufio.NewScanner(msg.Body)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
		}
		m.Body = b.String()
	} else {
		m.Body = data
	}
	s.mu.Lock()
	s.got = append(s.got, m)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// addr takes the address out of "MAIL FROM:<a@b>" / "RCPT TO:<a@b>".
func addr(line string) string {
	if i, j := strings.Index(line, "<"), strings.LastIndex(line, ">"); i >= 0 && j > i {
		return line[i+1 : j]
	}
	return ""
}
