#!/usr/bin/env python3
"""Generate the held-out redact corpus (heldout.jsonl) from a fixed seed.

Written without reading the detectors or the existing corpus, so that
heldout_test.go measures how the detectors generalise. Every document is
built from segments: plain text, or a value labelled with a redact Entity
name. Offsets are UTF-8 byte offsets into "text" (End exclusive) and are
checked after generation.

Labelling rules (see RESULTS.md):
  * person_name: every person's name (residents, staff, officers), with
    particles and hyphens, without honorifics; given name alone when written
    alone; lower-case names too. Job titles without names are not labelled.
  * postal_address: a street address from the house number (or "PO Box")
    through the unit, city, state and ZIP when present, as one span. A
    street without a house number, and a ZIP alone, are not labelled.
  * date_of_birth: only dates that are somebody's birth date.
  * phone, email, ssn, itin, payment_card, routing_number, bank_account,
    iban, driver_license, passport, ip_address, mac_address,
    url_credentials: the value itself (url_credentials: the whole URL).

Run: python3 gen.py > heldout.jsonl
"""
import json
import random
import sys

SEED = 20250603
rng = random.Random(SEED)

# ---------------------------------------------------------------- pools
GIVEN = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth
William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher
Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven
Kimberly Paul Emily Andrew Donna Joshua Michelle Kevin Carol Brian Amanda Jose
Melissa Luis Rosa Carmen Juan Ana Tyrone Keisha Jamal Latoya Priya Raj Mei Wei
Ahmed Fatima Siobhan Declan Thuy Minh Guadalupe Ximena Oluwaseun Bartholomew
Marisol Deshawn Yesenia Kenji Ingrid Rosalind Lakshmi Dmitri Svetlana Aaliyah
Xavier Esperanza Colm Niamh Tomasz Agnieszka Femi Chidi""".split()
SURNAME = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee
Perez Thompson White Harris Clark Lewis Robinson Walker Young Nguyen Patel Kim
Okafor Kowalski Fitzgerald Castellanos Abernathy Oyelaran Vasquez Tran Pham
Schwartz Lindqvist Haddad Mbeki Yamamoto Novak Brennan Delgado Whitfield Ocampo""".split()
SPECIAL_SURNAME = ["O'Brien", "O\u2019Malley", "Smith-Jones", "Garcia-Lopez",
                   "de la Cruz", "van der Berg", "McAllister", "D'Angelo",
                   "St. John", "Al-Sayed", "DeShields", "Ng", "Le",
                   "Nu\u00f1ez", "M\u00fcller", "Dos Santos"]

AREA = ["617", "312", "415", "206", "512", "303", "404", "718", "213", "971", "508", "773"]
STREETS = ["Elm", "Oak", "Maple", "Pine", "Cedar", "Washington", "Lincoln", "Park",
           "Lake", "Hill", "Chestnut", "Walnut", "Highland", "Prospect", "Franklin",
           "Jefferson", "Sycamore", "Willow", "Magnolia", "Spring", "Martin Luther King Jr"]
SUFFIX = ["Street", "St", "St.", "Avenue", "Ave", "Ave.", "Road", "Rd", "Boulevard",
          "Blvd", "Lane", "Ln", "Drive", "Dr", "Court", "Ct", "Place", "Terrace", "Way"]
