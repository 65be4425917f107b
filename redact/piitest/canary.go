package piitest

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"

	"github.com/civickit/privacy/pii"
)

// Namer is what New needs from a test: its name. *testing.T, *testing.B and
// *testing.F satisfy it.
type Namer interface {
	Name() string
}

// Canary is one obviously fake personal value planted by a test. It
// remembers the test that planted it and its sequence number there, so a
// leak found anywhere names its origin.
//
// A Canary never prints its value: String, GoString and every fmt verb
// print a masked description such as
// `canary email#1 of TestSignup "pt.…lid" (33 bytes)`. Value returns the
// plaintext to plant.
type Canary struct {
	category pii.Category
	value    string
	test     string
	seq      int
}

// Category returns the kind of personal data the canary stands for.
func (c Canary) Category() pii.Category { return c.category }

// Value returns the plaintext to plant in a request, form or record.
func (c Canary) Value() string { return c.value }

// Test returns the name of the test that planted the canary.
func (c Canary) Test() string { return c.test }

// Seq returns the canary's sequence number within its test, from 1.
func (c Canary) Seq() int { return c.seq }

// String describes the canary with its value masked.
func (c Canary) String() string {
	return fmt.Sprintf("canary %s#%d of %s %q (%d bytes)", c.category, c.seq, c.test, Mask(c.value), len(c.value))
}

// GoString is String, so %#v does not print the value either.
func (c Canary) GoString() string { return c.String() }

// Format makes every fmt verb print String.
func (c Canary) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// Mask returns s with all but its first two and last two bytes replaced by
// one "…", so that failure messages can hint at a value without leaking it.
// Values of six bytes or fewer are masked completely.
func Mask(s string) string {
	if len(s) <= 6 {
		return "…"
	}
	return s[:2] + "…" + s[len(s)-2:]
}

// Canaries generates canaries for one test and remembers every canary it
// made. Values are deterministic: the same test name and sequence number
// always give the same value, and different tests get different values, so
// a leak is traceable to the test that planted it. A Canaries is safe for
// concurrent use.
type Canaries struct {
	test string

	mu      sync.Mutex
	planted []Canary
	seen    map[string]bool
}

// New returns a canary generator for the test t.
func New(t Namer) *Canaries {
	return NewNamed(t.Name())
}

// NewNamed returns a canary generator seeded by name instead of a test's
// name, for use outside tests (a smoke check against a staging portal).
func NewNamed(name string) *Canaries {
	return &Canaries{test: name, seen: map[string]bool{}}
}

// Planted returns every canary made so far, in order.
func (cs *Canaries) Planted() []Canary {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]Canary(nil), cs.planted...)
}

// Custom plants a caller-chosen value as a canary of category c, for values
// the generators do not cover (a city's account number format, a name with
// an apostrophe). The value should be at least MinLen bytes long (10 or
// more is better) and unlikely to appear by chance: a shorter value is
// searched for only in the encodings that lengthen it to MinLen, such as
// hex, not raw.
func (cs *Canaries) Custom(c pii.Category, value string) Canary {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.addLocked(c, value)
}

func (cs *Canaries) addLocked(c pii.Category, v string) Canary {
	cn := Canary{category: c, value: v, test: cs.test, seq: len(cs.planted) + 1}
	cs.planted = append(cs.planted, cn)
	cs.seen[v] = true
	return cn
}

// gen makes a canary of category c from a value function of a 64-bit seed,
// retrying with the next seed until the value is new in this generator.
func (cs *Canaries) gen(c pii.Category, f func(seed uint64) string) Canary {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for try := 0; ; try++ {
		v := f(cs.seed(c, len(cs.planted)+1, try))
		if !cs.seen[v] {
			return cs.addLocked(c, v)
		}
	}
}

func (cs *Canaries) seed(c pii.Category, seq, try int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(cs.test))
	var b [25]byte
	b[0] = byte(c)
	binary.LittleEndian.PutUint64(b[1:], uint64(seq))
	binary.LittleEndian.PutUint64(b[9:], uint64(try))
	binary.LittleEndian.PutUint64(b[17:], 0x70696974657374) // "piitest"
	h.Write(b[:])
	return mix(h.Sum64())
}

