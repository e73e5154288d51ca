package doh

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

func TestWirePOSTAndJSON(t *testing.T) {
	s := Start(map[string][]netip.Addr{"aniworld.to": {netip.MustParseAddr("186.2.175.111"), netip.MustParseAddr("2001:db8::1")}})
	defer s.Close()
	name := dnsmessage.MustNewName("aniworld.to.")
	q := dnsmessage.Message{Header: dnsmessage.Header{ID: 7, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: name, Type: dnsmessage.TypeAAAA, Class: dnsmessage.ClassINET}}}
	raw, _ := q.Pack()
	resp, err := http.Post(s.WireURL(), "application/dns-message", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var ans dnsmessage.Message
	if err := ans.Unpack(body); err != nil || ans.ID != 7 || len(ans.Answers) != 1 {
		t.Fatalf("answer %+v %v", ans, err)
	}
	if aaaa, ok := ans.Answers[0].Body.(*dnsmessage.AAAAResource); !ok || netip.AddrFrom16(aaaa.AAAA).String() != "2001:db8::1" {
		t.Errorf("AAAA %v", ans.Answers[0].Body)
	}
	for _, tt := range []struct {
		name   string
		status int
		data   string
	}{{"aniworld.to", 0, "186.2.175.111"}, {"s.to", 3, ""}} {
		resp, err := http.Get(s.JSONURL() + "?name=" + tt.name + "&type=A")
		if err != nil {
			t.Fatal(err)
		}
		var j struct {
			Status int
			Answer []struct{ Data string }
		}
		json.NewDecoder(resp.Body).Decode(&j)
		resp.Body.Close()
		if j.Status != tt.status || (tt.data != "" && (len(j.Answer) != 1 || j.Answer[0].Data != tt.data)) {
			t.Errorf("%s: %+v", tt.name, j)
		}
	}
	if got := s.Queries(); len(got) != 3 || got[0] != "wire AAAA aniworld.to" || got[2] != "json A s.to" {
		t.Errorf("queries %v", got)
	}
}
