#!/usr/bin/env python3
"""Generates the detector test vectors in this directory (fixed seed).

Positive cases are [text, expected span]; negative cases are [text, reason]
and must produce no finding of the file's entity. Run from this directory:
python3 gen.py. Values are synthetic: SSNs are random numbers that follow
the SSA rules, phone numbers use the fictional 555-01xx block, cards are
the networks' published test numbers, IPs are documentation ranges.
"""
import json, random

rng = random.Random(20240601)

def ssn():
    while True:
        a, g, s = rng.randint(1, 899), rng.randint(1, 99), rng.randint(1, 9999)
        if a != 666:
            return f"{a:03d}-{g:02d}-{s:04d}"

def itin():
    g = rng.choice(list(range(50, 66)) + list(range(70, 89)) + [90, 91, 92] + list(range(94, 100)))
    return f"9{rng.randint(0,99):02d}-{g:02d}-{rng.randint(1,9999):04d}"

def aba():
    while True:
        p = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72])
        d = [int(c) for c in f"{p:02d}"] + [rng.randint(0, 9) for _ in range(6)]
        for last in range(10):
            v = d + [last]
            if (3*(v[0]+v[3]+v[6]) + 7*(v[1]+v[4]+v[7]) + v[2]+v[5]+v[8]) % 10 == 0:
                return "".join(map(str, v))

def iban(cc, length):
    while True:
        bban = "".join(rng.choice("0123456789") for _ in range(length - 4))
        num = "".join(str(int(c, 36)) for c in bban + cc + "00")
        chk = 98 - int(num) % 97
        return f"{cc}{chk:02d}{bban}"

def group4(s):
    return " ".join(s[i:i+4] for i in range(0, len(s), 4))

def phone():
    area = rng.choice(["617", "212", "415", "312", "206", "303", "512", "702", "808", "919"])
    return area, f"01{rng.randint(0,99):02d}"

def write(name, pos, neg):
    assert len(pos) >= 30 and len(neg) >= 30, (name, len(pos), len(neg))
    with open(name + ".json", "w") as f:
        json.dump({"entity": name, "positive": pos, "negative": neg}, f, indent=1)
        f.write("\n")

def wrap(templates, values):
    out = []
    for i, v in enumerate(values):
        t = templates[i % len(templates)]
        out.append([t.format(v), v])
    return out

# ---- ssn
vals = []
for i in range(36):
    v = ssn()
    if i % 4 == 1: v = v.replace("-", " ")
    vals.append(v)
vals += [ssn().replace("-", "") for _ in range(6)]
pos = wrap(["SSN: {}", "Social Security number {} on file.", "ssn={}", "Applicant SSN {}, verified.", "SS# {}", "Your social security number ({}) was received.", "taxpayer {} "], vals)
neg = [
 ["ZIP 02139-4307 for the office", "ZIP+4 is 5-4, not 3-2-4"],
 ["Order 123-45-6789 shipped", "the advertising/placeholder number 123-45-6789 is excluded"],
 ["card 078-05-1120", "the Woolworth wallet number is voided"],
 ["SSN 219-09-9999", "SSA specimen number"],
 ["SSN 457-55-5462", "LifeLock advertising number"],
 ["id 000-12-3456", "area 000 never issued"],
 ["id 666-12-3456", "area 666 never issued"],
 ["id 123-00-4567", "group 00 never issued"],
 ["id 123-45-0000", "serial 0000 never issued"],
 ["call 555-010-0199", "phone layout 3-3-4"],
 ["date 2023-10-15", "ISO date"],
 ["at 12:30:45 today", "timestamp"],
 ["version 1.23.4567", "version string"],
 ["invoice INV-123-45-6789", "part of an identifier"],
 ["ref 123-45-67890", "serial too long"],
 ["ref 1234-56-7890", "area too long"],
 ["code 12-345-6789", "wrong grouping"],
 ["tracking 123456789 order", "bare nine digits need SSN context"],
 ["account 987654321", "bare nine digits without SSN context"],
 ["phone 617.555.0142", "dotted phone"],
 ["page 123 of 456", "page numbers"],
 ["totals 123 45 6789 were", "spaced digits without context are low confidence"],
 ["x123-45-6789", "preceded by a letter"],
 ["123-45-6789x", "followed by a letter"],
 ["see 123-45-6789-12", "longer number"],
 ["ITIN 912-70-1234", "9xx is an ITIN, not an SSN"],
 ["ref 900-12-3456", "9xx with non-ITIN group is neither"],
 ["1/2/2024", "date"],
 ["$123,456.78 was paid", "amount"],
 ["Call us at 1-800-555-0199", "toll-free number"],
 ["room 12-34", "short numbers"],
 ["The year 2024 had 365 days and 12 months", "prose numbers"],
]
write("ssn", pos, neg)

# ---- itin
vals = [itin() for _ in range(30)]
vals += [itin().replace("-", "") for _ in range(4)]
pos = wrap(["ITIN {}", "Taxpayer ID {} was issued.", "itin: {}", "IRS ITIN ({}) for the filer"], vals)
neg = [[f"ref 9{rng.randint(0,99):02d}-{g:02d}-{rng.randint(1,9999):04d}", "middle digits outside the ITIN ranges"] for g in [0, 1, 10, 20, 30, 40, 49, 66, 67, 68, 69, 89, 93]]
neg += [
 ["ITIN 912-70-0000", "serial 0000"],
 ["ZIP 90210-1234", "ZIP+4"],
 ["phone 912-555-0142", "phone"],
 ["date 1990-12-31", "date"],
 ["SSN 123-45-6788", "an SSN is not an ITIN"],
 ["build 9.70.1234", "dotted"],
 ["x970-70-1234", "preceded by a letter"],
 ["970-70-1234y", "followed by a letter"],
 ["970-70-12345", "serial too long"],
 ["97-070-1234", "wrong grouping"],
 ["order 970701234 shipped", "bare digits without context"],
 ["between 900 and 999 units", "prose numbers"],
 ["970-70-1234-5", "longer number"],
 ["ITIN 970/70/1234", "slash separated"],
 ["itin 970.70.1234", "dot separated"],
 ["ITIN 97-07-01234", "wrong grouping"],
 ["the 9th of 70 items, 1234 total", "prose"],
]
write("itin", pos, neg)

