package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickit/privacy/redact"
)

// benchCorpusBytes is the size of the generated mixed records set.
const benchCorpusBytes = 100 << 20

var (
	benchFirst = []string{"Maria", "Thomas", "Ana", "James", "Linda", "Robert", "Grace", "Daniel", "Keiko", "Omar"}
	benchLast  = []string{"Lopez", "Reed", "Diaz", "Carter", "Nguyen", "Walsh", "Okafor", "Brennan", "Silva", "Kowalski"}
	benchWords = strings.Fields(`the council water meter reading bill rate hearing street light department
		public works budget schedule agenda item request response office utility service repair
		notice account payment refund balance review approved pending closed resident concern
		construction permit inspection report minutes vote motion second committee district`)
	benchStreets = []string{"Elm Street", "Oak Avenue", "Birch Road", "Maple Drive", "Cedar Lane"}
)

type benchGen struct{ r *rand.Rand }

func (g benchGen) pick(s []string) string { return s[g.r.IntN(len(s))] }
func (g benchGen) name() string           { return g.pick(benchFirst) + " " + g.pick(benchLast) }
func (g benchGen) email() string {
	return strings.ToLower(g.pick(benchFirst)) + "." + strings.ToLower(g.pick(benchLast)) + fmt.Sprintf("%d@example.com", g.r.IntN(100))
}
func (g benchGen) phone() string { return fmt.Sprintf("(413) 555-01%02d", g.r.IntN(100)) }
func (g benchGen) addr() string {
	return fmt.Sprintf("%d %s, Springfield, MA 011%02d", 1+g.r.IntN(999), g.pick(benchStreets), g.r.IntN(100))
}
func (g benchGen) prose(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.pick(benchWords))
	}
	return b.String()
}

// text writes an e-mail or a letter of about size bytes: mostly prose,
// with a name, an e-mail address, a phone number, an address or a card
// now and then.
func (g benchGen) text(w *bytes.Buffer, size int, eml bool) {
	if eml {
		n := g.name()
		fmt.Fprintf(w, "From: %s <%s>\nTo: Utility Billing <billing@example.invalid>\nSubject: %s\n\n", n, g.email(), g.prose(5))
	}
	for w.Len() < size {
		fmt.Fprintf(w, "%s. ", g.prose(20+g.r.IntN(20)))
		switch g.r.IntN(6) {
		case 0:
			fmt.Fprintf(w, "Please call %s or write to %s. ", g.phone(), g.email())
		case 1:
			fmt.Fprintf(w, "The property at %s was inspected. ", g.addr())
		case 2:
			fmt.Fprintf(w, "Dear Ms. %s, ", g.name())
		case 3:
			w.WriteString("I paid by card 4111 1111 1111 1111 last week. ")
		}
		if g.r.IntN(4) == 0 {
			w.WriteByte('\n')
		}
	}
	w.WriteByte('\n')
}

func (g benchGen) csv(w *bytes.Buffer, size int) {
	w.WriteString("payment_id,customer_name,email,phone,card_number,amount,memo\n")
	for i := 1; w.Len() < size; i++ {
		fmt.Fprintf(w, "P-%d,%s,%s,%s,4111111111111111,%d.%02d,%s\n", i, g.name(), g.email(), g.phone(),
			g.r.IntN(500), g.r.IntN(100), g.prose(4))
	}
}

func (g benchGen) json(w *bytes.Buffer, size int, lines bool) {
	if !lines {
		w.WriteString("{\"list\": \"alerts\", \"subscribers\": [\n")
	}
	for i := 1; w.Len() < size; i++ {
		if !lines && i > 1 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(w, `{"id": %d, "full_name": %q, "email": %q, "phone": %q, "address": %q, "note": %q}`,
			i, g.name(), g.email(), g.phone(), g.addr(), g.prose(8))
		if lines {
			w.WriteByte('\n')
		}
	}
	if !lines {
		w.WriteString("\n]}\n")
	}
}

