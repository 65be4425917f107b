package records

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHTMLText(t *testing.T) {
	cases := []struct{ in, want, why string }{
		{"<p>SSN <b>512-44</b>-7301</p>", "SSN 512-44-7301", "inline elements join without a space"},
		{"<p>one</p><p>two</p>", "one\ntwo", "blocks break lines"},
		{"<table><tr><td>a</td><td>b</td></tr></table>", "a\tb", "cells are tab-separated"},
		{"<script>var e='ana@example.com'</script><style>p{}</style>x", "x", "scripts and styles are not text"},
		{"<a href=\"mailto:ana@example.com\">me</a>", "me", "link targets are not released, so not read"},
		{"a  \n\t b", "a b", "white space collapses"},
		{"&lt;b&gt; &amp; caf&eacute;", "<b> & café", "entities are decoded"},
	}
	for _, c := range cases {
		got, err := htmlText([]byte(c.in))
		require.NoError(t, err)
		assert.Equal(t, c.want, strings.TrimSpace(got), c.why)
	}
	rq := newTestRequest(t, nil)
	res, err := rq.Document("page.html", []byte("<html><body><h1>Notice</h1><p>Call <i>(617)</i> 555-0143 or write <b>ana.ruiz@example.com</b>.</p><!-- 512-44-7301 --></body></html>"))
	require.NoError(t, err)
	out := string(res.Output)
	assert.Contains(t, out, "Notice")
	for _, gone := range []string{"555-0143", "ana.ruiz", "512-44-7301"} {
		assert.NotContains(t, out, gone)
	}
	assert.True(t, strings.HasPrefix(out, "<!DOCTYPE html>"), "released as a page of text")
}

// FuzzHTML: any input converts without panicking, and the released page
// holds no markup of the input (only escaped text).
func FuzzHTML(f *testing.F) {
	f.Add([]byte("<p>SSN <b>512-44</b>-7301</p>"))
	f.Add([]byte("<script>x</script><table><td>a<td>b"))
	f.Add([]byte("<<<>>>&#x110000;&#0;"))
	rq, err := NewRequest(recordsKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := rq.Redact("f.html", DocHTML, data)
		if err != nil {
			return
		}
		body := string(res.Output)
		i, j := strings.Index(body, "<pre>"), strings.LastIndex(body, "</pre>")
		if i < 0 || j < i {
			t.Fatal("the release is not a page of text")
		}
		if strings.ContainsAny(body[i+5:j], "<>") {
			t.Fatal("unescaped markup in the released text")
		}
	})
}
