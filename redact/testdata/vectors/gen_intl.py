#!/usr/bin/env python3
"""Writes the *_intl.json vectors in this directory: phone numbers, dates
of birth, cards, bank numbers and national ids as people outside the US
(and a few unusual US forms) write them. Every value is invented for these
tests: UK numbers are in Ofcom's drama ranges (020 7946 0xxx, 07700
900xxx), Australian mobiles in the 0491 570 xxx range kept for fiction,
US numbers in 555-01xx or on the 555 area code, the others made up and
checked with libphonenumber; ids are made-up digits given valid check
digits. Same format as gen.py: positive cases are [text, expected span],
negative cases [text, reason]. Run from this directory: python3 gen_intl.py.
"""
import json


def write(name, entity, pos, neg):
    assert len(pos) >= 30 and len(neg) >= 30, (name, len(pos), len(neg))
    for text, want in pos:
        assert want in text, (text, want)
    with open(name + ".json", "w", encoding="utf-8") as f:
        json.dump({"entity": entity, "positive": pos, "negative": neg}, f, indent=1, ensure_ascii=False)
        f.write("\n")


phone_pos = [
    # United Kingdom
    ["Ring me on 020 7946 0958 after six.", "020 7946 0958"],
    ["my mobile is 07700 900123", "07700 900123"],
    ["Tel: +44 (0)20 7946 0958", "+44 (0)20 7946 0958"],
    ["Her number's 07700 900456, text first", "07700 900456"],
    ["call 0161 496 0123 (office)", "0161 496 0123"],
    ["whatsapp +44 7700 900789", "+44 7700 900789"],
    # France
    ["Mon numéro : 01 23 45 67 89", "01 23 45 67 89"],
    ["portable 06.12.34.56.78 merci", "06.12.34.56.78"],
    ["tél. 06 12 34 56 78", "06 12 34 56 78"],
    ["Appelez le +33 6 12 34 56 78", "+33 6 12 34 56 78"],
    ["my French cell is 06-12-34-56-78", "06-12-34-56-78"],
    # Germany
    ["Telefon: 030 12345678", "030 12345678"],
    ["call me at +49 30 1234 5678", "+49 30 1234 5678"],
    ["Handy 0171/1234567", "0171/1234567"],
    ["my German mobile: 0151 23456789", "0151 23456789"],
    ["Rückruf unter 030-1234567", "030-1234567"],
    # Netherlands
    ["bel me op 06-12345678", "06-12345678"],
    ["telefoon 020 123 4567", "020 123 4567"],
    ["mobile +31 6 12345678", "+31 6 12345678"],
    # Spain
    ["mi móvil es 612 345 678", "612 345 678"],
    ["teléfono: +34 612 34 56 78", "+34 612 34 56 78"],
    ["llámame al 912 345 678", "912 345 678"],
    # Italy
    ["cellulare 347 123 4567", "347 123 4567"],
    ["tel +39 06 1234 5678", "+39 06 1234 5678"],
    ["chiamami al 06 1234 5678", "06 1234 5678"],
    # India
    ["WhatsApp me on +91 98765 43210", "+91 98765 43210"],
    ["my phone 098765 43210", "098765 43210"],
    ["mobile no. 98765 43210", "98765 43210"],
    # Australia
    ["mobile 0491 570 156", "0491 570 156"],
    ["ph (02) 9876 5432", "(02) 9876 5432"],
    ["call +61 491 570 110", "+61 491 570 110"],
    ["my number is 0491 570 006", "0491 570 006"],
    # Brazil, Mexico
    ["celular (11) 91234-5678", "(11) 91234-5678"],
    ["fone: +55 11 91234-5678", "+55 11 91234-5678"],
    ["liga pra mim 11 91234-5678", "11 91234-5678"],
    ["cel. 55 1234 5678", "55 1234 5678"],
    ["teléfono +52 55 1234 5678", "+52 55 1234 5678"],
    ["tel (55) 1234-5678", "(55) 1234-5678"],
    # Philippines, Nigeria
    ["text me at 0917 123 4567", "0917 123 4567"],
    ["cp no. 0917-123-4567", "0917-123-4567"],
    ["call 0803 123 4567 anytime", "0803 123 4567"],
    ["phone +234 803 123 4567", "+234 803 123 4567"],
    # Japan, China, Vietnam, Korea
    ["電話 03-1234-5678", "03-1234-5678"],
    ["my Japanese mobile 090-1234-5678", "090-1234-5678"],
    ["手机 138 0013 8000", "138 0013 8000"],
    ["call 13800138000", "13800138000"],
    ["số điện thoại 0912 345 678", "0912 345 678"],
    ["휴대폰 010-1234-5678", "010-1234-5678"],
    # United States, unusual forms
    ["Call (555) 010-0199 x12 during hours", "(555) 010-0199 x12"],
    ["dial 1-555-010-0123", "1-555-010-0123"],
    ["cell 555-010-0199x4587", "555-010-0199x4587"],
    ["+1 555 010 0188", "+1 555 010 0188"],
    ["Tel: 5550100142", "5550100142"],
    ["call 212-555-0187 ext. 204", "212-555-0187 ext. 204"],
    ["phone (212) 555-0163 extension 7", "(212) 555-0163 extension 7"],
]
phone_neg = [
    ["Order 1234 5678 9012 shipped today", "order number"],
    ["meeting 10:30-11:45 in room 4", "times"],
    ["upgrade to version 10.2.3.4 tonight", "version string"],
    ["ISBN 978-0-306-40615-7", "ISBN"],
    ["measured 120 x 240 x 35 mm", "measurements"],
    ["ZIP 02139-4307", "ZIP+4"],
    ["case no. 2024-CV-001234", "case number"],
    ["ticket 0471 1234 5678 opened", "ticket number"],
    ["tracking 0191 2345 6789 0123", "tracking number"],
    ["room 020 7946 and floor 0958", "two numbers, no phone word"],
    ["population 1 234 567 in 2020", "a count grouped by spaces"],
    ["parcel 06 12 34 56 78 99", "parcel number with a negative word"],
    ["SKU 0412-345-678", "stock keeping unit"],
    ["ref 0803 123 4567", "reference with no phone word"],
    ["serial 030 12345678", "serial number"],
    ["permit 020 7946 0958", "permit number"],
    ["Reference 020 7946 0958", "reference number"],
    ["Transaction 0917 123 4567 completed", "transaction number"],
    ["call about invoice 612 345 678", "invoice number beside a phone word"],
    ["call about order 98765 43210", "order number beside a phone word"],
    ["SSS no. 34-1234567-8", "a Philippine social security number, not a phone"],
    ["call 155-555-0142", "US layout, area code starting with 1"],
    ["call 617-411-0142", "N11 exchange"],
    ["phone 612-411-0142x12", "N11 exchange with an extension"],
    ["contact 212.123-4567", "impossible exchange in a mixed layout"],
    ["number of seats: 612 345 678", "a count, not a phone (no validation region gives a phone word)"],
    ["the 1990 1991 1992 1993 seasons", "years"],
    ["my number is 1234", "too short"],
    ["call 0800", "too short"],
    ["ring 2 or 3 times", "no number"],
    ["text 12 34 56 78 to vote", "eight digits in pairs, no valid region"],
    ["cel 10:30-11:45", "times after a phone word"],
    ["phone call about SSN claim 987-34-4371, rejected", "an SSN layout beside a phone word"],
    ["call re: claim 666-97-4194 rejected", "an SSN layout beside a phone word"],
]
write("phone_intl", "phone", phone_pos, phone_neg)

