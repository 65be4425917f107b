package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Synthetic text for benchmarks and tests. Everything is generated from a
// fixed seed with obviously fake values (example.com addresses, 555-01xx
// phone numbers, the 4111 test card, documentation IP ranges).

var proseSentences = []string{
	"The City Council met on Tuesday evening to review the proposed budget for the coming fiscal year.",
	"Residents raised concerns about the condition of sidewalks near the public library and the community center.",
	"Staff from the Department of Public Works presented a plan to repave several streets over the summer months.",
	"The water utility reported that average consumption fell by 3 percent compared with the previous year.",
	"In March the planning board approved two applications and postponed a third until its next meeting.",
	"Public comment was limited to three minutes per speaker, and 14 people addressed the board.",
	"The parks department will extend pool hours during July and August if staffing allows.",
	"A motion to adopt the recycling ordinance passed by a vote of 7 to 2 after a lengthy discussion.",
	"Please note that the office will be closed on Monday for the holiday and will reopen on Tuesday morning.",
	"Questions about permits, inspections and zoning may be directed to the front desk during business hours.",
	"The annual report describes progress on climate goals, affordable housing and transportation safety.",
	"Snow removal crews clear arterial roads first, followed by residential streets and municipal parking lots.",
	"Library cards are free for anyone who lives, works or attends school within the city limits.",
	"The committee will publish its recommendations in the fall after reviewing feedback from the survey.",
	"Bulk item pickup is available twice a year, and residents must schedule it at least one week ahead.",
	"The fire station on the east side will host an open house with safety demonstrations for families.",
}

// cleanProse returns about n bytes of PII-free English prose.
func cleanProse(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(proseSentences[rng.IntN(len(proseSentences))])
		if rng.IntN(5) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

var givenSample = []string{"Jane", "Robert", "Maria", "David", "Linda", "James", "Susan", "Michael", "Karen", "Thomas"}
var surnameSample = []string{"Smith", "Johnson", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore", "Clark", "Lewis"}

// fakeSSN returns a random SSN that passes the SSA rules.
func fakeSSN(rng *rand.Rand) string {
	for {
		a, g, s := 1+rng.IntN(899), 1+rng.IntN(99), 1+rng.IntN(9999)
		if a == 666 {
			continue
		}
		v := fmt.Sprintf("%03d-%02d-%04d", a, g, s)
		if !ssnExcluded[strings.ReplaceAll(v, "-", "")] {
			return v
		}
	}
}

func fakePhone(rng *rand.Rand) string {
	area := []string{"617", "212", "415", "312", "206", "303", "512", "702"}[rng.IntN(8)]
	return fmt.Sprintf("(%s) 555-01%02d", area, rng.IntN(100))
}

// denseItem returns one ~100-byte line holding one item of personal data.
func denseItem(rng *rand.Rand) string {
	g, s := givenSample[rng.IntN(len(givenSample))], surnameSample[rng.IntN(len(surnameSample))]
	switch rng.IntN(8) {
	case 0:
		return fmt.Sprintf("Please reply to %s.%s%d@example.com about the overdue water bill for this quarter. ", strings.ToLower(g), strings.ToLower(s), rng.IntN(99))
	case 1:
		return fmt.Sprintf("The resident asked us to call back at %s regarding the missed trash pickup. ", fakePhone(rng))
	case 2:
		return fmt.Sprintf("Applicant provided SSN %s on the housing assistance form received last week. ", fakeSSN(rng))
	case 3:
		return "Payment was made with card 4111 1111 1111 1111 for the parking permit renewal fee. "
	case 4:
		return fmt.Sprintf("Portal login from 203.0.113.%d was flagged after three failed attempts this morning. ", rng.IntN(255))
	case 5:
		return fmt.Sprintf("The complaint was filed by %s %s about noise from the construction site nearby. ", g, s)
	case 6:
		return fmt.Sprintf("Mail the refund check to %d Main Street, Springfield, IL 62701 within ten days. ", 10+rng.IntN(9000))
	default:
		return "Direct deposit goes to routing number 021000021 for the utility rebate program. "
	}
}

// densePII returns about n bytes of text with one item per ~100 bytes.
func densePII(n int) string {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(denseItem(rng))
	}
	return b.String()
}

// Invented international given and family names for the name-dense
// corpus, written for this package (no generator library).
var (
	intlGiven  = []string{"Adaeze", "Tomasz", "Wenjing", "Priyanka", "Oksana", "Radoslav", "Ifeoma", "Dagny", "Marisol", "Yevgenia", "Abdirahman", "Lakshmi", "Ngozi", "Björn", "Kamila", "Tomomi", "Guadalupe", "Svetlana", "Adebayo", "Thanh", "Farida", "Joaquín", "Siobhan", "Kwabena", "Mei-Ling", "Rustam", "Ayasha", "Zeynep", "Hiroshi", "Nomvula"}
	intlFamily = []string{"Okonjo", "Dravnieks", "Halvorsen", "Warsame", "Ekwueme", "Quintanilla", "Nishiyama", "Červinková", "Eriksdottir", "Xicotencatl", "Wojciechowski", "Achterberg", "Kuzmina", "Oyelaran", "Nguyen", "Al-Farsi", "Vasquez-Ilunga", "Brannigan", "Mbeki-Osei", "Tanaka", "Haddad", "Papadakis", "Lindqvist", "Ramírez", "Okafor", "Sandoval", "Yilmaz", "Chowdhury", "Kowalczyk", "Abernathy"}
)

// nameDenseLine returns one line of city correspondence that names one or
// two residents in one of the ways letters and case notes do.
func nameDenseLine(rng *rand.Rand) string {
	g := intlGiven[rng.IntN(len(intlGiven))]
	f := intlFamily[rng.IntN(len(intlFamily))]
	g2 := intlGiven[rng.IntN(len(intlGiven))]
	f2 := intlFamily[rng.IntN(len(intlFamily))]
	switch rng.IntN(10) {
	case 0:
		return fmt.Sprintf("Dear %s %s,\nthank you for your note about the fence on the north side of the lot.\n", g, f)
	case 1:
		return fmt.Sprintf("Caller %s says the streetlight near the bus stop has been out since Sunday. ", g)
	case 2:
		return fmt.Sprintf("My name is %s %s and I rent the upstairs unit; the heat has not worked for a week. ", g, f)
	case 3:
		return fmt.Sprintf("Hi %s, the inspector will come on Thursday morning between nine and noon. ", g)
	case 4:
		return fmt.Sprintf("Complainant %s reported that %s %s parks a trailer across the sidewalk. ", f, g2, f2)
	case 5:
		return fmt.Sprintf("%s %s and %s %s both signed the petition for a crosswalk on the avenue. ", g, f, g2, f2)
	case 6:
		return fmt.Sprintf("I spoke to %s about the permit, and %s's brother will bring the drawings. ", g, f)
	case 7:
		return fmt.Sprintf("Thanks,\n%s %s\n", g, f)
	case 8:
		return fmt.Sprintf("The tenant %s %s asked whether the deposit can be split with %s. ", g, f, g2)
	default:
		return fmt.Sprintf("Officer %s took a statement from %s %s at the front desk on Monday. ", f, g, f2)
	}
}

// nameDense returns about n bytes of correspondence dense in
// international names (about one name every 40 bytes).
func nameDense(n int) string {
	rng := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(nameDenseLine(rng))
	}
	return b.String()
}
