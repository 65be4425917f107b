package records

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseDecisions: any input is parsed or refused with ErrDecisions,
// never a panic; what is accepted validates again after a round trip
// through JSON, and an error never quotes the input.
func FuzzParseDecisions(f *testing.F) {
	sha := strings.Repeat("ab", 32)
	hm := strings.Repeat("cd", 16)
	f.Add([]byte(`{"version":1,"jurisdiction":"federal","documents":{}}`))
	f.Add([]byte(`{"version":1,"jurisdiction":"federal","documents":{"a.txt":{"sha256":"` + sha + `","reviewed":true,"proposals":[{"location":"line 1, column 5","entity":"email","value_hmac":"` + hm + `","verdict":"rejected","reason":"public"}],"added":[{"id":"m1","code":"(b)(6)","part":"","start":1,"end":4,"value_hmac":"` + hm + `"},{"id":"b1","code":"(b)(6)","part":"page 1","box":{"Left":1,"Bottom":2,"Right":30,"Top":40}}]}},"mac":"00"}`))
	f.Add([]byte(`{"version":1,"documents":{"x":{"sha256":"` + sha + `","added":[{"id":"b","code":"c","part":"page 1","box":{"Left":1e309}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDecisions(data)
		if err != nil {
			if len(data) > 8 && strings.Contains(err.Error(), string(data)) {
				t.Fatalf("error quotes the input")
			}
			return
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("accepted decisions do not marshal: %v", err)
		}
		if _, err := ParseDecisions(b); err != nil {
			t.Fatalf("accepted decisions do not parse again: %v", err)
		}
	})
}
