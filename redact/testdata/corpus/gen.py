#!/usr/bin/env python3
"""Generates corpus.jsonl: synthetic city correspondence with every span of
personal data labelled (byte offsets, entity). Fixed seed; run from this
directory with python3 gen.py.

Three kinds of document: utility complaints (free text letters and
e-mails), payment records (semi-structured lines) and subscription lists
(rows of contact data). Values are fake: example.com/example.org mail,
555-01xx phone numbers, network test cards, documentation IP ranges,
random SSNs that follow the SSA rules. Distractors that are not personal
data (order and invoice numbers, amounts, dates, times, versions, ZIP codes
alone, the city's own public address) are mixed in and not labelled.
"""
import json, random

rng = random.Random(8675309)

GIVEN = ["Jane", "Robert", "Maria", "David", "Linda", "James", "Susan", "Michael", "Karen", "Thomas", "Patricia",
         "Daniel", "Aisha", "Wei", "Priya", "Carlos", "Fatima", "Olga", "Kenji", "Siobhan", "Tremaine", "Xiomara",
         "Dmitri", "Ngozi", "Brittany", "Kevin", "Laura", "Hector", "Mei", "Samuel"]
SUR = ["Smith", "Johnson", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore", "Clark", "Lewis", "Nguyen",
       "Patel", "Okafor", "Kowalczyk", "Yamamoto", "Quintanilla", "Oyelaran", "Brennan", "Haddad", "Lindqvist",
       "Chen", "Rivera", "Murphy", "Schwartz", "Abernathy"]
STREETS = ["Main Street", "Oak Ave", "Elm St", "Massachusetts Avenue", "Pine Road", "Maple Dr", "Cedar Lane",
           "Harbor Blvd", "Lincoln Way", "River Rd", "Broadway", "Garden Court", "Hillside Terrace", "Willow Way"]
CITIES = [("Springfield", "IL", "62701"), ("Cambridge", "MA", "02139"), ("Palo Alto", "CA", "94301"),
          ("Billings", "MT", "59101"), ("San Clemente", "CA", "92672")]
CARDS = ["4111 1111 1111 1111", "5555 5555 5555 4444", "3782 822463 10005", "6011 1111 1111 1117",
         "4012888888881881", "5105-1051-0510-5100", "4242 4242 4242 4242"]
AREAS = ["617", "650", "406", "949", "217", "312"]

def ssn():
    while True:
        a = rng.randint(1, 899)
        if a != 666:
            return f"{a:03d}-{rng.randint(1,99):02d}-{rng.randint(1,9999):04d}"

def aba():
    while True:
        p = rng.choice([1, 2, 3, 4, 11, 12, 21, 22, 26, 31, 32, 61, 63, 71, 72])
        d = [int(c) for c in f"{p:02d}"] + [rng.randint(0, 9) for _ in range(6)]
        for last in range(10):
            v = d + [last]
            if (3*(v[0]+v[3]+v[6]) + 7*(v[1]+v[4]+v[7]) + v[2]+v[5]+v[8]) % 10 == 0:
                return "".join(map(str, v))

def phone():
    a, l = rng.choice(AREAS), f"01{rng.randint(0,99):02d}"
    return rng.choice([f"({a}) 555-{l}", f"{a}-555-{l}", f"{a}.555.{l}", f"{a} 555 {l}", f"+1 {a} 555 {l}"])

def name():
    return f"{rng.choice(GIVEN)} {rng.choice(SUR)}"

def email(n):
    g, s = n.split(" ", 1)
    return rng.choice([f"{g.lower()}.{s.lower()}@example.com", f"{g[0].lower()}{s.lower()}{rng.randint(1,99)}@example.org",
                       f"{s.lower()}.household@mail.example.net"])

def address():
    n = rng.randint(2, 9800)
    st = rng.choice(STREETS)
    c, stt, z = rng.choice(CITIES)
    v = f"{n} {st}"
    r = rng.random()
    if r < 0.3:
        v += f", Apt {rng.randint(1, 30)}"
    if rng.random() < 0.5:
        v += f", {c}, {stt} {z}"
    return v

def ip():
    return rng.choice([f"192.0.2.{rng.randint(1,254)}", f"198.51.100.{rng.randint(1,254)}", f"203.0.113.{rng.randint(1,254)}",
                       f"2001:db8:{rng.randint(1,0xffff):x}::{rng.randint(1,0xffff):x}"])