UNITS = ["Apt 3", "Apt. 2B", "Unit 14", "#5", "Suite 210", "Apt 4R", "Unit B", "Fl 2"]
CITIES = [("Springfield", "IL", "62704"), ("Cambridge", "MA", "02139"),
          ("Austin", "TX", "78704"), ("Portland", "OR", "97214"),
          ("Denver", "CO", "80205"), ("Oakland", "CA", "94607"),
          ("Madison", "WI", "53703"), ("Durham", "NC", "27701"),
          ("Tucson", "AZ", "85719"), ("Albany", "NY", "12203")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
DEPTS = ["Public Works", "Parks and Recreation", "Water Department",
         "Inspectional Services", "Treasury", "Traffic and Parking",
         "Office of the City Clerk", "Licensing Board", "Police Department",
         "Housing Authority", "Department of Finance"]
TITLES = ["the Mayor", "the City Clerk", "the Commissioner of Public Works",
          "the Chief of Police", "the City Manager", "the Treasurer",
          "the Council President", "the Building Commissioner",
          "the Records Access Officer"]


def pick(xs):
    return rng.choice(xs)


def given():
    return pick(GIVEN)


def surname():
    return pick(SPECIAL_SURNAME) if rng.random() < 0.3 else pick(SURNAME)


def full_name():
    g = given()
    if rng.random() < 0.15:
        g = g + " " + pick("ABCDEFGHJKLMNPRSTW") + "."
    return g + " " + surname()


def last_of(name):
    """The surname of a full_name(), particles included ("de la Cruz")."""
    rest = name.split(" ", 1)[1]
    parts = rest.split(" ", 1)
    if len(parts) == 2 and len(parts[0]) == 2 and parts[0].endswith(".") and parts[0] != "St.":
        rest = parts[1]
    return rest


def phone(style=None):
    a = pick(AREA)
    line = "01%02d" % rng.randrange(0, 100)
    styles = ["({a}) 555-{l}", "{a}-555-{l}", "{a}.555.{l}", "{a}555{l}",
              "+1 {a} 555 {l}", "1-{a}-555-{l}", "{a} 555 {l}", "{a}\u2013555\u2013{l}",
              "+1 ({a}) 555-{l}", "+1-{a}-555-{l}"]
    s = style if style is not None else pick(styles)
    return s.format(a=a, l=line)


def intl_phone():
    return pick([
        "+44 20 7946 0%03d" % rng.randrange(0, 1000),     # Ofcom drama range
        "+44 (0)20 7946 0%03d" % rng.randrange(0, 1000),
        "+61 491 570 %s" % pick(["156", "157", "158", "159", "110"]),  # ACMA fiction
        "+353 20 91%d %04d" % (rng.randrange(0, 10), rng.randrange(0, 10000)),  # ComReg drama
        "+442079460%03d" % rng.randrange(0, 1000),
    ])


def email(name=None):
    dom = pick(["example.com", "example.org", "example.invalid", "mail.example.com",
                "example.net"])
    if name:
        base = name.lower().replace("'", "").replace("\u2019", "").replace(" ", ".")
        base = "".join(c for c in base if c.isascii() and (c.isalnum() or c in ".-"))
        while ".." in base:
            base = base.replace("..", ".")
        base = base.strip(".") or "resident"
    else:
        base = given().lower() + pick(["", ".", "_"]) + pick(SURNAME).lower()
    form = rng.random()
    if form < 0.15:
        base = base + "+311"
    elif form < 0.3:
        base = base + str(rng.randrange(1, 99))
    elif form < 0.38:
        base = base.upper()
    return base + "@" + dom


def ssn():
    while True:
        area = rng.randrange(1, 900)
        if area == 666:
            continue
        g = rng.randrange(1, 100)
        s = rng.randrange(1, 10000)
        v = "%03d-%02d-%04d" % (area, g, s)
        if v in ("078-05-1120", "219-09-9999", "123-45-6789"):
            continue
        return v


def ssn_formatted():
    v = ssn()
    r = rng.random()
    if r < 0.2:
        return v.replace("-", "")
    if r < 0.35:
        return v.replace("-", " ")
    return v


def itin():
    mids = list(range(50, 66)) + list(range(70, 89)) + [90, 91, 92] + list(range(94, 100))
    return "9%02d-%02d-%04d" % (rng.randrange(0, 100), pick(mids), rng.randrange(0, 10000))


CARDS = ["4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111",
         "5555 5555 5555 4444", "5555555555554444", "5555-5555-5555-4444",
         "3782 822463 10005", "378282246310005", "6011 1111 1111 1117",
         "6011111111111117", "6011-1111-1111-1117"]


def routing():
    while True:
        p = pick(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11",
                  "12", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30",
                  "31", "32"])
        d = [int(c) for c in p] + [rng.randrange(10) for _ in range(6)]
        s = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
        d9 = (-s) % 10
        return "".join(map(str, d)) + str(d9)


def bank_acct():
    return "".join(str(rng.randrange(10)) for _ in range(rng.choice([8, 10, 12])))


def iban_check(cc, bban):
    rearr = bban + cc + "00"
    num = "".join(str(int(c, 36)) for c in rearr)
    return "%02d" % (98 - int(num) % 97)


def iban():
    kind = rng.randrange(3)
    if kind == 0:
        cc, bban = "GB", "NWBK" + "".join(str(rng.randrange(10)) for _ in range(14))
    elif kind == 1:
        cc, bban = "DE", "".join(str(rng.randrange(10)) for _ in range(18))
    else:
        cc, bban = "NL", "ABNA" + "".join(str(rng.randrange(10)) for _ in range(10))
    v = cc + iban_check(cc, bban) + bban
    if rng.random() < 0.6:
        v = " ".join(v[i:i + 4] for i in range(0, len(v), 4))
    return v


def ipv4():
    return pick(["192.0.2.", "198.51.100.", "203.0.113."]) + str(rng.randrange(1, 255))


def ipv6():
    return pick(["2001:db8::%x" % rng.randrange(1, 65535),
                 "2001:db8:85a3::8a2e:370:%x" % rng.randrange(1, 65535),
                 "2001:0db8:0000:0042:0000:8a2e:0370:%04x" % rng.randrange(1, 65535)])


def mac():
    last = rng.randrange(256)
    return pick(["00:00:5E:00:53:%02X", "00-00-5E-00-53-%02X", "00:00:5e:00:53:%02x"]) % last


