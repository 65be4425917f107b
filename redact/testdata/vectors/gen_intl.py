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
]
write("date_of_birth_intl", "date_of_birth", dob_pos, dob_neg)