# ---- payment_card
cards = ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "3530111333300000",
         "30569309025904", "4012888888881881", "5105105105105100", "371449635398431", "6011000990139424",
         "3566002020360505", "38520000023237", "4222222222222", "2223003122003222", "6200000000000005",
         "5200828282828210", "4000056655665556", "6011000000000004", "3056930009020004", "4242424242424242"]
vals = []
for i, c in enumerate(cards):
    vals.append(c)
    if len(c) == 16: vals.append(group4(c))
    if len(c) == 16 and i % 2: vals.append(group4(c).replace(" ", "-"))
    if len(c) == 15: vals.append(f"{c[:4]} {c[4:10]} {c[10:]}")
pos = wrap(["Card {}", "Paid with Visa {} today", "cc={}", "card number: {}.", "Charged to {} on 3/1.", "PAN {}"], vals)
neg = [
 ["Order 4111111111111112", "fails Luhn"],
 ["card 4111 1111 1111 1112", "fails Luhn, grouped"],
 ["ref 1234567812345678", "fails Luhn"],
 ["tracking 1Z999AA10123456784", "UPS tracking number"],
 ["id 0000000000000000", "no issuer"],
 ["id 9999999999999995", "no issuer with valid Luhn"],
 ["ISBN 9780306406157", "ISBN-13 (13 digits starting 978)"],
 ["phone 6175550142 and 6175550143", "two phone numbers"],
 ["order 12345678901234567890123", "too long"],
 ["serial 4111-1111-1111", "too short"],
 ["4111 1111 1111 1111 1111 1111", "too many groups"],
 ["x4111111111111111", "preceded by a letter"],
 ["4111111111111111z", "followed by a letter"],
 ["4111 1111-1111 1111", "mixed separators"],
 ["amount 1,234,567,890,123", "comma separated amount"],
 ["timestamp 1700000000000", "epoch millis"],
 ["2024-01-01 2024-02-01", "dates"],
 ["v4.1.1.1.1.1.1.1", "version"],
 ["IP 192.168.100.200 port 4111", "ip and port"],
 ["card ending 1111", "last four only"],
 ["**** **** **** 1111", "already masked"],
 ["41 11 11 11 11 11 11 11", "pairs"],
 ["invoice 5555 5555 5555 5555 total", "fails Luhn"],
 ["378282246310006", "amex fails Luhn"],
 ["3782 822463 1000", "amex too short"],
 ["6011 1111 1111 111", "discover too short"],
 ["UUID 123e4567-e89b-12d3-a456-426614174000", "UUID"],
 ["hash 5d41402abc4b2a76b9719d911017c592", "hex digest"],
 ["The 4 teams, 11 players, 1111 fans", "prose"],
 ["phone (617) 555-0142 ext 4111", "phone with extension"],
]
# Luhn-valid numbers outside the issuers' prefix and length rules (any 15
# digits, 12-digit Maestro, an unknown prefix) are cards only beside a
# card word; the values are made-up runs of ones with a check digit
def luhn_complete(base):
    for last in "0123456789":
        d = [int(c) for c in base + last]
        total = 0
        for k, v in enumerate(reversed(d)):
            if k % 2:
                v *= 2
                if v > 9: v -= 9
            total += v
        if total % 10 == 0:
            return base + last

def luhn_broken(v):
    return v[:-1] + str((int(v[-1]) + 1) % 10)

odd15 = luhn_complete("81111111111111")      # 15 digits, no issuer
amex15 = luhn_complete("31111111111111")     # 15 digits, not 34/37
maestro12 = luhn_complete("50181111111")     # 12-digit Maestro
maestro12b = luhn_complete("67591111111")
odd16 = luhn_complete("990000000000000")     # 16 digits, no issuer
odd19 = luhn_complete("811111111111111111")  # 19 digits, no issuer
pos += [
 [f"Card number {odd15}", odd15],
 [f"Amex {amex15[:4]} {amex15[4:10]} {amex15[10:]} on file", f"{amex15[:4]} {amex15[4:10]} {amex15[10:]}"],
 [f"Maestro {maestro12} was charged", maestro12],
 [f"debit card {maestro12b[:4]} {maestro12b[4:8]} {maestro12b[8:]}", f"{maestro12b[:4]} {maestro12b[4:8]} {maestro12b[8:]}"],
 [f"credit card: {odd16}", odd16],
 [f"the card {odd19} was declined", odd19],
 [f"{odd15[:4]}-{odd15[4:8]}-{odd15[8:12]}-{odd15[12:]} (my visa)", f"{odd15[:4]}-{odd15[4:8]}-{odd15[8:12]}-{odd15[12:]}"],
 [f"Mastercard {odd16[:4]} {odd16[4:8]} {odd16[8:12]} {odd16[12:]}", f"{odd16[:4]} {odd16[4:8]} {odd16[8:12]} {odd16[12:]}"],
]
neg += [
 [f"Reference {odd15} attached", "Luhn-valid 15 digits without a card word"],
 [f"Order {maestro12} shipped", "Luhn-valid 12 digits without a card word"],
 [f"Paid {odd16} on Monday", "'paid' is not a card word"],
 [f"card number {luhn_broken(odd15)}", "15 digits with a card word, fails Luhn"],
 [f"Maestro {luhn_broken(maestro12)}", "12 digits with a card word, fails Luhn"],
 [f"The card was declined.\n{odd16}", "the card word is on another line"],
 [f"card {odd15[:11]}", "11 digits: too short for a card"],
 [f"payment ending in {odd15[-4:]}", "last digits only"],
 [f"The discard pile held {odd15} chips", "'discard' is not 'card'"],
 [f"Permit {amex15} issued", "Luhn-valid 15 digits, permit context"],
 ["card 0000 0000 0000 0000", "a placeholder of zeros beside a card word"],
 ["version 1234.5678.9012.3456 released", "dotted groups that fail Luhn"],
]
pos += [["visa 4111.1111.1111.1111 on file", "4111.1111.1111.1111"]]
write("payment_card", pos, neg)

