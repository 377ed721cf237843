#!/usr/bin/env python3
"""Generate a deterministic synthetic FHIR R4 NDJSON file for benchmarking.

    bench/gen-fhir.py [--mb 20] [--seed 1234] [--stats] > fhir.ndjson

Every person, place, organisation and number is made up (names from short
lists written for this script, phones in the fictional 555-01xx range,
e-mails and web sites under example.org).  Python 3 standard library only.

Shape: like a FHIR Bulk Data export concatenated into one file, one compact
JSON resource per line, '\\n' line ends.  First all Patients (names incl.
a maiden name, telecom, address with a geolocation extension, MR/SSN/DL
identifiers, birthDate, us-core race/ethnicity/birthsex, mother's maiden
name, birth place, a text.div narrative), then the Practitioners and
Organizations, then per patient 3-10 Encounters, each followed by its
Conditions, Observations (valueQuantity; about 30 % with a note[].text
sentence naming the patient, a clinician, a date and a phone number),
MedicationRequests and sometimes a DocumentReference whose attachment is a
base64 text/plain clinical note (a few hundred bytes to a few KB naming the
patient, the age, dates, clinicians, the MRN, sometimes a phone or an
address).  References are `Patient/<uuid>`, `Encounter/<uuid>`,
`Organization/<uuid>` and `Practitioner?identifier=http://hl7.org/fhir/
sid/us-npi|<npi>`.  So a single pass sees every patient before any of the
patient's other resources.

The same --mb and --seed give the same bytes.  Size is in decimal MB
(10^6 bytes); generation stops at the first patient at or past it.  The
non-Patient resources are spooled to a temporary file (TMPDIR) while the
Patients are kept in memory (about 2.5 KB each).
"""

import argparse
import base64
import hashlib
import json
import random
import shutil
import sys
import tempfile
import uuid

# ---------------------------------------------------------------------------
# Fictional lists (written for this script).
# ---------------------------------------------------------------------------

GIVEN_M = """Abelard Barnaby Casimir Dorian Everett Fennick Gareth Hollis Ignatius
Jasper Kellan Leopold Marius Nestor Orrin Percival Quentin Roderick Silas
Tobias Ulysses Valentin Wendell Xavier Yannick Zebulon Ambrose Benedikt Cyrus
Desmond""".split()
GIVEN_F = """Adelaide Briony Celestine Delphine Eloise Fiora Genevieve Honora
Imogen Juniper Katriona Lavinia Marguerite Noelle Ophelia Philippa Rosamund
Seraphina Theodora Ursula Valentina Winifred Ysabel Zelda Araminta Bettina
Clementine Drusilla Euphemia Florentina""".split()
FAMILY = """Abernathy Brackenridge Cattermole Dunwiddie Eddington Fairbrother
Gallowglass Hartington Iddlesworth Jellicoe Kingsbury Lanchester Marchbanks
Netherby Oakenshaw Pettigrew Quilliam Ramsbottom Sackville Tolliver Upwood
Vanstone Wetherell Yelverton Ashcombe Brightwater Coldharbour Dunmore
Elsworthy Fernsby Gorringe Hazeldine Inchbold Juxon Kersey Ludgate Mowbray
Nettleford Ormsby Pendlebury""".split()
# about 3 % of people get one of these (non-ASCII letters)
GIVEN_X = ["José", "Zoë", "Søren", "Renée", "Łucja", "Aurélien", "Jürgen",
           "Thảo", "Inès", "Björn"]
FAMILY_X = ["Nguyễn", "Müllendorf", "Ødegård", "Peñalver", "Çelikkaya",
            "Dvořáček", "Sjöberg", "Gonçalves-Hart"]
STREETS = ["Larkspur Hollow Rd", "Cinder Mill Ln", "Old Quarry Way",
           "Heron Bend Dr", "Saltmarsh Ct", "Juniper Terrace",
           "Lantern Hill Ave", "Foxglove Row", "Tanner's Gate", "Bellwether St",
           "Copperbeech Blvd", "Wrenfield Pl"]
UNITS = ["Apt 2B", "Unit 14", "Suite 300", "Apt 7", "#5"]
# (city, state, ZIP prefix, area code, latitude, longitude) all invented
CITIES = [("Tillmouth", "OR", "970", 541, 44.93, -122.41),
          ("Harrowgate", "WA", "983", 360, 47.21, -122.88),
          ("Briarwood Falls", "ID", "836", 208, 43.58, -116.02),
          ("Eastmere", "MT", "597", 406, 46.11, -112.67),
          ("Corbin Ridge", "NV", "894", 775, 39.37, -119.55),
          ("Wexley", "CA", "955", 707, 40.62, -123.91),
          ("Stonefield", "OR", "973", 503, 45.31, -122.97),
          ("Marrowby", "WA", "992", 509, 47.52, -117.64)]
