package httpclient

import (
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

func FuzzParseWireAnswer(f *testing.F) {
	name := dnsmessage.MustNewName("aniworld.to.")
	msg := dnsmessage.Message{
		Header:    dnsmessage.Header{Response: true},
		Questions: []dnsmessage.Question{{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}},
		Answers: []dnsmessage.Resource{
			{Header: dnsmessage.ResourceHeader{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60}, Body: &dnsmessage.AResource{A: [4]byte{1, 2, 3, 4}}},
			{Header: dnsmessage.ResourceHeader{Name: name, Type: dnsmessage.TypeAAAA, Class: dnsmessage.ClassINET, TTL: 30}, Body: &dnsmessage.AAAAResource{AAAA: [16]byte{15: 1}}},
			{Header: dnsmessage.ResourceHeader{Name: name, Type: dnsmessage.TypeCNAME, Class: dnsmessage.ClassINET, TTL: 30}, Body: &dnsmessage.CNAMEResource{CNAME: name}},
		},
	}
	packed, err := msg.Pack()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(packed)
	f.Add([]byte{})
	f.Add(packed[:len(packed)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		addrs, _, err := parseWireAnswer(b)
		if err == nil {
			for _, a := range addrs {
				if !a.IsValid() {
					t.Errorf("invalid address accepted")
				}
			}
		}
	})
}

func FuzzParseJSONAnswer(f *testing.F) {
	f.Add([]byte(`{"Status":0,"Answer":[{"name":"a","type":5,"TTL":60,"data":"b."},{"name":"b","type":1,"TTL":300,"data":"127.0.0.1"}]}`))
	f.Add([]byte(`{"Status":3}`))
	f.Add([]byte(`{"Answer":[{"type":1,"data":"999.1.1.1"}]}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		addrs, _, err := parseJSONAnswer(b, dnsmessage.TypeA)
		if err == nil {
			for _, a := range addrs {
				if !a.IsValid() {
					t.Errorf("invalid address accepted")
				}
			}
		}
	})
}

// FuzzMirrors: any list of base URLs either builds a site whose canonical
// base is the first entry and whose rewrite keeps paths below the mirror's
// base, or is refused with an error; it never panics.
func FuzzMirrors(f *testing.F) {
	f.Add("https://aniworld.to", "https://186.2.175.111", "/anime/stream/x")
	f.Add("http://127.0.0.1:8080/aw/", "https://aniworld.cc", "/aw/anime/stream/x?y=1")
	f.Add("https://[::1]:1", "ftp://x", "")
	f.Add("", "https://a.b/%zz", "/%2F")
	f.Fuzz(func(t *testing.T, first, second, path string) {
		m, err := NewMirrors(first, second)
		if err != nil {
			return
		}
		st := m.Status()
		if st.Canonical != st.Mirrors[0] || st.Active != st.Canonical {
			t.Fatalf("status %+v", st)
		}
		u := *m.Canonical()
		u.Path += path
		for _, mi := range m.List() {
			got := m.onto(&u, mi)
			if got.Host != mi.Base.Host || got.Scheme != mi.Base.Scheme {
				t.Fatalf("%s onto %s = %s", u.String(), mi.Base, got)
			}
		}
	})
}