// mix is the splitmix64 finaliser, spreading every input bit over the
// output.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// rng draws small numbers from a seed without math/rand, so values never
// change between Go releases.
type rng struct{ s uint64 }

func (r *rng) next(n int) int {
	r.s += 0x9e3779b97f4a7c15
	return int(mix(r.s) % uint64(n))
}

const base32 = "abcdefghjkmnpqrstuvwxyz23456789" // no i, l, o, 0, 1

// Email returns a unique e-mail address at example.invalid (RFC 2606: the
// .invalid top-level domain never resolves), such as
// "pt.k3f9a2x7qb@example.invalid".
func (cs *Canaries) Email() Canary {
	return cs.gen(pii.Email, func(seed uint64) string {
		r := rng{seed}
		var b strings.Builder
		b.WriteString("pt.")
		for range 10 {
			b.WriteByte(base32[r.next(len(base32))])
		}
		b.WriteString("@example.invalid")
		return b.String()
	})
}

// areaCodes are assigned NANP area codes; with the fictional 555-0100 to
// 555-0199 exchange and lines they make numbers reserved for fiction.
var areaCodes = []string{
	"201", "202", "203", "205", "206", "207", "208", "212", "213", "214",
	"215", "216", "217", "218", "219", "224", "225", "228", "229", "231",
	"234", "239", "240", "248", "251", "252", "253", "254", "256", "260",
	"262", "267", "269", "270", "276", "281", "301", "302", "303", "304",
	"305", "307", "308", "309", "310", "312", "313", "314", "315", "316",
	"317", "318", "319", "320", "321", "323", "325", "330", "334", "336",
	"337", "339", "347", "351", "352", "360", "361", "386", "401", "402",
	"404", "405", "406", "407", "408", "409", "410", "412", "413", "414",
	"415", "417", "419", "423", "425", "432", "434", "435", "440", "443",
	"469", "478", "479", "480", "484", "501", "502", "503", "504", "505",
	"507", "508", "509", "510", "512", "513", "515", "516", "517", "518",
	"520", "530", "540", "541", "559", "561", "562", "563", "567", "570",
	"571", "573", "574", "580", "585", "586", "601", "602", "603", "605",
	"606", "607", "608", "609", "610", "612", "614", "615", "616", "617",
	"618", "619", "620", "623", "626", "630", "631", "636", "641", "646",
	"650", "651", "660", "661", "662", "678", "701", "702", "703", "704",
	"706", "707", "708", "712", "713", "714", "715", "716", "717", "718",
	"719", "720", "724", "727", "731", "732", "734", "740", "754", "757",
	"760", "763", "765", "770", "772", "773", "774", "775", "781", "785",
	"786", "801", "802", "803", "804", "805", "806", "808", "810", "812",
	"813", "814", "815", "816", "817", "818", "828", "830", "831", "832",
	"843", "845", "847", "848", "850", "856", "857", "858", "859", "860",
	"862", "863", "864", "865", "870", "904", "906", "907", "908", "909",
	"910", "912", "913", "914", "915", "916", "917", "918", "919", "920",
	"925", "928", "931", "936", "937", "940", "941", "947", "949", "951",
	"952", "954", "956", "970", "971", "972", "973", "978", "979", "980",
	"985", "989",
}

// Phone returns a unique fictional phone number, an assigned area code with
// 555-0100 to 555-0199, written "617-555-0142". About 27,000 such numbers
// exist, so numbers repeat across (not within) large test suites.
func (cs *Canaries) Phone() Canary {
	return cs.gen(pii.Phone, func(seed uint64) string {
		r := rng{seed}
		return areaCodes[r.next(len(areaCodes))] + "-555-01" + fmt.Sprintf("%02d", r.next(100))
	})
}

// Card returns a unique 16-digit Visa test card number under the test BIN
// 411111, with a correct Luhn check digit, written in groups of four:
// "4111 1134 5678 9012".
func (cs *Canaries) Card() Canary {
	return cs.gen(pii.PaymentCard, func(seed uint64) string {
		r := rng{seed}
		d := []byte("411111")
		for range 9 {
			d = append(d, byte('0'+r.next(10)))
		}
		d = append(d, luhnCheck(d))
		return string(d[0:4]) + " " + string(d[4:8]) + " " + string(d[8:12]) + " " + string(d[12:16])
	})
}