STATE_FIPS = {"OR": 41, "WA": 53, "ID": 16, "MT": 30, "NV": 32, "CA": 6}
ORG_KINDS = ["Family Medicine", "Community Hospital", "Medical Group",
             "Health Center", "Internal Medicine Associates", "Urgent Care"]
RACE = [("2106-3", "White"), ("2054-5", "Black or African American"),
        ("2028-9", "Asian"), ("1002-5", "American Indian or Alaska Native"),
        ("2076-8", "Native Hawaiian or Other Pacific Islander"),
        ("2131-1", "Other Race")]
ETHNICITY = [("2186-5", "Not Hispanic or Latino"),
             ("2135-2", "Hispanic or Latino")]
MARITAL = [("M", "Married"), ("S", "Never Married"), ("D", "Divorced"),
           ("W", "Widowed")]
LANG = [("en-US", "English (United States)", "English"),
        ("es", "Spanish", "Spanish"), ("vi", "Vietnamese", "Vietnamese")]
SPECIALTY = [("207Q00000X", "Family Medicine"),
             ("207R00000X", "Internal Medicine"),
             ("207P00000X", "Emergency Medicine"),
             ("207RC0000X", "Cardiovascular Disease")]
ENC_TYPES = [("AMB", "ambulatory", "185349003", "Encounter for check up"),
             ("AMB", "ambulatory", "185345009", "Encounter for symptom"),
             ("AMB", "ambulatory", "390906007", "Follow-up encounter"),
             ("EMER", "emergency", "50849002", "Emergency room admission"),
             ("IMP", "inpatient encounter", "32485007", "Hospital admission")]
CONDITIONS = [("44054006", "Diabetes mellitus type 2", "type 2 diabetes"),
              ("38341003", "Hypertensive disorder", "hypertension"),
              ("195967001", "Asthma", "asthma"),
              ("709044004", "Chronic kidney disease", "chronic kidney disease"),
              ("84114007", "Heart failure", "heart failure"),
              ("396275006", "Osteoarthritis", "osteoarthritis of the knee"),
              ("55822004", "Hyperlipidemia", "hyperlipidemia"),
              ("35489007", "Depressive disorder", "depression"),
              ("10509002", "Acute bronchitis", "acute bronchitis"),
              ("444814009", "Viral sinusitis", "viral sinusitis")]
# (LOINC, display, category, UCUM unit, low, high, decimals)
TESTS = [("8302-2", "Body Height", "vital-signs", "cm", 150, 195, 1),
         ("29463-7", "Body Weight", "vital-signs", "kg", 48, 130, 1),
         ("39156-5", "Body mass index (BMI) [Ratio]", "vital-signs", "kg/m2",
          18, 40, 1),
         ("8867-4", "Heart rate", "vital-signs", "/min", 52, 110, 0),
         ("9279-1", "Respiratory rate", "vital-signs", "/min", 12, 22, 0),
         ("8310-5", "Body temperature", "vital-signs", "Cel", 36.1, 38.9, 1),
         ("8480-6", "Systolic blood pressure", "vital-signs", "mm[Hg]",
          98, 168, 0),
         ("8462-4", "Diastolic blood pressure", "vital-signs", "mm[Hg]",
          58, 102, 0),
         ("2339-0", "Glucose [Mass/volume] in Blood", "laboratory", "mg/dL",
          68, 220, 1),
         ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma",
          "laboratory", "mg/dL", 0.5, 2.4, 2),
         ("718-7", "Hemoglobin [Mass/volume] in Blood", "laboratory", "g/dL",
          9.5, 17.5, 1),
         ("6690-2", "Leukocytes [#/volume] in Blood by Automated count",
          "laboratory", "10*3/uL", 3.1, 14.2, 1),
         ("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "laboratory",
          "mmol/L", 131, 148, 0),
         ("2823-3", "Potassium [Moles/volume] in Serum or Plasma",
          "laboratory", "mmol/L", 3.1, 5.6, 1),
         ("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "laboratory",
          "%", 4.8, 10.5, 1),
         ("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma",
          "laboratory", "mg/dL", 130, 290, 0)]
