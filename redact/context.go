package redact

// defaultContext holds the built-in context words. Words are matched
// whole and ignoring case in the window before and after a candidate.
var defaultContext = map[Entity]ContextWords{
	Phone: {
		Positive: []string{"phone", "tel", "telephone", "call", "cell", "mobile", "fax", "text", "contact", "reach", "ph", "cb", "callback", "call back",
			// in the languages residents write in: "Telefon: 030 12345678",
			// "mi móvil es 612 345 678", "電話 03-1234-5678"
			"telefon", "telefoon", "telefono", "teléfono", "téléphone", "tél", "telf", "móvil", "movil", "celular",
			"cellulare", "cel", "handy", "mobil", "mobiel", "gsm", "whatsapp", "điện thoại", "sđt",
			"電話", "电话", "手机", "手機", "携帯", "휴대폰", "전화", "전화번호"},
		Negative: []string{"order", "invoice", "tracking", "confirmation", "serial", "isbn", "sku", "model", "version", "ticket", "case", "permit", "parcel", "ref", "reference", "receipt", "transaction"},
	},
	SSN: {
		Positive: []string{"ssn", "ss", "social", "security", "taxpayer", "tin", "ssa"},
		Negative: []string{"order", "invoice", "tracking", "zip", "confirmation", "serial", "routing", "aba", "permit", "parcel"},
	},
	ITIN: {
		Positive: []string{"itin", "taxpayer", "tin", "irs", "tax"},
		Negative: []string{"order", "invoice", "tracking", "routing", "aba"},
	},
	PaymentCard: {
		Positive: []string{"card", "visa", "mastercard", "amex", "discover", "credit", "debit", "cc", "pan", "payment", "paid", "charged"},
		Negative: []string{"order", "invoice", "tracking", "confirmation", "serial", "isbn"},
	},
	RoutingNumber: {
		Positive: []string{"routing", "aba", "rtn", "transit", "ach", "wire", "bank"},
	},
	BankAccount: {
		Positive: []string{"account", "acct", "checking", "savings", "deposit", "iban", "a/c", "bank account", "account number", "account no"},
		Negative: []string{"confirmation", "order", "invoice", "serial", "tracking", "ticket", "record", "meter", "reference", "ref", "case", "permit", "utility", "customer", "member"},
	},
	DriverLicense: {
		Positive: []string{"driver", "drivers", "license", "licence", "dl", "dln", "lic", "dmv", "driving", "licencia"},
	},
	Passport: {
		Positive: []string{"passport", "passport no", "passport number"},
	},
	IPAddress: {
		Positive: []string{"ip", "address", "host", "client", "remote", "from", "src", "dst"},
		Negative: []string{"version", "ver", "release", "build", "firmware", "v"},
	},
	DateOfBirth: {
		Positive: []string{"dob", "d o b", "birth", "born", "birthday", "birthdate",
			// "geb. 12.03.1975", "né le 14/07/1979", "fecha de nacimiento",
			// "data di nascita", "nascido em", "geboortedatum"
			"geb", "geboren", "geburtsdatum", "geburtstag", "né", "née", "naissance", "nacimiento", "nacido",
			"nacida", "nascita", "nato il", "nata il", "nascido", "nascida", "nascimento", "geboortedatum",
			"fdn", "ddn", "生年月日", "出生日期", "생년월일", "ngày sinh",
			// Russian, Ukrainian, Polish, Turkish, Nordic, Czech, Hungarian,
			// Romanian, Greek, Arabic and Hindi birth words
			"рождения", "рождение", "родился", "родилась", "народження", "urodzenia", "urodzony", "urodzona",
			"doğum", "fødselsdato", "födelsedatum", "syntymäaika", "narození", "születési", "nașterii",
			"γέννησης", "الميلاد", "जन्म"},
		// dates that are something else: billing periods, service,
		// hearing, due, issue and expiry dates (only counted before)
		Negative: []string{"billing", "period", "service", "hearing", "due", "issued", "expires", "expiration", "expiry", "posted", "effective"},
	},
	PersonName: {
		Positive: []string{"name", "resident", "applicant", "customer", "tenant", "owner", "complainant", "caller", "requester", "signed", "contact", "from", "cc",
			"mother", "father", "son", "daughter", "wife", "husband", "spouse", "behalf", "payer", "subscriber", "filed", "mr", "mrs", "ms"},
	},
}