dob_pos = [
    ["DOB: 23.04.1987", "23.04.1987"],
    ["she was born 4 March 1990 in Leeds", "4 March 1990"],
    ["date of birth 1985-11-02", "1985-11-02"],
    ["geb. 12.03.1975", "12.03.1975"],
    ["fecha de nacimiento: 05/11/1982", "05/11/1982"],
    ["D.O.B 2/3/88", "2/3/88"],
    ["né le 14/07/1979 à Lyon", "14/07/1979"],
    ["geboren am 3. Mai 1968", "3. Mai 1968"],
    ["Date of birth: 1 Feb 1991", "1 Feb 1991"],
    ["DOB 12-Mar-1984", "12-Mar-1984"],
    ["nascido em 21/09/1993", "21/09/1993"],
    ["data di nascita 08/06/1971", "08/06/1971"],
    ["birthdate 1990/04/23", "1990/04/23"],
    ["DOB: 23 avril 1987", "23 avril 1987"],
    ["fecha de nacimiento 5 de noviembre de 1982", "5 de noviembre de 1982"],
    ["data de nascimento: 12 de março de 1990", "12 de março de 1990"],
    ["Geburtsdatum: 07.11.1959", "07.11.1959"],
    ["geboortedatum 14-02-1977", "14-02-1977"],
    ["née le 1er janvier 1980", "1er janvier 1980"],
    ["nata il 9 maggio 1966", "9 maggio 1966"],
    ["nacida el 30 de julio de 1995", "30 de julio de 1995"],
    ["geboren op 17 maart 1984", "17 maart 1984"],
    ["born 02-Oct-1979 in Manila", "02-Oct-1979"],
    ["DOB 19 décembre 1964", "19 décembre 1964"],
    ["geb. 28. Februar 1972", "28. Februar 1972"],
    ["生年月日 1986/08/15", "1986/08/15"],
    ["출생 생년월일 1992.03.04", "1992.03.04"],
    ["Birth date: 31.12.1999", "31.12.1999"],
    ["born on 3.5.1956", "3.5.1956"],
    ["ngày sinh 15/06/1988", "15/06/1988"],
    ["生年月日: 1985年11月2日", "1985年11月2日"],
    ["생년월일: 1990년 3월 14일", "1990년 3월 14일"],
    ["Дата рождения: 12.03.1975", "12.03.1975"],
    ["Data urodzenia: 03.07.1981", "03.07.1981"],
    ["Doğum tarihi: 21.09.1979", "21.09.1979"],
]
dob_neg = [
    ["the hearing is on 12.03.2025", "hearing date"],
    ["invoice date 2024-11-02", "invoice date"],
    ["due date 23.04.2025", "due date"],
    ["issued 05/11/1982", "issue date"],
    ["between 1985-11-02 and 1985-12-02 the service ran", "service period"],
    ["meeting on 3. Mai 2025", "a meeting"],
    ["le 14 juillet 1789 à Paris", "a historical date, no birth word"],
    ["rendez-vous le 23 avril 2026", "an appointment"],
    ["la reunión del 5 de noviembre de 2024", "a meeting"],
    ["Vertrag vom 12.03.1975", "a contract date"],
    ["NATO 12/03/1999", "not the Italian 'nato il'"],
    ["posted 12-Mar-1984", "a posting date"],
    ["expires 12-Mar-2030", "an expiry date"],
    ["effective 1 janvier 2024", "an effective date"],
    ["12 mars 2025 : réunion", "a meeting date"],
    ["the 4 maggio 2023 festival", "an event"],
    ["order 30 de julio de 2021", "an order date"],
    ["version 3.5.1956", "a version string"],
    ["room 12-Mar", "no year"],
    ["born in 1990", "a year alone"],
    ["we met 23 avril 1987", "no birth word"],
    ["billing period 01.04.2025-30.04.2025", "billing period"],
    ["Geburtsort Berlin, 1975", "a place of birth and a year"],
    ["the 40 mai 1990", "no such day"],
    ["the 5 de foo de 1982", "no month"],
    ["Mai 1968 was a month of strikes", "month and year only"],
    ["serial 12-Mar-1984-77", "part of a longer code"],
    ["file 2023-04-05_report.pdf", "file name"],
    ["appointment 07.11.2025", "an appointment"],
    ["ticket 14-02-1977", "a ticket number"],
    ["会议定于2024年5月3日举行。", "a meeting date without a birth word"],
    ["Срок оплаты: 12.03.2025", "a due date in Russian"],
]
write("date_of_birth_intl", "date_of_birth", dob_pos, dob_neg)