# ---- routing_number
vals = [aba() for _ in range(30)] + ["021000021", "011000138", "121000358", "026009593"]
pos = wrap(["Routing number {}", "ABA {} for direct deposit", "routing: {}", "Bank routing {} and account", "RTN {}", "wire to transit {}"], vals)
neg = []
for _ in range(12):
    v = aba()
    neg.append([f"Order {v} shipped", "valid checksum but no routing context"])
neg += [
 ["routing 021000022", "fails checksum"],
 ["routing 123456789", "fails checksum"],
 ["routing 000000000", "all zeros"],
 ["routing 991000021", "invalid Federal Reserve prefix"],
 ["routing 02100002", "eight digits"],
 ["routing 0210000211", "ten digits"],
 ["routing x021000021", "preceded by a letter"],
 ["routing 021-000-021", "grouped"],
 ["ABA 021000021x", "followed by a letter"],
 ["routing number on file", "no number"],
 ["routing 451000021", "invalid prefix 45"],
 ["routing 851000021", "invalid prefix 85"],
 ["invoice 021000021", "no routing context"],
 ["ZIP 02100-0021", "ZIP+4"],
 ["tel 021 000 021", "spaced"],
 ["2100.0021", "decimal"],
 ["The bank opened in 1921 and moved in 2000", "prose"],
 ["routing 1.21e8", "float"],
 ["Discount code: SAVE20 at checkout", "a discount code"],
 ["sort 123456 rows by date", "sort as a verb"],
 ["postal code 12345", "a postal code"],
]
# a bank's branch code abroad, after its label
pos += [
 ["Sort code: 12-34-56, account 31926819", "12-34-56"],
 ["BSB 062-000 for the refund", "062-000"],
 ["IFSC: HDFC0001234", "HDFC0001234"],
 ["Transit number: 00123", "00123"],
]
write("routing_number", pos, neg)

# ---- iban
known = ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300",
         "ES9121000418450200051332", "IT60X0542811101000000123456", "BE68539007547034", "CH9300762011623852957",
         "AT611904300234573201", "IE29AIBK93115212345678"]
gen = [iban(cc, n) for cc, n in [("DE", 22), ("GB", 22), ("NL", 18), ("BE", 16), ("AT", 20), ("PL", 28), ("SE", 24), ("DK", 18), ("FI", 18), ("NO", 15), ("PT", 25), ("CZ", 24)]]
vals = []
for i, v in enumerate(known + gen):
    vals.append(v)
    if i % 2 == 0: vals.append(group4(v))
pos = wrap(["IBAN {}", "Please wire to {} by Friday.", "iban: {}", "Account (IBAN) {}"], vals)
neg = [
 ["IBAN GB82WEST12345698765433", "fails mod-97"],
 ["IBAN DE89370400440532013001", "fails mod-97"],
 ["IBAN GB82 WEST 1234 5698 7654 3", "too short"],
 ["IBAN GB82WEST123456987654321", "too long"],
 ["IBAN XX82WEST12345698765432", "unknown country"],
 ["IBAN US82WEST12345698765432", "US has no IBAN"],
 ["code GB82-WEST-1234-5698-7654-32", "dashes"],
 ["ref AB12CD34EF56GH78IJ90", "random code"],
 ["Flight UA1234 departs", "flight number"],
 ["Model GB82A", "model number"],
 ["route NY12345 ends", "code"],
 ["xGB82WEST12345698765432", "preceded by a letter"],
 ["GB82WEST12345698765432x", "followed by a letter"],
 ["DE12 3456", "too short"],
 ["Case FR2024-00123", "case number"],
 ["serial CH93007620116238529571", "too long"],
 ["NL91 ABNA 0417 1643 01", "fails mod-97"],
 ["BE68 5390 0754 7035", "fails mod-97"],
 ["gb82west12345698765433", "lower case, fails mod-97"],
 ["ES91 2100 0418 4502 0005 1333", "fails mod-97"],
 ["IT60X0542811101000000123457", "fails mod-97"],
 ["AT61 1904 3002 3457 3202", "fails mod-97"],
 ["IE29AIBK93115212345679", "fails mod-97"],
 ["PO Box 12, DE 19901", "Delaware ZIP"],
 ["Building A1, Room B2", "rooms"],
 ["ISO 8601 format", "standard number"],
 ["Highway CA12 closed", "road code"],
 ["Room GB12 booked", "room code"],
 ["The IBAN field was left blank.", "no number"],
 ["SKU TR26000000000000000000000", "fails mod-97"],
]
# lower-case IBANs, as people type them in mail and chat, pass the same
# mod-97 check; mixed case does not
pos += [
 ["my iban is de89 3704 0044 0532 0130 00, thanks", "de89 3704 0044 0532 0130 00"],
 ["send it to gb82west12345698765432 please", "gb82west12345698765432"],
 ["iban nl91abna0417164300", "nl91abna0417164300"],
 ["account: fr14 2004 1010 0505 0001 3m02 606.", "fr14 2004 1010 0505 0001 3m02 606"],
 ["(be68 5390 0754 7034)", "be68 5390 0754 7034"],
]
neg += [
 ["iban de89 3704 0044 0532 0130 01", "lower case, fails mod-97"],
 ["Gb82West12345698765432", "mixed case"],
 ["de89 3704 0044 0532 0130 0", "lower case, too short"],
 ["xde89370400440532013000", "lower case, glued to a letter"],
 ["see ab12 in the manual", "two letters and digits, not an IBAN"],
]
write("iban", pos, neg)

