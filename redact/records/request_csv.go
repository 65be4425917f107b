package records

import (
	"github.com/civickit/privacy/redact"

	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// redactCSV redacts a CSV document with a header row. Rows without
// redactions are copied byte for byte; a row with one is written again
// with the same line ending, quoting only the fields that need it. Rows may
// have different numbers of fields.
func (rq *Request) redactCSV(res *Result, data []byte) error {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var (
		header  []string
		out     []byte
		prev    int64
		buf     []byte
		touched bool
		cells   []string
		cellSp  [][]span
		cellEnt [][]LogEntry
	)
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return &DocumentError{Document: res.Document, Line: line, Err: fmt.Errorf("%w: invalid CSV", ErrDocument)}
		}
		off := cr.InputOffset()
		raw := data[prev:off]
		prev = off
		if row == 1 {
			header = append([]string(nil), rec...)
			if len(header) > 0 {
				header[0] = strings.TrimPrefix(header[0], "\ufeff")
			}
		}
		cells, cellSp, cellEnt = cells[:0], cellSp[:0], cellEnt[:0]
		changed := false
		for i, v := range rec {
			key := ""
			if row > 1 && i < len(header) {
				key = header[i]
			}
			var fs []redact.Finding
			fs, buf = rq.cellFindings(buf, key, v)
			repl, entries, spans := rq.applyCell(res, fs, v)
			if len(entries) > 0 {
				changed = true
				field := key
				if field != "" && rq.red.Contains(field) {
					field = "*"
				}
				for j := range entries {
					entries[j].Row, entries[j].Column, entries[j].Field = row, i+1, field
				}
			}
			cells = append(cells, repl)
			cellSp = append(cellSp, spans)
			cellEnt = append(cellEnt, entries)
		}
		if !changed {
			if touched {
				out = append(out, raw...)
			}
			continue
		}
		if !touched {
			touched = true
			out = make([]byte, 0, len(data)+256)
			out = append(out, data[:off-int64(len(raw))]...)
		}
		for i, c := range cells {
			if i > 0 {
				out = append(out, ',')
			}
			quote := csvNeedsQuotes(c)
			if quote {
				out = append(out, '"')
			}
			// Boxes hold no quotes, so offsets within the cell shift only
			// by doubled quotes before each span.
			last := 0
			for j, sp := range cellSp[i] {
				out = appendCSVField(out, c[last:sp.start], quote)
				s := len(out)
				out = appendCSVField(out, c[sp.start:sp.end], quote)
				res.reserve(int(off), len(data))
				res.Entries = append(res.Entries, cellEnt[i][j])
				res.spans = append(res.spans, span{s, len(out)})
				last = sp.end
			}
			out = appendCSVField(out, c[last:], quote)
			if quote {
				out = append(out, '"')
			}
		}
		switch {
		case bytes.HasSuffix(raw, []byte("\r\n")):
			out = append(out, '\r', '\n')
		case bytes.HasSuffix(raw, []byte("\n")):
			out = append(out, '\n')
		}
	}
	if !touched {
		res.Output = data
		return nil
	}
	res.Output = append(out, data[prev:]...)
	return nil
}

func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || s[0] == ' ' || s[0] == '\t' {
		return true
	}
	return strings.ContainsAny(s, ",\"\r\n")
}

func appendCSVField(dst []byte, s string, quoted bool) []byte {
	if !quoted {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"', '"')
		} else {
			dst = append(dst, s[i])
		}
	}
	return dst
}