// luhnCheck returns the ASCII check digit that makes digits+check pass the
// Luhn test.
func luhnCheck(digits []byte) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		v := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// SSN returns a unique number written "AAA-GG-SSSS" that passes
// pii.ValidSSN and the redact SSN detector: area 001-665 or 667-899, group
// 01-99, serial 0001-9999, and none of the published specimen numbers.
// No valid-looking SSN is guaranteed never to be issued; these exist only in
// test output.
func (cs *Canaries) SSN() Canary {
	return cs.gen(pii.SSN, func(seed uint64) string {
		r := rng{seed}
		for {
			area := 1 + r.next(899)
			if area == 666 {
				continue
			}
			v := fmt.Sprintf("%03d-%02d-%04d", area, 1+r.next(99), 1+r.next(9999))
			if pii.ValidSSN(v) {
				return v
			}
		}
	})
}

var (
	givenNames = []string{
		"Juniper", "Marlowe", "Oriel", "Thessaly", "Calloway", "Wrenna", "Ambrose",
		"Isolde", "Peregrine", "Linnea", "Fennimore", "Rosalind", "Barnaby",
		"Ottoline", "Leopold", "Clementine",
	}
	syllables = []string{
		"quil", "zar", "vex", "mor", "tab", "lun", "gri", "pox", "dre", "wim",
		"kel", "sno", "bra", "fiz", "yor", "nud", "haz", "jib", "plo", "rux",
		"cav", "teb", "quo", "zim", "fra", "gub", "lax", "vor", "mib", "sul",
		"ket", "dov",
	}
	streetSuffixes = []string{"Lane", "Street", "Avenue", "Road", "Court", "Way", "Drive", "Place"}
)

func fakeWord(r *rng, n int) string {
	var b strings.Builder
	for i := range n {
		s := syllables[r.next(len(syllables))]
		if i == 0 {
			s = strings.ToUpper(s[:1]) + s[1:]
		}
		b.WriteString(s)
	}
	return b.String()
}

// Name returns a unique, obviously invented full name such as
// "Juniper Quilzarvex": a given name and a three-syllable surname.
func (cs *Canaries) Name() Canary {
	return cs.gen(pii.Name, func(seed uint64) string {
		r := rng{seed}
		return givenNames[r.next(len(givenNames))] + " " + fakeWord(&r, 3)
	})
}

// Address returns a unique, invented street address line such as
// "4821 Quilzarvex Lane".
func (cs *Canaries) Address() Canary {
	return cs.gen(pii.PostalAddress, func(seed uint64) string {
		r := rng{seed}
		return strconv.Itoa(100+r.next(9900)) + " " + fakeWord(&r, 3) + " " + streetSuffixes[r.next(len(streetSuffixes))]
	})
}

// Secret returns a unique opaque credential (a password, token or secret
// answer) such as "pt-secret-k3f9a2x7qbm4".
func (cs *Canaries) Secret() Canary {
	return cs.gen(pii.Credential, func(seed uint64) string {
		r := rng{seed}
		b := []byte("pt-secret-")
		for range 12 {
			b = append(b, base32[r.next(len(base32))])
		}
		return string(b)
	})
}

// All returns one new canary of every kind the generators make: e-mail,
// phone, card, SSN, name, address and secret.
func (cs *Canaries) All() []Canary {
	return []Canary{cs.Email(), cs.Phone(), cs.Card(), cs.SSN(), cs.Name(), cs.Address(), cs.Secret()}
}

// String describes the generator without any value: "piitest.Canaries(TestSignup, 3 planted)".
func (cs *Canaries) String() string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return fmt.Sprintf("piitest.Canaries(%s, %d planted)", cs.test, len(cs.planted))
}

// Format makes every fmt verb print String, so printing a generator never
// walks into the values it remembers.
func (cs *Canaries) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(cs.String())) }