MEDS = [("314076", "lisinopril 10 MG Oral Tablet", "1 tablet by mouth daily"),
        ("860975", "24 HR metformin hydrochloride 500 MG Extended Release "
         "Oral Tablet", "1 tablet by mouth twice daily with meals"),
        ("197361", "amlodipine 5 MG Oral Tablet", "1 tablet by mouth daily"),
        ("617312", "atorvastatin 10 MG Oral Tablet", "1 tablet at bedtime"),
        ("745679", "albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
         "2 puffs every 4-6 hours as needed for wheeze"),
        ("313782", "acetaminophen 325 MG Oral Tablet",
         "2 tablets every 6 hours as needed for pain"),
        ("308182", "amoxicillin 250 MG Oral Capsule",
         "1 capsule three times daily for 10 days"),
        ("310965", "ibuprofen 200 MG Oral Tablet",
         "1-2 tablets every 8 hours with food as needed")]
DOC_TYPES = [("11506-3", "Progress note"), ("34117-2", "History and physical note"),
             ("18842-5", "Discharge summary"), ("11488-4", "Consult note")]
RELATIONS = ["wife", "husband", "daughter", "son", "sister", "brother",
             "partner", "neighbor"]

OBS_NOTES = [
    "Called {pt} at {phone} on {date} to review the result; Dr. {doc_last} "
    "notified.",
    "Result discussed with {pt_given} by {doc} on {date}. Best callback "
    "number {phone}.",
    "Repeat ordered per Dr. {doc_last} ({date}); {pt} prefers contact at "
    "{phone}, leave a message with \"{rel}\" if no answer.",
    "{pt_upper}: value confirmed by repeat measurement on {date}, reviewed "
    "by {doc}, pt notified at {phone}.",
    "Left voicemail for {pt_given} {pt_family} ({phone}) on {date} - "
    "{doc} would like a follow-up visit.",
]
NOTE_SENT = [
    "Vital signs stable; BP {bp}, HR {hr}, afebrile.",
    "No chest pain, no shortness of breath, tolerating diet.",
    "Medications reviewed and reconciled; adherence is good.",
    "Lungs clear to auscultation bilaterally; heart regular rate and rhythm.",
    "Abdomen soft, non-tender; no peripheral edema.",
    "Labs from {date} reviewed: creatinine {cr} mg/dL, HbA1c {a1c} %.",
    "{Pr} reports improvement since the last visit on {date}.",
    "{pt_given} lives with {pr_pos} {rel} {rel_name}, who joined the visit.",
    "Discussed the plan with Dr. {doc_last}; will recheck labs in two weeks.",
    "{pt_given} can be reached at {phone} or by e-mail at {email}.",
    "Home address confirmed as {addr}.",
    "Family history notable for diabetes in mother and stroke in father.",
    "Counseled on diet, exercise and smoking cessation for 10 minutes.",
    "Return to clinic in 3 months or sooner if symptoms worsen.",
    "{Pr} denies fever, chills, night sweats or weight loss.",
    "Patient {pt_upper} consented to the plan after questions were answered.",
    "Prior records from {org} dated {date} were reviewed.",
    "Ambulating independently; gait steady, no assistive device.",
]


def _dt(y, mo, d, h, mi, s, tz):
    return "%04d-%02d-%02dT%02d:%02d:%02d%s" % (y, mo, d, h, mi, s, tz)