# ---- license_plate: a state code, a plate label or plate words; never a
# bare string of letters and digits. Plates are made up.
pos = [
 ["Vehicle: MA 4XK-921, parked on Elm St", "4XK-921"],
 ["CA 7ABC123 was towed at noon", "7ABC123"],
 ["Plate: 7ABC123", "7ABC123"],
 ["license plate 8TRX 442", "8TRX 442"],
 ["tag number ABC1234", "ABC1234"],
 ["NY ABC-1234 blocked the hydrant", "ABC-1234"],
 ["Plate #: 5GHT219", "5GHT219"],
 ["the plate reads 2KLM77", "2KLM77"],
 ["licence plate: WXY 5821", "WXY 5821"],
 ["TX KLM4821 received a warning", "KLM4821"],
 ["A grey van (RI 3B-4471) idled", "3B-4471"],
 ["Tag #: 9PQR210", "9PQR210"],
 ["PLATE NO. 4HJK512", "4HJK512"],
 ["plate number was 6TRE901", "6TRE901"],
 ["The tag on the sedan read 4XK921.", "4XK921"],
 ["FL 12A-BCD left the lot", "12A-BCD"],
 ["NJ C12-DEF was ticketed", "C12-DEF"],
 ["Caller saw plates 8ZXC344 drive off", "8ZXC344"],
 ["Vermont plate 52Q107", "52Q107"],
 ["registered to plate 1AB2345", "1AB2345"],
 ["VA UVW-2291 and a truck", "UVW-2291"],
 ["MD 4CX7719 double-parked", "4CX7719"],
 ["license plate # 9XYZ101", "9XYZ101"],
 ["WA BFG1234 expired registration", "BFG1234"],
 ["Tag: LMN-4412", "LMN-4412"],
 ["IL AB 12345 in the loading zone", "AB 12345"],
 ["the plate was 3MNO-88", "3MNO-88"],
 ["Ohio plate HJK-5521", "HJK-5521"],
 ["CT 1-ABC-23 at the curb", "1-ABC-23"],
 ["Parking ticket for PA KMT-8842", "KMT-8842"],
 ["the car's tag number is 7ZZT990", "7ZZT990"],
 ["Nevada tag # 123ABC4", "123ABC4"],
 ["Plate: AB12 CDE", "AB12 CDE"],
 ["Registration: KP19 XYZ", "KP19 XYZ"],
 ["Kennzeichen: B-AB 1234", "B-AB 1234"],
 ["Immatriculation : AB-123-CD", "AB-123-CD"],
 ["Kenteken: 12-ABC-3", "12-ABC-3"],
 ["Placa: ABC1D23", "ABC1D23"],
 ["Targa: AB 123 CD", "AB 123 CD"],
]
neg = [
 ["Boston, MA 02139", "state and ZIP"],
 ["Cambridge, MA 02139-4307", "state and ZIP+4"],
 ["Order 4XK921 shipped", "letters and digits without plate evidence"],
 ["Flight UA1234 departs", "flight number"],
 ["price tag 4XK921", "a price tag, not a plate tag"],
 ["Model X5 2024", "model"],
 ["Room B2-114", "room"],
 ["Plate 3 shows the site", "a figure, too short"],
 ["ID A1234567 on file", "ID is not read as Idaho"],
 ["APO AE 09001", "military postcode"],
 ["COVID19 cases rose", "word with digits"],
 ["Part 4XK921 is back-ordered", "part number"],
 ["The plate was broken.", "no value"],
 ["MA residents pay 6.25%", "state and a number"],
 ["NY 10001", "state and ZIP"],
 ["IN 5 MINUTES", "capitals"],
 ["serial ABC1234 on the router", "serial number"],
 ["Call 617-555-0142 about the plate", "a phone number near a plate word"],
 ["WA 98101", "state and ZIP"],
 ["TX 75001-0001", "state and ZIP+4"],
 ["the licence plate lamp was out", "no value"],
 ["plate 12", "too short"],
 ["NY ABCDEFG", "no digit"],
 ["CA 1234567", "all digits after a state code read as a number, not a plate"],
 ["plates and bowls 4 sale", "tableware"],
 ["MA 4XK-921x", "glued to a letter"],
 ["OK 4X7", "too short"],
 ["US 101 north", "highway"],
 ["Route MA2 closed", "route"],
 ["SKU 4XK-921-B in stock", "stock number"],
 ["Open OK 10AM-2PM daily", "opening hours after a state code"],
 ["the tag says 9AM-5PM", "clock times near a plate word"],
 ["Registration opens at 9 and closes at 5", "registration of events, no value"],
 ["Voter registration: 12 May", "a date after a registration label"],
 ["Plaque commemorative 1914", "a plaque and a year"],
 ["Reg. office: 10 Downing St", "a registered office"],
]
write("license_plate", pos, neg)

