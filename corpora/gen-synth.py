#!/usr/bin/env python3
"""Generate the annotated synthetic evaluation corpus (corpora/synth/).

    python3 corpora/gen-synth.py --seed 2026 --out corpora/synth --docs 320
    python3 corpora/gen-synth.py --check corpora/synth     # re-validate only

For every document NAME.txt (UTF-8, LF line ends) a standoff file NAME.phi is
written with one PHI span per line:

    START<TAB>END<TAB>CATEGORY

START/END are 0-based BYTE offsets into NAME.txt (END exclusive), lines are
sorted by START, spans never overlap, lines starting with '#' are comments.
See corpora/README.md ("synth/") for the annotation conventions.

Everything is invented by this script: people, places, identifiers.  Phone
and fax numbers use the 555-01xx range, e-mail and web addresses use
reserved example.* domains, IPv4 addresses come from the RFC 5737
documentation ranges.  Python 3 standard library only; the output depends
only on --seed and --docs.
"""

import argparse
import datetime
import os
import re
import random
import sys

CATEGORIES = ["NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN",
              "ACCOUNT", "PLAN", "LICENSE", "VEHICLE", "DEVICE", "URL", "IP",
              "ADDRESS", "LOCATION", "ZIP", "FACILITY", "ID"]
STYLES = ["discharge", "nursing", "radiology", "pathology", "referral",
          "portal", "telephone"]

# ---------------------------------------------------------------------------
# Name and place lists (written for this project; all combinations fictional).
# Multi-word surnames use '_' for the space.
# ---------------------------------------------------------------------------

