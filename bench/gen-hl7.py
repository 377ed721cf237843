#!/usr/bin/env python3
"""Generate a deterministic synthetic HL7 v2 feed for benchmarking.

    bench/gen-hl7.py [--mb 20] [--seed 1234] > feed.hl7

Every person, address and number is made up (names from short lists written
for this script, phones in the fictional 555-01xx range).  Python 3 standard
library only.

Shape: a mix of ADT^A01 (MSH, EVN, PID, PD1, NK1, PV1, PV2, AL1, DG1, GT1,
IN1), ORU^R01 (MSH, PID, PV1, ORC, OBR, 3-12 OBX with numeric results and
some text, NTE) and MDM^T02 (MSH, EVN, PID, PV1, TXA, 5-30 OBX lines of a
narrative note that names the patient, relatives and clinicians), in the
proportions 40/40/20, with CR segment ends; one message in ten is MLLP
framed.  The same --mb and --seed give the same bytes; size is in decimal
MB (10^6 bytes), generation stops at the first message at or past it.
"""

import argparse
import random
import sys

GIVEN = """Quillon Marisol Teodora Ansel Rufus Idris Sibbe Orla Caspian Wren
Thaddeus Liesel Corwin Ysolde Bram Petra Alaric Dagny Emrys Fenna Gideon
Halvard Isolde Jory Kestrel Lorcan Maelis Nerys Oswin Perpetua Quenby Rosalind
Soren Tamsin Ulric Verity Wystan Xanthe Yorick Zinnia""".split()
FAMILY = """Vantrebeck Okonkwo-Trask Pemberton-Vale Haldane Okafor-Lind
Dravenholt Ashgrove Blackthorne Corrigan Delacroix-Moss Everleigh Fairweather
Greyhound Hollowell Ingersoll Jessamine Kettleborough Larkspur Merriweather
Northcote Ollerenshaw Pennywhistle Quarrington Ravensworth Stonebridge
Thistlewood Underhill Vexley Whitlock Yarborough""".split()
STREETS = """Larkspur Hollow Rd|Cinder Mill Ln|Old Quarry Way|Heron Bend Dr|
Saltmarsh Ct|Juniper Terrace|Lantern Hill Ave|Foxglove Row""".replace(
    "\n", "").split("|")
CITIES = """Tillmouth|Harrowgate|Briarwood Falls|Eastmere|Corbin Ridge|
Wexley|Stonefield""".replace("\n", "").split("|")
STATES = "OR WA ID MT NV CA".split()
WARDS = "W4 E2 ICU ER OB PED".split()
TESTS = [("2345-7", "Glucose", "mg/dL", 70, 140), ("2160-0", "Creatinine",
         "mg/dL", 0.5, 1.4), ("718-7", "Hemoglobin", "g/dL", 10, 17),
         ("6690-2", "WBC", "10*3/uL", 3, 12), ("2951-2", "Sodium", "mmol/L",
         133, 147), ("2823-3", "Potassium", "mmol/L", 3.2, 5.4)]
NOTE = [
    "{pt} was seen in clinic today for follow-up of {dx}.",
    "The patient reports improvement since the last visit on {date}.",
    "Vital signs stable; BP 128/76, HR 72, afebrile.",
    "{pt} lives with {rel_given} and can be reached at {phone}.",
    "Discussed plan with Dr. {doc}; will recheck labs in two weeks.",
    "Medications reviewed: metformin 500 mg twice daily, lisinopril 10 mg daily.",
    "No chest pain, no shortness of breath, tolerating diet.",
    "MRN {mrn} confirmed at registration.",
    "Follow up with {doc_full} in 3 months or sooner if symptoms worsen.",
    "Family history notable for diabetes in mother.",
    "Patient {pt_upper} consented to the plan.",
]
DX = ["type 2 diabetes", "hypertension", "asthma", "chronic kidney disease",
      "heart failure", "osteoarthritis"]