# ---- benefit_id: Medicaid, Medicare (MBI), SNAP/EBT, WIC and health-plan
# member ids, only after their label. Numbers are made up; the MBIs follow
# the published format with letters chosen at random.
pos = [
 ["Medicare number 1EG4-TE5-MK73", "1EG4-TE5-MK73"],
 ["MBI: 1EG4TE5MK73", "1EG4TE5MK73"],
 ["Medicare Beneficiary Identifier (MBI): 2FH5-UA6-NP84", "2FH5-UA6-NP84"],
 ["Medicaid ID: 123456789012", "123456789012"],
 ["MassHealth ID 100234567890", "100234567890"],
 ["my Medicaid number is 0049 2211 87", "0049 2211 87"],
 ["SNAP case number 4471029", "4471029"],
 ["SNAP case # 4471-029", "4471-029"],
 ["EBT card 6008 7512 3456 7890", "6008 7512 3456 7890"],
 ["EBT card number: 5077 1100 2233 4455", "5077 1100 2233 4455"],
 ["WIC ID 55012345", "55012345"],
 ["WIC number: 0033-4471", "0033-4471"],
 ["Member ID: XZQ123456789", "XZQ123456789"],
 ["Member #: W123456789", "W123456789"],
 ["Subscriber ID ABC987654321", "ABC987654321"],
 ["insurance member number: 88310044", "88310044"],
 ["Medi-Cal ID 91234567A", "91234567A"],
 ["TANF case 20019922", "20019922"],
 ["CalFresh case number 1188202", "1188202"],
 ["Policy number: HX-4471-0092", "HX-4471-0092"],
 ["medicaid id 12345678", "12345678"],
 ["Beneficiary ID: 3JK7-PQ2-RT55", "3JK7-PQ2-RT55"],
 ["Medicare: 4TT9-AW1-CD23", "4TT9-AW1-CD23"],
 ["Her SNAP EBT card is 6008 1122 3344 5566", "6008 1122 3344 5566"],
 ["WIC: 77001234", "77001234"],
 ["Medicaid recipient ID 55443322", "55443322"],
 ["Medicare # 1EG4-TE5-MK73", "1EG4-TE5-MK73"],
 ["MEDICAID NO. 998877665", "998877665"],
 ["Member ID: 0012 3456 789", "0012 3456 789"],
 ["SNAP: 7712093", "7712093"],
 ["Insurance ID: JQP44512987", "JQP44512987"],
 ["EBT #6008-7512-3456-7890", "6008-7512-3456-7890"],
]
neg = [
 ["Medicaid covered 120000 residents", "a count after a verb"],
 ["In 2023 Medicaid paid 1,200,000 claims", "an amount"],
 ["SNAP benefits rose 4 percent", "statistics"],
 ["WIC office hours 9 to 5", "opening hours"],
 ["Member since 2019", "a year"],
 ["Medicare Part B 123456", "not a label"],
 ["EBT card 1234", "too short"],
 ["case number 4471029", "no benefit programme named"],
 ["Member ID: ABCDEF", "no digits"],
 ["Medicaid ID: 12 34", "too short"],
 ["the SNAP program started in 1939", "a year"],
 ["policy 2024-15 adopted", "a city policy, no id word"],
 ["insurance 12345678", "no id word after a weak label"],
 ["member 55012345", "no id word after a weak label"],
 ["Medicare 65+ residents", "an age"],
 ["ID 55012345", "no programme named"],
 ["Member ID:\n55012345", "the value is on another line"],
 ["Call Medicaid at 617-555-0142", "a phone number after a programme name"],
 ["WIC 2024 annual report", "a year"],
 ["SNAP case closed on 03/04/2024", "a date"],
 ["Medicare enrollment: 1,234 people", "a count"],
 ["order number 1EG4-TE5-MK73", "MBI shape without a Medicare label"],
 ["Member ID: [REDACTED]", "already redacted"],
 ["snapshot 12345678", "snapshot is not SNAP"],
 ["The WIC clinic is at 12 Main Street", "an address"],
 ["Medicaid expansion 2014-2016", "years"],
 ["EBT accepted here since 2005", "a year"],
 ["insurance policy 77", "too short"],
 ["MassHealth serves 2 million members", "a count"],
 ["Medicaid ID is pending", "no value"],
]
write("benefit_id", pos, neg)

# ---- ip_address
vals = [f"192.0.2.{rng.randint(1,254)}" for _ in range(10)] + [f"198.51.100.{rng.randint(1,254)}" for _ in range(8)] + [f"203.0.113.{rng.randint(1,254)}" for _ in range(8)]
vals += ["2001:db8::1", "2001:db8:85a3::8a2e:370:7334", "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::1ff:fe23:4567:890a", "2001:db8:1234:5678::abcd", "::ffff:192.0.2.128", "2001:db8::"]
pos = wrap(["Login from {}", "client_ip={}", "Request from {}.", "IP address: {}", "remote {} port 443", "src {} dst"], vals)
neg = [
 ["version 1.2.3.4.5", "five groups is a version"],
 ["version 10.0.19041.1", "group over 255"],
 ["address 256.1.1.1", "octet over 255"],
 ["address 192.168.01.1", "leading zero"],
 ["at 12:30:45", "time"],
 ["at 12:30", "time"],
 ["ratio 3:2:1", "ratio"],
 ["see section 1.2.3", "three groups"],
 ["price 1.25", "decimal"],
 ["date 2024.01.15", "dotted date"],
 ["x192.0.2.1", "preceded by a letter"],
 ["192.0.2.1x", "followed by a letter"],
 ["Note: see below", "colon in prose"],
 ["Dear Sir: we", "colon in prose"],
 ["https://example.com:8080/path", "port"],
 ["MAC 00:1A:2B:3C:4D:5E", "MAC address"],
 ["ISBN 0.306.40615.2", "ISBN with dots"],
 ["Bible John 3:16", "verse"],
 ["score 10:7", "score"],
 ["the year 1.999.999", "large number"],
 ["abc:def", "not hex address"],
 ["build 4.2.1.0.1", "five groups"],
 ["12:34:56:78", "not enough for IPv6 parse"],
 ["aa:bb", "two groups"],
 ["phone 617.555.0142", "dotted phone"],
 ["Meeting 9:00-10:30", "times"],
 ["v2.0.0.1-beta", "version with v"],
 ["chapter 3.1.4.1.5", "outline number"],
 ["1.2.3.4.5.6.7.8", "eight groups"],
 ["::", "unspecified alone is not reported"],
 ["portal: listening on http://127.0.0.1:8080/", "loopback identifies no one"],
 ["bind 0.0.0.0:443 for all interfaces", "unspecified address"],
 ["resolver at 127.0.0.53 answered", "loopback range 127/8"],
]
write("ip_address", pos, neg)

# ---- email
locals_ = ["jane.doe", "john_smith", "m.garcia+city", "resident42", "a.b-c", "first.last", "r.lopez", "kim.lee99", "o'brien", "info"]
domains = ["example.com", "example.org", "example.net", "mail.example.com", "example.invalid", "sub.example.co.uk"]
vals = [f"{locals_[i % len(locals_)]}{'' if i < 10 else i}@{domains[i % len(domains)]}" for i in range(34)]
pos = wrap(["Email {}", "Contact: {}.", "<{}>", "mailto:{}", "from {} wrote", "({})", "\"{}\""], vals)
neg = [
 ["logo@2x.png", "image file name"],
 ["icon@3x.jpg", "image file name"],
 ["user@localhost", "no dot in domain"],
 ["@example.com", "no local part"],
 ["jane@", "no domain"],
 ["jane@.com", "empty label"],
 ["jane@example", "no TLD"],
 ["jane@example.c", "one-letter TLD"],
 ["jane@example.123", "numeric TLD"],
 ["jane..doe@", "no domain"],
 ["price @ $5.00", "at sign in prose"],
 ["meet @ 5pm", "at sign in prose"],
 ["@handle mentioned", "social handle"],
 ["a@b", "too short"],
 ["user@-example.com", "label starts with a dash"],
 ["version@1.2.3", "numeric domain"],
 ["foo@bar@example", "double at"],
 ["email address redacted", "no address"],
 ["[EMAIL] was removed", "label"],
 ["name at example dot com", "spelled out"],
 ["x@y.z", "one-letter TLD"],
 ["photo@2x.webp", "image file name"],
 ["style@media.css", "css file"],
 ["3 @ 4", "math"],
 ["user@ example.com", "space"],
 ["user @example.com", "space"],
 ["git@", "incomplete"],
 ["@", "just at"],
 ["a@@example.com", "double at"],
 ["user@domain.", "trailing dot no tld"],
]
write("email", pos, neg)