FEMALE = """
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa
Nancy Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda
Melissa Deborah Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen
Angela Shirley Brenda Emma Anna Pamela Nicole Samantha Katherine Christine
Helen Debra Rachel Carolyn Janet Maria Catherine Heather Diane Olivia Julie
Joyce Victoria Ruth Virginia Lauren Kelly Christina Joan Evelyn Judith Andrea
Hannah Megan Cheryl Jacqueline Martha Teresa Gloria Sara Janice Ann Kathryn
Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace Amber Denise
Danielle Marilyn Beverly Charlotte Natalie Theresa Diana Brittany Doris Kayla
Lori Marie Guadalupe Lucia Carmen Rosa Ximena Yolanda Mei Ling Priya Aisha
Keisha Latoya Tamika Ebony Imani Nia Yuki Hana Fatima Ngozi Chioma Anh Thuy
Ananya Deepa Svetlana Ingrid Siobhan Agnieszka Esperanza Marisol Alejandra
Mariana Beatriz Shanice Tanisha Precious Adaeze Kiara Bernadette Colleen
Maureen Eileen Gretchen Hilde Noriko Sakura Jiwoo Seoyeon Lakshmi Meera
May Hope Rose June Faith Joy Dawn April Iris Ruby Pearl Violet
Sofía Zoë Renée Chloé Inés
"""
MALE = """
James Robert John Michael David William Richard Joseph Thomas Charles
Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua
Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel
Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Henry
Douglas Peter Adam Nathan Zachary Walter Kyle Harold Carl Arthur Gerald Roger
Keith Lawrence Terry Albert Joe Austin Jesse Willie Ralph Roy Eugene Louis
Bruce Wayne Luis Carlos Juan Miguel Alejandro Rafael Diego Javier Francisco
Pedro Manuel Wei Hiroshi Kenji Takeshi Raj Arjun Vikram Sanjay Mohammed Ahmed
Omar Tariq Yusuf DeShawn Jamal Darnell Tyrone Malik Terrell Andre Marcus
Kwame Chinedu Oluwaseun Emeka Dmitri Sergei Lars Klaus Pieter Sean Declan
Liam Tuan Duc Hung Jin Minjun Hyun Bogdan Tomasz Giovanni Marco Ibrahim
Will Bill Grant Chase Miles Art Guy
José Jesús Héctor Ramón André Jürgen Søren François Joaquín
"""
SURNAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee
Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young
Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall
Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker
Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez
Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes
Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell
Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher
Vasquez Simmons Romero Jordan Patterson Hamilton Graham Reynolds Griffin
Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar
Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods
Washington Kennedy Wells Vargas Chen Freeman Webb Tucker Guzman Burns Crawford
Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Hunt
Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren
Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver
Ryan Gardner Payne Grant Dunn Spencer Hawkins Arnold Pierce Hansen Peters
Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll
Lane Riley Andrews Berry Perkins Hoffman Johnston Matthews Richards Willis
Carpenter Lawrence Sandoval Wang Li Zhang Liu Huang Wu Zhou Yamamoto Tanaka
Suzuki Sato Park Choi Kang Pham Le Vu Hoang Singh Kumar Shah Gupta Reddy Iyer
Khan Ali Hussein Haddad Okafor Adeyemi Mensah Okonkwo Diallo Kowalski Nowak
Schneider Fischer Weber Becker Jansen De_Vries O'Brien O'Connor McCarthy
Gallagher Byrne Rossi Russo Esposito Romano Ricci Lindqvist Johansson Ivanov
Petrov Popescu Papadopoulos Cohen Levy Friedman Goldberg Dubois Whitaker
Abernathy Thornton Blackwell Okoye Delgado Villanueva Espinoza Fontaine
Muñoz Peña Wiśniewski Müller Lefèvre Núñez Ibáñez Gómez Nørgaard
"""


def _words(s):
    return [w.replace("_", " ") for w in s.split()]


FEMALE, MALE, SURNAMES = _words(FEMALE), _words(MALE), _words(SURNAMES)

# (city, state, zip3)
CITIES = [
    ("Springfield", "IL", "627"), ("Fairview", "OR", "970"), ("Riverside", "CA", "925"),
    ("Franklin", "TN", "370"), ("Greenville", "SC", "296"), ("Georgetown", "TX", "786"),
    ("Salem", "MA", "019"), ("Madison", "WI", "537"), ("Clinton", "IA", "527"),
    ("Ashland", "OR", "975"), ("Bristol", "CT", "060"), ("Dover", "DE", "199"),
    ("Milford", "CT", "064"), ("Auburn", "AL", "368"), ("Burlington", "VT", "054"),
    ("Lowell", "MA", "018"), ("Quincy", "MA", "021"), ("Worcester", "MA", "016"),
    ("Framingham", "MA", "017"), ("Brockton", "MA", "023"), ("Newton", "MA", "024"),
    ("Somerville", "MA", "021"), ("Boston", "MA", "021"), ("Providence", "RI", "029"),
    ("Hartford", "CT", "061"), ("Albany", "NY", "122"), ("Yonkers", "NY", "107"),
    ("Trenton", "NJ", "086"), ("Camden", "NJ", "081"), ("Allentown", "PA", "181"),
    ("Scranton", "PA", "185"), ("Dayton", "OH", "454"), ("Toledo", "OH", "436"),
    ("Akron", "OH", "443"), ("Marion", "OH", "433"), ("Flint", "MI", "485"),
    ("Lansing", "MI", "489"), ("Gary", "IN", "464"), ("Jackson", "MS", "392"),
    ("Tyler", "TX", "757"), ("Austin", "TX", "787"), ("El Paso", "TX", "799"),
    ("San Antonio", "TX", "782"), ("Las Cruces", "NM", "880"), ("Tucson", "AZ", "857"),
    ("Mesa", "AZ", "852"), ("Fresno", "CA", "937"), ("Modesto", "CA", "953"),
    ("Santa Rosa", "CA", "954"), ("Eugene", "OR", "974"), ("Spokane", "WA", "992"),
    ("Tacoma", "WA", "984"), ("Boise", "ID", "837"), ("Ogden", "UT", "844"),
    ("Pueblo", "CO", "810"), ("Topeka", "KS", "666"), ("Omaha", "NE", "681"),
    ("Sioux Falls", "SD", "571"), ("Duluth", "MN", "558"), ("Rochester", "MN", "559"),
    ("Peoria", "IL", "616"), ("Macon", "GA", "312"), ("Savannah", "GA", "314"),
    ("Mobile", "AL", "366"), ("Chattanooga", "TN", "374"), ("Lexington", "KY", "405"),
    ("Charleston", "WV", "253"), ("Norfolk", "VA", "235"), ("Durham", "NC", "277"),
    ("Asheville", "NC", "288"), ("Pittsfield", "MA", "012"), ("Fall River", "MA", "027"),
    ("New Bedford", "MA", "027"), ("Lynn", "MA", "019"), ("Florence", "SC", "295"),
]
AREA = {
    "MA": ["617", "508", "781", "978", "413"], "RI": ["401"], "CT": ["860", "203"],
    "NY": ["518", "914"], "NJ": ["609", "856"], "PA": ["610", "570"],
    "OH": ["937", "419", "330", "740"], "MI": ["810", "517"], "IN": ["219"],
    "IL": ["217", "309"], "WI": ["608"], "IA": ["563"], "MS": ["601"],
    "TX": ["903", "512", "915", "210"], "NM": ["575"], "AZ": ["520", "480"],
    "CA": ["951", "559", "209", "707"], "OR": ["541", "503"], "WA": ["509", "253"],
    "ID": ["208"], "UT": ["801"], "CO": ["719"], "KS": ["785"], "NE": ["402"],
    "SD": ["605"], "MN": ["218", "507"], "GA": ["478", "912"], "AL": ["251", "334"],
    "TN": ["423", "615"], "KY": ["859"], "WV": ["304"], "VA": ["757"],
    "NC": ["919", "828"], "SC": ["864", "843"], "VT": ["802"], "DE": ["302"],
}
STREETS = """Maple Oak Elm Washington Lincoln Park Main Cedar Pine Highland Pleasant
Church School Union Water Center Mill Spring Prospect Summer Franklin Chestnut
Walnut Hillside Lakeview Sunset Forest Meadow Orchard Brook Adams Jefferson
Monroe Grove Ridge Valley Willow Birch Dogwood Magnolia Sycamore Cherry
Hawthorne Juniper Harbor Mountain Kingsley Linden Poplar Laurel Fairmount
Greenwood Ashford Bayberry Cottage Quarry Railroad Tremont Beacon Garfield""".split()
SUFFIX = ["Street", "St.", "St", "Avenue", "Ave", "Ave.", "Road", "Rd", "Drive",
          "Dr.", "Lane", "Ln", "Court", "Ct", "Boulevard", "Blvd", "Way", "Place",
          "Terrace", "Circle"]
SAINTS = ["St. Anne", "St. Joseph", "Saint Luke's", "St. Vincent", "St. Mary's",
          "Saint Francis", "St. Elizabeth", "St. Agnes", "St. Catherine",
          "Saint Bernard", "St. Raphael", "St. Brigid"]
DESCR = ["Lakeside", "Valley View", "Riverbend", "Pine Ridge", "Cedar Hills",
         "Northshore", "Bayside", "Hillcrest", "Fairmont", "Brookside",
         "Meadowbrook", "Summit", "Westfield", "Oak Hollow", "Stonegate",
         "Clearwater", "Harbor Point", "Evergreen", "Silver Lake", "Prairie View"]
RELIGIOUS = ["Mercy", "Good Samaritan", "Holy Cross", "Sacred Heart", "Baptist",
             "Methodist", "Presbyterian", "Holy Family"]
CLINIC_KIND = ["Family Medicine", "Internal Medicine Associates",
               "Cardiology Associates", "Pulmonary Associates", "Pediatrics",
               "Women's Health", "Orthopedic Group", "Dialysis Center",
               "Urgent Care", "Community Health Center", "Primary Care",
               "Gastroenterology", "Oncology Associates", "Neurology Clinic",
               "Endocrine Clinic", "Sleep Center", "Wound Care Center"]
SNF_KIND = ["Nursing and Rehabilitation Center", "Skilled Nursing Facility",
            "Rehabilitation Hospital", "Senior Living", "Care Center", "Hospice House"]
PAYERS = ["Blue Harbor Health Plan", "Keystone Mutual", "Pinnacle Care",
          "Medicare", "Medicaid", "United Crest", "Evergreen Health",
          "Allied Benefit Group", "Tri-County Health Plan", "CommonWell Insurance"]
CARS = ["sedan", "pickup truck", "minivan", "SUV", "hatchback", "motorcycle"]
CAR_MAKES = ["Toyota", "Honda", "Ford", "Chevrolet", "Subaru", "Nissan", "Hyundai"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com",
                 "inbox.example.net", "post.example.org"]
IP_NETS = ["192.0.2", "198.51.100", "203.0.113"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]

# ---------------------------------------------------------------------------
# Markup: PHI is wrapped as \x01CAT\x02text\x03 while a document is built,
# then rendered into plain text + byte-offset spans.
# ---------------------------------------------------------------------------

SO, SM, SC = "\x01", "\x02", "\x03"
CATSET = set(CATEGORIES)


def P(cat, text):
    assert cat in CATSET, cat
    assert text and text == text.strip() and "\n" not in text, repr(text)
    assert not any(c in text for c in (SO, SM, SC)), repr(text)
    return SO + cat + SM + text + SC


MARK_RE = re.compile("\x01([A-Z]+)\x02([^\x01\x02\x03]*)\x03")


def tidy(marked):
    lines = [ln.rstrip(" \t") for ln in marked.split("\n")]
    text = "\n".join(lines).strip("\n") + "\n"
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"(?<=\S)  +(?=\S)", " ", text)  # stray double spaces in prose
    return text


def render(marked, caps=False):
    if caps:
        marked = marked.upper()
    marked = tidy(marked)
    out = bytearray()
    spans = []
    pos = 0
    for m in MARK_RE.finditer(marked):
        plain = marked[pos:m.start()]
        assert not any(c in plain for c in (SO, SM, SC)), "broken markup"
        out += plain.encode("utf-8")
        b = m.group(2).encode("utf-8")
        spans.append((len(out), len(out) + len(b), m.group(1)))
        out += b
        pos = m.end()
    tail = marked[pos:]
    assert not any(c in tail for c in (SO, SM, SC)), "broken markup"
    out += tail.encode("utf-8")
    return bytes(out), spans


def check_doc(data, spans, where=""):
    """Mechanical checks of one document; raises AssertionError."""
    text = data.decode("utf-8")  # must be valid UTF-8
    assert "\r" not in text, where + ": CR found"
    assert text.endswith("\n"), where + ": no final LF"
    last_end = -1
    last_start = -1
    for (s, e, cat) in spans:
        assert cat in CATSET, f"{where}: bad category {cat}"
        assert 0 <= s < e <= len(data), f"{where}: bad offsets {s} {e}"
        assert s >= last_start, f"{where}: not sorted at {s}"
        assert s >= last_end, f"{where}: overlap at {s}"
        frag = data[s:e].decode("utf-8")  # fails if not on a char boundary
        assert frag.strip() == frag and frag, f"{where}: whitespace edge {frag!r}"
        assert "\n" not in frag, f"{where}: newline in span {frag!r}"
        last_start, last_end = s, e


# ---------------------------------------------------------------------------
# Random helpers
# ---------------------------------------------------------------------------

class Person:
    def __init__(self, g, sex=None, last=None):
        self.sex = sex or g.rng.choice("FM")
        self.first = g.pick(FEMALE if self.sex == "F" else MALE)
        self.last = last or g.pick(SURNAMES)
        self.mi = g.rng.choice("ABCDEFGHJKLMNPRSTW")
        self.cred = "MD"

    @property
    def title(self):
        return "Mr." if self.sex == "M" else "Ms."

    @property
    def pron(self):
        return ("he", "his", "him") if self.sex == "M" else ("she", "her", "her")


class Gen:
    """Per-corpus random source plus PHI value generators."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def pick(self, lst):
        while True:
            w = self.rng.choice(lst)
            if w.isascii() or self.rng.random() < 0.4:
                return w

    def ch(self, *opts):
        return self.rng.choice(opts)

    def chance(self, p):
        return self.rng.random() < p

    def digits(self, n):
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def alnum(self, n, alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789"):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    # --- values -----------------------------------------------------------
    def phone_raw(self, st):
        return self.rng.choice(AREA.get(st, ["617"])), "01%02d" % self.rng.randint(0, 99)

    def phone(self, st, fmt=None, ext=None):
        a, n = self.phone_raw(st)
        fmt = fmt or self.rng.choices(
            ["paren", "dash", "dot", "space", "plus", "one"], [30, 35, 12, 6, 5, 4])[0]
        s = {"paren": f"({a}) 555-{n}", "dash": f"{a}-555-{n}",
             "dot": f"{a}.555.{n}", "space": f"{a} 555 {n}",
             "plus": f"+1 {a}-555-{n}", "one": f"1-{a}-555-{n}",
             "local": f"555-{n}"}[fmt]
        if ext is None:
            ext = self.chance(0.08)
        if ext:
            s += self.ch(" x", " ext. ", " ext ", "x") + str(self.rng.randint(2, 4999))
        return s

    def ssn(self):
        while True:
            a = self.rng.randint(1, 899)
            if a != 666:
                break
        b, c = self.rng.randint(1, 99), self.rng.randint(1, 9999)
        return self.ch(f"{a:03d}-{b:02d}-{c:04d}", f"{a:03d}-{b:02d}-{c:04d}",
                       f"{a:03d} {b:02d} {c:04d}", f"{a:03d}{b:02d}{c:04d}")

    def mrn(self):
        return self.ch(self.digits(7), self.digits(8), "00" + self.digits(6),
                       self.digits(2) + "-" + self.digits(4),
                       self.digits(3) + "-" + self.digits(2) + "-" + self.digits(2),
                       "E" + self.digits(7), self.digits(6))

    def account(self):
        return self.ch(self.digits(10), self.digits(11), "HAR" + self.digits(8),
                       self.digits(4) + "-" + self.digits(3) + "-" + self.digits(2),
                       "A" + self.digits(9), self.digits(9))

    def plan(self, payer=None):
        if payer == "Medicare":
            al = "ACDEFGHJKMNPQRTUVWXY"
            s = (str(self.rng.randint(1, 9)) + self.rng.choice(al) +
                 self.alnum(1, al + "0123456789") + self.digits(1) +
                 self.rng.choice(al) + self.alnum(1, al + "0123456789") +
                 self.digits(1) + self.rng.choice(al) + self.rng.choice(al) +
                 self.digits(2))
            return self.ch(s, s[:4] + "-" + s[4:7] + "-" + s[7:])
        return self.ch("X" + self.alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ") + self.digits(9),
                       self.alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ") + self.digits(8),
                       "W" + self.digits(9), self.digits(9) + "-01",
                       "MBR" + self.digits(7), self.digits(11))

    def dl(self, st):
        return self.ch(self.rng.choice("ABCDEFGHJKLMNPRSTWY") + self.digits(8),
                       "S" + self.digits(8), self.digits(9),
                       self.rng.choice("ABCDEFGHJKLMNPRSTWY") + self.digits(3) + "-" +
                       self.digits(4) + "-" + self.digits(4),
                       self.rng.choice("ABCDEFGHJKLMNPRSTWY") + self.digits(7))

    def clin_license(self):
        return self.ch(self.digits(6), "MD" + self.digits(6), self.digits(5),
                       self.digits(2) + "-" + self.digits(5))

    def dea(self):
        return self.ch("A", "B", "F", "M") + self.rng.choice("ABCDEFGHJKLMNPRSTW") + self.digits(7)

    def plate(self):
        return self.ch(self.digits(1) + self.alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ") + self.digits(3),
                       self.alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ") + " " + self.digits(4),
                       self.alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ") + "-" + self.digits(4),
                       self.digits(3) + " " + self.alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ"),
                       self.alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ") + self.digits(4) +
                       self.alnum(1, "ABCDEFGHJKLMNPRSTUVWXYZ"))

    def vin(self):
        return self.alnum(17, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789")

    def serial(self):
        return self.ch(self.alnum(3, "ABCDEFGHJKLMNPRSTUVWXYZ") + self.digits(6) + self.rng.choice("HSNR"),
                       self.digits(1) + self.alnum(2, "ABCDEFGHJKLMNPRSTUVWXYZ") + self.digits(6),
                       "SN" + self.digits(8),
                       self.alnum(1, "ABCDEFGHJKLMNPRSTUVWXYZ") + self.digits(4) + "-" + self.digits(5),
                       self.digits(10))

    def ip(self):
        return f"{self.rng.choice(IP_NETS)}.{self.rng.randint(2, 254)}"

    def zip(self, z3):
        z = z3 + self.digits(2)
        if self.chance(0.2):
            z += "-" + self.digits(4)
        return z

    def street(self, unit=None):
        s = f"{self.rng.randint(2, 9899)} {self.rng.choice(STREETS)} {self.rng.choice(SUFFIX)}"
        if unit is None:
            unit = self.chance(0.3)
        if unit:
            s += self.ch(", Apt ", " Apt. ", ", Unit ", " #", ", Apt. ") + \
                self.ch(str(self.rng.randint(1, 40)), str(self.rng.randint(1, 6)) +
                        self.rng.choice("ABCD"), str(self.rng.randint(101, 612)))
        return s

    def suite(self):
        return f"{self.rng.randint(10, 2400)} {self.rng.choice(STREETS)} {self.rng.choice(SUFFIX)}" + \
            self.ch("", ", Suite " + str(self.rng.randint(100, 640)),
                    ", Suite " + str(self.rng.randint(1, 9)) + "00",
                    ", Floor " + str(self.rng.randint(2, 9)))

    def hospital(self, city):
        r = self.rng.random()
        if r < 0.22:
            return self.rng.choice(SAINTS) + self.ch(" Medical Center", " Hospital",
                                                     " Regional Medical Center")
        if r < 0.40:
            return self.rng.choice(RELIGIOUS) + self.ch(" General Hospital", " Hospital",
                                                        " Medical Center")
        if r < 0.60:
            return city + self.ch(" General Hospital", " Regional Medical Center",
                                  " Community Hospital", " Memorial Hospital")
        if r < 0.75:
            return self.pick(SURNAMES[:200]) + self.ch(" Memorial Hospital",
                                                      " Memorial Medical Center")
        return self.rng.choice(DESCR) + self.ch(" Medical Center", " Hospital",
                                                " Regional Hospital", " Health Center")

    def clinic(self, city):
        base = self.ch(self.rng.choice(DESCR), city, self.rng.choice(DESCR),
                       self.pick(SURNAMES[:150]))
        return base + " " + self.rng.choice(CLINIC_KIND)

    def snf(self):
        return self.ch(self.rng.choice(DESCR), self.rng.choice(STREETS) + "wood",
                       self.rng.choice(STREETS) + " Manor") + " " + self.rng.choice(SNF_KIND)

    def pharmacy(self, city):
        return self.ch(self.rng.choice(STREETS) + " Street Pharmacy", city + " Drug",
                       self.rng.choice(DESCR) + " Pharmacy", self.pick(SURNAMES[:150]) + "'s Pharmacy")

    def email(self, p):
        f, l = strip_accents(p.first).lower(), strip_accents(p.last).lower()
        l = re.sub(r"[^a-z]", "", l)
        f = re.sub(r"[^a-z]", "", f)
        local = self.ch(f"{f}.{l}", f"{f[0]}{l}", f"{f}{l}{self.rng.randint(1, 99)}",
                        f"{l}.{f}", f"{f}_{l}", f"{f}{self.rng.randint(40, 99)}",
                        f"{f[0]}.{l}{self.rng.randint(1, 9)}")
        return local + "@" + self.rng.choice(EMAIL_DOMAINS)

    def org_domain(self, facility):
        drop = {"hospital", "medical", "center", "regional", "health", "memorial",
                "community", "general", "of", "and", "the"}
        words = [re.sub(r"[^a-z]", "", w) for w in
                 strip_accents(facility).lower().replace("saint", "st").split()]
        keep = [w for w in words if w and w not in drop] or words[:1]
        base = "".join(keep)[:20]
        tail = self.ch("health", "med", "hospital", "", "care")
        return base + tail + ".example.org"


def strip_accents(s):
    tbl = {"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ñ": "n", "ü": "u",
           "ö": "o", "ø": "o", "ç": "c", "è": "e", "ë": "e", "ś": "s",
           "Á": "A", "É": "E", "Í": "I", "Ó": "O", "Ú": "U", "Ñ": "N", "Ü": "U",
           "Ö": "O", "Ø": "O", "Ç": "C", "È": "E", "Ś": "S", "'": ""}
    return "".join(tbl.get(c, c) for c in s)


def cap1(s):
    return s[:1].upper() + s[1:]


def ordinal(n):
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


DATE_FULL = ["mdY", "mdY", "mdy", "iso", "dMonY", "MonthdY", "MondY", "dMonthY", "mdY-"]
DATE_ANY = DATE_FULL + ["Mondth", "Monthdth", "md", "md", "Mon.d", "Monthd", "MonthY"]
DATE_CHAT = ["Mondth", "Monthdth", "md", "Monthd", "Mon.d", "Monthd", "mdy", "mdY"]


def fmt_date(d, f):
    mon, month = MONTHS[d.month - 1][:3], MONTHS[d.month - 1]
    return {
        "mdY": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "mdy": f"{d.month}/{d.day}/{d.year % 100:02d}",
        "iso": f"{d.year}-{d.month:02d}-{d.day:02d}",
        "dMonY": f"{d.day:02d}-{mon}-{d.year}",
        "MonthdY": f"{month} {d.day}, {d.year}",
        "MondY": f"{mon} {d.day}, {d.year}",
        "dMonthY": f"{d.day} {month} {d.year}",
        "mdY-": f"{d.month:02d}-{d.day:02d}-{d.year}",
        "Mondth": f"{mon} {ordinal(d.day)}",
        "Monthdth": f"{month} {ordinal(d.day)}",
        "md": f"{d.month}/{d.day}",
        "Mon.d": (f"{mon}. {d.day}" if month != "May" else f"May {d.day}"),
        "Monthd": f"{month} {d.day}",
        "MonthY": f"{month} {d.year}",
        "mY": f"{d.month}/{d.year}",
    }[f]


def hhmm(g, h=None):
    h = g.rng.randint(0, 23) if h is None else h
    m = g.rng.choice([0, 5, 10, 12, 15, 20, 25, 30, 35, 40, 45, 50, 55])
    return g.ch(f"{h:02d}:{m:02d}", f"{h:02d}{m:02d}",
                f"{(h % 12) or 12}:{m:02d} {'AM' if h < 12 else 'PM'}")


# ---------------------------------------------------------------------------
# Document context: one patient and the people/places around them.
# ---------------------------------------------------------------------------

class Doc:
    def __init__(self, g, style):
        self.g = g
        r = g.rng
        self.style = style
        self.pt = Person(g)
        if g.chance(0.13):
            self.age = r.randint(90, 104)
        else:
            self.age = r.choice([r.randint(19, 89), r.randint(45, 89), r.randint(60, 89)])
        self.day = datetime.date(r.randint(2017, 2025), r.randint(1, 12), r.randint(1, 28))
        self.dob = datetime.date(self.day.year - self.age, r.randint(1, 12), r.randint(1, 28))
        if (self.dob.month, self.dob.day) > (self.day.month, self.day.day):
            self.dob = self.dob.replace(year=self.dob.year - 1)
        self.city, self.st, self.z3 = r.choice(CITIES)
        self.hcity, self.hst, self.hz3 = (self.city, self.st, self.z3) if g.chance(0.6) else \
            r.choice([c for c in CITIES if c[1] == self.st] or CITIES)
        self.fac = g.hospital(self.hcity)
        self.fac_addr = g.suite()
        self.fac_zip = g.zip(self.hz3)
        self.fac_phone = g.phone(self.hst, fmt=g.ch("paren", "dash"), ext=False)
        self.fac_fax = g.phone(self.hst, fmt=g.ch("paren", "dash"), ext=False)
        self.domain = g.org_domain(self.fac)
        self.addr = g.street()
        self.zip = g.zip(self.z3)
        self.phone = g.phone(self.st)
        self.mrn = g.mrn()
        self.acct = g.account()
        self.payer = r.choice(PAYERS if self.age < 65 else ["Medicare"] * 3 + PAYERS)
        self.plan = g.plan(self.payer)
        self.att = Person(g)
        self.pcp = Person(g)
        self.rn = Person(g)
        self.other = Person(g)
        self.cred = {id(self.att): g.ch("MD", "MD", "DO"), id(self.pcp): g.ch("MD", "DO", "NP", "PA-C")}
        # relative(s)
        rel = r.choice(["daughter", "son", "wife", "husband", "sister", "brother",
                        "niece", "nephew", "granddaughter", "grandson", "partner"])
        if rel in ("wife", "husband", "partner"):
            rel = "husband" if self.pt.sex == "F" else "wife"
            if g.chance(0.15):
                rel = "partner"
        sex = "F" if rel in ("daughter", "wife", "sister", "niece", "granddaughter") else \
            "M" if rel in ("son", "husband", "brother", "nephew", "grandson") else None
        same = rel in ("daughter", "son", "wife", "husband", "granddaughter", "grandson") and g.chance(0.7)
        self.rel = rel
        self.kin = Person(g, sex=sex, last=self.pt.last if same else None)
        self.kin_phone = g.phone(self.st)
        self.dates = sorted(self.day - datetime.timedelta(days=r.randint(1, 900)) for _ in range(4))

    # ----- short-hands used by the style writers --------------------------
    def D(self, d, kind="any"):
        lst = {"full": DATE_FULL, "any": DATE_ANY, "chat": DATE_CHAT}[kind]
        return P("DATE", fmt_date(d, self.g.rng.choice(lst)))

    def Dd(self, delta, kind="any"):
        return self.D(self.day + datetime.timedelta(days=delta), kind)

    def past(self, kind="any"):
        return self.D(self.g.rng.choice(self.dates), kind)

    def age_txt(self, age=None, form=None):
        age = self.age if age is None else age
        num = P("AGE", str(age)) if age > 89 else str(age)
        form = form or self.g.ch("yo-hy", "year old", "y/o", "yo", "yo-hy", "year-old")
        return {"yo-hy": f"{num}-year-old", "year old": f"{num} year old",
                "y/o": f"{num} y/o", "yo": f"{num} yo", "year-old": f"{num}-year-old",
                "years": f"{num} years old", "aged": f"aged {num}", "age": f"age {num}"}[form]

    def sexword(self):
        return self.g.ch("man", "male", "gentleman") if self.pt.sex == "M" else \
            self.g.ch("woman", "female", "lady")

    def N(self, p, form=None, role="pt"):
        """A person's name in one of many layouts (titles/credentials outside the span)."""
        g = self.g
        if form in ("pt", "doc", "rn", "kin"):
            form, role = None, form
        if form is None:
            if role == "pt":
                form = g.rng.choices(["fl", "fml", "LF", "lfm", "il", "title", "title"],
                                     [20, 10, 8, 8, 6, 24, 24])[0]
            elif role == "doc":
                form = g.rng.choices(["dr", "dr_full", "cred", "cred_mi", "fl", "il_cred", "LF"],
                                     [35, 15, 20, 12, 8, 6, 4])[0]
            elif role == "rn":
                form = g.ch("rn", "fl", "rn", "il_rn")
            elif role == "kin":
                form = g.ch("fl", "first", "first", "fl", "title_full")
        f, l, mi = p.first, p.last, p.mi
        cred = self.cred.get(id(p), "MD")
        if form == "fl":
            return P("NAME", f"{f} {l}")
        if form == "fml":
            return P("NAME", f"{f} {mi}. {l}")
        if form == "LF":
            return P("NAME", f"{l.upper()}, {f.upper()}")
        if form == "lf":
            return P("NAME", f"{l}, {f}")
        if form == "lfm":
            return P("NAME", f"{l}, {f} {mi}.")
        if form == "il":
            return P("NAME", f"{f[0]}. {l}")
        if form == "title":
            t = p.title if p.sex == "M" else g.ch("Ms.", "Ms.", "Mrs.", "Miss")
            return f"{t} " + P("NAME", l)
        if form == "title_full":
            t = p.title if p.sex == "M" else g.ch("Ms.", "Mrs.")
            return f"{t} " + P("NAME", f"{f} {l}")
        if form == "first":
            return P("NAME", f)
        if form == "last":
            return P("NAME", l)
        if form == "dr":
            return "Dr. " + P("NAME", l)
        if form == "dr_full":
            return g.ch("Dr. ", "Dr ") + P("NAME", f"{f} {l}")
        if form == "cred":
            return P("NAME", f"{f} {l}") + f", {cred}"
        if form == "cred_mi":
            return P("NAME", f"{f} {mi}. {l}") + f", {cred}"
        if form == "il_cred":
            return P("NAME", f"{f[0]}. {l}") + f" {cred}"
        if form == "rn":
            return P("NAME", f"{f} {l}") + g.ch(", RN", " RN", ", BSN, RN", ", LPN")
        if form == "il_rn":
            return P("NAME", f"{f[0]}. {l}") + g.ch(", RN", " RN")
        raise ValueError(form)

    def PH(self, num=None):
        return P("PHONE", num or self.g.phone(self.st))

    def FX(self, num=None):
        return P("FAX", num or self.g.phone(self.hst, ext=False))

    def city_line(self, city=None, st=None, z=None):
        city = city or self.city
        st = st or self.st
        z = z or self.zip
        return P("LOCATION", city) + f", {st} " + P("ZIP", z)

    def mrn_txt(self):
        g = self.g
        lab = g.ch("MRN", "MRN:", "MRN #", "MR#", "MR #:", "Medical record number:",
                   "Med Rec #", "Unit No.", "Medical Record No.", "MRN")
        return f"{lab} " + P("MRN", self.mrn)


# ---------------------------------------------------------------------------
# Negatives (never annotated)
# ---------------------------------------------------------------------------

EPONYMS = ["Parkinson disease", "Foley catheter", "Bell's palsy", "Babinski sign",
           "Crohn's disease", "Hodgkin lymphoma", "Swan-Ganz catheter",
           "Glasgow Coma Scale", "Alzheimer dementia", "Cushing syndrome",
           "Graves disease", "Hashimoto thyroiditis", "Barrett esophagus",
           "Raynaud phenomenon", "Wernicke encephalopathy", "Guillain-Barre syndrome",
           "Sjogren syndrome", "Addison disease", "Kussmaul respirations",
           "Homan sign", "Murphy sign", "McBurney point", "Trendelenburg position",
           "Wolff-Parkinson-White pattern", "Meniere disease", "Tourette syndrome"]
EPONYM_DX = [e for e in EPONYMS if not re.search(
    r"catheter|sign|Scale|respirations|point|position|pattern", e)]
DRUGS = ["Lasix", "Coumadin", "heparin", "Tylenol", "vancomycin", "metoprolol",
         "lisinopril", "atorvastatin", "apixaban", "insulin glargine", "pantoprazole",
         "ceftriaxone", "prednisone", "furosemide", "Keppra", "Zosyn", "amlodipine",
         "metformin", "gabapentin", "sertraline", "ondansetron", "Eliquis", "Xarelto"]
DOSES = ["metoprolol 25 mg PO BID", "lisinopril 10 mg PO daily", "atorvastatin 40 mg PO qHS",
         "furosemide 40 mg IV BID", "apixaban 5 mg PO BID", "metformin 500 mg PO BID",
         "pantoprazole 40 mg PO daily", "insulin glargine 18 units SC qHS",
         "acetaminophen 650 mg PO q6h PRN", "gabapentin 300 mg PO TID",
         "amlodipine 5 mg PO daily", "sertraline 50 mg PO daily",
         "Coumadin 5 mg PO qPM", "Lasix 20 mg PO daily", "Tylenol 1 g PO q8h PRN",
         "vancomycin 1.25 g IV q12h", "ceftriaxone 1 g IV q24h",
         "prednisone 40 mg PO daily x 5 days", "levothyroxine 75 mcg PO daily",
         "tamsulosin 0.4 mg PO qHS", "senna 8.6 mg 2 tabs PO qHS",
         "oxycodone 5 mg 1/2 tab PO q6h PRN", "heparin 5,000 units SC q8h",
         "carvedilol 6.25 mg PO BID", "spironolactone 25 mg PO daily"]


def vitals(g, sep=", "):
    v = [f"BP {g.rng.randint(96, 172)}/{g.rng.randint(52, 99)}",
         f"HR {g.rng.randint(52, 118)}", f"RR {g.rng.randint(12, 26)}",
         f"SpO2 {g.rng.randint(88, 100)}%{g.ch('', ' on RA', ' on 2 L NC', ' RA')}",
         f"T {g.rng.randint(970, 1012) / 10:.1f} F"]
    if g.chance(0.3):
        v[-1] = f"T {g.rng.randint(362, 384) / 10:.1f} C"
    return sep.join(v)


def labs(g):
    pick = [f"Na {g.rng.randint(128, 146)}", f"K {g.rng.randint(31, 55) / 10:.1f}",
            f"Cl {g.rng.randint(95, 110)}", f"CO2 {g.rng.randint(18, 30)}",
            f"BUN {g.rng.randint(8, 60)}", f"Cr {g.rng.randint(6, 32) / 10:.1f}",
            f"glucose {g.rng.randint(70, 310)}"]
    cbc = [f"WBC {g.rng.randint(35, 189) / 10:.1f}",
           f"Hgb {g.rng.randint(72, 158) / 10:.1f} g/dL",
           f"Plt {g.rng.randint(88, 420)}"]
    other = [f"INR {g.rng.randint(9, 34) / 10:.1f}", f"A1c {g.rng.randint(55, 112) / 10:.1f}%",
             f"BNP {g.rng.randint(80, 2400):,}", f"troponin {g.ch('<0.01', '0.04', '0.12')}",
             f"TSH {g.rng.randint(4, 68) / 10:.1f}", f"lactate {g.rng.randint(8, 52) / 10:.1f}",
             f"Mg {g.rng.randint(15, 26) / 10:.1f}", f"albumin {g.rng.randint(22, 45) / 10:.1f}"]
    return ", ".join(pick[:g.rng.randint(3, 7)]) + "; " + ", ".join(cbc) + "; " + \
        ", ".join(g.rng.sample(other, 2))


def pain(g):
    return g.ch(f"pain {g.rng.randint(0, 10)}/10", f"rates pain {g.rng.randint(1, 10)}/10",
                f"{g.rng.randint(1, 9)}/10 pain", f"pain score {g.rng.randint(0, 8)}/10")


WORD_NEGS = [
    "Will follow up in clinic.", "She may need a repeat study.", "We hope to wean oxygen.",
    "Will discuss with the team.", "Mark the site before the procedure.",
    "Creatinine rose to 1.9 before improving.", "He was unable to pay the bill.",
    "Insurance declined to grant the extension.", "May resume diet as tolerated.",
    "Hope is to discharge early next week.", "Will continue current regimen.",
    "Temperature rose to 101.2 F overnight.", "Family asked about the hospital bill.",
    "The grant-funded transport program was offered.", "Will recheck labs in the morning.",
    "Patient may shower.", "Mark any new bruising on the diagram.", "Art therapy was offered.",
    "Joy and relief expressed by family at the news.", "Hunter-style crutches were dispensed.",
    "Grace period for the prior authorization ends soon.", "Pt is a frequent flyer per ED staff.",
    "Brown discharge noted on dressing.", "Green sputum reported.", "Faith-based support offered.",
    "Will need PT/OT evaluation.", "Rose-colored rash on the trunk.", "Summer camp form completed.",
]


def misc_neg(g):
    return g.ch(
        f"Coded {g.ch('I10', 'E11.9', 'J44.1', 'N17.9', 'I50.23', 'K92.2', 'J18.9', 'E87.1', 'F03.90')} for this encounter.",
        f"Professional fee billed as CPT {g.ch('99223', '99232', '99238', '99239')}.",
        f"Moved to room {g.rng.randint(201, 988)} on hospital day {g.rng.randint(2, 5)}.",
        f"Pneumococcal vaccine given, lot {g.alnum(2, 'ABCDEFGHJKLMNPRSTUVWXYZ')}{g.digits(4)}.",
        f"Last colonoscopy in {P('DATE', str(g.rng.randint(2005, 2023)))} was normal.",
        f"Former smoker, quit in {P('DATE', str(g.rng.randint(1978, 2020)))}.",
        f"Heparin drip stopped at {hhmm(g)}.",
        f"Given {g.rng.randint(1, 2)}/2 tab of oxycodone for breakthrough pain.",
        f"Neuro checks q4h, GCS {g.ch('15', '14', '15/15')}.",
    )


def pmh(g, n=None):
    items = ["hypertension", "type 2 diabetes mellitus", "hyperlipidemia", "CAD s/p PCI in "
             + P("DATE", str(g.rng.randint(1995, 2022))), "atrial fibrillation on " + g.ch("Coumadin", "apixaban", "Eliquis"),
             "COPD", "CKD stage 3b", "Parkinson disease", "hypothyroidism", "GERD",
             "osteoarthritis", "depression", "Crohn's disease", "prior Bell's palsy",
             "BPH", "obstructive sleep apnea on CPAP", "gout", "remote Hodgkin lymphoma",
             "heart failure with reduced EF (EF 30%)", "Alzheimer dementia", "asthma",
             "Graves disease s/p RAI", "anemia of chronic disease"]
    return ", ".join(g.rng.sample(items, n or g.rng.randint(2, 6)))


# ---------------------------------------------------------------------------
# Clinical scenarios shared by several styles
# ---------------------------------------------------------------------------

SCEN = ["chf", "pna", "copd", "hip", "gib", "dka", "stroke", "cellulitis", "mvc", "syncope"]
DX = {"chf": "acute on chronic systolic heart failure", "pna": "community-acquired pneumonia",
      "copd": "COPD exacerbation", "hip": "right femoral neck fracture",
      "gib": "upper GI bleed", "dka": "diabetic ketoacidosis",
      "stroke": "acute ischemic stroke, left MCA territory", "cellulitis": "left lower extremity cellulitis",
      "mvc": "multiple rib fractures after motor vehicle collision",
      "syncope": "syncope due to complete heart block"}


def hpi(d, sc):
    g, pt = d.g, d.pt
    he, his, him = pt.pron
    who = d.N(pt)
    a = d.age_txt()
    s = {
        "chf": f"{who} is a {a} {d.sexword()} with {pmh(g)} who presented on {d.Dd(-4)} with three days of "
               f"worsening dyspnea, orthopnea and 4 kg weight gain. {he.capitalize()} ran out of Lasix a week "
               f"earlier. In the ED {vitals(g)}. BNP was elevated and CXR showed bilateral effusions.",
        "pna": f"{who} is a {a} {d.sexword()} with {pmh(g)} admitted {d.Dd(-3)} with fever, productive cough "
               f"and pleuritic chest pain. Initial {vitals(g)}. Labs: {labs(g)}. CXR: right lower lobe consolidation.",
        "copd": f"{who}, {a}, with severe COPD and {pmh(g, 2)}, presented {d.Dd(-5)} with increased "
                f"wheeze and sputum. {he.capitalize()} quit smoking in {P('DATE', str(g.rng.randint(1990, 2020)))}. ABG 7.31/58/62.",
        "hip": f"{who} is a {a} {d.sexword()} who fell at home on {d.Dd(-6)} while reaching for the phone. "
               f"{he.capitalize()} was found by {his} {d.rel} {d.N(d.kin, 'first')} after about two hours on the "
               f"floor. X-ray showed a displaced right femoral neck fracture; {pain(g)}.",
        "gib": f"{who} is a {a} {d.sexword()} on {g.ch('Coumadin', 'apixaban', 'aspirin and clopidogrel')} who "
               f"presented {d.Dd(-3)} with melena and lightheadedness. Hgb {g.rng.randint(60, 85) / 10:.1f} g/dL "
               f"(baseline 12.5). {vitals(g)}.",
        "dka": f"{who} is a {a} {d.sexword()} with type 1 diabetes on an insulin pump who presented {d.Dd(-2)} "
               f"with nausea and vomiting after the pump site failed. Glucose 512, anion gap 24, pH 7.12.",
        "stroke": f"{who} is a {a} {d.sexword()} with {pmh(g, 3)} brought in by EMS on {d.Dd(-5)} with "
                  f"right-sided weakness and aphasia; last known well at {hhmm(g)}. NIHSS 9, GCS 14. "
                  f"Babinski sign present on the right.",
        "cellulitis": f"{who} is a {a} {d.sexword()} with {pmh(g, 3)} who presented {d.Dd(-4)} with "
                      f"spreading erythema of the left shin; {vitals(g)}. Outline marked with pen in the ED.",
        "mvc": f"{who} is a {a} {d.sexword()} who was the restrained driver of a {g.rng.choice(CAR_MAKES)} "
               f"{g.rng.choice(CARS)} (plate {P('VEHICLE', g.plate())}) in a collision on {d.Dd(-3)} on Route "
               f"{g.rng.randint(1, 128)} near {P('LOCATION', g.rng.choice(CITIES)[0])}. Airbags deployed; GCS 15/15 at the scene.",
        "syncope": f"{who} is a {a} {d.sexword()} with {pmh(g, 3)} who had two syncopal episodes at home on "
                   f"{d.Dd(-2)}. ECG showed complete heart block with a ventricular rate of 34.",
    }[sc]
    return s


def course(d, sc):
    g = d.g
    s = {
        "chf": f"Diuresed with furosemide 40 mg IV BID with net negative 6 L. Creatinine rose to "
               f"{g.rng.randint(14, 19) / 10:.1f} then returned to baseline. Weight on discharge "
               f"{g.rng.randint(60, 110)} kg. Echo {d.Dd(-2)}: EF {g.ch('25', '30', '35')}%. Foley catheter removed day 3.",
        "pna": f"Treated with ceftriaxone and azithromycin, narrowed to amoxicillin-clavulanate. Blood cultures "
               f"from {d.Dd(-3)} no growth. Oxygen weaned to RA by hospital day 3. Will complete 5 days total.",
        "copd": f"Treated with prednisone 40 mg daily, nebulized albuterol/ipratropium and doxycycline. BiPAP "
                f"overnight x1 with I:E ratio 1:2. Ambulated with SpO2 {g.rng.randint(89, 95)}% on RA.",
        "hip": f"Underwent hemiarthroplasty on {d.Dd(-5)} by {d.N(d.other, 'dr')} (orthopedics). Heparin "
               f"5,000 units SC q8h for DVT prophylaxis. Post-op Hgb 9.1 g/dL. Worked with PT; weight bearing as tolerated.",
        "gib": f"EGD on {d.Dd(-2)} showed a 1.5 cm duodenal ulcer, clipped. Transfused 2 units PRBC. "
               f"Coumadin held; pantoprazole 40 mg IV BID then PO. H. pylori serology sent.",
        "dka": f"Insulin drip per protocol; gap closed in 14 hours. Insulin pump (serial {P('DEVICE', g.serial())}) "
               f"interrogated by endocrinology and restarted on {d.Dd(-1)}.",
        "stroke": f"tPA not given (outside window). MRI confirmed left MCA infarct. Started aspirin and "
                  f"atorvastatin 80 mg. Swallow evaluation passed on {d.Dd(-3)}. Residual mild aphasia.",
        "cellulitis": f"Treated with vancomycin then cephalexin. Erythema receded from the marked border. "
                      f"Doppler negative for DVT; Homan sign negative.",
        "mvc": f"Rib fractures 4-7 on the left managed with multimodal analgesia and incentive spirometry. "
               f"The vehicle (VIN {P('VEHICLE', g.vin())}) was towed; police report requested by family.",
        "syncope": f"Temporary transvenous pacer placed, then a dual-chamber pacemaker implanted on {d.Dd(-1)} "
                   f"by {d.N(d.other, 'dr')}. Device: serial no. {P('DEVICE', g.serial())}. Device check normal.",
    }[sc]
    return s


def meds(d, n=None):
    g = d.g
    return g.rng.sample(DOSES, n or g.rng.randint(4, 8))


# ---------------------------------------------------------------------------
# Style writers.  Each returns marked text.
# ---------------------------------------------------------------------------

def w_discharge(d):
    g, pt = d.g, d.pt
    sc = g.rng.choice(SCEN)
    L = []
    hdr = g.rng.randint(0, 2)
    if hdr == 0:
        L += [P("FACILITY", d.fac), P("ADDRESS", d.fac_addr) + ", " + d.city_line(d.hcity, d.hst, d.fac_zip),
              "DISCHARGE SUMMARY", ""]
        L += [f"Patient: {d.N(pt, g.ch('LF', 'lfm', 'lf'))}    {d.mrn_txt()}    Acct: {P('ACCOUNT', d.acct)}",
              f"DOB: {d.D(d.dob, 'full')}    Age: {d.age_txt(form='years') if d.age > 89 else d.age}    Sex: {pt.sex}",
              f"Admitted: {d.Dd(-g.rng.randint(3, 9), 'full')}    Discharged: {d.D(d.day, 'full')}"]
    elif hdr == 1:
        L += [f"{P('FACILITY', d.fac)} - Discharge Summary", "",
              f"Name: {d.N(pt, g.ch('fl', 'fml', 'LF'))}", f"{d.mrn_txt()}",
              f"Date of birth: {d.D(d.dob, 'full')}",
              f"Admission date: {d.Dd(-g.rng.randint(3, 9), 'full')}",
              f"Discharge date: {d.D(d.day, 'full')}",
              f"Account #: {P('ACCOUNT', d.acct)}"]
    else:
        L += ["DISCHARGE SUMMARY", f"{P('FACILITY', d.fac)}, {P('LOCATION', d.hcity)}, {d.hst}", "",
              f"{d.N(pt, 'LF')}  {d.mrn_txt()}  DOB {d.D(d.dob, 'full')}",
              f"Encounter: {P('ID', g.ch('CSN ', 'ENC-', 'V') + g.digits(g.rng.randint(8, 10)))}    "
              f"Dates of service: {d.Dd(-g.rng.randint(3, 9), 'full')} - {d.D(d.day, 'full')}"]
    L.append(f"Attending: {d.N(d.att, g.ch('cred', 'cred_mi', 'dr_full'))}")
    if g.chance(0.7):
        L.append(f"PCP: {d.N(d.pcp, g.ch('cred', 'dr_full', 'fl'))}, {P('FACILITY', g.clinic(d.city))}, "
                 f"phone {d.PH()}")
    if g.chance(0.4):
        L.append(f"Insurance: {d.payer}, member ID {P('PLAN', d.plan)}")
    if g.chance(0.35):
        L.append(f"SSN: {P('SSN', g.ssn())}")
    L += ["", f"PRINCIPAL DIAGNOSIS: {DX[sc]}",
          f"SECONDARY: {pmh(g, 3)}"]
    if g.chance(0.6):
        L.append("ICD-10: " + ", ".join(g.rng.sample(["I10", "E11.9", "E78.5", "N18.32", "J44.1", "I48.91",
                                                        "I50.22", "K21.9", "G20", "F32.9", "E03.9", "M10.9"],
                                                       g.rng.randint(2, 4))))
    L += ["", "HISTORY OF PRESENT ILLNESS:", hpi(d, sc), "",
          "HOSPITAL COURSE:", course(d, sc)]
    extra = [f"Labs on discharge: {labs(g)}.", f"Vitals at discharge: {vitals(g)}.",
             g.rng.choice(WORD_NEGS), f"{pain(g).capitalize()} at rest.",
             f"Seen by physical therapy on {d.Dd(-1)}; recommended {g.ch('home with services', 'short-term rehab', 'home with a walker')}.",
             f"Patient was transferred to us from {P('FACILITY', g.hospital(g.rng.choice(CITIES)[0]))} on {d.Dd(-g.rng.randint(4, 8))}.",
             f"Code status discussed with {pt.pron[2]} and {pt.pron[1]} {d.rel} {d.N(d.kin, g.ch('first', 'fl'))}: full code.",
             f"Case discussed with {d.N(d.other, 'doc')} from {g.ch('cardiology', 'nephrology', 'palliative care', 'infectious disease')}.",
             f"No known history of {g.rng.choice(EPONYM_DX)}.",
             f"Tylenol given for headache. {misc_neg(g)}", misc_neg(g)]
    L += g.rng.sample(extra, g.rng.randint(2, 5))
    L += ["", "DISCHARGE MEDICATIONS:"] + [f"{i + 1}. {m}" for i, m in enumerate(meds(d))]
    L += ["", "SOCIAL HISTORY / DISPOSITION:"]
    soc = g.rng.randint(0, 3)
    kin = d.N(d.kin, "kin")
    if soc == 0:
        L.append(f"Lives with {pt.pron[1]} {d.rel} {kin} at {P('ADDRESS', d.addr)}, {d.city_line()}. "
                 f"Discharged home with VNA services.")
    elif soc == 1:
        L.append(f"Discharged to {P('FACILITY', g.snf())} in {P('LOCATION', g.rng.choice(CITIES)[0])} "
                 f"(report called to {d.PH(g.phone(d.st))}, fax {d.FX()}).")
    elif soc == 2:
        L.append(f"Home address: {P('ADDRESS', d.addr)}, {d.city_line()}. Home phone {d.PH(d.phone)}. "
                 f"Emergency contact: {d.rel} {kin}, {d.PH(d.kin_phone)}.")
    else:
        L.append(f"Lives alone in {P('LOCATION', d.city)}. {d.rel.capitalize()} {kin} visits daily "
                 f"and can be reached at {d.PH(d.kin_phone)}.")
    if d.age > 89 or g.chance(0.1):
        L.append(f"{pt.pron[1].capitalize()} {g.ch('older sister', 'brother', 'husband', 'wife')} is "
                 f"{d.age_txt(g.rng.randint(90, 101), 'years')} and also lives at home.")
    if g.chance(0.25):
        L.append(f"{d.rel.capitalize()} will drive; car {g.rng.choice(CAR_MAKES)} plate "
                 f"{P('VEHICLE', g.plate())} has a hospital parking pass until {d.Dd(2, 'chat')}.")
    L += ["", "FOLLOW-UP:"]
    L.append(f"- {d.N(d.pcp, 'doc')} in 1 week{g.ch('', ' on ' + d.Dd(7, 'chat'))} at {hhmm(g, g.rng.randint(8, 16))}.")
    L.append(f"- {g.ch('Cardiology', 'Pulmonary', 'Orthopedics', 'GI', 'Neurology')} clinic at "
             f"{P('FACILITY', g.clinic(d.hcity))}, {P('ADDRESS', g.suite())}, {P('LOCATION', d.hcity)}; "
             f"call {d.PH(g.phone(d.hst))} to schedule.")
    if g.chance(0.35):
        L.append(f"- Patient portal: {P('URL', 'https://' + g.ch('portal.', 'mychart.', 'my.') + d.domain + g.ch('', '/login', '/visit/' + g.digits(6)))}")
    if g.chance(0.2):
        L.append(f"- Questions: {P('EMAIL', g.ch('discharge', 'caremgmt', 'nursing.line') + '@' + d.domain)}")
    L += ["", f"Electronically signed by {d.N(d.att, g.ch('cred', 'cred_mi'))} on {d.D(d.day, 'full')} at {hhmm(g)}"]
    if g.chance(0.5):
        L.append(f"cc: {d.N(d.pcp, 'doc')} (fax {d.FX()})")
    return "\n".join(L)


def w_nursing(d):
    g, pt = d.g, d.pt
    L = []
    night = g.chance(0.5)
    shift = g.ch("NIGHT SHIFT", "1900-0700") if night else g.ch("DAY SHIFT", "0700-1900")
    L.append(f"NURSING PROGRESS NOTE - {shift}")
    L.append(f"{P('FACILITY', d.fac)} {g.ch('4 WEST', 'ICU', 'MED/SURG 6', 'TELEMETRY', 'STEP-DOWN', 'ORTHO 3N')}, "
             f"ROOM {g.rng.randint(201, 899)}{g.ch('', 'A', 'B')}")
    L.append(f"PT: {d.N(pt, g.ch('LF', 'fl', 'lfm'))}  {d.mrn_txt()}  DATE: {d.D(d.day, 'full')}")
    if g.chance(0.5):
        L.append(f"DOB {d.D(d.dob, 'full')}  ACCT {P('ACCOUNT', d.acct)}")
    L.append("")
    he, his, him = pt.pron
    start = 19 if night else 7
    L.append(f"{start:02d}{g.ch('00', '15', '30', '45')} ASSUMED CARE OF PT, A {d.age_txt()} {d.sexword()} ADMITTED "
             f"{d.Dd(-g.rng.randint(1, 6), 'any')} WITH {g.ch(*DX.values())}. {g.ch('A&O X3', 'A&O X2, PLEASANTLY CONFUSED', 'A&O X4')}.")
    events = [
        f"VS: {vitals(g)}. {pain(g)}.",
        f"{pain(g)} AFTER REPOSITIONING, TYLENOL 650 MG PO GIVEN.",
        f"{g.ch('WIFE', 'HUSBAND', 'DAUGHTER', 'SON')} {d.N(d.kin, 'first')} AT BEDSIDE, UPDATED ON PLAN OF CARE.",
        f"{d.rel} {d.N(d.kin, 'fl')} CALLED FROM {d.PH(d.kin_phone)}, UPDATED PER PT REQUEST.",
        f"FOLEY CATHETER DRAINING CLEAR YELLOW URINE, {g.rng.randint(200, 900)} ML THIS SHIFT.",
        f"DR. {P('NAME', d.att.last)} AT BEDSIDE, ORDERS RECEIVED FOR {g.rng.choice(DOSES)}.",
        f"PAGED {d.N(d.other, 'dr')} RE: BP {g.rng.randint(160, 190)}/{g.rng.randint(90, 110)}, ORDERS RECEIVED.",
        f"HEPARIN GTT RUNNING AT {g.rng.randint(8, 18)} UNITS/KG/HR, NEXT PTT AT {hhmm(g)}.",
        f"PT MAY NEED SITTER TONIGHT, WILL DISCUSS WITH CHARGE RN.",
        f"LABS: {labs(g)}. MD AWARE.",
        f"BELONGINGS: GLASSES, DENTURES, WALLET WITH DRIVER'S LICENSE {P('LICENSE', g.dl(d.st))}, SENT HOME WITH FAMILY.",
        f"PT'S CAR (PLATE {P('VEHICLE', g.plate())}) LEFT IN ED LOT, SECURITY NOTIFIED.",
        f"HOME INSULIN PUMP SN {P('DEVICE', g.serial())} REMOVED AND LOCKED IN PHARMACY.",
        f"CPAP FROM HOME (SERIAL {P('DEVICE', g.serial())}) CHECKED BY BIOMED, OK TO USE.",
        f"GCS 15/15. PUPILS EQUAL AND REACTIVE. NO BABINSKI SIGN.",
        f"PT ASKED ABOUT HOSPITAL BILL, FINANCIAL COUNSELOR REFERRAL PLACED.",
        f"SKIN: STAGE 2 PI SACRUM 2 X 1.5 CM, MARK BORDERS WITH SKIN MARKER. WOUND RN CONSULTED.",
        f"FLU VACCINE GIVEN L DELTOID, LOT {g.alnum(2, 'ABCDEFGHJKLMNPRSTUVWXYZ')}{g.digits(4)}.",
        f"HR ROSE TO {g.rng.randint(120, 150)} WITH AMBULATION, RESOLVED WITH REST.",
        f"ADDRESS VERIFIED FOR DISCHARGE: {P('ADDRESS', d.addr)}, {d.city_line()}.",
        f"PT STATES {his.upper()} {g.ch('MOTHER', 'FATHER', 'AUNT')} IS {d.age_txt(g.rng.randint(90, 104), 'years')} AND LIVES WITH {him.upper()}.",
        f"NEXT OF KIN: {d.N(d.kin, 'LF')} ({d.rel}) {d.PH(d.kin_phone)}.",
        f"TRANSFERRED FROM {P('FACILITY', g.snf())} ON {d.past('any')}, REPORT FROM NURSE {d.N(d.other, 'first')}.",
        f"I&O: {g.rng.randint(600, 2400)} / {g.rng.randint(400, 2200)}. 1/2 TAB OF OXYCODONE GIVEN FOR {pain(g)}.",
        f"WILL FOLLOW UP AM LABS. HOPE TO TRANSFER TO FLOOR TOMORROW.",
        f"SPO2 {g.rng.randint(88, 94)}% ON RA, PLACED ON 2 L NC, NOW {g.rng.randint(95, 99)}%.",
        f"SWAN-GANZ CATHETER REMOVED PER ORDER, SITE CDI.",
        f"CASE MGMT {d.N(Person(g), 'fl')} ARRANGING HOME O2 FROM {P('FACILITY', g.pharmacy(d.city))}.",
        # wards named after people, '-' as a separator, names before verbs
        f"TRANSFER TO {P('FACILITY', Person(g).last + ' ' + str(g.rng.randint(2, 12)))} WHEN BED AVAILABLE.",
        f"SOCIAL:{d.rel.upper()}-{d.N(d.kin, 'first')} CALLED, AWARE-WILL VISIT IN AM.",
        f"PER CASE MGMT, {d.N(Person(g), 'first')} IS ON VACATION UNTIL {d.Dd(g.rng.randint(2, 9), 'any')}.",
    ]
    ev = g.rng.sample(events, g.rng.randint(7, 12))
    h = start + g.rng.randint(0, 1)
    step = 11.0 / len(ev)
    for k, e in enumerate(ev):
        h = start + int(step * (k + 1))
        L.append(f"{h % 24:02d}{g.ch('00', '15', '30', '45')} {e}")
    L.append("")
    L.append(f"PLAN: {g.ch('CONTINUE CURRENT PLAN OF CARE.', 'MONITOR I&O, DAILY WEIGHTS.', 'FALL PRECAUTIONS, BED ALARM ON.')} "
             f"{g.ch('WILL REASSESS IN AM.', 'MAY NEED PT/OT.', 'REPORT GIVEN TO ONCOMING RN.')}")
    L.append(f"{d.N(d.rn, g.ch('rn', 'il_rn', 'rn'))} {d.D(d.day + datetime.timedelta(days=int(night)), 'full')} "
             f"{(start + 12) % 24:02d}{g.ch('05', '10', '20', '30')}")
    return "\n".join(L)


RAD_EXAMS = [
    ("CT CHEST WITH CONTRAST", "shortness of breath, follow-up of a pulmonary nodule",
     "Lungs: {nod} mm {lobe} nodule (series 4, image {img}/212). Per Fleischner "
     "Society guidelines, follow-up CT in 6-12 months. No consolidation. Heart size normal. Small hiatal hernia."),
    ("CT ABDOMEN AND PELVIS WITHOUT CONTRAST", "abdominal pain and flank pain",
     "Liver: a {nod} mm hypodensity measuring 12 Hounsfield units, "
     "likely a cyst. Gallbladder normal; no Murphy sign on prior US. Kidneys: 4 mm nonobstructing left stone. "
     "Colon: wall thickening of the terminal ileum, compatible with known Crohn's disease."),
    ("MRI LUMBAR SPINE WITHOUT CONTRAST", "low back pain radiating to the left leg, r/o stenosis",
     "L4/L5: broad-based disc bulge with mild canal stenosis. L5/S1: "
     "Schmorl node. Conus terminates at L1. Ratio of canal to body 1:2 at L4."),
    ("CHEST X-RAY, PORTABLE AP", "line placement, hypoxia",
     "Swan-Ganz catheter tip in the right descending pulmonary artery. Endotracheal "
     "tube 4 cm above the carina. Mild pulmonary edema. No pneumothorax."),
    ("CT HEAD WITHOUT CONTRAST", "fall with head strike, on anticoagulation",
     "No acute intracranial hemorrhage. Chronic small vessel ischemic change. "
     "Old lacunar infarct in the left basal ganglia. Glasgow Coma Scale documented as 15 by the ED."),
    ("ULTRASOUND RIGHT UPPER QUADRANT", "right upper quadrant pain after meals",
     "Gallbladder contains multiple stones up to {nod} mm; wall 4 mm. "
     "Sonographic Murphy sign positive. CBD 5 mm."),
    ("MRI BRAIN WITH AND WITHOUT CONTRAST", "acute right-sided weakness",
     "Acute infarct in the left MCA territory measuring {nod} mm. "
     "No hemorrhagic transformation. Midbrain atrophy suggestive of Parkinson disease."),
    ("X-RAY LEFT KNEE, 3 VIEWS", "chronic left knee pain",
     "Moderate medial compartment narrowing. Small effusion. {nod} mm Baker cyst on "
     "prior ultrasound. No fracture."),
]


def w_radiology(d):
    g, pt = d.g, d.pt
    exam, indic, find = g.rng.choice(RAD_EXAMS)
    find = find.format(nod=g.rng.randint(3, 28), lobe=g.ch("right upper lobe", "left lower lobe", "right middle lobe"),
                       img=g.rng.randint(20, 200))
    L = []
    L.append(f"{P('FACILITY', d.fac)} - Department of {g.ch('Radiology', 'Diagnostic Imaging', 'Medical Imaging')}")
    if g.chance(0.5):
        L.append(f"{P('ADDRESS', d.fac_addr)}, {d.city_line(d.hcity, d.hst, d.fac_zip)}  Tel {P('PHONE', d.fac_phone)}")
    L.append("")
    L.append(f"Patient: {d.N(pt, g.ch('LF', 'lfm', 'fl', 'lf'))}")
    L.append(f"{d.mrn_txt()}    DOB: {d.D(d.dob, 'full')}    Age: {d.age_txt(form='y/o') if d.age > 89 and g.chance(0.5) else (P('AGE', str(d.age)) if d.age > 89 else d.age)}")
    L.append(f"Accession: {P('ID', g.ch('RAD-', 'ACC', 'CT', 'MR', '') + g.digits(g.rng.randint(7, 9)))}")
    L.append(f"Exam: {exam}")
    L.append(f"Exam date: {d.D(d.day, 'full')} {hhmm(g)}")
    L.append(f"Ordering provider: {d.N(d.pcp, g.ch('cred', 'dr_full', 'lf'))}")
    if g.chance(0.3):
        L.append(f"Location: ED bay {g.rng.randint(1, 30)}")
    L.append("")
    if g.chance(0.5):
        L.append(f"INDICATION: {cap1(d.age_txt())} {d.sexword()} with {indic}."
                 + (f" {cap1(pain(g))}." if g.chance(0.4) else ""))
    else:
        L.append(f"INDICATION: {cap1(indic)}." + (f" {cap1(pain(g))}." if g.chance(0.4) else ""))
    comp = g.rng.randint(0, 2)
    if comp == 0:
        L.append(f"COMPARISON: {d.past('full')}" + (f" and {d.past('full')}" if g.chance(0.4) else "") + ".")
    elif comp == 1:
        L.append(f"COMPARISON: Outside CT from {P('FACILITY', g.hospital(g.rng.choice(CITIES)[0]))} dated {d.past('any')}.")
    else:
        L.append("COMPARISON: None.")
    L.append(f"TECHNIQUE: {g.ch('Axial images with coronal and sagittal reformats.', 'Standard protocol.', 'Single portable view.')} "
             f"{g.ch('DLP 412 mGy-cm.', '100 mL Omnipaque 350 IV.', '', 'CTDIvol 8.1 mGy.')}")
    L.append("")
    L.append("FINDINGS:")
    L.append(find)
    if g.chance(0.35):
        L.append(f"Cardiac device: {g.ch('dual-chamber pacemaker', 'ICD', 'loop recorder', 'CRT-D')} in the left chest; "
                 f"per device card, serial number {P('DEVICE', g.serial())}. Leads intact.")
    if g.chance(0.2):
        L.append(f"{g.ch('Right', 'Left')} {g.ch('hip', 'knee')} arthroplasty; implant record lists lot number "
                 f"{g.alnum(2, 'ABCDEFGHJKLMNPRSTUVWXYZ')}{g.digits(5)} and serial {P('DEVICE', g.serial())}.")
    L.append("")
    L.append("IMPRESSION:")
    L.append(f"1. {g.ch('No acute abnormality.', 'Findings as above.', 'Interval change as described.', 'Acute findings as above.')}")
    if g.chance(0.6):
        L.append(f"2. {g.ch('Recommend follow-up imaging in 3 months.', 'Clinical correlation recommended.', 'Will follow up with the referring clinician.', 'May need MRI for further characterization.')}")
    if g.chance(0.45):
        L.append("")
        L.append(f"Critical result communicated to {d.N(d.pcp, g.ch('dr', 'dr_full'))} by telephone at "
                 f"{hhmm(g)} on {d.D(d.day, g.ch('full', 'any'))}; read-back confirmed. Callback {d.PH(g.phone(d.hst))}.")
    if g.chance(0.35):
        L.append(f"Report faxed to {P('FACILITY', g.clinic(d.city))} at {d.FX()}.")
    if g.chance(0.3):
        L.append(f"Images: {P('URL', 'https://pacs.' + d.domain + '/viewer?study=' + g.digits(9))}")
    if g.chance(0.2):
        L.append(f"Preliminary read from teleradiology workstation {P('IP', g.ip())} at {hhmm(g, g.rng.choice([0, 1, 2, 3, 23]))}.")
    L.append("")
    rad = d.other
    L.append(f"Dictated by: {d.N(rad, g.ch('cred', 'cred_mi'))}" +
             (f"    Resident: {d.N(d.rn, g.ch('dr_full', 'cred'))}" if g.chance(0.3) else ""))
    L.append(f"Signed: {d.D(d.day + datetime.timedelta(days=g.ch(0, 0, 1)), 'full')} {hhmm(g)}")
    return "\n".join(L)


PATH_CASES = [
    ("Colon, sigmoid, biopsy", "Tubular adenoma, low-grade dysplasia. Negative for invasive carcinoma.",
     "Received in formalin are three tan soft tissue fragments, 0.2 to 0.4 cm. Entirely submitted in cassette A1."),
    ("Prostate, needle core biopsies (12)", "Prostatic adenocarcinoma, Gleason score 3+4=7 (Grade Group 2), "
     "involving 4/12 cores, up to 35% of core length.", "Twelve cores, 0.8 to 1.6 cm, submitted in blocks A-L."),
    ("Breast, left, lumpectomy", "Invasive ductal carcinoma, grade 2, 1.8 cm. Margins negative (closest 0.3 cm, "
     "posterior). ER 95%, PR 80%, HER2 1+ (negative). Ki-67 20%. pT1c N0 (0/2 sentinel nodes).",
     "Oriented lumpectomy 6.5 x 5.0 x 3.2 cm, inked per protocol, serially sectioned into 14 slices."),
    ("Lymph node, cervical, excision", "Classic Hodgkin lymphoma, nodular sclerosis type. Reed-Sternberg cells "
     "CD15+, CD30+, CD45-.", "Tan-pink lymph node 2.8 x 2.1 x 1.5 cm, bisected, submitted in A1-A4."),
    ("Skin, left forearm, shave biopsy", "Basal cell carcinoma, nodular type, extending to the deep margin.",
     "Tan-white skin shave 0.7 x 0.6 x 0.1 cm, trisected and entirely submitted."),
    ("Terminal ileum, resection", "Active chronic ileitis with granulomas and transmural inflammation, consistent "
     "with Crohn's disease. Margins uninvolved.", "Segment of ileum 18 cm with attached mesentery; stricture at 7 cm."),
    ("Gallbladder, cholecystectomy", "Chronic cholecystitis with cholelithiasis.",
     "Gallbladder 8.2 x 3.1 cm containing 14 yellow-green stones up to 1.1 cm."),
    ("Esophagus, distal, biopsy", "Barrett esophagus without dysplasia. Goblet cells present.",
     "Four fragments, 0.1 to 0.3 cm, submitted in A1."),
    ("Explanted device and capsule", "Fibrous capsule with chronic inflammation. No malignancy.",
     "Device received with tissue capsule, 5.1 x 4.2 cm."),
]


def w_pathology(d):
    g, pt = d.g, d.pt
    site, dx, gross = g.rng.choice(PATH_CASES)
    yy = d.day.year % 100
    case = g.ch("S", "SP", "SP-", "S") + f"{yy:02d}-" + str(g.rng.randint(100, 39999)).zfill(5)
    L = []
    L.append(f"{P('FACILITY', d.fac)}")
    L.append(f"{g.ch('Department of Pathology and Laboratory Medicine', 'Surgical Pathology', 'Anatomic Pathology Laboratory')}")
    if g.chance(0.5):
        L.append(f"{P('ADDRESS', d.fac_addr)}, {d.city_line(d.hcity, d.hst, d.fac_zip)}")
        L.append(f"Phone {P('PHONE', d.fac_phone)}  Fax {P('FAX', d.fac_fax)}")
    L += ["", "SURGICAL PATHOLOGY REPORT", ""]
    L.append(f"Case #: {P('ID', case)}")
    L.append(f"Patient: {d.N(pt, g.ch('LF', 'lfm', 'lf'))}    Sex: {pt.sex}    "
             f"DOB: {d.D(d.dob, 'full')}    Age: {P('AGE', str(d.age)) if d.age > 89 else d.age}")
    L.append(f"{d.mrn_txt()}    {g.ch('Account', 'Acct', 'Billing #')}: {P('ACCOUNT', d.acct)}")
    L.append(f"Collected: {d.Dd(-g.rng.randint(1, 3), 'full')}    Received: {d.Dd(-g.rng.randint(0, 1), 'full')}    "
             f"Reported: {d.D(d.day, 'full')}")
    L.append(f"Submitting physician: {d.N(d.pcp, g.ch('cred', 'lf', 'dr_full'))}")
    if g.chance(0.35):
        L.append(f"Copy to: {d.N(d.att, g.ch('cred', 'dr_full'))}, {P('FACILITY', g.clinic(d.hcity))} (fax {d.FX()})")
    L += ["", "CLINICAL HISTORY:"]
    L.append(f"{cap1(d.age_txt())} {d.sexword()} with {pmh(g, 2)}. "
             f"{g.ch('Screening.', 'Mass on imaging.', 'Rule out malignancy.', 'Chronic symptoms.', 'Abnormal labs.')} "
             f"{g.ch('', 'Prior biopsy ' + d.past('any') + '.', 'History of Hodgkin lymphoma treated in ' + P('DATE', str(g.rng.randint(1980, 2015))) + '.')}")
    L += ["", "SPECIMEN:", f"A. {site}", "", "GROSS DESCRIPTION:"]
    lab = g.rng.randint(0, 2)
    if lab == 0:
        L.append(f"Received in formalin, labeled with the patient's name ({d.N(pt, g.ch('LF', 'lf'))}) and "
                 f"medical record number ({P('MRN', d.mrn)}), and \"{site.split(',')[0].lower()}\". {gross}")
    elif lab == 1:
        L.append(f"The specimen is received fresh, labeled \"{d.N(pt, 'LF')}, A\". {gross}")
    else:
        L.append(f"Received in one container labeled with two identifiers. {gross}")
    if "Explanted device" in site:
        L.append(f"The device is a {g.ch('breast implant', 'pacemaker generator', 'spinal cord stimulator')}, "
                 f"manufacturer label legible, serial number {P('DEVICE', g.serial())}; returned to "
                 f"{g.ch('risk management', 'the surgeon', 'the manufacturer')}.")
    elif g.chance(0.12):
        L.append(f"Accompanying: ureteral stent, serial {P('DEVICE', g.serial())}, discarded per policy.")
    L.append(f"Grossed by {d.N(d.rn, g.ch('il', 'fl'))}{g.ch(', PA(ASCP)', '', ', PA')}, {d.Dd(-g.rng.randint(0, 1), 'any')}.")
    L += ["", "MICROSCOPIC DESCRIPTION:",
          g.ch("Sections confirm the diagnosis below.", "H&E sections reviewed; immunostains with appropriate controls.",
               "Microscopic examination performed. Levels 1/3 and 3/3 reviewed.")]
    if g.chance(0.3):
        L.append(f"Immunostains were performed at {P('FACILITY', g.hospital(g.rng.choice(CITIES)[0]))} "
                 f"(their reference {P('ID', g.alnum(2, 'ABCDEFGHJKLMNPRSTUVWXYZ') + g.digits(7))}).")
    L += ["", "DIAGNOSIS:", f"A. {site.upper()}:", f"   - {dx}", ""]
    if g.chance(0.4):
        L.append(f"Comment: Discussed with {d.N(d.pcp, g.ch('dr', 'dr_full'))} on {d.D(d.day, 'any')} at {hhmm(g)}. "
                 f"{g.ch('Intradepartmental consultation obtained.', 'Will follow up on molecular testing.', 'May need additional levels.')}")
    if g.chance(0.25):
        L.append(f"Outside slides from {P('FACILITY', g.hospital(g.rng.choice(CITIES)[0]))} "
                 f"(case {P('ID', g.ch('S', 'OS') + str(g.rng.randint(10, 25)) + '-' + g.digits(4))}) reviewed; concur.")
    L.append(f"CPT: 88305{g.ch('', ', 88342 x3', ', 88307')}   ICD-10: {g.ch('D12.5', 'C61', 'C50.912', 'C81.10', 'K80.10', 'K50.90', 'K22.70', 'C44.619')}")
    L.append("")
    L.append(f"Electronically signed out by {d.N(d.att, g.ch('cred', 'cred_mi'))} on {d.D(d.day, 'full')} {hhmm(g)}")
    if g.chance(0.3):
        L.append(f"Laboratory director: {d.N(d.other, 'cred')}  CLIA {P('ID', g.digits(2) + 'D' + g.digits(7))}")
    return "\n".join(L)


def w_referral(d):
    g, pt = d.g, d.pt
    he, his, him = pt.pron
    sc = g.rng.choice(SCEN)
    writer, dest = d.pcp, d.att
    wclinic = g.clinic(d.city)
    L = [P("FACILITY", wclinic), f"{P('ADDRESS', g.suite())}", d.city_line(d.city, d.st, g.zip(d.z3)),
         f"Tel {d.PH(g.phone(d.st, fmt='paren', ext=False))}  |  Fax {d.FX(g.phone(d.st, fmt='paren', ext=False))}"]
    if g.chance(0.5):
        L.append(P("URL", g.ch("www.", "https://www.", "http://") + d.domain.replace(".example.org", "clinic.example.com")))
    L += ["", d.D(d.day, g.ch("full", "full", "any")), ""]
    L += [d.N(dest, g.ch("cred", "cred_mi", "dr_full")), P("FACILITY", d.fac),
          P("ADDRESS", d.fac_addr), d.city_line(d.hcity, d.hst, d.fac_zip), ""]
    L.append(f"Re: {d.N(pt, g.ch('fl', 'fml', 'lfm'))}, DOB {d.D(d.dob, 'full')}, {d.mrn_txt()}")
    if g.chance(0.5):
        L.append(f"Insurance: {d.payer}, ID {P('PLAN', d.plan)}" +
                 (f"; SSN {P('SSN', g.ssn())}" if g.chance(0.35) else ""))
    L.append("")
    L.append(f"Dear {g.ch('Dr.', 'Dr.', 'Doctor')} {P('NAME', dest.last)},")
    L.append("")
    L.append(f"Thank you for seeing {d.N(pt, 'title')}, a {d.age_txt()} {d.sexword()} whom I have followed "
             f"since {P('DATE', str(g.rng.randint(1998, 2022)))} for {pmh(g, 3)}. I am referring {him} for "
             f"{g.ch('evaluation of', 'your opinion on', 'management of')} {DX[sc]}.")
    L.append("")
    L.append(hpi(d, sc))
    if g.chance(0.6):
        L.append(f"Most recent labs ({d.past('any')}): {labs(g)}. {vitals(g)} in clinic today.")
    L.append("")
    L.append(f"Current medications: {'; '.join(meds(d, g.rng.randint(3, 6)))}.")
    para = [
        f"{he.capitalize()} lives with {his} {d.rel}, {d.N(d.kin, g.ch('fl', 'first'))}, at "
        f"{P('ADDRESS', d.addr)}, {d.city_line()}, and can be reached at {d.PH(d.phone)}.",
        f"{his.capitalize()} {d.rel} {d.N(d.kin, 'first')} usually accompanies {him} and prefers e-mail: "
        f"{P('EMAIL', g.email(d.kin))}.",
        f"I hope to see {him} back in {g.ch('three', 'six', 'four')} weeks. {g.rng.choice(WORD_NEGS)}",
        f"{he.capitalize()} was previously seen by {d.N(d.other, 'doc')} at {P('FACILITY', g.hospital(g.rng.choice(CITIES)[0]))} "
        f"on {d.past('any')}; records enclosed.",
        f"Please note {he} no longer drives; {his} license ({P('LICENSE', g.dl(d.st))}) was surrendered on {d.past('any')}.",
        f"{his.capitalize()} {g.ch('mother', 'father')} lived to {d.age_txt(g.rng.randint(90, 103), 'age')} "
        f"with {g.rng.choice(EPONYM_DX)}.",
        f"We will grant any request for records; the insurer's prior authorization is {P('ID', 'PA' + g.digits(8))}.",
        f"{his.capitalize()} son {d.N(Person(g, sex='M', last=pt.last), 'first')} is a nurse and may call with questions.",
    ]
    L.append("")
    L += g.rng.sample(para, g.rng.randint(2, 4))
    L.append("")
    L.append(f"Please contact me directly at {d.PH(g.phone(d.st))} or {P('EMAIL', g.email(writer))}. "
             f"{g.ch('Many thanks.', 'Thank you for your help with this patient.', 'I appreciate your assistance.')}")
    L += ["", g.ch("Sincerely,", "Best regards,", "Kind regards,", "With thanks,"), "",
          d.N(writer, g.ch("cred", "cred_mi"))]
    cred = []
    if g.chance(0.45):
        cred.append(f"{d.st} License {P('LICENSE', g.clin_license())}")
    if g.chance(0.3):
        cred.append(f"DEA {P('LICENSE', g.dea())}")
    if g.chance(0.4):
        cred.append(f"NPI {P('ID', '1' + g.digits(9))}")
    if cred:
        L.append("  ".join(cred))
    if g.chance(0.4):
        L.append(f"cc: {d.N(pt, 'fl')}; {d.N(Person(g), 'doc')} ({d.FX()})")
    return "\n".join(L)


def w_portal(d):
    g, pt = d.g, d.pt
    he, his, him = pt.pron
    by_kin = g.chance(0.45)
    sender = d.kin if by_kin else pt
    smail = g.email(sender)
    L = []
    L.append(f"{g.ch('Patient Portal Message', 'MyChart Message', 'Secure Message', 'PORTAL MESSAGE')}")
    L.append(f"From: {P('NAME', sender.first + ' ' + sender.last)} <{P('EMAIL', smail)}>")
    L.append(f"To: {d.N(d.pcp, g.ch('dr_full', 'cred'))} / {g.ch('Care Team', 'Clinic Nurses', 'Triage Pool')}")
    L.append(f"Sent: {d.D(d.day, 'full')} {hhmm(g)}")
    if g.chance(0.6):
        L.append(f"Patient: {d.N(pt, g.ch('LF', 'fl', 'lfm'))}  {d.mrn_txt()}")
    subj = ["Question about meds", "Refill", "bill question", "Test results?", "appointment",
            "New address", "follow up", "quick question"]
    if by_kin:
        subj.append({"M": "Dad", "F": "Mom"}[pt.sex] if d.rel in ("daughter", "son") else
                    f"my {d.rel}" if d.rel not in ("niece", "nephew", "granddaughter", "grandson") else
                    {"M": "Uncle", "F": "Aunt"}[pt.sex] if d.rel in ("niece", "nephew") else
                    {"M": "Grandpa", "F": "Grandma"}[pt.sex])
    L.append(f"Subject: {g.rng.choice(subj)}")
    L.append("")
    if by_kin:
        opener = g.ch(f"Hi {d.N(d.pcp, 'dr')},", f"Hello Dr. {P('NAME', d.pcp.last)},", "Hello,",
                      f"Dear {d.N(d.pcp, 'dr_full')},")
        L.append(opener)
        L.append("")
        L.append(f"This is {P('NAME', sender.first)}, {d.N(pt, g.ch('title', 'fl', 'first'))}'s {d.rel}. "
                 f"{g.ch('I', 'Just')} wanted to let you know that {he} "
                 f"{g.ch('has been more tired since the visit on ', 'had a fall on ', 'has had a cough since ', 'started the new pill on ')}{d.Dd(-g.rng.randint(2, 20), 'chat')}.")
    else:
        L.append(g.ch(f"Hi {d.N(d.pcp, 'dr')},", f"Dr. {P('NAME', d.pcp.last)} -", "Hi,",
                      f"Hello {d.N(d.pcp, 'first')},"))
        L.append("")
        L.append(f"{g.ch('Quick question', 'Sorry to bother you', 'Hope you are well')}. "
                 f"{g.ch('Since ', 'Starting ', 'After my visit on ')}{d.Dd(-g.rng.randint(2, 20), 'chat')} "
                 f"I have had {g.ch('swelling in my ankles', 'more headaches', 'trouble sleeping', 'a rash', 'dizzy spells')}. "
                 f"{pain(g).capitalize()} most days.")
    body = [
        f"Home BP readings: {g.rng.randint(120, 168)}/{g.rng.randint(70, 98)} this morning and "
        f"{g.rng.randint(118, 160)}/{g.rng.randint(68, 96)} last night, HR {g.rng.randint(58, 104)}.",
        f"The pharmacy ({P('FACILITY', g.pharmacy(d.city))}, {d.PH(g.phone(d.st))}) says they never got the "
        f"refill for {g.rng.choice(DOSES)}.",
        f"We moved! New address is {P('ADDRESS', g.street())}, {d.city_line(z=g.zip(d.z3))}. "
        f"New cell {d.PH(g.phone(d.st))}.",
        f"I got a bill for the {d.past('chat')} visit, account {P('ACCOUNT', d.acct)}. Can someone check it? "
        f"I hope to grant my {g.ch('wife', 'husband', 'sister', 'brother', 'son', 'daughter')} access to billing too.",
        f"Our insurance changed to {g.rng.choice(PAYERS)}, member ID {P('PLAN', g.plan())}.",
        f"The form asked for {his} social, it is {P('SSN', g.ssn())} in case you need it.",
        f"Can we move the appointment on {d.Dd(g.rng.randint(3, 30), 'chat')} to {d.Dd(g.rng.randint(31, 60), 'chat')}? "
        f"Any time after 2:30 works.",
        f"{g.ch('Will', 'Can')} you send the results to my e-mail {P('EMAIL', g.email(sender))}?",
        f"My {g.ch('grandmother', 'mother', 'aunt', 'father')} is {d.age_txt(g.rng.randint(90, 104), 'years')} and "
        f"also wants to switch to your practice.",
        f"Took 1/2 tab of the metoprolol like you said. Tylenol helps a little.",
        f"Dr. {P('NAME', d.other.last)} at {P('FACILITY', d.fac)} wanted you to see the CT from {d.past('chat')}.",
        f"I uploaded a photo of the {g.ch('rash', 'swelling', 'incision')} here: "
        f"{P('URL', 'https://' + d.domain.replace('.example.org', '.example.net') + '/share/' + g.alnum(8, 'abcdefghjkmnpqrstuvwxyz23456789'))}",
        f"My CPAP (serial {P('DEVICE', g.serial())}) keeps beeping, do I call the supply company?",
        f"Also {P('NAME', g.ch('Mark', 'Will', 'Grant', 'Bill', 'May', 'Hope') + ' ' + g.pick(SURNAMES))} from your billing office said "
        f"to message here.",
        f"The meter reading was {g.rng.randint(110, 260)} after lunch. Is that bad? May need more insulin?",
    ]
    L += g.rng.sample(body, g.rng.randint(2, 4))
    L.append("")
    L.append(g.ch("Thanks so much,", "Thank you!", "Thanks,", "Best,", "Regards,"))
    L.append(P("NAME", sender.first) if g.chance(0.5) else P("NAME", f"{sender.first} {sender.last}"))
    if g.chance(0.4):
        L.append(d.PH(d.kin_phone if by_kin else d.phone))
    L.append("")
    L.append("---")
    L.append(f"Reply from {d.N(d.rn, g.ch('rn', 'fl'))} ({d.D(d.day + datetime.timedelta(days=g.ch(0, 1)), 'full')} {hhmm(g)}):")
    reply = [
        f"Hi {P('NAME', sender.first)}, thank you for the update. {d.N(d.pcp, 'dr')} reviewed your message.",
        f"{g.ch('Please continue', 'Please hold', 'Please restart')} {g.rng.choice(DRUGS)} and keep a log of your readings.",
        f"We scheduled a visit on {d.Dd(g.rng.randint(2, 14), 'chat')} at {hhmm(g, g.rng.randint(8, 15))}.",
        f"If symptoms worsen, call {P('PHONE', d.fac_phone)} or go to the ED.",
        "Will follow up after the labs come back.",
        f"Billing can be reached at {d.PH(g.phone(d.hst))}.",
    ]
    L += g.rng.sample(reply, g.rng.randint(2, 4))
    L.append("")
    L.append(f"This message was sent through {P('URL', g.ch('https://portal.', 'https://mychart.', 'portal.') + d.domain)}. "
             f"Session IP {P('IP', g.ip())}.")
    return "\n".join(L)


def w_telephone(d):
    g, pt = d.g, d.pt
    he, his, him = pt.pron
    by_kin = g.chance(0.5)
    L = []
    L.append(f"TELEPHONE ENCOUNTER{g.ch('', ' - ' + P('FACILITY', g.clinic(d.city)), '')}")
    L.append(f"Date/time: {d.D(d.day, 'full')} {hhmm(g, g.rng.randint(8, 17))}")
    if by_kin:
        L.append(f"Caller: {d.N(d.kin, g.ch('fl', 'title_full', 'fl'))} ({d.rel}{g.ch('', ', health care proxy', ', HCP')}); "
                 f"callback {d.PH(d.kin_phone)}")
    else:
        L.append(f"Caller: patient; callback {d.PH(d.phone)}" +
                 (f" (cell), {d.PH(g.phone(d.st, ext=True))} (work)" if g.chance(0.3) else ""))
    L.append(f"Patient: {d.N(pt, g.ch('fl', 'fml', 'LF', 'lfm'))}, {d.age_txt(form=g.ch('y/o', 'yo'))} {pt.sex}, "
             f"DOB {d.D(d.dob, 'full')}, {d.mrn_txt()}")
    L.append(f"PCP: {d.N(d.pcp, g.ch('cred', 'dr_full'))}")
    L.append("")
    ver = g.rng.randint(0, 4)
    if ver == 0:
        L.append(f"Identity verified with name, DOB and address on file ({P('ADDRESS', d.addr)}, {P('LOCATION', d.city)}).")
    elif ver == 1:
        L.append(f"Identity verified: last four of SSN and driver's license {P('LICENSE', g.dl(d.st))}.")
    elif ver == 2:
        L.append(f"Verified with SSN {P('SSN', g.ssn())} (caller read from card) and DOB.")
    elif ver == 3:
        L.append(f"Verified with {d.payer} member ID {P('PLAN', d.plan)} and DOB.")
    else:
        L.append("Two identifiers verified.")
    reason = g.rng.randint(0, 6)
    if reason == 0:
        L.append(f"Reason: refill request for {g.rng.choice(DOSES)}. Last filled {d.past('chat')}. "
                 f"Pharmacy: {P('FACILITY', g.pharmacy(d.city))}, {P('ADDRESS', g.street(unit=False))}, "
                 f"{d.city_line(z=g.zip(d.z3))}, phone {d.PH(g.phone(d.st))}, fax {d.FX(g.phone(d.st, ext=False))}.")
    elif reason == 1:
        L.append(f"Reason: {g.ch('dizziness', 'increased leg swelling', 'cough and fever', 'fall at home', 'low blood sugars')} "
                 f"since {d.Dd(-g.rng.randint(1, 4), 'chat')}. Home readings {vitals(g)}. {pain(g).capitalize()}. "
                 f"Denies chest pain. History of {g.rng.choice(EPONYM_DX)}.")
    elif reason == 2:
        L.append(f"Reason: CPAP machine not working. Device serial {P('DEVICE', g.serial())}; supplier "
                 f"{P('FACILITY', g.ch('Valley', 'Summit', 'Harbor', 'Prairie') + ' Home Medical')} at {d.PH(g.phone(d.st))}.")
    elif reason == 3:
        L.append(f"Reason: disability parking placard form for vehicle plate {P('VEHICLE', g.plate())} "
                 f"({g.rng.choice(CAR_MAKES)}); form to be faxed to {d.FX(g.phone(d.st, ext=False))}.")
    elif reason == 4:
        L.append(f"Reason: question about statement, account {P('ACCOUNT', d.acct)}, date of service {d.past('any')}. "
                 f"Caller upset about the bill; transferred to billing.")
    elif reason == 5:
        baby = Person(g, last=d.kin.last if by_kin else pt.last)
        L.append(f"Reason: mother calling about newborn {P('NAME', baby.first)}, born {d.Dd(-g.rng.randint(3, 20), 'any')} at "
                 f"{P('FACILITY', d.fac)}, term, Apgar 8/9. Feeding every 2-3 h, 6 wet diapers/day.")
    else:
        L.append(f"Reason: telehealth video visit on {d.Dd(-1, 'chat')} dropped; platform log shows patient IP "
                 f"{P('IP', g.ip())}. Link resent: {P('URL', 'https://video.' + d.domain + '/j/' + g.digits(9))}.")
    extra = [
        f"Spoke with {d.N(d.pcp, 'dr')} at {hhmm(g)}: {g.ch('agrees with plan', 'will call patient back', 'ok to increase dose', 'wants labs first')}.",
        f"{g.ch('Will', 'Will')} route to {d.N(d.pcp, 'dr')}. May need same-day visit.",
        f"Appointment made {d.Dd(g.rng.randint(1, 10), 'any')} at {hhmm(g, g.rng.randint(8, 16))} with {d.N(d.other, 'doc')}.",
        f"Caller also asked that {his} {g.ch('brother', 'sister', 'cousin')} {d.N(Person(g), 'fl')} "
        f"({P('LOCATION', g.rng.choice(CITIES)[0])}) be updated at {d.PH(g.phone(d.st))}.",
        f"Patient lives at {P('ADDRESS', d.addr)}, {d.city_line()}; VNA from {P('FACILITY', g.ch('Riverside', 'Caring Hands', 'Tri-Town', 'Hometown') + ' Visiting Nurses')} aware.",
        f"Proxy form on file dated {d.past('full')}.",
        f"Advised: {g.ch('hold Lasix x1 day', 'take Tylenol 650 mg q6h PRN', 'check glucose QID', 'increase fluids')}; "
        f"call back or go to the ED if worse. Caller verbalized understanding.",
        f"{g.rng.choice(WORD_NEGS)}",
        f"Pt's {g.ch('mother', 'father', 'aunt')} ({d.age_txt(g.rng.randint(90, 102), 'age')}) also has {g.rng.choice(EPONYM_DX)}, asking about genetic risk.",
        f"E-mailed education materials to {P('EMAIL', g.email(d.kin if by_kin else pt))}.",
        f"Records request from {P('FACILITY', g.hospital(g.rng.choice(CITIES)[0]))} received by fax {d.FX()}.",
        f"Claim reference {P('ID', 'CLM' + g.digits(9))} given to caller.",
    ]
    L += g.rng.sample(extra, g.rng.randint(2, 5))
    L.append("")
    L.append(f"Documented by: {d.N(d.rn, g.ch('rn', 'il_rn', 'rn'))} - {d.D(d.day, 'full')} {hhmm(g, g.rng.randint(9, 18))}")
    return "\n".join(L)


WRITERS = {"discharge": w_discharge, "nursing": w_nursing, "radiology": w_radiology,
           "pathology": w_pathology, "referral": w_referral, "portal": w_portal,
           "telephone": w_telephone}


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def read_phi(path):
    spans = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            assert len(parts) == 3, f"{path}:{n}: expected 3 tab-separated fields"
            spans.append((int(parts[0]), int(parts[1]), parts[2]))
    return spans


def check_dir(out):
    names = sorted(f[:-4] for f in os.listdir(out) if f.endswith(".txt"))
    total = 0
    for nm in names:
        with open(os.path.join(out, nm + ".txt"), "rb") as fh:
            data = fh.read()
        spans = read_phi(os.path.join(out, nm + ".phi"))
        check_doc(data, spans, nm)
        total += len(spans)
    return len(names), total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default="corpora/synth")
    ap.add_argument("--docs", type=int, default=320)
    ap.add_argument("--check", metavar="DIR", help="only validate an existing corpus directory")
    a = ap.parse_args()
    if a.check:
        n, t = check_dir(a.check)
        print(f"{a.check}: {n} documents, {t} spans, all checks passed", file=sys.stderr)
        return 0

    g = Gen(a.seed)
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):  # remove stale generated files only
        if re.fullmatch(r"\d{4}-[a-z]+\.(txt|phi)|index\.tsv", f):
            os.remove(os.path.join(a.out, f))
    order = [STYLES[i % len(STYLES)] for i in range(a.docs)]
    g.rng.shuffle(order)
    per_cat = {c: 0 for c in CATEGORIES}
    per_style = {s: [0, 0] for s in STYLES}
    index = ["#name\tstyle\tbytes\tspans"]
    for i, style in enumerate(order, 1):
        d = Doc(g, style)
        data, spans = render(WRITERS[style](d), caps=(style == "nursing"))
        name = f"{i:04d}-{style}"
        check_doc(data, spans, name)
        with open(os.path.join(a.out, name + ".txt"), "wb") as fh:
            fh.write(data)
        with open(os.path.join(a.out, name + ".phi"), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(f"# {name}.txt style={style} spans={len(spans)} (START END CATEGORY, byte offsets)\n")
            for s, e, c in spans:
                fh.write(f"{s}\t{e}\t{c}\n")
        for _, _, c in spans:
            per_cat[c] += 1
        per_style[style][0] += 1
        per_style[style][1] += len(spans)
        index.append(f"{name}\t{style}\t{len(data)}\t{len(spans)}")
    with open(os.path.join(a.out, "index.tsv"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(index) + "\n")

    n, total = check_dir(a.out)  # re-read everything from disk
    err = sys.stderr
    print(f"wrote {n} documents, {total} spans to {a.out} (seed {a.seed})", file=err)
    print("per category:", file=err)
    for c in CATEGORIES:
        print(f"  {c:<9} {per_cat[c]:6d}", file=err)
    print("per style (docs, spans):", file=err)
    for s in STYLES:
        print(f"  {s:<10} {per_style[s][0]:4d} {per_style[s][1]:6d}", file=err)
    low = [c for c in CATEGORIES if per_cat[c] < 20]
    if low or total < 3000:
        print(f"WARNING: below target: total={total} low={low}", file=err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