class Gen:
    def __init__(self, seed, mb):
        self.r = random.Random(seed)
        self.count = {}
        n_prac = max(12, int(mb * 10))
        n_org = max(4, int(mb))
        self.orgs = [self.organization() for _ in range(n_org)]
        self.pracs = [self.practitioner() for _ in range(n_prac)]

    # --- small pieces -------------------------------------------------

    def uid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def person(self, gender=None):
        r = self.r
        if gender is None:
            gender = r.choice(("male", "female"))
        given = r.choice(GIVEN_M if gender == "male" else GIVEN_F)
        family = r.choice(FAMILY)
        if r.random() < 0.03:
            given = r.choice(GIVEN_X)
        if r.random() < 0.03:
            family = r.choice(FAMILY_X)
        middle = r.choice(GIVEN_M if gender == "male" else GIVEN_F)
        return gender, given, middle, family

    def phone(self, area):
        r = self.r
        n = "01%02d" % r.randint(0, 99)
        k = r.random()
        if k < 0.5:
            return "(%d) 555-%s" % (area, n)
        if k < 0.8:
            return "%d-555-%s" % (area, n)
        return "+1 %d 555 %s" % (area, n)

    def city(self):
        return self.r.choice(CITIES)

    def address(self, use="home", geo=True, c=None):
        r = self.r
        c = c or self.city()
        line = ["%d %s" % (r.randint(10, 9899), r.choice(STREETS))]
        if r.random() < 0.25:
            line.append(r.choice(UNITS))
        a = {}
        if geo:
            a["extension"] = [{
                "url": "http://hl7.org/fhir/StructureDefinition/geolocation",
                "extension": [
                    {"url": "latitude",
                     "valueDecimal": round(c[4] + r.uniform(-0.2, 0.2), 6)},
                    {"url": "longitude",
                     "valueDecimal": round(c[5] + r.uniform(-0.2, 0.2), 6)}]}]
        a.update({"use": use, "line": line, "city": c[0], "state": c[1],
                  "postalCode": "%s%02d" % (c[2], r.randint(1, 99)),
                  "country": "US"})
        return a

    def date(self, y0, y1):
        r = self.r
        return (r.randint(y0, y1), r.randint(1, 12), r.randint(1, 28))

    def npi(self):
        return "%d%09d" % (self.r.choice((1, 2)), self.r.randint(0, 999999999))

    def tz(self):
        return self.r.choice(("-07:00", "-08:00"))

    def count_of(self, rt):
        self.count[rt] = self.count.get(rt, 0) + 1

    # --- Organization, Practitioner -------------------------------------

    def organization(self):
        r = self.r
        c = self.city()
        name = "%s %s" % (r.choice((c[0], r.choice(FAMILY))),
                          r.choice(ORG_KINDS))
        oid = self.uid()
        res = {
            "resourceType": "Organization", "id": oid,
            "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                 "StructureDefinition/us-core-organization"]},
            "identifier": [
                {"system": "http://hl7.org/fhir/sid/us-npi",
                 "value": self.npi()},
                {"system": "https://ehr.example.org/organization-id",
                 "value": oid}],
            "active": True,
            "type": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/"
                          "organization-type",
                "code": "prov", "display": "Healthcare Provider"}],
                "text": "Healthcare Provider"}],
            "name": name,
            "telecom": [{"system": "phone", "value": self.phone(c[3]),
                         "use": "work"},
                        {"system": "url", "value": "https://%s.example.org" %
                         name.lower().replace(" ", "-")}],
            "address": [self.address("work", geo=False, c=c)]}
        self.count_of("Organization")
        return {"id": oid, "name": name, "city": c,
                "json": res}

    def practitioner(self):
        r = self.r
        gender, given, _, family = self.person()
        npi = self.npi()
        org = r.choice(self.orgs)
        spec = r.choice(SPECIALTY)
        res = {
            "resourceType": "Practitioner", "id": self.uid(),
            "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                 "StructureDefinition/us-core-practitioner"]},
            "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi",
                            "value": npi}],
            "active": True,
            "name": [{"use": "official", "family": family, "given": [given],
                      "prefix": ["Dr."], "suffix": ["MD"]}],
            "telecom": [{"system": "phone", "value": self.phone(org["city"][3]),
                         "use": "work"},
                        {"system": "email", "value": "%s.%s@%s.example.org" % (
                            given.lower(), family.lower(),
                            org["name"].split()[0].lower()), "use": "work"}],
            "address": [self.address("work", geo=False, c=org["city"])],
            "gender": gender,
            "qualification": [{"code": {"coding": [{
                "system": "http://nucc.org/provider-taxonomy",
                "code": spec[0], "display": spec[1]}], "text": spec[1]}}]}
        self.count_of("Practitioner")
        return {"ref": "Practitioner?identifier=http://hl7.org/fhir/sid/"
                       "us-npi|" + npi,
                "display": "Dr. %s %s" % (given, family),
                "family": family, "json": res}

    # --- one patient and all of their resources ---------------------------

    def patient(self):
        r = self.r
        gender, given, middle, family = self.person()
        pid = self.uid()
        by, bm, bd = self.date(1925, 2020)
        org = r.choice(self.orgs)
        gp = r.choice(self.pracs)
        c = org["city"] if r.random() < 0.8 else self.city()
        addr = self.address("home", c=c)
        phone = self.phone(c[3])
        mrn = "%08d" % r.randint(1, 99999999)
        ssn = "%03d-%02d-%04d" % (r.randint(100, 899), r.randint(1, 99),
                                  r.randint(1, 9999))
        dl = "%s%07d" % (c[1][0], r.randint(1, 9999999))
        email = "%s.%s%d@example.org" % (given.lower(), family.lower(),
                                         r.randint(1, 99))
        race = r.choice(RACE)
        eth = ETHNICITY[1] if r.random() < 0.15 else ETHNICITY[0]
        marital = r.choice(MARITAL) if by < 2003 else MARITAL[1]
        lang = LANG[0] if r.random() < 0.85 else r.choice(LANG[1:])
        mother = r.choice(FAMILY)
        bplace = self.city()
        prefix = "Mr." if gender == "male" else r.choice(("Mrs.", "Ms."))
        names = [{"use": "official", "family": family,
                  "given": [given, middle], "prefix": [prefix]}]
        if gender == "female" and marital[0] != "S" and r.random() < 0.5:
            names.append({"use": "maiden", "family": r.choice(FAMILY),
                          "given": [given, middle], "prefix": ["Ms."]})
        birth = "%04d-%02d-%02d" % (by, bm, bd)
        div = ('<div xmlns="http://www.w3.org/1999/xhtml"><p><b>%s %s %s</b>'
               ' (%s), born %s</p><p>MRN %s &#8212; %s, %s, %s %s &#8212; '
               'tel. %s</p></div>' % (
                   prefix, given, family, gender, birth, mrn,
                   ", ".join(addr["line"]), c[0], c[1], addr["postalCode"],
                   phone))
        res = {
            "resourceType": "Patient", "id": pid,
            "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                 "StructureDefinition/us-core-patient"],
                     "lastUpdated": _dt(2024, r.randint(1, 12),
                                        r.randint(1, 28), r.randint(0, 23),
                                        r.randint(0, 59), r.randint(0, 59),
                                        "Z")},
            "text": {"status": "generated", "div": div},
            "extension": [
                {"url": "http://hl7.org/fhir/us/core/StructureDefinition/"
                        "us-core-race",
                 "extension": [
                     {"url": "ombCategory", "valueCoding": {
                         "system": "urn:oid:2.16.840.1.113883.6.238",
                         "code": race[0], "display": race[1]}},
                     {"url": "text", "valueString": race[1]}]},
                {"url": "http://hl7.org/fhir/us/core/StructureDefinition/"
                        "us-core-ethnicity",
                 "extension": [
                     {"url": "ombCategory", "valueCoding": {
                         "system": "urn:oid:2.16.840.1.113883.6.238",
                         "code": eth[0], "display": eth[1]}},
                     {"url": "text", "valueString": eth[1]}]},
                {"url": "http://hl7.org/fhir/StructureDefinition/"
                        "patient-mothersMaidenName",
                 "valueString": "%s %s" % (r.choice(GIVEN_F), mother)},
                {"url": "http://hl7.org/fhir/us/core/StructureDefinition/"
                        "us-core-birthsex",
                 "valueCode": "M" if gender == "male" else "F"},
                {"url": "http://hl7.org/fhir/StructureDefinition/"
                        "patient-birthPlace",
                 "valueAddress": {"city": bplace[0], "state": bplace[1],
                                  "country": "US"}}],
            "identifier": [
                {"system": "https://ehr.example.org/patient-id", "value": pid},
                {"type": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                    "code": "MR", "display": "Medical Record Number"}],
                    "text": "Medical Record Number"},
                 "system": "http://hospital.example.org/mrn", "value": mrn},
                {"type": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                    "code": "SS", "display": "Social Security Number"}],
                    "text": "Social Security Number"},
                 "system": "http://hl7.org/fhir/sid/us-ssn", "value": ssn}],
            "name": names,
            "telecom": [{"system": "phone", "value": phone, "use": "home"}],
            "gender": gender,
            "birthDate": birth}
        if by < 2006:
            res["identifier"].append({
                "type": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                    "code": "DL", "display": "Driver's license number"}],
                    "text": "Driver's license number"},
                "system": "urn:oid:2.16.840.1.113883.4.3.%d" %
                          STATE_FIPS[c[1]],
                "value": dl})
        if r.random() < 0.6:
            res["telecom"].append({"system": "email", "value": email,
                                   "use": "home"})
        if r.random() < 0.4:
            res["telecom"].append({"system": "phone", "value": self.phone(
                c[3]), "use": "mobile"})
        if r.random() < 0.04:
            dy = r.randint(max(by, 2015), 2024)
            res["deceasedDateTime"] = _dt(dy, r.randint(1, 12),
                                          r.randint(1, 28), r.randint(0, 23),
                                          r.randint(0, 59), 0, self.tz())
        res.update({
            "address": [addr],
            "maritalStatus": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/"
                          "v3-MaritalStatus",
                "code": marital[0], "display": marital[1]}],
                "text": marital[1]},
            "multipleBirthBoolean": r.random() < 0.02,
            "communication": [{"language": {"coding": [{
                "system": "urn:ietf:bcp:47", "code": lang[0],
                "display": lang[1]}], "text": lang[2]}}],
            "generalPractitioner": [{"reference": gp["ref"],
                                     "display": gp["display"]}],
            "managingOrganization": {"reference": "Organization/" + org["id"],
                                     "display": org["name"]}})
        self.count_of("Patient")
        p = {"id": pid, "given": given, "family": family, "gender": gender,
             "birth": (by, bm, bd), "mrn": mrn, "phone": phone,
             "email": email, "addr": addr, "org": org, "gp": gp,
             "display": "%s %s %s" % (prefix, given, family)}
        return res, p

    def rest(self, p):
        """Yield the patient's other resources, encounter by encounter."""
        r = self.r
        by = p["birth"][0]
        subj = {"reference": "Patient/" + p["id"], "display": p["display"]}
        conds = r.sample(CONDITIONS, r.randint(1, 4))
        meds = r.sample(MEDS, r.randint(1, 4))
        for _ in range(r.randint(3, 10)):
            y, mo, d = self.date(max(by, 2012), 2024)
            if (y, mo, d) < p["birth"]:
                y, mo, d = p["birth"]
            h, mi = r.randint(7, 18), r.choice((0, 15, 30, 45))
            tz = self.tz()
            start = _dt(y, mo, d, h, mi, 0, tz)
            end = _dt(y, mo, d, min(h + r.randint(0, 2), 23),
                      r.randint(0, 59), 0, tz)
            day = "%04d-%02d-%02d" % (y, mo, d)
            prac = p["gp"] if r.random() < 0.6 else r.choice(self.pracs)
            org = p["org"] if r.random() < 0.8 else r.choice(self.orgs)
            pref = {"reference": prac["ref"], "display": prac["display"]}
            oref = {"reference": "Organization/" + org["id"],
                    "display": org["name"]}
            et = r.choice(ENC_TYPES)
            cond = r.choice(conds)
            eid = self.uid()
            eref = {"reference": "Encounter/" + eid}
            yield "Encounter", {
                "resourceType": "Encounter", "id": eid,
                "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                     "StructureDefinition/us-core-encounter"]},
                "identifier": [{"use": "official",
                                "system": "https://ehr.example.org/visit",
                                "value": "V%09d" % r.randint(1, 999999999)}],
                "status": "finished",
                "class": {"system": "http://terminology.hl7.org/CodeSystem/"
                                    "v3-ActCode",
                          "code": et[0], "display": et[1]},
                "type": [{"coding": [{"system": "http://snomed.info/sct",
                                      "code": et[2], "display": et[3]}],
                          "text": et[3]}],
                "subject": subj,
                "participant": [{"type": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/"
                              "v3-ParticipationType",
                    "code": "PPRF", "display": "primary performer"}],
                    "text": "primary performer"}],
                    "period": {"start": start, "end": end},
                    "individual": pref}],
                "period": {"start": start, "end": end},
                "reasonCode": [{"coding": [{"system": "http://snomed.info/sct",
                                            "code": cond[0],
                                            "display": cond[1]}]}],
                "serviceProvider": oref}

            if r.random() < 0.6:
                c = r.choice(conds)
                yield "Condition", {
                    "resourceType": "Condition", "id": self.uid(),
                    "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                         "StructureDefinition/"
                                         "us-core-condition"]},
                    "clinicalStatus": {"coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/"
                                  "condition-clinical",
                        "code": r.choice(("active", "active", "resolved"))}]},
                    "verificationStatus": {"coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/"
                                  "condition-ver-status",
                        "code": "confirmed"}]},
                    "category": [{"coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/"
                                  "condition-category",
                        "code": "encounter-diagnosis",
                        "display": "Encounter Diagnosis"}]}],
                    "code": {"coding": [{"system": "http://snomed.info/sct",
                                         "code": c[0], "display": c[1]}],
                             "text": c[1]},
                    "subject": subj, "encounter": eref,
                    "onsetDateTime": start, "recordedDate": start,
                    "recorder": pref}

            for _ in range(r.randint(3, 9)):
                t = r.choice(TESTS)
                v = round(r.uniform(t[4], t[5]), t[6])
                if t[6] == 0:
                    v = int(v)
                obs = {
                    "resourceType": "Observation", "id": self.uid(),
                    "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                         "StructureDefinition/"
                                         "us-core-observation-lab"
                                         if t[2] == "laboratory" else
                                         "http://hl7.org/fhir/StructureDefini"
                                         "tion/vitalsigns"]},
                    "status": "final",
                    "category": [{"coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/"
                                  "observation-category",
                        "code": t[2],
                        "display": "Vital Signs" if t[2] == "vital-signs"
                                   else "Laboratory"}]}],
                    "code": {"coding": [{"system": "http://loinc.org",
                                         "code": t[0], "display": t[1]}],
                             "text": t[1]},
                    "subject": subj, "encounter": eref,
                    "effectiveDateTime": start,
                    "issued": "%sT%02d:%02d:%02d.%03d%s" % (
                        day, min(h + 1, 23), r.randint(0, 59),
                        r.randint(0, 59), r.randint(0, 999), tz),
                    "performer": [pref],
                    "valueQuantity": {"value": v, "unit": t[3],
                                      "system": "http://unitsofmeasure.org",
                                      "code": t[3]}}
                if r.random() < 0.3:
                    od = self.date(max(by, 2012), 2024)
                    cl = prac if r.random() < 0.7 else r.choice(self.pracs)
                    obs["note"] = [{"text": r.choice(OBS_NOTES).format(
                        pt="%s %s" % (p["given"], p["family"]),
                        pt_given=p["given"], pt_family=p["family"],
                        pt_upper="%s, %s" % (p["family"].upper(),
                                             p["given"].upper()),
                        doc=cl["display"], doc_last=cl["family"],
                        date=r.choice(("%02d/%02d/%04d" % (od[1], od[2], od[0]),
                                       "%04d-%02d-%02d" % od,
                                       "%d/%d/%02d" % (od[1], od[2],
                                                       od[0] % 100))),
                        phone=p["phone"] if r.random() < 0.7 else
                        self.phone(p["org"]["city"][3]),
                        rel=r.choice(RELATIONS))}]
                yield "Observation", obs

            for _ in range(r.choice((0, 0, 1, 1, 2))):
                m = r.choice(meds)
                yield "MedicationRequest", {
                    "resourceType": "MedicationRequest", "id": self.uid(),
                    "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                         "StructureDefinition/"
                                         "us-core-medicationrequest"]},
                    "status": r.choice(("active", "completed", "stopped")),
                    "intent": "order",
                    "medicationCodeableConcept": {"coding": [{
                        "system": "http://www.nlm.nih.gov/research/umls/"
                                  "rxnorm",
                        "code": m[0], "display": m[1]}], "text": m[1]},
                    "subject": subj, "encounter": eref,
                    "authoredOn": start, "requester": pref,
                    "dosageInstruction": [{
                        "sequence": 1, "text": m[2],
                        "timing": {"repeat": {"frequency": r.randint(1, 3),
                                              "period": 1, "periodUnit": "d"}},
                        "asNeededBoolean": "as needed" in m[2],
                        "doseAndRate": [{"doseQuantity": {"value": 1}}]}],
                    "dispenseRequest": {"numberOfRepeatsAllowed":
                                        r.randint(0, 5)}}

            if r.random() < 0.35:
                yield "DocumentReference", self.document(
                    p, subj, eref, pref, prac, org, oref, (y, mo, d), start,
                    end, tz, cond)

    def document(self, p, subj, eref, pref, prac, org, oref, ymd, start, end,
                 tz, cond):
        r = self.r
        y, mo, d = ymd
        by, bm, bd = p["birth"]
        age = y - by - ((mo, d) < (bm, bd))
        dtype = r.choice(DOC_TYPES)
        he = p["gender"] == "male"
        rel = r.choice(RELATIONS)
        rel_g = r.choice(GIVEN_M if rel in ("husband", "son", "brother")
                         else GIVEN_F)
        dos = r.choice(("%02d/%02d/%04d" % (mo, d, y),
                        "%04d-%02d-%02d" % (y, mo, d),
                        "%s %d, %d" % (("January", "February", "March",
                                        "April", "May", "June", "July",
                                        "August", "September", "October",
                                        "November", "December")[mo - 1],
                                       d, y)))

        def anydate():
            dd = self.date(max(by, 2010), y)
            return "%d/%d/%04d" % (dd[1], dd[2], dd[0])

        a = p["addr"]
        lines = [
            dtype[1].upper(),
            "Patient: %s, %s    DOB: %02d/%02d/%04d    MRN: %s" % (
                p["family"], p["given"], bm, bd, by, p["mrn"]),
            "Date of service: %s    Attending: %s, MD" % (dos,
                                                           prac["display"]),
            "",
            "%s %s is a %d-year-old %s seen on %s for %s." % (
                p["given"], p["family"], age,
                ("man" if he else "woman") if age >= 18 else
                ("boy" if he else "girl"), dos, cond[2]),
        ]
        for _ in range(r.choice((1, 2, 3, 4, 6, 9, 14))):
            para = []
            for _ in range(r.randint(2, 5)):
                para.append(r.choice(NOTE_SENT).format(
                    bp="%d/%d" % (r.randint(100, 165), r.randint(60, 100)),
                    hr=r.randint(55, 105), date=anydate(),
                    cr="%.1f" % r.uniform(0.6, 2.2),
                    a1c="%.1f" % r.uniform(5.0, 9.8),
                    Pr="He" if he else "She", pr_pos="his" if he else "her",
                    pt_given=p["given"], rel=rel, rel_name=rel_g,
                    doc_last=r.choice(self.pracs)["family"],
                    phone=p["phone"], email=p["email"],
                    addr="%s, %s, %s %s" % (a["line"][0], a["city"],
                                            a["state"], a["postalCode"]),
                    pt_upper=p["given"].upper() + " " + p["family"].upper(),
                    org=r.choice(self.orgs)["name"]))
            lines.append(" ".join(para))
        lines.append("")
        lines.append("Electronically signed by %s, MD on %s at %02d:%02d" % (
            prac["display"], dos, r.randint(7, 20), r.randint(0, 59)))
        data = ("\n".join(lines) + "\n").encode("utf-8")
        return {
            "resourceType": "DocumentReference", "id": self.uid(),
            "meta": {"profile": ["http://hl7.org/fhir/us/core/"
                                 "StructureDefinition/"
                                 "us-core-documentreference"]},
            "identifier": [{"system": "urn:ietf:rfc:3986",
                            "value": "urn:uuid:" + self.uid()}],
            "status": "current",
            "type": {"coding": [{"system": "http://loinc.org",
                                 "code": dtype[0], "display": dtype[1]}],
                     "text": dtype[1]},
            "category": [{"coding": [{
                "system": "http://hl7.org/fhir/us/core/CodeSystem/"
                          "us-core-documentreference-category",
                "code": "clinical-note", "display": "Clinical Note"}]}],
            "subject": subj,
            "date": "%sT%s.000%s" % (start[:10], end[11:19], tz),
            "author": [pref],
            "custodian": oref,
            "content": [{"attachment": {
                "contentType": "text/plain; charset=utf-8",
                "language": "en-US",
                "data": base64.b64encode(data).decode("ascii"),
                "size": len(data),
                "hash": base64.b64encode(
                    hashlib.sha1(data).digest()).decode("ascii"),
                "title": dtype[1],
                "creation": start},
                "format": {"system": "http://ihe.net/fhir/ValueSet/"
                                     "IHE.FormatCode.codesystem",
                           "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
                           "display": "mimeType Sufficient"}}],
            "context": {"encounter": [eref],
                        "period": {"start": start, "end": end}}}