def dl():
    return pick(["S%08d" % rng.randrange(10**8), "D%07d" % rng.randrange(10**7),
                 "%03d %03d %03d" % (rng.randrange(1000), rng.randrange(1000), rng.randrange(1000)),
                 "W%03d-%04d-%04d" % (rng.randrange(1000), rng.randrange(10000), rng.randrange(10000)),
                 "K%02d-%02d-%04d" % (rng.randrange(100), rng.randrange(100), rng.randrange(10000))])


def passport():
    return pick(["%09d" % rng.randrange(10**8, 10**9), "X%08d" % rng.randrange(10**8),
                 "C0%07d" % rng.randrange(10**7)])


def dob_date():
    y = rng.randrange(1938, 2006)
    m = rng.randrange(1, 13)
    d = rng.randrange(1, 29)
    return y, m, d


def ordinal(d):
    if 10 <= d % 100 <= 20:
        return "%dth" % d
    return "%d%s" % (d, {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th"))


def dob_text():
    y, m, d = dob_date()
    return pick(["%02d/%02d/%04d" % (m, d, y), "%d/%d/%04d" % (m, d, y),
                 "%04d-%02d-%02d" % (y, m, d), "%s %d, %d" % (MONTHS[m - 1], d, y),
                 "%d %s %d" % (d, MONTHS[m - 1], y), "%s %s %d" % (MONTHS[m - 1], ordinal(d), y),
                 "%d-%d-%02d" % (m, d, y % 100), "%s. %d, %d" % (MONTHS[m - 1][:3], d, y),
                 "%02d.%02d.%04d" % (m, d, y)])


def other_date():
    y = rng.randrange(2022, 2026)
    m = rng.randrange(1, 13)
    d = rng.randrange(1, 29)
    return pick(["%02d/%02d/%04d" % (m, d, y), "%04d-%02d-%02d" % (y, m, d),
                 "%s %d, %d" % (MONTHS[m - 1], d, y), "%d/%d/%02d" % (m, d, y % 100)])


def street():
    num = str(rng.randrange(1, 3000))
    if rng.random() < 0.08:
        num = num + pick(["A", "B"])
    return num + " " + pick(STREETS) + " " + pick(SUFFIX)


def address(full=True, unit=None, sep=", "):
    s = street()
    if unit is None:
        unit = rng.random() < 0.35
    if unit:
        s += pick([", ", " "]) + pick(UNITS)
    if full:
        c, st, z = pick(CITIES)
        if rng.random() < 0.2:
            z = z + "-%04d" % rng.randrange(10000)
        s += sep + c + ", " + st + " " + z
    return s


def pobox():
    c, st, z = pick(CITIES)
    return pick(["PO Box ", "P.O. Box ", "P. O. Box ", "Post Office Box "]) + str(rng.randrange(1, 9999)) + ", " + c + ", " + st + " " + z


def case_no():
    return pick(["Case #%d-%06d" % (rng.randrange(2022, 2026), rng.randrange(10**6)),
                 "SR-%d-%05d" % (rng.randrange(2022, 2026), rng.randrange(10**5)),
                 "Ticket %d" % rng.randrange(10**6, 10**7),
                 "INV-%d-%05d" % (rng.randrange(2022, 2026), rng.randrange(10**5)),
                 "Order #%d" % rng.randrange(10**7, 10**9),
                 "Permit BLD-%02d-%05d" % (rng.randrange(22, 26), rng.randrange(10**5)),
                 "Incident %02d-%06d" % (rng.randrange(22, 26), rng.randrange(10**6)),
                 "PRR %d-%04d" % (rng.randrange(2022, 2026), rng.randrange(10**4))])


def money():
    return pick(["$%d.%02d" % (rng.randrange(10, 999), rng.randrange(100)),
                 "$%d,%03d.%02d" % (rng.randrange(1, 40), rng.randrange(1000), rng.randrange(100)),
                 "USD %d.00" % rng.randrange(10, 5000)])


def timestamp():
    return pick(["%04d-%02d-%02dT%02d:%02d:%02dZ" % (rng.randrange(2023, 2026), rng.randrange(1, 13),
                 rng.randrange(1, 29), rng.randrange(24), rng.randrange(60), rng.randrange(60)),
                 "%02d:%02d:%02d" % (rng.randrange(24), rng.randrange(60), rng.randrange(60)),
                 "%d:%02d %s" % (rng.randrange(1, 13), rng.randrange(60), pick(["AM", "PM", "p.m."]))])


def version():
    return pick(["v%d.%d.%d" % (rng.randrange(1, 12), rng.randrange(30), rng.randrange(30)),
                 "%d.%d.%d.%d" % (rng.randrange(1, 12), rng.randrange(10), rng.randrange(10), rng.randrange(1000)),
                 "build %d.%d.%d" % (rng.randrange(1, 5), rng.randrange(30), rng.randrange(3000))])


# ---------------------------------------------------------------- doc builder
class Doc:
    def __init__(self, did):
        self.id = did
        self.parts = []  # (text, entity or None)

    def t(self, s):
        self.parts.append((s, None))
        return self

    def e(self, s, ent):
        self.parts.append((s, ent))
        return self

    def build(self):
        out = b""
        spans = []
        for s, ent in self.parts:
            b = s.encode("utf-8")
            if ent:
                spans.append({"start": len(out), "end": len(out) + len(b), "entity": ent, "_v": s})
            out += b
        return out, spans


def N(d, name):
    return d.e(name, "person_name")


def typo(s):
    if len(s) < 6 or rng.random() < 0.5:
        return s
    i = rng.randrange(1, len(s) - 2)
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


# ---------------------------------------------------------------- styles
def s311(d):
    nm = full_name()
    low = rng.random() < 0.6
    disp = nm.lower() if low else nm
    d.t(pick(["", "311 ", "SR note: "]) + typo(pick(["caller ", "cust ", "resident "])))
    N(d, disp)
    d.t(pick([" says ", " reports ", " called re "]))
    d.t(typo(pick(["pothole", "missed trash pickup", "streetlight out", "illegal dumping",
                   "broken water meter", "dead tree limb on wires", "noise complaint"])))
    d.t(pick([" in front of ", " at ", " near "]))
    a = address(full=False, unit=False)
    d.e(a.lower() if low else a, "postal_address")
    d.t(pick([". ", " - ", ", "]) + typo("cb #") if rng.random() < 0.5 else ". callback ")
    d.e(phone(), "phone")
    d.t(pick([" pls call after 5", " / no email", " ", ". "]))
    if rng.random() < 0.5:
        d.t(" email ")
        d.e(email(nm), "email")
    d.t(pick([" ref ", " (", " "]) + case_no() + pick([" ", ")", ""]))
    if rng.random() < 0.4:
        d.t(" also saw same issue on " + pick(STREETS) + " " + pick(["St", "Ave", "street"]) + " last " + pick(MONTHS))
    d.t(pick(["\n", " -- crew assigned", "  dup of " + case_no(), ""]))


def s311_neg(d):
    d.t(typo(pick(["pothole", "graffiti", "missed recycling", "sidewalk heave"])) + " on "
        + pick(STREETS) + " " + pick(SUFFIX) + " btwn " + pick(STREETS) + " and " + pick(STREETS)
        + ". " + case_no() + " opened " + timestamp() + ". crew from " + pick(DEPTS)
        + " est. cost " + money() + ". zip " + pick(CITIES)[2] + ". ")
    d.t("no callback requested. " + pick(["closed", "dup", "transferred to " + pick(DEPTS)]) + "\n")


def sig_block(d, nm, addr=True):
    d.t("\n\n" + pick(["Thanks,", "Best,", "Regards,", "Sincerely,", "--", "\u2014"]) + "\n")
    N(d, nm)
    d.t("\n")
    if addr and rng.random() < 0.6:
        d.e(address(full=False), "postal_address")
        c, st, z = pick(CITIES)
        # city line belongs to the same address; keep it in one span by rebuilding
        d.parts[-1] = (d.parts[-1][0] + "\n" + c + ", " + st + " " + z, "postal_address")
        d.t("\n")
    d.t(pick(["Cell: ", "c. ", "Mobile ", "Tel ", ""]))
    d.e(phone(), "phone")
    d.t("\n")


def s_email(d):
    nm = full_name()
    other = full_name()
    d.t("From: ")
    N(d, nm)
    d.t(" <")
    d.e(email(nm), "email")
    d.t(">\nTo: ")
    d.e(pick(["311@city.example.gov", "clerk@city.example.gov"]), "email")
    d.t("\nSubject: "
        + pick(["Re: ", "RE: ", "Fwd: ", ""]) + pick(["Water bill ", "Tree removal request ",
                                                     "Parking ticket appeal ", "Noise at night "])
        + case_no() + "\nDate: " + timestamp() + "\n\n")
    d.t(pick(["Hi,", "Hello,", "Good morning,", "To whom it may concern,", "Dear "]))
    if d.parts[-1][0] == "Dear ":
        d.t(pick(["Mr. ", "Ms. ", "Mx. ", ""]))
        N(d, last_of(other) if rng.random() < 0.5 else other)
        d.t(",")
    d.t("\n\nI live at ")
    d.e(address(), "postal_address")
    d.t(" and " + pick(["my neighbor ", "the owner next door, ", "my landlord "]))
    N(d, full_name())
    d.t(pick([", ", " "]) + "keeps " + pick(["parking on the sidewalk on ", "blocking the alley behind ",
                                             "leaving trash out on "])
        + pick(STREETS) + " " + pick(["Street", "Avenue", "Road"]) + ". " + pick(DEPTS)
        + " told me on " + other_date() + " that " + pick(TITLES) + " would follow up.")
    if rng.random() < 0.5:
        d.t(" You can also reach my " + pick(["husband ", "wife ", "daughter ", "son "]))
        g = given()
        N(d, g)
        d.t(" at ")
        d.e(phone(), "phone")
        d.t(".")
    sig_block(d, nm)
    if rng.random() < 0.7:
        d.t("\n> On " + other_date() + ", at " + timestamp() + ", ")
        N(d, other)
        d.t(" <")
        d.e(email(other), "email")
        d.t("> wrote:\n> Thank you for contacting " + pick(DEPTS) + ". Your request " + case_no()
            + " has been received.\n> ")
        N(d, other.split(" ")[0])
        d.t("\n> " + pick(DEPTS) + " | " + pick(["(617) 555-0100", "main line 311"]) + "\n")
        # the department line phone is a phone too
        if "(617) 555-0100" in d.parts[-1][0]:
            txt = d.parts[-1][0]
            i = txt.index("(617) 555-0100")
            d.parts[-1] = (txt[:i], None)
            d.e("(617) 555-0100", "phone")
            d.t(txt[i + len("(617) 555-0100"):])


def s_council(d):
    d.t("CITY COUNCIL \u2013 REGULAR MEETING \u2013 PUBLIC COMMENT\n" + pick(MONTHS) + " "
        + str(rng.randrange(1, 29)) + ", " + str(rng.randrange(2023, 2026)) + ", " + timestamp() + "\n\n")
    d.t("THE CHAIR: The Chair recognizes the next speaker. Please state your name and address for the record.\n\n")
    for _ in range(rng.randrange(2, 4)):
        nm = full_name()
        sn = last_of(nm)
        style = rng.randrange(3)
        if style == 0:
            d.t(pick(["MR. ", "MS. "]))
            N(d, sn.upper())
            d.t(": ")
        elif style == 1:
            d.t("SPEAKER " + str(rng.randrange(1, 20)) + " (")
            N(d, nm)
            d.t(pick([", ", " \u2013 "]))
            d.e(address(full=False), "postal_address")
            d.t("): ")
        else:
            N(d, nm)
            d.t(pick([", ", " of "]))
            d.e(address(full=False, unit=False), "postal_address")
            d.t(": ")
        d.t(pick(["I\u2019m here about the proposed rezoning of " + pick(STREETS) + " Square.",
                  "I want to thank " + pick(TITLES) + " and the " + pick(DEPTS) + " for fixing the lights on Main Street.",
                  "The budget line for " + pick(DEPTS) + " went up by " + money() + " since " + pick(MONTHS) + ".",
                  "My son\u2019s school, Lincoln Elementary, has no crossing guard on Washington Street."]))
        d.t(" " + pick(["Councilor ", "Vice Mayor ", "Council Member "]))
        N(d, pick(SURNAME))
        d.t(pick([" asked about this in May.", " promised a hearing.", " knows the details."]) + "\n\n")
    d.t("THE CHAIR: Thank you. Time has expired. The Clerk will note " + case_no() + ".\n")


def s_utility(d):
    nm = full_name()
    d.t(pick(["", "\u00a0"]) + other_date() + "\n\n")
    N(d, nm)
    d.t("\n")
    d.e(pobox() if rng.random() < 0.3 else address(sep="\n"), "postal_address")
    d.t("\n\nRe: Utility account " + "%05d-%05d" % (rng.randrange(10**5), rng.randrange(10**5))
        + ", " + case_no() + "\n\nDear " + pick(["Sir or Madam", "Billing Office", "Treasurer"]) + ",\n\n")
    d.t("I am disputing the charge of " + money() + " on my " + pick(MONTHS) + " statement (meter "
        + str(rng.randrange(10**7, 10**8)) + "). I paid " + money() + " on " + other_date() + " with my card ")
    d.e(pick(CARDS), "payment_card")
    d.t(pick([" (exp 12/27)", "", " exp. 08/26"]) + " and the payment confirmation was "
        + str(rng.randrange(10**9, 10**10)) + ". ")
    if rng.random() < 0.6:
        d.t(pick(["Please refund to my checking account, routing number ", "Direct debit: ABA "]))
        d.e(routing(), "routing_number")
        d.t(pick([", account number ", " acct # ", ", account no. "]))
        d.e(bank_acct(), "bank_account")
        d.t(". ")
    d.t("My last four on file are " + "%04d" % rng.randrange(10000) + ". Reach me at ")
    d.e(phone(), "phone")
    d.t(" or ")
    d.e(email(nm), "email")
    d.t(".\n\nSincerely,\n\n")
    N(d, nm)
    d.t("\n")


def s_permit(d):
    nm = full_name()
    d.t("APPLICATION FOR BUILDING PERMIT\nPermit No.: BLD-" + str(rng.randrange(2022, 2026)) + "-"
        + "%05d" % rng.randrange(10**5) + "\nParcel ID: " + "%04d-%04d-%03d" % (rng.randrange(10**4), rng.randrange(10**4), rng.randrange(1000))
        + "\nProperty address: ")
    d.e(address(), "postal_address")
    d.t("\nOwner/Applicant: ")
    N(d, nm)
    d.t("\nMailing address: ")
    d.e(pobox() if rng.random() < 0.5 else address(), "postal_address")
    d.t("\nDaytime phone: ")
    d.e(phone(), "phone")
    d.t("\nE-mail: ")
    d.e(email(nm), "email")
    d.t("\nContractor: " + pick(["Acme Roofing LLC", "Granite State Builders", "Main Street Construction Co."])
        + ", license CS-" + str(rng.randrange(10**5, 10**6)) + ", contact ")
    N(d, full_name())
    d.t("\nScope: " + pick(["replace rear deck", "new dormer", "kitchen renovation", "solar panels 7.2 kW"])
        + "\nEstimated cost: " + money() + "\nZoning district: " + pick(["B-1", "C-2", "R-3"])
        + "   Ward " + str(rng.randrange(1, 12)) + "\nReviewed by: " + pick(TITLES) + " on " + other_date() + "\n")


def s_csv(d):
    d.t("pasted from export (" + timestamp() + "):\n")
    d.t(pick(["id,first,last,email,phone,street,city,state,zip,amount,paid_on\n",
              "id;first;last;email;phone;street;city;state;zip;amount;paid_on\n"]))
    sep = "," if "," in d.parts[-1][0][:3] else ";"
    for _ in range(rng.randrange(2, 5)):
        g, s = given(), surname()
        d.t(str(rng.randrange(1000, 99999)) + sep)
        N(d, g)
        d.t(sep)
        N(d, s)
        d.t(sep)
        d.e(email(g + " " + s), "email")
        d.t(sep)
        d.e(phone(), "phone")
        d.t(sep)
        c, st, z = pick(CITIES)
        d.e(street() + sep + c + sep + st + sep + z, "postal_address")
        d.t(sep + money().replace(",", "") + sep + other_date() + "\n")


def s_chat(d):
    a, b = given(), given()
    lines = rng.randrange(3, 6)
    for i in range(lines):
        who = a if i % 2 == 0 else b
        d.t("[" + timestamp() + "] ")
        N(d, who.lower() if rng.random() < 0.5 else who)
        d.t(": ")
        k = rng.randrange(6)
        if k == 0:
            d.t("can u call ")
            N(d, given().lower() + " " + pick(SURNAME).lower())
            d.t(" back at ")
            d.e(phone(), "phone")
        elif k == 1:
            d.t("her email is ")
            d.e(email(), "email")
            d.t(" btw")
        elif k == 2:
            d.t("ok closing " + case_no() + " lol")
        elif k == 3:
            d.t("he lives at ")
            d.e(address(full=False).lower(), "postal_address")
            d.t(" i think")
        elif k == 4:
            d.t("meeting moved to " + timestamp() + " in room 3.14, bring v2 of the deck")
        else:
            d.t("ssn on the form is ")
            d.e(ssn_formatted(), "ssn")
            d.t(" but dob looks wrong: ")
            d.e(dob_text(), "date_of_birth")
        d.t("\n")


def s_records(d):
    nm = full_name()
    off = full_name()
    d.t("PUBLIC RECORDS REQUEST " + case_no() + "\nRequester: ")
    N(d, nm)
    d.t(" (")
    d.e(email(nm), "email")
    d.t(")\nReceived: " + other_date() + "\n\nRequest: All incident reports for ")
    d.e(address(full=False, unit=False), "postal_address")
    d.t(" between " + other_date() + " and " + other_date() + ", including body camera footage.\n\n")
    d.t("Responsive record excerpt:\n  Reporting officer: " + pick(["Ofc. ", "Sgt. ", "Det. ", "Officer "]))
    N(d, off)
    d.t(" (badge " + str(rng.randrange(100, 9999)) + ")\n  Subject: ")
    sub = full_name()
    N(d, sub)
    d.t(", DOB ")
    d.e(dob_text(), "date_of_birth")
    d.t(", " + pick(["MA", "CA", "NY", "TX"]) + " driver\u2019s license ")
    d.e(dl(), "driver_license")
    d.t("\n  Subject address: ")
    d.e(address(), "postal_address")
    d.t("\n  Phone: ")
    d.e(phone(), "phone")
    d.t("\n  Narrative: On " + other_date() + " at approx. " + timestamp() + " ")
    N(d, last_of(sub))
    d.t(" stated that the vehicle (plate " + pick(["7ABC123", "4XYZ88", "ZZ1234"]) + ") belonged to "
        + pick(["his brother ", "a friend, ", "her cousin "]))
    N(d, full_name())
    d.t(".\n\nThe " + pick(["Records Access Officer", "Police Department"]) + " will respond within 10 business days. Fee estimate: "
        + money() + ".\n")


def s_tabs(d):
    nm_g, nm_s = given(), surname()
    d.t("FIELD\tVALUE\nName:\t\t")
    N(d, nm_g + "  " + nm_s)
    d.t("\nDate  of  Birth:\t")
    d.e(dob_text(), "date_of_birth")
    d.t("\nSSN:\t")
    d.e(ssn_formatted(), "ssn")
    d.t("\nHome\u00a0address:\t")
    d.e(address().replace(", ", ",   ", 1), "postal_address")
    d.t("\nPhone:\t   ")
    d.e(phone(), "phone")
    d.t("\nEmail :\t")
    d.e(email(nm_g + " " + nm_s), "email")
    d.t("\nCase:\t" + case_no() + "\nAmount:\t" + money() + "\n")


def s_intl(d):
    nm = full_name()
    d.t(pick(["Hello from abroad \u2014 ", "Dear Sir/Madam,\n\n"]) + "I am ")
    N(d, nm)
    d.t(", owner of the unit at ")
    d.e(address(), "postal_address")
    d.t(", currently living overseas. Please call me on ")
    d.e(intl_phone(), "phone")
    d.t(pick([" (WhatsApp)", "", " after 18:00 GMT"]) + ". For the refund of " + money()
        + " my IBAN is ")
    d.e(iban(), "iban")
    d.t(". My passport number is ")
    d.e(passport(), "passport")
    d.t(" if you need to verify identity; date of birth ")
    d.e(dob_text(), "date_of_birth")
    d.t(".\n\nKind regards,\n")
    N(d, nm)
    d.t("\n")
    d.e(email(nm), "email")
    d.t("\n")


def s_hr(d):
    nm = full_name()
    d.t(pick(["Seasonal hire intake \u2014 Parks and Recreation\n", "W-9 / vendor onboarding\n"]))
    d.t("Name: ")
    N(d, nm)
    d.t("\n")
    if rng.random() < 0.5:
        d.t("Social Security No.: ")
        d.e(ssn_formatted(), "ssn")
    else:
        d.t("ITIN: ")
        d.e(itin(), "itin")
    d.t("\n" + pick(["DOB: ", "Date of birth: ", "Birthdate - ", "D.O.B. "]))
    d.e(dob_text(), "date_of_birth")
    d.t("\nDriver\u2019s License #: ")
    d.e(dl(), "driver_license")
    d.t(" (" + pick(["MA", "IL", "TX"]) + ")\nDirect deposit \u2014 routing ")
    d.e(routing(), "routing_number")
    d.t(", account ")
    d.e(bank_acct(), "bank_account")
    d.t("\nStart date: " + other_date() + "   Pay grade: " + pick(["S-3", "M-12", "Step 4"])
        + "   Rate: " + money() + "/hr\nEmergency contact: ")
    N(d, full_name())
    d.t(", ")
    d.e(phone(), "phone")
    d.t("\nApproved by " + pick(TITLES) + ".\n")


def s_it(d):
    d.t(pick(["Helpdesk ticket ", "SOC alert ", "Portal error report "]) + case_no() + "\n")
    d.t("When: " + timestamp() + "\nClient: " + pick(["CityPortal", "ParkingApp", "UtilityPay"]) + " " + version()
        + "\nSource IP: ")
    d.e(ipv4() if rng.random() < 0.7 else ipv6(), "ip_address")
    d.t("\nDevice MAC: ")
    d.e(mac(), "mac_address")
    d.t("\nUser: ")
    nm = full_name()
    N(d, nm)
    d.t(" <")
    d.e(email(nm), "email")
    d.t(">\nDetails: user pasted a link with a password in it: ")
    u = pick(["https://{u}:{p}@files.example.com/share/{n}", "ftp://{u}:{p}@ftp.example.org/upload",
              "https://{u}:{p}@portal.example.net/login"])
    d.e(u.format(u=given().lower(), p=pick(["Winter2024!", "hunter2", "s3cr3t", "P%40ssw0rd"]),
                 n=rng.randrange(1000)), "url_credentials")
    d.t("\nAlso see https://city.example.gov/status?ticket=" + str(rng.randrange(10**5))
        + " and firmware " + version() + ". Upstream gateway " + pick(["10.0.0.1", "192.168.1.1"])
        + " is ours.")
    # internal gateway IPs are IP addresses too
    txt = d.parts[-1][0]
    for gw in ("10.0.0.1", "192.168.1.1"):
        if gw in txt:
            i = txt.index(gw)
            d.parts[-1] = (txt[:i], None)
            d.e(gw, "ip_address")
            d.t(txt[i + len(gw):])
            break
    d.t("\nError code 0x" + "%08X" % rng.randrange(2**32) + ", took 1250 ms.\n")


def s_negative(d):
    """Documents with no personal data at all: every trap, nothing to find."""
    k = rng.randrange(6)
    if k == 0:
        d.t("Order #" + str(rng.randrange(10**7, 10**9)) + " shipped " + timestamp() + ". Invoice INV-"
            + str(rng.randrange(2022, 2026)) + "-" + "%05d" % rng.randrange(10**5) + " total " + money()
            + " (tax " + money() + "). Tracking 1Z 999 AA1 01 2345 6784. PO 4500012345.\n")
    elif k == 1:
        d.t("The " + pick(DEPTS) + " will hold a hearing on " + pick(MONTHS) + " " + str(rng.randrange(1, 29))
            + " at Jordan Hall, corner of Main Street and " + pick(STREETS) + " Avenue. "
            + pick(TITLES).capitalize() + " and the Director of Parks will present the FY2025 budget of "
            + money() + ". Grace Church on Hope Street hosts overflow seating. Memorial Day parade route "
            + "follows Washington Street.\n")
    elif k == 2:
        d.t("Release notes " + version() + " (" + timestamp() + "): fixed crash in section 4.2.1; "
            + "bumped dependency to " + version() + "; timeout now 30:00; see RFC 5737 for test ranges. "
            + "Build " + str(rng.randrange(10**8, 10**9)) + ", checksum " + "%08x" % rng.randrange(2**32) + ".\n")
    elif k == 3:
        d.t("Ward " + str(rng.randrange(1, 12)) + " results: 1,204 votes (48.2%) to 1,187. Precinct 3-B reported at "
            + timestamp() + ". Turnout in ZIP " + pick(CITIES)[2] + " and " + pick(CITIES)[2]
            + "-0001 was 37%. Call 311 or 911 in an emergency; TTY 711.\n")
    elif k == 4:
        d.t("Parcel " + "%03d-%03d-%04d" % (rng.randrange(100, 199), rng.randrange(100), rng.randrange(10000))
            + " assessed at " + money() + " for FY" + str(rng.randrange(2023, 2027)) + "; abatement "
            + case_no() + " filed " + other_date() + ". Meter " + "%04d-%03d-%03d" % (rng.randrange(10000), rng.randrange(1000), rng.randrange(1000))
            + " read 004512 kWh. Account 40023-" + "%05d" % rng.randrange(10**5) + ".\n")
    else:
        d.t("Sunday, " + pick(MONTHS) + " " + str(rng.randrange(1, 29)) + ": Lincoln Park closed 6:00\u20139:00 a.m. for the "
            + "Boston Marathon Jr. 5K. Vendors: Lake Street Bakery, Hill & Dale Florists, Franklin Tool Rental. "
            + "Questions to the Office of Special Events, Room 203, City Hall. Form 1099-MISC due January 31. "
            + "Routing slip #" + str(rng.randrange(100000000, 999999999)) + " attached.\n")


def s_traps_mixed(d):
    """Mostly traps with one or two real values inside."""
    nm = full_name()
    d.t("Payment record " + case_no() + " \u2014 posted " + timestamp() + "\nPayer: ")
    N(d, nm)
    d.t("\nAmount: " + money() + "  Card: Visa ending in 1111  Auth code 0" + str(rng.randrange(10**5, 10**6))
        + "\nConfirmation number " + str(rng.randrange(2000000000, 9999999999)) + "\nService address ZIP "
        + pick(CITIES)[2] + "; billing period " + other_date() + " \u2013 " + other_date()
        + "\nNotes: customer born ")
    d.e(dob_text(), "date_of_birth")
    d.t(pick([" asked for senior discount", " (verified)", "; discount applied"]) + "; phone on file ")
    d.e(phone(), "phone")
    d.t("; SSN claim " + pick(["666-", "000-", "987-"]) + "%02d-%04d" % (rng.randrange(1, 100), rng.randrange(1, 10000))
        + " rejected as invalid.\n")


STYLES = [(s311, 16), (s311_neg, 6), (s_email, 16), (s_council, 10), (s_utility, 12),
          (s_permit, 10), (s_csv, 8), (s_chat, 10), (s_records, 12), (s_tabs, 6),
          (s_intl, 8), (s_hr, 10), (s_it, 10), (s_negative, 12), (s_traps_mixed, 6)]


def main():
    docs = []
    n = 0
    for fn, count in STYLES:
        for _ in range(count):
            n += 1
            d = Doc("%s-%03d" % (fn.__name__[2:] if fn.__name__.startswith("s_") else fn.__name__[1:], n))
            fn(d)
            text_b, spans = d.build()
            text = text_b.decode("utf-8")
            # verify: offsets map back to the labelled value, spans do not overlap,
            # and the byte offsets fall on UTF-8 character boundaries.
            last = 0
            for sp in spans:
                assert text_b[sp["start"]:sp["end"]].decode("utf-8") == sp["_v"], (d.id, sp)
                assert sp["start"] >= last, (d.id, sp)
                assert sp["end"] > sp["start"], (d.id, sp)
                last = sp["end"]
                del sp["_v"]
            docs.append({"id": d.id, "style": fn.__name__, "text": text, "spans": spans})
    for doc in docs:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