# ---- phone
vals = []
for i in range(36):
    a, l = phone()
    f = [f"({a}) 555-{l}", f"{a}-555-{l}", f"{a}.555.{l}", f"{a} 555 {l}", f"1-{a}-555-{l}", f"+1 {a} 555 {l}", f"+1 ({a}) 555-{l}", f"{a}555{l}", f"+1{a}555{l}"][i % 9]
    vals.append(f)
vals += ["+44 20 7946 0958", "+33 1 99 00 12 34", "+49 30 901820", "+61 2 9876 5432"]
pos = wrap(["Call {}", "Phone: {}", "tel {}.", "cell {} (after 5)", "Reach me at {} today", "fax {}"], vals)
neg = [
 ["Order 555-010-0199", "exchange starting with 0"],
 ["call 155-555-0142", "area code starting with 1"],
 ["call 055-555-0142", "area code starting with 0"],
 ["call 911-555-0142", "N11 area code"],
 ["call 617-411-0142", "N11 exchange"],
 ["date 2024-10-15", "ISO date"],
 ["SSN 219-09-9998", "SSN layout"],
 ["range 1998-2005", "year range"],
 ["The vote was 617 to 555", "prose numbers"],
 ["invoice 6175550142", "ten digits with negative context"],
 ["order number 617-555-0142", "negative context"],
 ["tracking 6175550142", "negative context"],
 ["x617-555-0142", "preceded by a letter"],
 ["617-555-0142x", "followed by a letter"],
 ["617-555-01423", "too long"],
 ["617-555-014", "too short"],
 ["61-7555-0142", "wrong grouping"],
 ["version 6.17.555", "version"],
 ["IP 192.0.2.1", "IP"],
 ["617/555/0142", "slashes"],
 ["617_555_0142", "underscores"],
 ["+0 617 555 0142", "no country code 0: the run after a bad + is skipped"],
 ["+1 617 555 01", "too short"],
 ["+1234567890123456", "over 15 digits"],
 ["1/2/3/4", "slashes"],
 ["ISBN 978-0-306-40615-7", "ISBN"],
 ["ticket 617-555-0142", "negative context"],
 ["serial 6175550142", "negative context"],
 ["total 1,617,555,014", "comma number"],
 ["12:30 to 14:45", "times"],
]
write("phone", pos, neg)

# ---- postal_address
streets = ["Main Street", "Oak Ave", "N Elm St.", "Massachusetts Avenue", "Pine Road", "W 42nd St", "Maple Dr", "Cedar Lane", "Harbor Blvd", "Sunset Boulevard", "Lincoln Way", "River Rd", "S Broad St", "Park Place", "Washington St"]
vals = []
for i in range(34):
    n = rng.randint(1, 9999)
    s = streets[i % len(streets)]
    v = f"{n} {s}"
    if i % 3 == 1: v += f", Apt {rng.randint(1,40)}{rng.choice('ABC')}"
    if i % 4 == 2: v += ", Springfield, IL 62701"
    elif i % 5 == 3: v += f", Cambridge, MA 02139-{rng.randint(1000,9999)}"
    vals.append(v)
vals += ["PO Box 1234", "P.O. Box 77, Springfield, IL 62701", "Post Office Box 9"]
pos = wrap(["Mail to {} today.", "Resident at {} called.", "Address: {}", "Service address {} (rear unit)", "moved from {} last year"], vals)
neg = [
 ["We received 3 complaints on Main Street.", "count then street, no number before name"],
 ["The 2 Lane road is narrow.", "no street name before suffix"],
 ["Route 9 is closed.", "route number"],
 ["Section 8 Housing", "program name"],
 ["In 2024 Council adopted the plan.", "year then capitalised word"],
 ["Chapter 12 Street Vendors", "no name word"],
 ["5 Days Inn", "no suffix"],
 ["10 Downing", "no suffix"],
 ["The 405 Freeway", "no name before suffix"],
 ["1200 residents", "lower case"],
 ["Meeting at 7 pm", "time"],
 ["Phase 2 Park", "program"],
 ["ZIP 62701", "ZIP alone"],
 ["Springfield, IL 62701", "city state zip without street"],
 ["Room 12B", "room"],
 ["We have 15 Oak trees", "lower-case after name"],
 ["Table 3 Avenue of the Giants", "no name before suffix"],
 ["Page 4 Street Fair", "no name before suffix"],
 ["Box 123", "box without PO"],
 ["PO 12345 was approved", "purchase order"],
 ["Pages 10 to 20", "range"],
 ["Item 4: Court fees", "no name before suffix"],
 ["Vote 7 to 2", "vote"],
 ["Agenda item 5 Parking", "no suffix"],
 ["Suite 100 is the conference room", "a unit word inside a sentence"],
 ["Unit 4 trucks are parked", "a fleet unit, not an address line"],
 ["Main Street Festival", "no number"],
 ["Washington St", "no number"],
 ["0 Main Street", "house number 0"],
 ["12345678 Main Street", "number too long"],
]
# a unit alone on an address line narrows a residence down (issue 13)
pos += [["Suite 100", "Suite 100"], ["Apt 4B", "Apt 4B"], ["Ship to:\nApt. 297\nSpringfield", "Apt. 297"]]
write("postal_address", pos, neg)