// writeBenchCorpus writes about benchCorpusBytes of mixed records (text,
// e-mail, CSV, JSON, JSON Lines; 64 KiB to 2 MiB each) from a fixed seed.
func writeBenchCorpus(b *testing.B, dir string) int64 {
	b.Helper()
	g := benchGen{rand.New(rand.NewPCG(2025, 14))}
	var total int64
	var buf bytes.Buffer
	for i := 0; total < benchCorpusBytes; i++ {
		buf.Reset()
		size := 64<<10 + g.r.IntN(2<<20)
		var name string
		switch i % 5 {
		case 0:
			name = fmt.Sprintf("mail/m%04d.eml", i)
			g.text(&buf, size/8, true)
		case 1:
			name = fmt.Sprintf("letters/l%04d.txt", i)
			g.text(&buf, size, false)
		case 2:
			name = fmt.Sprintf("payments/p%04d.csv", i)
			g.csv(&buf, size)
		case 3:
			name = fmt.Sprintf("lists/s%04d.json", i)
			g.json(&buf, size, false)
		case 4:
			name = fmt.Sprintf("alerts/a%04d.jsonl", i)
			g.json(&buf, size, true)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(buf.Len())
	}
	return total
}

// BenchmarkRecords100MB redacts 100 MB of generated mixed records:
//
//   - pipeline-1worker: the command's run function in process, one worker;
//   - cli: the built command over the folder (all CPUs), with the log,
//     summary and review report;
//   - cli-1worker: the same with -workers 1;
//   - engine-only: what a user would otherwise write, the detection engine's
//     RedactBytes over each file as plain text with os.WriteFile, and no
//     exemption codes, structure, log, report or atomic writes;
//   - copy: reading and writing the files, the I/O floor.
func BenchmarkRecords100MB(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "in")
	total := writeBenchCorpus(b, in)
	var files []string
	if err := filepath.Walk(in, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			files = append(files, p)
		}
		return err
	}); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "redact")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	cli := func(extra ...string) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(total)
			var cpu time.Duration
			n := 0
			for i := 0; b.Loop(); i++ {
				n++
				out := filepath.Join(dir, fmt.Sprintf("out-%s-%d", strings.Join(extra, ""), i))
				cmd := exec.Command(bin, append(append([]string{"-quiet", "-out", out}, extra...), in)...)
				cmd.Stderr = io.Discard
				err := cmd.Run()
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitRedacted {
					b.Fatalf("want exit 1, got %v", err)
				}
				// CPU time is steadier than wall time on a shared machine.
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
			b.ReportMetric(cpu.Seconds()/float64(n), "cpu-s/op")
		}
	}
	b.Run("pipeline-1worker", func(b *testing.B) {
		b.SetBytes(total)
		for i := 0; b.Loop(); i++ {
			out := filepath.Join(dir, fmt.Sprintf("out-pipeline-%d", i))
			if code := run([]string{"-quiet", "-workers", "1", "-out", out, in}, io.Discard, io.Discard); code != exitRedacted {
				b.Fatalf("want exit 1, got %d", code)
			}
			b.StopTimer()
			os.RemoveAll(out)
			b.StartTimer()
		}
	})
	b.Run("cli", cli())
	b.Run("cli-1worker", cli("-workers", "1"))
	b.Run("engine-only", func(b *testing.B) {
		r, err := redact.New(nil)
		if err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(dir, "out-engine")
		b.SetBytes(total)
		var dst []byte
		for b.Loop() {
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					b.Fatal(err)
				}
				dst, _ = r.RedactBytes(dst[:0], data)
				p := filepath.Join(out, filepath.Base(f))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, dst, 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("copy", func(b *testing.B) {
		out := filepath.Join(dir, "out-copy")
		os.MkdirAll(out, 0o755)
		b.SetBytes(total)
		for b.Loop() {
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(out, filepath.Base(f)), data, 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
