package records_test

import (
	"github.com/civickit/privacy/redact/records"

	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/civickit/privacy/redact"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
)

// logKey returns a fresh HMAC-SHA256 PRF for the log's keyed hashes. A
// city keeps one key per request (or per year) so hashes can be compared
// across runs; see pii.Keyring.PRF for a stored, wrapped key.
func logKey() redact.PRF {
	h, err := keyset.NewHandle(prf.HMACSHA256PRFKeyTemplate())
	if err != nil {
		panic(err)
	}
	set, err := prf.NewPRFSet(h)
	if err != nil {
		panic(err)
	}
	return set
}

func ExampleNewRequest() {
	cat, _ := records.BuiltinCatalog("federal")
	rq, err := records.NewRequest(logKey(), &records.RequestOptions{Catalog: cat})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, _ := rq.Text("complaint.txt", "From: Maria Lopez\nPlease call (413) 555-0142 or write to maria.lopez@example.com.")
	fmt.Println(string(res.Output))
	for _, e := range res.Entries {
		fmt.Println(e.Location(), e.Entity, e.Code, e.Citation)
	}
	// Output:
	// From: [REDACTED (b)(6)]
	// Please call [REDACTED (b)(6)] or write to [REDACTED (b)(6)].
	// line 1, column 7 person_name (b)(6) 5 U.S.C. § 552(b)(6)
	// line 2, column 13 phone (b)(6) 5 U.S.C. § 552(b)(6)
	// line 2, column 40 email (b)(6) 5 U.S.C. § 552(b)(6)
}

func ExampleRequest_Redact() {
	cat, _ := records.BuiltinCatalog("ma")
	rq, _ := records.NewRequest(logKey(), &records.RequestOptions{Catalog: cat})
	res, _ := rq.Redact("subscribers.json", records.DocJSON,
		[]byte(`{"list":"alerts","subscribers":[{"email":"ana.diaz@example.com","ip":"203.0.113.57"}]}`))
	fmt.Println(string(res.Output))
	for _, e := range res.Entries {
		fmt.Println(e.Path, e.Entity, e.Code)
	}
	// Output:
	// {"list":"alerts","subscribers":[{"email":"[REDACTED (c)]","ip":"[REDACTED (n)]"}]}
	// $.subscribers[0].email email (c)
	// $.subscribers[0].ip ip_address (n)
}

// A city's own detector (utility account numbers) goes to the exemption the
// California catalog gives utility customer data.
func ExampleRequestOptions_detectors() {
	cat, _ := records.BuiltinCatalog("ca")
	rq, _ := records.NewRequest(logKey(), &records.RequestOptions{
		Catalog: cat,
		Box:     "[WITHHELD {code}]",
		Detectors: []redact.Detector{{
			Entity:  "utility_account",
			Pattern: regexp.MustCompile(`UA-[0-9]{8}`),
		}},
	})
	res, _ := rq.Text("memo.txt", "Shut-off notice for account UA-20250314.")
	fmt.Println(string(res.Output))
	// Output:
	// Shut-off notice for account [WITHHELD §7927.410].
}

func ExampleParseAllowList() {
	allow, _ := records.ParseAllowList(strings.NewReader("# public officials\nJames Carter\n(413) 555-0100\n"))
	rq, _ := records.NewRequest(logKey(), &records.RequestOptions{Allow: allow})
	res, _ := rq.Text("reply.txt", "Councillor James Carter, (413) 555-0100, replied to Thomas Reed.")
	fmt.Println(string(res.Output))
	// Output:
	// Councillor James Carter, (413) 555-0100, replied to [REDACTED (b)(6)].
}

func ExampleParseCatalog() {
	cat, err := records.ParseCatalog([]byte(`{
	  "jurisdiction": "springfield",
	  "name": "Springfield records ordinance",
	  "box": "[{code}: {label}]",
	  "default": {"code": "S-1"},
	  "exemptions": [{"code": "S-1", "label": "privacy", "citation": "Springfield Code § 2-14(a)"}],
	  "rules": [{"entity": "payment_card", "code": "S-1", "operator": "mask"}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	rq, _ := records.NewRequest(logKey(), &records.RequestOptions{Catalog: cat})
	res, _ := rq.Text("r.txt", "Paid with 4111 1111 1111 1111 by t.reed@example.com")
	fmt.Println(string(res.Output))
	// Output:
	// Paid with **** **** **** 1111 by [S-1: privacy]
}

func ExampleNewLogWriter() {
	rq, _ := records.NewRequest(logKey(), nil)
	lw, _ := records.NewLogWriter(rq.Catalog(), nil, nil) // or CSV and JSON files
	for name, text := range map[string]string{"a.txt": "Write to t.reed@example.com."} {
		res, _ := rq.Text(name, text)
		_ = lw.Add(res)
	}
	_ = lw.Close()
	_ = lw.Summary().WriteCSV(os.Stdout)
	// Output:
	// kind,key,count,status,reason
	// total,documents,1,,
	// total,documents_redacted,1,,
	// total,documents_clean,0,,
	// total,documents_withheld,0,,
	// total,documents_failed,0,,
	// total,parts_withheld,0,,
	// total,redactions,1,,
	// code,(b)(6),1,,
	// entity,email,1,,
	// document,a.txt,1,redacted,
}

// Every document ends with a status: a release (redacted or clean), or
// none (withheld, with the reason, or failed).
func ExampleStatusFor() {
	rq, _ := records.NewRequest(logKey(), nil)
	docs := map[string][]byte{
		"a-letter.txt":    []byte("Call Ms. Lopez at (413) 555-0142."),
		"b-minutes.md":    []byte("The council approved the budget."),
		"c-photo.heic":    []byte("\x00\x00\x00\x18ftypheic"),
		"d-broken.json":   []byte(`{"email": `),
		"e-complaint.eml": []byte("Subject: water\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nTXkgU1NOIGlzIDUxMi00NC03MzAxLg==\r\n"),
	}
	for _, name := range []string{"a-letter.txt", "b-minutes.md", "c-photo.heic", "d-broken.json", "e-complaint.eml"} {
		res, err := rq.Document(name, docs[name])
		if err != nil {
			status, reason := records.StatusFor(err)
			fmt.Printf("%s: %s: %s\n", name, status, reason)
			continue
		}
		fmt.Printf("%s: %s, %d redactions\n", name, res.Status(), len(res.Entries))
	}
	// Output:
	// a-letter.txt: redacted, 2 redactions
	// b-minutes.md: clean, 0 redactions
	// c-photo.heic: withheld: unsupported format (.heic)
	// d-broken.json: failed: line 1: malformed document: invalid JSON
	// e-complaint.eml: redacted, 1 redactions
}