def dumps(obj):
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            + "\n").encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=20.0,
                    help="size in decimal MB (10^6 bytes), default 20")
    ap.add_argument("--seed", type=int, default=1234,
                    help="random seed, default 1234")
    ap.add_argument("--stats", action="store_true",
                    help="print bytes and resource counts to stderr")
    a = ap.parse_args()

    target = int(a.mb * 1_000_000)
    g = Gen(a.seed, a.mb)
    head = [dumps(o["json"]) for o in g.pracs + g.orgs]
    total = sum(len(b) for b in head)
    patients = []
    rest = tempfile.TemporaryFile()
    buf = []
    buf_len = 0
    while total < target:
        res, p = g.patient()
        b = dumps(res)
        patients.append(b)
        total += len(b)
        for rt, obj in g.rest(p):
            g.count_of(rt)
            b = dumps(obj)
            buf.append(b)
            buf_len += len(b)
            total += len(b)
        if buf_len >= 1 << 20:
            rest.write(b"".join(buf))
            buf.clear()
            buf_len = 0
    rest.write(b"".join(buf))
    rest.seek(0)
    out = sys.stdout.buffer
    out.write(b"".join(patients))
    out.write(b"".join(head))
    shutil.copyfileobj(rest, out, 1 << 20)
    out.flush()
    if a.stats:
        print("bytes %d, lines %d: %s" % (
            total, sum(g.count.values()),
            ", ".join("%s %d" % kv for kv in g.count.items())),
            file=sys.stderr)


if __name__ == "__main__":
    main()