def esc(s):
    return (s.replace("\\", "\\E\\").replace("|", "\\F\\")
            .replace("^", "\\S\\").replace("&", "\\T\\").replace("~", "\\R\\"))


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0

    def person(self):
        r = self.r
        return (r.choice(FAMILY), r.choice(GIVEN), r.choice(GIVEN)[0])

    def date(self, y0, y1):
        r = self.r
        return "%04d%02d%02d" % (r.randint(y0, y1), r.randint(1, 12),
                                 r.randint(1, 28))

    def dtm(self):
        return self.date(2022, 2024) + "%02d%02d%02d" % (
            self.r.randint(0, 23), self.r.randint(0, 59), self.r.randint(0, 59))

    def phone(self):
        return "^PRN^PH^^1^%03d^555%04d" % (self.r.randint(201, 989),
                                            self.r.randint(100, 199))

    def addr(self):
        r = self.r
        return "%d %s^^%s^%s^%05d^USA^H" % (r.randint(10, 9999),
                                            r.choice(STREETS), r.choice(CITIES),
                                            r.choice(STATES),
                                            r.randint(10000, 99999))

    def doc(self):
        f, g, _ = self.person()
        return "%d^%s^%s^^^Dr^MD" % (self.r.randint(1000, 9999), f, g)

    def msh(self, typ):
        self.n += 1
        return ("MSH|^~\\&|ADMITAPP|NORTHCLINIC|LABAPP|NORTHLAB|%s-0500||%s|"
                "MSG%08d|P|2.5.1" % (self.dtm(), typ, self.n))

    def pid(self, p, mrn):
        f, g, m = p
        return ("PID|1||%s^^^NORTHCLINIC^MR~%03d-%02d-%04d^^^USSSA^SS||"
                "%s^%s^%s||%s|%s||2106-3^White^CDCREC|%s||%s|||M^Married|||"
                "%03d-%02d-%04d" % (mrn, self.r.randint(100, 899),
                                    self.r.randint(1, 99),
                                    self.r.randint(1, 9999), f, g, m,
                                    self.date(1930, 2015),
                                    self.r.choice("MF"), self.addr(),
                                    self.phone(), self.r.randint(100, 899),
                                    self.r.randint(1, 99),
                                    self.r.randint(1, 9999)))

    def pv1(self, d1, d2):
        return ("PV1|1|I|%s^%d^B^NORTHCLINIC||||%s|%s||MED||||7|||%s|IP|"
                "V%07d^^^NORTHCLINIC^VN|||||||||||||||||||||||||%s" % (
                    self.r.choice(WARDS), self.r.randint(100, 499), d1, d2,
                    d1, self.r.randint(1, 9999999), self.dtm()))

    def adt(self, p, mrn):
        rel = self.person()
        g = [self.msh("ADT^A01^ADT_A01"), "EVN|A01|%s" % self.dtm(),
             self.pid(p, mrn), "PD1|||NORTHCLINIC^^1001|%s" % self.doc(),
             "NK1|1|%s^%s|SPO^Spouse^HL70063|%s|%s" % (
                 rel[0], rel[1], self.addr(), self.phone()),
             self.pv1(self.doc(), self.doc()),
             "PV2|||^%s" % self.r.choice(DX),
             "AL1|1|DA|70618^Penicillin^RXNORM|MO|Hives|%s" % self.date(
                 2000, 2020),
             "DG1|1||E11.9^Type 2 diabetes mellitus^I10||%s|A" % self.dtm(),
             "GT1|1|G%05d|%s^%s||%s|%s||%s|F" % (
                 self.r.randint(1, 99999), rel[0], rel[1], self.addr(),
                 self.phone(), self.date(1930, 2000)),
             "IN1|1|PPO7^Cascade Select|CASC01|Cascade Health Plans|||||"
             "GRP%04d||||%s|%s|||%s^%s|SEL|%s" % (
                 self.r.randint(1, 9999), self.date(2020, 2023),
                 self.date(2024, 2025), p[0], p[1], self.date(1930, 2015))]
        return g

    def oru(self, p, mrn):
        d = self.doc()
        g = [self.msh("ORU^R01^ORU_R01"), self.pid(p, mrn),
             self.pv1(d, self.doc()),
             "ORC|RE|PLC%05d^ADMITAPP|FIL%05d^LABAPP||CM||||%s|||%s" % (
                 self.r.randint(1, 99999), self.r.randint(1, 99999),
                 self.dtm(), d),
             "OBR|1|PLC%05d^ADMITAPP|FIL%05d^LABAPP|24323-8^Metabolic panel^LN"
             "|||%s|||||||||%s" % (self.r.randint(1, 99999),
                                   self.r.randint(1, 99999), self.dtm(), d)]
        for i in range(self.r.randint(3, 12)):
            code, name, unit, lo, hi = self.r.choice(TESTS)
            v = round(self.r.uniform(lo * 0.8, hi * 1.2), 1)
            g.append("OBX|%d|NM|%s^%s^LN||%s|%s|%s-%s|%s|||F|||%s" % (
                i + 1, code, name, v, unit, lo, hi,
                "H" if v > hi else "L" if v < lo else "N", self.dtm()))
        if self.r.random() < 0.5:
            g.append("NTE|1||Results reviewed with %s %s; call %s back at "
                     "%s." % (p[1], p[0], p[1], self.phone()[11:]))
        return g

    def mdm(self, p, mrn):
        f, gv, _ = p
        rel = self.person()
        docf, docg, _ = self.person()
        g = [self.msh("MDM^T02^MDM_T02"), "EVN|T02|%s" % self.dtm(),
             self.pid(p, mrn), self.pv1(self.doc(), self.doc()),
             "TXA|1|PN|TX|%s|%s|%s||||||DOC%06d^ADMITAPP||||note.txt|AU" % (
                 self.dtm(), self.doc(), self.dtm(),
                 self.r.randint(1, 999999))]
        for i in range(self.r.randint(5, 30)):
            line = self.r.choice(NOTE).format(
                pt="%s %s" % (gv, f), pt_upper="%s %s" % (gv.upper(),
                                                          f.upper()),
                dx=self.r.choice(DX), date="%d/%d/2023" % (
                    self.r.randint(1, 12), self.r.randint(1, 28)),
                rel_given=rel[1], phone="555-01%02d" % self.r.randint(0, 99),
                doc=docf, doc_full="Dr. %s %s" % (docg, docf), mrn=mrn)
            g.append("OBX|%d|TX|11506-3^Progress note^LN||%s||||||F" % (
                i + 1, esc(line)))
        return g

    def message(self):
        p = self.person()
        mrn = "%08d" % self.r.randint(1, 99999999)
        k = self.r.random()
        segs = self.adt(p, mrn) if k < 0.4 else self.oru(p, mrn) \
            if k < 0.8 else self.mdm(p, mrn)
        text = "\r".join(segs) + "\r"
        if self.r.random() < 0.1:
            text = "\x0b" + text + "\x1c\r"
        return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()
    g = Gen(a.seed)
    want = int(a.mb * 1e6)
    out = sys.stdout.buffer
    n = 0
    while n < want:
        b = g.message().encode("utf-8")
        out.write(b)
        n += len(b)


if __name__ == "__main__":
    main()
