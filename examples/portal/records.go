package main

import (
	"strings"

	"github.com/civickit/privacy/redact/records"

	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/civickit/privacy/redact"
)

// release is one public-records release made by staff: the redacted
// documents, the redaction log (CSV and JSON) and the HTML review report.
// None of them holds a withheld value.
type release struct {
	ID           string
	Jurisdiction string
	At           time.Time
	Docs         []releaseDoc
	LogCSV       []byte
	LogJSON      []byte
	Review       []byte
	Redactions   int
}

type releaseDoc struct {
	Name   string
	Output string
}

// releases keeps the releases of this process in memory (a real portal
// would file them with the request).
type releases struct {
	mu sync.Mutex
	m  map[string]*release
}

var jurisdictions = []string{"ma", "federal", "ca-utility"}

func (a *app) recordsPage(w http.ResponseWriter, r *http.Request, _ *account) {
	a.render(w, r, http.StatusOK, "records", pageData{Title: "Public-records request", Data: map[string]any{"Jurisdictions": jurisdictions}})
}

// recordsExport exports the chosen record sets as a redacted release under
// the chosen jurisdiction's exemption catalog.
func (a *app) recordsExport(w http.ResponseWriter, r *http.Request, staff *account) {
	jur := r.PostFormValue("jurisdiction")
	cat, err := records.BuiltinCatalog(jur)
	if err != nil {
		a.fail(w, r, http.StatusBadRequest, "Unknown jurisdiction.")
		return
	}
	prf, err := a.keys.Redact.PRF()
	if err != nil {
		a.internal(w, r, err)
		return
	}
	// A utility account number identifies a household: withheld like the
	// customer's other contact data (under the catalog's default code).
	rq, err := records.NewRequest(prf, &records.RequestOptions{Catalog: cat, Fields: map[string]redact.Entity{
		"name": redact.PersonName, "service_address": redact.PostalAddress, "utility_account": "utility_account",
	}})
	if err != nil {
		a.internal(w, r, err)
		return
	}
	docs, err := a.recordDocuments(r)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	rel := &release{ID: newID("rel_"), Jurisdiction: jur, At: time.Now().UTC()}
	var csvBuf, jsonBuf, html bytes.Buffer
	lw, err := records.NewLogWriter(cat, &csvBuf, &jsonBuf)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	rv, err := records.NewReview(cat, nil)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	for _, d := range docs {
		res, err := rq.Document(d.name, d.data)
		if err != nil {
			lw.Fail(d.name, err)
			rv.Fail(d.name, err)
			continue
		}
		if err := lw.Add(res); err != nil {
			a.internal(w, r, err)
			return
		}
		rv.Add(res)
		rel.Docs = append(rel.Docs, releaseDoc{Name: d.name, Output: string(res.Output)})
		rel.Redactions += len(res.Entries)
	}
	if err := lw.Close(); err != nil {
		a.internal(w, r, err)
		return
	}
	if err := rv.WriteHTML(&html); err != nil {
		a.internal(w, r, err)
		return
	}
	rel.LogCSV, rel.LogJSON, rel.Review = csvBuf.Bytes(), jsonBuf.Bytes(), html.Bytes()
	a.releases.mu.Lock()
	if a.releases.m == nil {
		a.releases.m = map[string]*release{}
	}
	a.releases.m[rel.ID] = rel
	a.releases.mu.Unlock()
	a.log.InfoContext(r.Context(), "records release", "release", rel.ID, "staff", staff.ID, "jurisdiction", jur, "documents", len(rel.Docs), "redactions", rel.Redactions)
	a.render(w, r, http.StatusOK, "records", pageData{Title: "Public-records release", Data: map[string]any{"Jurisdictions": jurisdictions, "Release": rel}})
}

type recordDoc struct {
	name string
	data []byte
}

// recordDocuments builds the chosen record sets: accounts as JSON (opened,
// so the redaction has real data to take out) and payments as CSV.
func (a *app) recordDocuments(r *http.Request) ([]recordDoc, error) {
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	var docs []recordDoc
	for _, set := range r.PostForm["set"] {
		switch set {
		case "accounts":
			rows, err := a.rdb.QueryContext(r.Context(), a.q(`SELECT id, sealed, created_at FROM portal_accounts ORDER BY created_at, id`))
			if err != nil {
				return nil, err
			}
			var out []map[string]any
			for rows.Next() {
				var acct account
				var blob string
				var created int64
				if err := rows.Scan(&acct.ID, &blob, &created); err != nil {
					rows.Close()
					return nil, err
				}
				if err := a.openAccount(&acct, blob); err != nil {
					rows.Close()
					return nil, err
				}
				out = append(out, map[string]any{
					"id": acct.ID, "name": acct.Data.Name.Reveal(), "email": acct.Data.Email.Reveal(),
					"service_address": acct.Data.Address.Reveal(), "phone": acct.Data.Phone.Reveal(),
					"utility_account": acct.Data.Number.Reveal(), "opened": time.Unix(created, 0).UTC().Format(time.DateOnly),
				})
			}
			rows.Close()
			b, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				return nil, err
			}
			docs = append(docs, recordDoc{"accounts.json", b})
		case "payments":
			rows, err := a.rdb.QueryContext(r.Context(), a.q(`SELECT id, account_id, card_last4, amount_cents, created_at FROM portal_payments ORDER BY created_at, id`))
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			cw := csv.NewWriter(&buf)
			_ = cw.Write([]string{"payment", "account", "card_last4", "amount", "date"})
			for rows.Next() {
				var id, acct, last4 string
				var cents, created int64
				if err := rows.Scan(&id, &acct, &last4, &cents, &created); err != nil {
					rows.Close()
					return nil, err
				}
				_ = cw.Write([]string{id, acct, last4, fmt.Sprintf("%d.%02d", cents/100, cents%100), time.Unix(created, 0).UTC().Format(time.DateOnly)})
			}
			rows.Close()
			cw.Flush()
			docs = append(docs, recordDoc{"payments.csv", buf.Bytes()})
		}
	}
	return docs, nil
}

// recordsFile serves a release's redaction log or review report.
func (a *app) recordsFile(w http.ResponseWriter, r *http.Request, _ *account) {
	a.releases.mu.Lock()
	rel := a.releases.m[r.PathValue("id")]
	a.releases.mu.Unlock()
	if rel == nil {
		a.fail(w, r, http.StatusNotFound, "There is no such release.")
		return
	}
	var body []byte
	switch r.PathValue("file") {
	case "log.csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		body = rel.LogCSV
	case "log.json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		body = rel.LogJSON
	case "review.html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// The report carries its own, stricter Content-Security-Policy.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		body = rel.Review
	default:
		for _, d := range rel.Docs {
			if d.Name == r.PathValue("file") {
				ct := "application/json; charset=utf-8"
				if strings.HasSuffix(d.Name, ".csv") {
					ct = "text/csv; charset=utf-8"
				}
				w.Header().Set("Content-Type", ct)
				w.Header().Set("Content-Disposition", `attachment; filename="`+d.Name+`"`)
				body = []byte(d.Output)
			}
		}
		if body == nil {
			a.fail(w, r, http.StatusNotFound, "There is no such file.")
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}