# ---- person_name
given = ["Jane", "Robert", "Maria", "David", "Linda", "James", "Susan", "Michael", "Karen", "Thomas", "Patricia", "Daniel"]
sur = ["Smith", "Johnson", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore", "Clark", "Lewis", "Nguyen", "Patel"]
vals = []
tmpl = []
for i in range(36):
    g, s = given[i % len(given)], sur[(i * 5) % len(sur)]
    k = i % 6
    if k == 0: pos_t, v = "The complaint was filed by {}.", f"{g} {s}"
    elif k == 1: pos_t, v = "Ms. {} called about the bill.", s
    elif k == 2: pos_t, v = "Dear {},\nThank you for writing.", f"{g} {s}"
    elif k == 3: pos_t, v = "Sincerely,\n{}\nResident", f"{g} {s}"
    elif k == 4: pos_t, v = "Applicant: {} (renewal)", f"{g} Q. {s}"
    else: pos_t, v = "Dr. {} signed the form.", f"{g} {s}"
    vals.append([pos_t.format(v), v])
pos = vals
neg = [
 ["Main Street is closed.", "street name"],
 ["The City Council met in March.", "organisation and month"],
 ["May 5 meeting", "month used as given name"],
 ["June 2024 report", "month"],
 ["Will you fix the pothole?", "sentence-start word that is a given name"],
 ["Dear Resident,", "generic salutation"],
 ["Dear Sir or Madam,", "generic salutation"],
 ["Dear Valued Customer,", "generic salutation"],
 ["Washington Street was repaved.", "street"],
 ["Lincoln Avenue and Jefferson Park", "places"],
 ["Jordan Park Committee", "organisation"],
 ["Grace Church hosted the event.", "ambiguous given name with place"],
 ["Thank you for contacting Customer Service.", "department"],
 ["The Public Works Department", "department"],
 ["Springfield Water Utility", "utility"],
 ["Monday through Friday", "days"],
 ["Rose Garden tours", "place"],
 ["Mark Down the date", "verb"],
 ["Pat Dry the surface", "verb"],
 ["Sincerely yours", "closing without name"],
 ["Best regards,\nThe Parks Department", "department signature"],
 ["Mr. and Mrs.", "honorifics without a name"],
 ["Dr. Martin Luther King Jr. Boulevard", "dr as drive"],
 ["New York City", "place"],
 ["North Carolina", "state"],
 ["Christmas Eve", "holiday"],
 ["City Hall", "place"],
 ["April Showers Festival", "event"],
 ["Hope Street", "street"],
 ["Art Museum", "place"],
]
write("person_name", pos, neg)

# ---- date_of_birth
vals = ["03/14/1985", "1985-03-14", "3/14/85", "March 14, 1985", "14 March 1985", "Mar 14 1985", "12/01/1990", "1990-12-01",
        "07-04-1976", "July 4, 1976", "2 February 2001", "02/02/2001", "11.09.1964", "Nov 9, 1964", "1959-06-30", "06/30/1959",
        "January 1, 2000", "01/01/2000", "2000-01-01", "Sept 22, 1972", "9/22/72", "1972-09-22", "31 December 1999", "12/31/1999",
        "October 5, 1988", "10/05/1988", "1988-10-05", "Aug 19 1946", "08/19/1946", "19 August 1946", "Feb 29, 1980", "1980-02-29"]
pos = wrap(["DOB: {}", "Date of birth {}.", "born {} in Ohio", "birthdate={}", "Birthday: {}"], vals)
neg = [
 ["Meeting on 03/14/2024", "date without birth context"],
 ["Invoice dated 2024-03-14", "invoice date"],
 ["Due March 14, 2024", "due date"],
 ["Posted 14 March 2024", "posting date"],
 ["DOB: 13/45/1985", "invalid date"],
 ["DOB: 1985-13-14", "invalid month"],
 ["DOB: 00/14/1985", "month zero"],
 ["Born 1985", "year only"],
 ["born in March", "month only"],
 ["DOB 1850-01-01", "year out of range"],
 ["date of birth on file", "no date"],
 ["Hearing 5/6/2024 at 10:00", "hearing date"],
 ["Filed 2024-01-02", "filing date"],
 ["Updated 2023.10.11", "update date"],
 ["Version 2024.01.15", "version"],
 ["Paid 01/15/2024", "payment date"],
 ["Due 12/31", "no year"],
 ["Expires 12/26", "card expiry"],
 ["The permit issued 6/1/2023 expires 6/1/2024", "permit dates"],
 ["On March 3 the board met", "no year"],
 ["Meeting minutes 2024-02-02", "minutes date"],
 ["Report for FY2023-24", "fiscal year"],
 ["Timestamp 2024-05-05T10:00:00Z", "timestamp"],
 ["Scheduled for May 1, 2025", "schedule"],
 ["Closed 11/11/2024 for Veterans Day", "holiday"],
 ["Received 10-10-2023", "received"],
 ["Opened Jan 5 2021", "opening date"],
 ["Noted 1 April 2022", "note date"],
 ["Ratio 1/2/3", "ratio"],
 ["Score 3-1-0", "score"],
]
write("date_of_birth", pos, neg)

# ---- passport: a passport number after its label, in any country's shape
# (6 to 12 capital letters and digits, at least 5 digits). Numbers are
# made up.
pos = [
 ["Passport No.: X1234567", "X1234567"],
 ["Passport: K0123456", "K0123456"],
 ["Passport #: AB1234567", "AB1234567"],
 ["Pasaporte: G12345678", "G12345678"],
 ["Passport: C01X00T47", "C01X00T47"],
 ["Passport number: 09AA12345", "09AA12345"],
 ["passport number 123456789", "123456789"],
 ["my passport is C03005988", "C03005988"],
 ["passport no. 568231947 (Mexico)", "568231947"],
 ["PASSPORT NO: P4471209", "P4471209"],
 ["Passeport : 18AB34567", "18AB34567"],
 ["Reisepass: C4J7R2K95", "C4J7R2K95"],
 ["her passport number is 5551 2020 9", "5551 2020 9"],
 ["Passport # N8812345", "N8812345"],
 ["Passport (Canada): HK441902", "HK441902"],
 ["passport: EA1234567", "EA1234567"],
 ["Applicant passport no. 4471 0092 13", "4471 0092 13"],
 ["Passport ID: M20391847", "M20391847"],
 ["passport number was Z7781234", "Z7781234"],
 ["Passaporto: YA1234567", "YA1234567"],
 ["Paszport: AZ7654321", "AZ7654321"],
 ["Travel document - Passport No. P0012345A", "P0012345A"],
 ["Passport: 987654321.", "987654321"],
 ["Passport nr 55A10299", "55A10299"],
 ["his passport is AA0044123, issued in Manila", "AA0044123"],
 ["Passport Number: 12-34567-89", "12-34567-89"],
 ["PASSPORT: L898902C3", "L898902C3"],
 ["Passport no.: 0123456789", "0123456789"],
 ["passport # 44A12345", "44A12345"],
 ["(Passport: KJ0041929)", "KJ0041929"],
]
neg = [
 ["passport expires 2030", "a year"],
 ["Passport issued 12 MAR 2019", "an issue date"],
 ["Passport: YES", "no number"],
 ["Passport photos: 2", "a count"],
 ["passport office 1234567", "office, not a passport label"],
 ["Passport fee: 130", "a fee"],
 ["Passport: see attached", "no number"],
 ["Passport number: ABCDEFGH", "no digits"],
 ["Passport: A1234", "too short"],
 ["Passport: 12345", "too short"],
 ["passport renewal form DS-82", "form number"],
 ["Passport applications rose 12 percent in 2024", "statistics"],
 ["Passport Day 2025", "event"],
 ["the passport agency at 55 Main St", "an address"],
 ["Passport: expired 2019-04-01", "a date"],
 ["Passport validity 10 years", "duration"],
 ["Call the passport line 617-555-0142", "a phone number after passport words"],
 ["passport photo booth B2", "booth"],
 ["passport: pending", "no number"],
 ["Passport type: P", "type code"],
 ["Passport pages: 28", "page count"],
 ["Passport: US", "country code"],
 ["Passport book and card", "no value"],
 ["Passport acceptance facility 3", "facility number"],
 ["the passport was lost in 2023", "a year"],
 ["Passport wait times: 6-8 weeks", "weeks"],
 ["Passport: 1234567890123", "too long"],
 ["Passport number: X12-34", "too short"],
 ["passport-size photos 2x2", "photo size"],
 ["Passport Services, Room 1200", "room number"],
]
write("passport", pos, neg)

# ---- driver_license: a licence-shaped number beside licence words (state
# formats: digits, letter and digits, dashed or spaced groups). Numbers are
# made up.
pos = [
 ["Driver's license: 123-456-789", "123-456-789"],
 ["DL: S12345678", "S12345678"],
 ["License #: D123-4567-8901", "D123-4567-8901"],
 ["Driver License No. 99-123-4567", "99-123-4567"],
 ["Licencia de conducir: B1234567", "B1234567"],
 ["DL# 12345678 (NY)", "12345678"],
 ["Driver's License #: 123 456 789", "123 456 789"],
 ["Operator license: S53042861190", "S53042861190"],
 ["NY DL 123 456 789", "123 456 789"],
 ["license number is A12-345-67-890", "A12-345-67-890"],
 ["DL number: 1234567", "1234567"],
 ["driver license K123-456-789-012", "K123-456-789-012"],
 ["Driver's licence (Ontario): A1234-56789-01234", "A1234-56789-01234"],
 ["drivers license W643-8494-8134", "W643-8494-8134"],
 ["DLN 445 129 883", "445 129 883"],
 ["MA driver's license S98765432 on file", "S98765432"],
 ["DMV record for licence 092 441 870", "092 441 870"],
 ["Lic. No. 123456789", "123456789"],
 ["driving licence no. 55012345", "55012345"],
 ["CA driver license: D4471209", "D4471209"],
 ["the driver showed license X40012345", "X40012345"],
 ["Driver License: K45-75-2598", "K45-75-2598"],
 ["DL#: H120-445-77-210-0", "H120-445-77-210-0"],
 ["license no 7712009341", "7712009341"],
 ["Drivers Lic 0441209317", "0441209317"],
 ["DL ID 993 120 447", "993 120 447"],
 ["driver's license number F255-921-50-094-0", "F255-921-50-094-0"],
 ["licencia B1234567", "B1234567"],
 ["Driver license 87-441-2093", "87-441-2093"],
 ["(DL: T77812094)", "T77812094"],
]
neg = [
 ["Permit 2024-00123 issued", "a permit number"],
 ["Order A1234567 shipped", "an order number"],
 ["Case 99-123-4567 closed", "a case number"],
 ["license plate lamp out", "no value"],
 ["MA ID 123456789", "ID alone is no licence label"],
 ["business license renewal due", "no value"],
 ["the driver turned left at 5th St", "no value"],
 ["Invoice 7712 0093 41", "an invoice"],
 ["Ref A1234-56789-01234", "a reference"],
 ["account 1234-567890", "a bank account"],
 ["Call 617-555-0142", "a phone number"],
 ["Vehicle: MA 4XK-921, parked", "a plate"],
 ["Serial S53042861190", "a serial number"],
 ["Room 1234567", "a room"],
 ["Item K123-456-789-012", "an item code"],
 ["Ticket D4471209", "a ticket"],
 ["Parcel 092 441 870", "a parcel"],
 ["Tracking 12345678", "a tracking number"],
 ["the DMV is open 9 to 5", "hours"],
 ["License fee: $40", "a fee"],
 ["drivers were asked to slow down", "no value"],
 ["Meter 445 129 883", "a meter number"],
 ["Permit A12-345-67-890", "a permit"],
 ["Confirmation 0441209317", "a confirmation"],
 ["Work order W643-8494-8134", "a work order"],
 ["Badge X40012345", "a badge number"],
 ["Model F255-921-50-094-0", "a model number"],
 ["Claim 87-441-2093", "a claim number"],
 ["Asset T77812094", "an asset tag"],
 ["Unit 55012345", "a unit"],
]
write("driver_license", pos, neg)