def dob():
    y, m, d = rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28)
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    return rng.choice([f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{months[m-1]} {d}, {y}"])

class Doc:
    def __init__(self, kind):
        self.kind, self.parts, self.spans, self.n = kind, [], [], 0
    def t(self, s):
        self.parts.append(s); self.n += len(s.encode())
    def p(self, entity, s):
        b = len(s.encode())
        self.spans.append({"start": self.n, "end": self.n + b, "entity": entity})
        self.t(s)
    def out(self, i):
        return {"id": f"{self.kind}-{i:04d}", "kind": self.kind, "text": "".join(self.parts), "spans": self.spans}

def complaint(i):
    d = Doc("complaint")
    n = name()
    g, s = n.split(" ", 1)
    d.t(rng.choice(["To the Utilities Department,\n\n", "Hello,\n\n", "Dear Water Billing Office,\n\n", "Re: service ticket 2024-"+str(rng.randint(1000,9999))+"\n\n"]))
    d.t(rng.choice(["My name is ", "I am writing on behalf of my mother, ", "This is "])); d.p("person_name", n); d.t(" and I live at "); d.p("postal_address", address()); d.t(". ")
    d.t(rng.choice([
        f"Since March {rng.randint(1,28)} my water bill has tripled to ${rng.randint(100,900)}.{rng.randint(10,99)} even though nothing changed. ",
        f"The streetlight in front of my house has been out for {rng.randint(2,9)} weeks. ",
        f"Invoice {rng.randint(100000,999999)} charges me twice for the same month. ",
        f"Trash pickup was missed on Tuesday and again at 7:30 this morning. ",
        f"My meter (serial {rng.randint(10000000,99999999)}) reads higher than my neighbor's. ",
    ]))
    r = rng.random()
    if r < 0.5:
        d.t("You can reach me at "); d.p("phone", phone()); d.t(" or "); d.p("email", email(n)); d.t(". ")
    elif r < 0.8:
        d.t("Please call "); d.p("phone", phone()); d.t(" after 5 pm. ")
    else:
        d.t("My email is "); d.p("email", email(n)); d.t(". ")
    if rng.random() < 0.3:
        d.t("For verification, my date of birth is "); d.p("date_of_birth", dob()); d.t(". ")
    if rng.random() < 0.2:
        d.t("I last paid on "); d.t(f"{rng.randint(1,12)}/{rng.randint(1,28)}/2024"); d.t(" at City Hall, 795 Massachusetts Avenue. ")
    if rng.random() < 0.25:
        sn = rng.choice(SUR); d.t("I also spoke with Ms. "); d.p("person_name", sn); d.t(" at the front desk. ")
    d.t("\n\n" + rng.choice(["Sincerely,", "Thank you,", "Regards,", "Best regards,"]) + "\n"); d.p("person_name", n); d.t("\n")
    return d

def payment(i):
    d = Doc("payment")
    n = name()
    d.t(f"Payment record #{rng.randint(100000,999999)} - posted 2024-{rng.randint(1,12):02d}-{rng.randint(1,28):02d} {rng.randint(0,23):02d}:{rng.randint(0,59):02d}\n")
    d.t("Payer: "); d.p("person_name", n); d.t("\n")
    d.t("Service address: "); d.p("postal_address", address()); d.t("\n")
    d.t(f"Utility account: UA-{rng.randint(100000,999999)}\n")
    r = rng.random()
    if r < 0.45:
        d.t("Method: credit card "); d.p("payment_card", rng.choice(CARDS)); d.t(f", exp {rng.randint(1,12):02d}/{rng.randint(25,30)}\n")
    elif r < 0.85:
        d.t("Method: ACH. Routing number "); d.p("routing_number", aba()); d.t(", checking account "); d.p("bank_account", str(rng.randint(10**7, 10**12))); d.t("\n")
    else:
        d.t("Method: wire, IBAN "); d.p("iban", rng.choice(["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "NL91ABNA0417164300"])); d.t("\n")
    d.t(f"Amount: ${rng.randint(20,600)}.{rng.randint(10,99)}  Confirmation {rng.randint(10**9, 10**10-1)}\n")
    d.t("Portal session from "); d.p("ip_address", ip()); d.t(f" (client v{rng.randint(1,5)}.{rng.randint(0,9)}.{rng.randint(0,20)})\n")
    if rng.random() < 0.3:
        d.t("Hardship program: applicant SSN "); d.p("ssn", ssn()); d.t(" verified.\n")
    if rng.random() < 0.2:
        d.t("Contact phone: "); d.p("phone", phone()); d.t("\n")
    return d

def subscription(i):
    d = Doc("subscription")
    d.t(rng.choice(["Street sweeping alerts - subscribers\n", "Council agenda newsletter list\n", "Water outage text alerts\n"]))
    d.t("name, email, phone, zip, opted in\n")
    for _ in range(rng.randint(3, 8)):
        n = name()
        d.p("person_name", n); d.t(", "); d.p("email", email(n)); d.t(", ")
        if rng.random() < 0.7:
            d.p("phone", phone())
        d.t(f", {rng.choice(CITIES)[2]}, 2024-{rng.randint(1,12):02d}-{rng.randint(1,28):02d}\n")
    return d

docs = []
for i in range(120):
    docs.append(complaint(i).out(i))
for i in range(120):
    docs.append(payment(i).out(i))
for i in range(60):
    docs.append(subscription(i).out(i))
with open("corpus.jsonl", "w") as f:
    for d in docs:
        f.write(json.dumps(d) + "\n")
print(len(docs), "documents", sum(len(d["spans"]) for d in docs), "spans", sum(len(d["text"]) for d in docs), "bytes")