# ---- national ids after their label ---------------------------------------
# Made-up digits completed with each scheme's check digit.

def luhn_complete(p):
    for c in "0123456789":
        d = [int(x) for x in (p + c)][::-1]
        if sum(v if i % 2 == 0 else (v * 2 - 9 if v * 2 > 9 else v * 2) for i, v in enumerate(d)) % 10 == 0:
            return p + c


def cpf(n9):
    d = [int(c) for c in n9]
    for n in (9, 10):
        d.append(sum(v * (n + 1 - i) for i, v in enumerate(d[:n])) * 10 % 11 % 10)
    s = "".join(map(str, d))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


DNI = "TRWAGMYFPDXBNJZSQVHLCKE"

VD = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],
      [5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
VP = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],
      [9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
VINV = [0,4,3,2,1,5,6,7,8,9]


def aadhaar(p11):
    c = 0
    for i, ch in enumerate(reversed(p11)):
        c = VD[c][VP[(i + 1) % 8][int(ch)]]
    s = p11 + str(VINV[c])
    return f"{s[:4]} {s[4:8]} {s[8:]}"


def bsn(p8):
    for c in "0123456789":
        v = p8 + c
        if sum(int(x) * w for x, w in zip(v, [9, 8, 7, 6, 5, 4, 3, 2, -1])) % 11 == 0:
            return v


def china(p17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return p17 + "10X98765432"[sum(int(c) * x for c, x in zip(p17, w)) % 11]


def nir(p13):
    k = 97 - int(p13) % 97
    s = p13 + f"{k:02d}"
    return f"{s[0]} {s[1:3]} {s[3:5]} {s[5:7]} {s[7:10]} {s[10:13]} {s[13:]}"


def steuer(p10):
    prod = 10
    for c in p10:
        t = (int(c) + prod) % 10 or 10
        prod = t * 2 % 11
    chk = 11 - prod
    return p10 + str(0 if chk == 10 else chk)


def tfn(p8):
    for c in "0123456789":
        v = p8 + c
        if sum(int(x) * w for x, w in zip(v, [1, 4, 3, 7, 5, 8, 6, 9, 10])) % 11 == 0:
            return v


sin1, sin2, sin3 = luhn_complete("04645428"), luhn_complete("13072485"), luhn_complete("27781930")
ssn_pos = [
    ["NI number QQ 12 34 56 C", "QQ 12 34 56 C"],
    ["National Insurance No: QQ123456A", "QQ123456A"],
    ["my national insurance number is JM 40 21 86 B", "JM 40 21 86 B"],
    ["NINO: PX982340D", "PX982340D"],
    [f"SIN: {sin1[:3]} {sin1[3:6]} {sin1[6:]}", f"{sin1[:3]} {sin1[3:6]} {sin1[6:]}"],
    [f"social insurance number {sin2[:3]}-{sin2[3:6]}-{sin2[6:]}", f"{sin2[:3]}-{sin2[3:6]}-{sin2[6:]}"],
    [f"numéro d'assurance sociale (NAS) {sin3}", sin3],
    [f"Aadhaar {aadhaar('49731856240')}", aadhaar("49731856240")],
    [f"aadhaar no: {aadhaar('86214093571')}", aadhaar("86214093571")],
    ["CURP: GOMA850412HDFRRL09", "GOMA850412HDFRRL09"],
    ["mi CURP es LOPJ920315MJCPRN04", "LOPJ920315MJCPRN04"],
    [f"DNI {12345678}{DNI[12345678 % 23]}", f"12345678{DNI[12345678 % 23]}"],
    [f"DNI: 48291736{DNI[48291736 % 23]}", f"48291736{DNI[48291736 % 23]}"],
    ["DNI 30.512.847 (Argentina)", "30.512.847"],
    [f"NIE: X1234567{DNI[1234567 % 23]}", f"X1234567{DNI[1234567 % 23]}"],
    [f"NIE Y7654321{DNI[17654321 % 23]}", f"Y7654321{DNI[17654321 % 23]}"],
    [f"numéro de sécurité sociale {nir('1850578006048')}", nir("1850578006048")],
    [f"NIR : {nir('2870275123456').replace(' ', '')}", nir("2870275123456").replace(" ", "")],
    [f"BSN {bsn('11122233')}", bsn("11122233")],
    [f"burgerservicenummer: {bsn('23456789')[:4]}.{bsn('23456789')[4:6]}.{bsn('23456789')[6:]}",
     f"{bsn('23456789')[:4]}.{bsn('23456789')[4:6]}.{bsn('23456789')[6:]}"],
    [f"BSN-nummer {bsn('70481235')}", bsn("70481235")],
    [f"身份证 {china('11010519491231002')}", china("11010519491231002")],
    [f"resident id {china('44030119850412123')}", china("44030119850412123")],
    [f"身份证号码: {china('32010619920807451')}", china("32010619920807451")],
    ["RRN 850412-1234567", "850412-1234567"],
    ["주민등록번호 920807-2345678", "920807-2345678"],
    ["SSS no. 34-1234567-8", "34-1234567-8"],
    ["SSS number 02-3456789-1", "02-3456789-1"],
    ["Customer NI number: AB 12 34 56 C", "AB 12 34 56 C"],
    ["Social Insurance No. " + sin2, sin2],
]
ssn_neg = [
    ["NI 2024 budget", "a year after 'NI'"],
    ["SIN: 046 454 287", "Luhn check fails"],
    [f"Aadhaar {aadhaar('49731856240')[:-1]}8", "Verhoeff check fails"],
    ["Aadhaar 1234 5678 9012", "starts with 1"],
    ["CURP: GOMA851312HDFRRL09", "month 13"],
    ["DNI 12345678A", "wrong check letter"],
    ["NIE: X1234567A", "wrong check letter"],
    [f"numéro de sécurité sociale {nir('1850578006048')[:-1]}1", "wrong NIR key"],
    ["BSN 111222334", "fails the 11-test"],
    [f"身份证 {china('11010519491231002')[:-1]}5", "wrong check character"],
    ["RRN 851312-1234567", "month 13"],
    ["RRN 850412-9234567", "ninth digit out of range"],
    ["SSS no. 1111111111", "one digit repeated"],
    ["the DNI office opens at 9", "no value"],
    ["QQ 12 34 56 C", "no label"],
    ["11010519491231002X", "no label"],
    ["850412-1234567", "no label"],
    ["order 111222333", "no label"],
    ["SIN 0000 for the hot tub", "too short"],
    ["NI QQ 12 34", "too short"],
    ["nino 4", "a child's age, in Spanish"],
    ["SSS 2024 was the third edition", "a year"],
    ["resident id card office, room 440", "no id"],
    ["BSN-team 12 members", "a count"],
    ["DNI 1111111", "one digit repeated"],
    ["CPF 111.111.111-11", "one digit repeated"],
    ["NIE X12345", "too short"],
    ["Aadhaar enrolment centre 4", "a count"],
    ["the sin of 3 radians is 0.14", "the sine"],
    ["National Insurance contributions of 12 34 56", "not a NINO shape"],
]
write("ssn_intl", "ssn", ssn_pos, ssn_neg)

itin_pos = [
    ["PAN: ABCPE1234F", "ABCPE1234F"],
    ["PAN card no. AAKPL9087Q", "AAKPL9087Q"],
    ["my PAN is BXHPS4410M", "BXHPS4410M"],
    ["RFC GOMA850412AB1", "GOMA850412AB1"],
    ["RFC: LOPJ920315H27", "LOPJ920315H27"],
    ["RFC ABC010203XY9 (empresa)", "ABC010203XY9"],
    [f"CPF {cpf('529982247')}", cpf("529982247")],
    [f"meu CPF é {cpf('390533447')}", cpf("390533447")],
    [f"CPF: {cpf('714602938').replace('.', '').replace('-', '')}", cpf("714602938").replace(".", "").replace("-", "")],
    [f"CPF nº {cpf('205871364')}", cpf("205871364")],
    ["codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"],
    ["Codice Fiscale: BNCLCU72A41F205X", "BNCLCU72A41F205X"],
    [f"Steuer-ID: {steuer('8609574271')[:2]} {steuer('8609574271')[2:5]} {steuer('8609574271')[5:8]} {steuer('8609574271')[8:]}",
     f"{steuer('8609574271')[:2]} {steuer('8609574271')[2:5]} {steuer('8609574271')[5:8]} {steuer('8609574271')[8:]}"],
    [f"Steuer-ID {steuer('6529847103')}", steuer("6529847103")],
    [f"Steueridentifikationsnummer: {steuer('4718293650')}", steuer("4718293650")],
    [f"IdNr {steuer('3902748165')}", steuer("3902748165")],
    [f"TFN {tfn('12345678')[:3]} {tfn('12345678')[3:6]} {tfn('12345678')[6:]}",
     f"{tfn('12345678')[:3]} {tfn('12345678')[3:6]} {tfn('12345678')[6:]}"],
    [f"tax file number: {tfn('87654321')}", tfn("87654321")],
    [f"TFN: {tfn('45678912')}", tfn("45678912")],
    ["TIN 123-456-789-000", "123-456-789-000"],
    ["TIN: 418-207-563-001", "418-207-563-001"],
    [f"NIF {48291736}{DNI[48291736 % 23]}", f"48291736{DNI[48291736 % 23]}"],
    [f"NIF: Z7654321{DNI[27654321 % 23]}", f"Z7654321{DNI[27654321 % 23]}"],
    ["PAN no: CQTPK7312R", "CQTPK7312R"],
    [f"cpf {cpf('861032574')}", cpf("861032574")],
    ["my codice fiscale is VRDGPP80E15H501K", "VRDGPP80E15H501K"],
    [f"Steuer-ID is {steuer('2749301856')}", steuer("2749301856")],
    [f"TFN number {tfn('30518274')}", tfn("30518274")],
    ["RFC no. MAPE7701169K3", "MAPE7701169K3"],
    [f"o CPF {cpf('402917385')} consta", cpf("402917385")],
]
itin_neg = [
    ["PAN: the camera left", "a camera move"],
    ["PAN 4111 1111 1111 1111", "a card's primary account number, a card not a tax id"],
    ["PAN: ABCDE1234F", "fourth letter is no holder type"],
    ["RFC 3339 timestamps", "an IETF RFC"],
    ["see RFC 8259", "an IETF RFC"],
    ["RFC: GOMA851312AB1", "month 13"],
    [f"CPF {cpf('529982247')[:-1]}6", "wrong check digit"],
    ["CPF 123.456.789-00", "wrong check digits"],
    ["codice fiscale RSSMRA85T10A56", "too short"],
    [f"Steuer-ID {steuer('8609574271')[:-1]}{(int(steuer('8609574271')[-1]) + 1) % 10}", "wrong check digit"],
    ["Steuer-ID 01234567890", "starts with 0"],
    [f"TFN {tfn('12345678')[:-1]}{(int(tfn('12345678')[-1]) + 1) % 10}", "fails the weighted check"],
    ["TIN 123-456-789-000-111", "too long"],
    ["NIF 12345678A", "wrong check letter"],
    ["ABCPE1234F", "no label"],
    ["GOMA850412AB1", "no label"],
    ["529.982.247-25", "no label, and not an SSN shape"],
    ["RSSMRA85T10A562S", "no label"],
    ["the PAN-European survey 2024", "a word"],
    ["TFN 12", "too short"],
    ["tax file 2024 closed", "a year"],
    ["IdNr 12", "too short"],
    ["Pan 12 inches", "a cooking pan"],
    ["cpf tab 3", "a spreadsheet"],
    ["the RFC editor, 2020", "no id"],
    ["TIN 000-000-000-000", "one digit repeated"],
    ["TIN roof 12 feet", "a roof"],
    ["NIF form 2024", "a year"],
    ["Steuer-ID folgt", "no value"],
    ["RFC 1918 private addresses", "an IETF RFC"],
]
write("itin_intl", "itin", itin_pos, itin_neg)
