#!/usr/bin/env python3
"""Generate a deterministic synthetic clinical-notes corpus for benchmarking.

    bench/gen-notes.py [--mb 100] [--seed 1234] [--stats] > notes.txt

Every person, address, number and organisation is made up; phone numbers use
the fictional 555-01xx range, e-mails and URLs use reserved example domains,
IPs use documentation ranges.  Python 3 standard library only.

Shape (see /work/shared/docs/PERFORMANCE.md, section 2): each note has a
header (name, DOB, MRN, date of service, address, phone, sometimes e-mail and
SSN, attending), 3-12 narrative paragraphs (one per line) and a signature
line.  About 80 % of narrative sentences come from clinical templates, 20 %
are ordinary English.  PHI sentences are inserted every 45-120 words so that,
with the headers, there is about one PHI item per 30 words.

The output is the same for the same --mb and --seed (random.Random with a
fixed seed; only order-stable API calls are used).  Size is in decimal MB
(10^6 bytes); generation stops at the first note boundary at or past it.
"""

import argparse
import random
import sys

# ---------------------------------------------------------------------------
# Fictional name and place lists (written for this project).
# ---------------------------------------------------------------------------

FIRST_NAMES = """
Aaron Abigail Adam Adrian Aiden Alan Albert Alexa Alexander Alice Alicia Allison
Alma Amanda Amber Amy Andrea Andrew Angela Anita Ann Anna Anthony Arlene Arthur
Ashley Audrey Austin Barbara Beatrice Benjamin Bernard Beth Betty Beverly Blake
Bobby Bonnie Brandon Brenda Brian Brittany Bruce Bryan Caleb Calvin Carl Carla
Carmen Carol Caroline Carolyn Catherine Cecilia Chad Charles Charlotte Chelsea
Cheryl Chloe Christian Christina Christopher Cindy Claire Clara Clarence Claude
Clifford Colin Connie Constance Craig Crystal Curtis Cynthia Dale Dana Daniel
Danielle Darlene Darren David Dean Deborah Delia Denise Dennis Derek Diana Diane
Dolores Donald Donna Doris Dorothy Douglas Dwayne Dylan Earl Edgar Edith Edna
Edward Eileen Elaine Eleanor Elena Elijah Elizabeth Ellen Elsie Emily Emma Eric
Erica Erin Ernest Esther Ethan Eugene Evelyn Faith Felix Florence Frances Francis
Franklin Fred Gabriel Gail Gary Gene George Georgia Gerald Gilbert Gina Gladys
Glenn Gloria Gordon Grace Gregory Gwen Hannah Harold Harriet Harry Hazel Heather
Helen Henry Herbert Howard Hugo Ian Irene Isaac Isabel Ivan Jack Jacob Jacqueline
James Janet Janice Jared Jason Jean Jeffrey Jennifer Jeremy Jerome Jesse Jessica
Joan Joanne Joel John Jonathan Jordan Joseph Joshua Joyce Judith Julia Julian
Julie Justin Karen Katherine Kathleen Keith Kelly Kenneth Kevin Kimberly Kyle
Laura Lauren Lawrence Leah Leonard Leslie Lillian Linda Lisa Logan Lois Loretta
Louis Lucas Lucille Lydia Lynn Marcus Margaret Maria Marian Marilyn Mario Marjorie
Mark Martha Martin Marvin Mary Matthew Maureen Megan Melissa Melvin Michael
Michelle Mildred Miriam Mitchell Monica Nancy Naomi Natalie Nathan Neil Nicholas
Nicole Nina Noah Norma Norman Oliver Olivia Oscar Pamela Patricia Patrick Paul
Paula Pauline Peggy Peter Philip Phyllis Priscilla Rachel Ralph Randall Raymond
Rebecca Regina Renee Rhonda Richard Rita Robert Roberta Roger Ronald Rosa Rose
Ruby Russell Ruth Ryan Samantha Samuel Sandra Sara Scott Sean Shannon Sharon
Sheila Shirley Sidney Simon Sophia Stanley Stella Stephanie Steven Stuart Susan
Sylvia Tamara Teresa Terrence Theodore Theresa Thomas Timothy Tina Todd Tracy
Travis Troy Tyler Valerie Vanessa Vera Vernon Victor Victoria Vincent Violet
Virginia Vivian Walter Wanda Warren Wayne Wendy Wesley Willard Wilma Yolanda Zachary
""".split()

SURNAMES = """
Abbott Acosta Adams Adkins Aguilar Albright Aldridge Alvarez Anderson Archer
Armstrong Arnold Ashby Atkins Austin Bailey Baker Baldwin Ballard Banks Barber
Barker Barlow Barnes Barrett Bartlett Barton Bates Baxter Beck Becker Bell
Bennett Benson Berry Bishop Black Blackwell Blair Blake Bolton Booth Bowen Bowman
Boyd Bradford Bradley Brady Brennan Brewer Bridges Briggs Brock Brooks Bryant
Buchanan Buckley Burgess Burke Burns Burton Bush Butler Byrd Caldwell Calhoun
Cameron Campbell Cannon Carlson Carpenter Carr Carroll Carter Carver Castillo
Chambers Chandler Chapman Chavez Clark Clayton Cobb Cochran Coleman Collins
Conley Conner Conrad Conway Cooper Copeland Cortez Crawford Crosby Cummings
Curtis Dalton Daniels Davenport Davidson Dawson Decker Delgado Dennison Dixon
Dominguez Donovan Dorsey Drake Duncan Dunlap Durham Eaton Elliott Ellison
Emerson Erickson Espinoza Estrada Everett Farley Farmer Ferguson Fields Finley
Fitzgerald Fleming Fletcher Flores Flynn Forbes Ford Foster Fowler Franklin
Frazier Freeman Fuller Gallagher Galloway Garcia Gardner Garner Garrett Gibbs
Gibson Gilbert Gilmore Glover Goodman Gordon Graham Graves Greer Griffin Guerrero
Hale Halloran Hamilton Hammond Hancock Hansen Hardin Harmon Harper Hartman Hawkins
Hayes Henderson Hendricks Hensley Herrera Hester Hickman Hodges Hoffman Holland
Holloway Hopkins Horton Houston Howell Hubbard Hudson Huffman Hughes Hutchinson
Ingram Jacobs Jarvis Jenkins Jennings Jensen Johnston Kaufman Keller Kendall
Kennedy Kerr Kirby Kirkland Klein Knowles Lambert Lancaster Larson Lawson Leblanc
Lindqvist Livingston Logan Lowery Lucero Lynch Macdonald Maddox Maldonado Mann
Marsh Mathis Maxwell McBride McCarthy McCormick McDaniel McKenzie Medina Mendez
Mercer Meyer Middleton Miles Molina Montgomery Moran Morales Morrison Morrow
Moss Mueller Mullins Murphy Nash Navarro Newman Nichols Nolan Norris Norton
Oconnell Odom Oliver Olsen Ortega Osborne Owens Pacheco Padilla Palmer Parsons
Patton Pearson Pena Perkins Pittman Pollard Porter Pratt Preston Pruitt Quinn
Ramirez Ramsey Randolph Rasmussen Reeves Reilly Reyes Rhodes Richards Rios
Rivera Robbins Rocha Rollins Roman Rowe Russo Salazar Sanders Sandoval Sargent
Saunders Schmidt Schneider Schultz Serrano Shaffer Shelton Sheppard Sherman
Short Simmons Singleton Slater Sloan Snyder Solomon Spencer Stafford Stanton
Steele Stephens Stokes Strickland Sullivan Sutton Sweeney Talbot Tanner Tate
Thornton Tillman Townsend Trevino Tucker Tyler Underwood Valdez Vance Vargas
Vaughn Velasquez Wade Walsh Walton Warner Watkins Weaver Webster Whitaker
Whitfield Wilcox Wilkins Winters Wolfe Woodard Wyatt Yates York Zamora Zimmerman
""".split()

# About 1 % of drawn names come from these (non-ASCII letters).
FIRST_NAMES_NONASCII = ("José", "Zoë", "Renée", "Björn", "Søren", "Łucja",
                        "Chloé", "Thành", "Dorotéa", "Íñigo", "Jürgen", "Anaïs")
SURNAMES_NONASCII = ("Müller", "Nguyễn", "Núñez", "Ibáñez", "Sørensen",
                     "Gómez", "Łukasik", "Öztürk", "Dvořák", "Brontë",
                     "Trần", "Peña")

MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"

STREETS = """
Maple Oak Cedar Elm Birch Willow Chestnut Hawthorn Juniper Magnolia Sycamore
Linden Aspen Laurel Poplar Spruce Hemlock Alder Mulberry Cypress Orchard Meadow
Harbor Ridge Summit Valley Lakeview Hillcrest Brookside Riverside Fairview
Highland Sunset Parkside Kingsley Ashford Belmont Carver Dunmore Easton Fenwick
Garrison Hollis Ivy Jasper Kimball Larkspur Mason Newbury Orwell Pembroke
Quarry Redwood Stratford Thornbury Upland Vinton Wexford Yardley
""".split()
STREET_TYPES = ("Street", "St.", "Avenue", "Ave", "Road", "Rd", "Lane",
                "Drive", "Dr.", "Court", "Way", "Boulevard", "Place",
                "Terrace", "Circle")
UNITS = ("Apt 2B", "Apt. 14", "Unit 3", "Suite 210", "#5", "Apt 7C")

# Invented towns with a state abbreviation and a ZIP prefix.
CITIES = (
    ("Millbrook", "NY", "125"), ("Ashton Falls", "PA", "170"),
    ("Cedar Hollow", "OH", "441"), ("Eastfield", "MA", "013"),
    ("Northwood", "MN", "553"), ("Glenmere", "VT", "054"),
    ("Bramford", "CT", "064"), ("Riverton Springs", "WY", "825"),
    ("Lakemont", "MI", "496"), ("Pinecrest", "NC", "275"),
    ("Harlow Bay", "ME", "041"), ("Westbury Hills", "NJ", "077"),
    ("Stonebridge", "IL", "617"), ("Fairhaven Junction", "OR", "973"),
    ("Oakdale Park", "GA", "303"), ("Marlow", "TX", "757"),
    ("Silver Lake City", "UT", "840"), ("Briar Glen", "VA", "229"),
    ("Kingsport Landing", "TN", "376"), ("Redfield", "IA", "502"),
    ("Wolcott Mills", "WI", "539"), ("San Aurelio", "CA", "939"),
    ("Dunmore Heights", "KY", "403"), ("Port Ellery", "WA", "983"),
    ("Clearwater Bend", "FL", "338"), ("Hartwell", "MO", "651"),
    ("Sorrento Vale", "AZ", "853"), ("Elk Ridge", "CO", "805"),
    ("New Canterbury", "NH", "032"), ("Bellmont", "IN", "461"),
)
AREA_CODES = ("212", "215", "303", "312", "404", "415", "503", "602", "614",
              "617", "702", "713", "802", "860", "919", "971")
HOSPITALS = ("Northwood General Hospital", "St. Aurelia Medical Center",
             "Millbrook Community Hospital", "Eastfield Regional Medical Center",
             "Lakemont Memorial Hospital", "Harlow Bay Health",
             "Pinecrest University Hospital", "Stonebridge Clinic")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com",
                 "patients.example.org")
PORTAL_HOSTS = ("portal.example-health.org", "mychart.example.org",
                "records.example.com", "telehealth.example.net")

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
MON3 = tuple(m[:3] for m in MONTHS)

# ---------------------------------------------------------------------------
# Clinical vocabulary.
# ---------------------------------------------------------------------------

SYMPTOMS = (
    "chest pain", "shortness of breath", "intermittent headaches", "nausea",
    "vomiting", "dizziness", "fatigue", "productive cough", "dry cough",
    "abdominal pain", "lower back pain", "joint stiffness", "palpitations",
    "fever and chills", "night sweats", "decreased appetite", "dysuria",
    "swelling of both ankles", "blurred vision", "numbness in the left hand",
    "difficulty sleeping", "weight loss", "constipation", "diarrhea",
    "wheezing", "sore throat", "rash on the forearms", "tremor",
)
DIAGNOSES = (
    "type 2 diabetes mellitus", "essential hypertension", "hyperlipidemia",
    "community-acquired pneumonia", "COPD exacerbation", "atrial fibrillation",
    "congestive heart failure", "chronic kidney disease stage 3",
    "urinary tract infection", "major depressive disorder",
    "generalized anxiety disorder", "osteoarthritis of the knee",
    "Parkinson disease", "Bell's palsy", "migraine without aura",
    "iron deficiency anemia", "hypothyroidism", "gastroesophageal reflux disease",
    "acute kidney injury", "cellulitis of the left leg", "asthma",
    "obstructive sleep apnea", "Crohn's disease", "Graves disease",
    "Hodgkin lymphoma in remission", "Alzheimer disease", "gout",
)
DRUGS = (
    ("metformin", ("500 mg", "850 mg", "1000 mg")),
    ("lisinopril", ("5 mg", "10 mg", "20 mg")),
    ("atorvastatin", ("20 mg", "40 mg", "80 mg")),
    ("amlodipine", ("2.5 mg", "5 mg", "10 mg")),
    ("metoprolol succinate", ("25 mg", "50 mg", "100 mg")),
    ("apixaban", ("2.5 mg", "5 mg")),
    ("furosemide", ("20 mg", "40 mg")),
    ("levothyroxine", ("50 mcg", "75 mcg", "100 mcg")),
    ("sertraline", ("25 mg", "50 mg", "100 mg")),
    ("omeprazole", ("20 mg", "40 mg")),
    ("amoxicillin-clavulanate", ("875 mg",)),
    ("ceftriaxone", ("1 g", "2 g")),
    ("prednisone", ("10 mg", "20 mg", "40 mg")),
    ("insulin glargine", ("10 units", "18 units", "24 units")),
    ("acetaminophen", ("500 mg", "650 mg", "1 g")),
    ("ibuprofen", ("400 mg", "600 mg")),
    ("carbidopa-levodopa", ("25/100 mg",)),
    ("albuterol", ("90 mcg/actuation",)),
    ("gabapentin", ("100 mg", "300 mg")),
    ("ondansetron", ("4 mg", "8 mg")),
    ("heparin", ("5,000 units",)),
    ("vancomycin", ("1.25 g", "15 mg/kg")),
)
ROUTES = ("PO", "IV", "orally", "subcutaneously", "by mouth")
FREQS = ("daily", "twice daily", "BID", "TID", "every 8 hours", "q6h PRN",
         "at bedtime", "once weekly", "every morning")
SIDE_EFFECTS = ("dizziness", "a rash", "GI upset", "cough", "hyperkalemia",
                "bradycardia", "myalgias", "hypotension")
FINDINGS = (
    "bibasilar crackles", "a 2/6 systolic murmur at the left sternal border",
    "mild pitting edema of the lower extremities", "clear lungs bilaterally",
    "a soft, nontender abdomen", "decreased breath sounds at the right base",
    "erythema and warmth over the left shin", "no focal neurologic deficits",
    "a resting tremor of the right hand", "jugular venous distension",
    "tenderness over the lumbar paraspinal muscles", "normal heart sounds",
    "a well-healed midline scar", "left facial droop sparing the forehead",
)
IMAGING = ("Chest X-ray", "CT of the abdomen and pelvis", "MRI of the brain",
           "Renal ultrasound", "Echocardiogram", "CT angiogram of the chest",
           "Lumbar spine MRI", "Doppler ultrasound of the left leg")
IMAGING_FINDINGS = (
    "a right lower lobe infiltrate", "no acute intracranial abnormality",
    "an ejection fraction of 35%", "mild hydronephrosis on the left",
    "no evidence of deep vein thrombosis", "small bilateral pleural effusions",
    "degenerative changes at L4-L5", "no pulmonary embolism",
    "a 4 mm nonobstructing renal stone", "cardiomegaly",
)
PROCEDURES = ("Foley catheter placement", "Lumbar puncture",
              "Central line placement", "Paracentesis", "Thoracentesis",
              "Colonoscopy", "Upper endoscopy", "Arterial line insertion",
              "Incision and drainage", "Cardioversion", "Bone marrow biopsy")
PLANS = ("continue current regimen", "titrate diuretics to goal weight",
         "repeat basic metabolic panel in the morning",
         "start physical therapy", "obtain cardiology consultation",
         "advance diet as tolerated", "wean oxygen as tolerated",
         "check hemoglobin A1c", "discharge home with home health services",
         "increase the statin dose", "hold anticoagulation before the procedure")
ACTIVITIES = ("walking", "climbing stairs", "deep breathing", "lying flat",
              "eating", "movement", "coughing")
DURATION_UNITS = ("days", "weeks", "months")
PRONOUNS = (("He", "he", "his"), ("She", "she", "her"))

# ---------------------------------------------------------------------------
# Ordinary English sentences (written for this project).  Several use
# common words that are also names: May, Will, Hope, Grant, Bill, Faith ...
# ---------------------------------------------------------------------------

ENGLISH = (
    "The weather has been unusually warm for this time of year.",
    "Most of the books on the lower shelf were donated by the library.",
    "It may take a few minutes for the system to restart.",
    "We will need more chairs if everyone decides to come.",
    "The train was delayed because of work on the bridge.",
    "She hopes the new schedule will make mornings less hectic.",
    "Please read the instructions carefully before starting.",
    "The committee agreed to grant the request after a short discussion.",
    "He paid the electricity bill on the last day of the month.",
    "There is a small park behind the building with a few benches.",
    "The recipe calls for two cups of flour and a pinch of salt.",
    "Nobody expected the meeting to last so long.",
    "The garden looks best in early summer when the roses bloom.",
    "Keep the receipt in case you need to return the item.",
    "The software checks for updates once a week.",
    "A light rain fell throughout the afternoon.",
    "The children built a fort out of cardboard boxes.",
    "Hope is not a plan, but it helps to keep going.",
    "The old clock in the hallway still keeps good time.",
    "Will you be able to join us for lunch on Friday?",
    "The bakery on the corner opens at six in the morning.",
    "He forgot his umbrella and got soaked on the way home.",
    "The museum is free on the first Sunday of every month.",
    "They painted the kitchen a pale shade of green.",
    "It is easier to fix small problems before they grow.",
    "The store ran out of batteries during the storm.",
    "Most people prefer a window seat on long flights.",
    "The river froze solid during the coldest week of winter.",
    "A good night's sleep makes a noticeable difference.",
    "The new bridge shortened the commute by ten minutes.",
    "She keeps a notebook by the bed to write down ideas.",
    "The dog waited patiently by the door every evening.",
    "May is usually the busiest month for the garden center.",
    "The printer on the second floor is out of toner again.",
    "They decided to walk instead of waiting for the bus.",
    "The lecture covered the history of the local railway.",
    "A few volunteers stayed late to clean up after the event.",
    "The parking lot is closed for repaving until next week.",
    "Fresh bread is delivered to the cafeteria every morning.",
    "The instructions were translated into several languages.",
    "He spent the weekend repairing the fence in the backyard.",
    "The bill passed the state senate by a narrow margin.",
    "Everyone was relieved when the power came back on.",
    "The elevator is reserved for staff during the renovation.",
    "The soup tasted better the next day.",
    "Grant money was used to buy new equipment for the lab.",
    "It took three attempts to get the old car started.",
    "The orchestra rehearsed the symphony twice before the concert.",
    "Birds gathered around the feeder after the snowfall.",
    "The map showed a shortcut through the forest.",
    "She will call back as soon as the meeting ends.",
    "The company announced a new policy on remote work.",
    "The neighbors organized a block party in August.",
    "A broken pipe flooded the basement overnight.",
    "Reading aloud helps some people remember details.",
    "The cat likes to sleep in the sunny spot by the window.",
    "The highway was busy with holiday traffic.",
    "They planted tomatoes, peppers, and a row of beans.",
    "Faith in the process grew as the results improved.",
    "The team celebrated after finishing the project early.",
    "A strong wind knocked over the trash cans on the street.",
    "The library extended its hours during exam season.",
    "He prefers tea in the morning and coffee after lunch.",
    "The fire drill lasted about fifteen minutes.",
    "The sign at the entrance was hard to read from the road.",
    "Some of the photos were taken with an old film camera.",
    "The price of groceries has gone up this year.",
    "A new coat of paint made the room feel larger.",
    "The bus stop was moved to the other side of the street.",
    "They watched the sunset from the top of the hill.",
    "The package arrived two days earlier than expected.",
    "The kitchen smelled of cinnamon and baked apples.",
    "Her goal is to run a half marathon next spring.",
    "The meeting notes were shared with the whole department.",
    "The ice on the pond was too thin for skating.",
    "Clear labels make it easier to find things in the pantry.",
    "The town hall clock was repaired after many years.",
    "Water the plants twice a week during the summer.",
    "The audience applauded at the end of the performance.",
    "He was glad to hear that the road had reopened.",
    "A quiet room is the best place to study.",
    "The stairs creak when anyone walks up them at night.",
    "The volunteers sorted donations into labeled boxes.",
    "It rained so hard that the gutters overflowed.",
    "The new phone came with a longer charging cable.",
    "The garden hose was tangled around the wheelbarrow.",
    "Tickets for the concert sold out within an hour.",
    "They hung the painting above the fireplace.",
    "The hallway lights turn off automatically at midnight.",
    "Bill and his friends went fishing on the lake.",
    "A good map is worth more than a long explanation.",
    "The ferry runs every hour between the islands.",
    "The classroom windows face the playground.",
    "The heater makes a clicking noise when it starts.",
    "Will is a common word as well as a common name.",
    "The neighborhood has changed a lot over the years.",
    "The tour guide spoke three languages fluently.",
    "Fresh snow covered the mountains by morning.",
    "Please return the form by the end of the week.",
    "The old barn was turned into an art studio.",
    "The recipe was handed down from an aunt.",
    "A cold front is expected to arrive on Thursday.",
    "The lamp in the study needs a new bulb.",
    "The students asked thoughtful questions after the talk.",
    "Summer evenings are long and quiet in the valley.",
)

NOTE_TYPES = ("Progress Note", "Discharge Summary", "History and Physical",
              "Consultation Note", "Emergency Department Note",
              "Clinic Follow-up", "Telephone Encounter", "Procedure Note")


class Gen:
    """Builds notes; counts words and PHI items for --stats."""

    def __init__(self, seed):
        r = random.Random(seed)
        self.r = r
        # Bind hot methods once (the loops below run millions of times).
        self.choice = r.choice
        self.randint = r.randint
        self.random = r.random
        self.phi = 0

    # --- PHI atoms -------------------------------------------------------

    def first(self):
        if self.random() < 0.01:
            return self.choice(FIRST_NAMES_NONASCII)
        return self.choice(FIRST_NAMES)

    def last(self):
        if self.random() < 0.01:
            return self.choice(SURNAMES_NONASCII)
        return self.choice(SURNAMES)

    def name(self):
        """A person's name in one of five forms."""
        k = self.randint(0, 9)
        if k < 4:
            return f"{self.first()} {self.last()}"
        if k < 6:
            return f"Dr. {self.last()}"
        if k < 8:
            return f"{self.first()} {self.choice(MIDDLE_INITIALS)}. {self.last()}"
        if k < 9:
            return f"{self.last().upper()}, {self.first().upper()}"
        return self.first()

    def date(self, y0=2015, y1=2025):
        y = self.randint(y0, y1)
        m = self.randint(1, 12)
        d = self.randint(1, 28)
        k = self.randint(0, 7)
        if k == 0:
            return f"{m:02d}/{d:02d}/{y}"
        if k == 1:
            return f"{m}/{d}/{y % 100:02d}"
        if k == 2:
            return f"{y}-{m:02d}-{d:02d}"
        if k == 3:
            return f"{MONTHS[m - 1]} {d}, {y}"
        if k == 4:
            return f"{d} {MONTHS[m - 1]} {y}"
        if k == 5:
            return f"{MON3[m - 1]} {d}, {y}"
        if k == 6:
            return f"{d:02d}-{MON3[m - 1]}-{y}"
        return f"{m:02d}-{d:02d}-{y}"

    def phone(self):
        a = self.choice(AREA_CODES)
        n = self.randint(0, 99)             # 555-0100 .. 555-0199: fictional
        k = self.randint(0, 3)
        if k == 0:
            return f"({a}) 555-01{n:02d}"
        if k == 1:
            return f"{a}-555-01{n:02d}"
        if k == 2:
            return f"{a}.555.01{n:02d}"
        return f"+1 {a} 555 01{n:02d}"

    def ssn(self):
        area = self.randint(1, 899)
        if area == 666:
            area = 667
        return f"{area:03d}-{self.randint(1, 99):02d}-{self.randint(1, 9999):04d}"

    def mrn(self):
        return f"{self.randint(0, 99999999):08d}"

    def account(self):
        return f"{self.choice(('A', 'HA', 'ACC-', ''))}{self.randint(1000000, 99999999)}"

    def email(self, f=None, l=None):
        f = f or self.choice(FIRST_NAMES)
        l = l or self.choice(SURNAMES)
        k = self.randint(0, 2)
        dom = self.choice(EMAIL_DOMAINS)
        if k == 0:
            return f"{f.lower()}.{l.lower()}@{dom}"
        if k == 1:
            return f"{f[0].lower()}{l.lower()}{self.randint(1, 99)}@{dom}"
        return f"{l.lower()}_{f.lower()}@{dom}"

    def street_addr(self):
        s = f"{self.randint(1, 9899)} {self.choice(STREETS)} {self.choice(STREET_TYPES)}"
        if self.random() < 0.15:
            s += f", {self.choice(UNITS)}"
        return s

    def city_zip(self):
        city, st, z = self.choice(CITIES)
        zipc = f"{z}{self.randint(0, 99):02d}"
        if self.random() < 0.3:
            zipc += f"-{self.randint(1, 9999):04d}"
        return f"{city}, {st} {zipc}"

    def address(self):
        return f"{self.street_addr()}, {self.city_zip()}"

    def age_num(self):
        # A few over 89 (a HIPAA Safe Harbor special case).
        return self.randint(90, 104) if self.random() < 0.06 else self.randint(18, 89)

    def age(self):
        n = self.age_num()
        k = self.randint(0, 3)
        if k == 0:
            return f"{n}-year-old"
        if k == 1:
            return f"{n} yo"
        if k == 2:
            return f"aged {n}"
        return f"{n} years old"

    def url(self):
        return (f"https://{self.choice(PORTAL_HOSTS)}/patient/"
                f"{self.randint(10000, 999999)}")

    def ip(self):
        k = self.randint(0, 2)
        if k == 0:
            return f"192.0.2.{self.randint(1, 254)}"
        if k == 1:
            return f"198.51.100.{self.randint(1, 254)}"
        return f"203.0.113.{self.randint(1, 254)}"

    # --- clinical sentences ---------------------------------------------

    def drug(self):
        name, doses = self.choice(DRUGS)
        return f"{name} {self.choice(doses)}"

    def clinical(self, pr):
        c = self.choice
        ri = self.randint
        k = ri(0, 16)
        if k == 0:
            return f"{pr[0]} reports {c(SYMPTOMS)} for the past {ri(2, 12)} {c(DURATION_UNITS)}."
        if k == 1:
            return f"{pr[0]} denies {c(SYMPTOMS)}, {c(SYMPTOMS)}, or {c(SYMPTOMS)}."
        if k == 2:
            return (f"Vital signs: BP {ri(95, 170)}/{ri(55, 100)}, HR {ri(52, 118)}, "
                    f"RR {ri(12, 24)}, temperature {ri(970, 1021) / 10:.1f} °F, "
                    f"SpO2 {ri(88, 100)}% on room air.")
        if k == 3:
            return (f"Labs notable for WBC {ri(30, 180) / 10:.1f} x10^3/µL, hemoglobin "
                    f"{ri(80, 160) / 10:.1f} g/dL, platelets {ri(90, 420)} x10^3/µL, "
                    f"and creatinine {ri(6, 30) / 10:.1f} mg/dL.")
        if k == 4:
            return f"Started {self.drug()} {c(ROUTES)} {c(FREQS)} for {c(DIAGNOSES)}."
        if k == 5:
            return (f"Continue {self.drug()} {c(FREQS)}; {c(DRUGS)[0]} was "
                    f"discontinued because of {c(SIDE_EFFECTS)}.")
        if k == 6:
            return (f"Assessment is most consistent with {c(DIAGNOSES)}, "
                    f"although {c(DIAGNOSES)} remains in the differential.")
        if k == 7:
            return f"Physical examination reveals {c(FINDINGS)} and {c(FINDINGS)}."
        if k == 8:
            return f"{c(PROCEDURES)} was performed without complications."
        if k == 9:
            return (f"Pain is rated {ri(0, 10)}/10, {c(('worse', 'better'))} with "
                    f"{c(ACTIVITIES)}, and partially relieved by {self.drug()}.")
        if k == 10:
            return (f"Past medical history includes {c(DIAGNOSES)} and "
                    f"{c(DIAGNOSES)}, managed with {self.drug()} {c(FREQS)}.")
        if k == 11:
            return (f"Sodium {ri(128, 146)} mmol/L, potassium {ri(30, 55) / 10:.1f} mmol/L, "
                    f"glucose {ri(70, 320)} mg/dL, HbA1c {ri(52, 110) / 10:.1f}%.")
        if k == 12:
            return f"{c(IMAGING)} showed {c(IMAGING_FINDINGS)}."
        if k == 13:
            return f"Plan: {c(PLANS)}, {c(PLANS)}, and follow up in {ri(1, 8)} weeks."
        if k == 14:
            return (f"GCS 15/15, pupils equal and reactive to light, "
                    f"{c(FINDINGS)}.")
        if k == 15:
            return (f"Weight {ri(450, 1300) / 10:.1f} kg, BMI {ri(180, 420) / 10:.1f} kg/m², "
                    f"intake {ri(800, 2400)} mL and output {ri(600, 2200)} mL over 24 hours.")
        return (f"Instructed to take 1/2 tab of {c(DRUGS)[0]} at bedtime and "
                f"{ri(2, 4)} puffs of albuterol as needed for {c(SYMPTOMS)}.")

    # --- PHI sentences (16 templates; self.phi counts the items) ---------

    def phi_sentence(self, pr):
        k = self.randint(0, 15)
        if k == 0:
            self.phi += 2
            return f"{pr[0]} was last seen by Dr. {self.last()} on {self.date()}."
        if k == 1:
            self.phi += 2
            return (f"{pr[2].capitalize()} {self.choice(('daughter', 'son', 'wife', 'husband', 'sister', 'brother'))} "
                    f"{self.first()} {self.last()} can be reached at {self.phone()}.")
        if k == 2:
            self.phi += 1
            return f"The patient is a {self.age()} with a history of {self.choice(DIAGNOSES)}."
        if k == 3:
            self.phi += 2
            return f"Records were faxed to {self.phone()} on {self.date()}."
        if k == 4:
            self.phi += 1
            return f"{pr[0]} currently lives at {self.address()}."
        if k == 5:
            self.phi += 1
            return f"Preferred contact e-mail is {self.email()}."
        if k == 6:
            self.phi += 1
            return f"Results were released to the patient portal at {self.url()}."
        if k == 7:
            self.phi += 2
            return (f"Plan discussed with {self.first()} {self.choice(MIDDLE_INITIALS)}. "
                    f"{self.last()}, RN, on {self.date()}.")
        if k == 8:
            self.phi += 2
            return f"Next appointment is scheduled for {self.date(2024, 2026)} with {self.name()}."
        if k == 9:
            self.phi += 2
            return (f"{self.choice(('Wife', 'Husband', 'Mother', 'Daughter'))} {self.first()} "
                    f"reports that {pr[1]} became confused around {self.date()}.")
        if k == 10:
            self.phi += 1
            return f"Home monitoring data were uploaded from IP address {self.ip()}."
        if k == 11:
            self.phi += 2
            return (f"Prior admission at {self.choice(HOSPITALS)} was billed under "
                    f"account {self.account()}.")
        if k == 12:
            self.phi += 2
            return (f"Spoke with {self.last().upper()}, {self.first().upper()} "
                    f"(MRN {self.mrn()}) about the results.")
        if k == 13:
            self.phi += 1
            return f"{self.first()} states that {pr[1]} feels better today."
        if k == 14:
            self.phi += 2
            return (f"{pr[2].capitalize()} son {self.first()} {self.last()} lives in "
                    f"{self.city_zip()} and visits weekly.")
        self.phi += 2
        return f"The patient turned {self.age_num()} on {self.date(2015, 2025)}."

    # --- one note --------------------------------------------------------

    def note(self):
        r = self.random
        ri = self.randint
        pr = self.choice(PRONOUNS)
        f, l = self.first(), self.last()
        att_f, att_l = self.first(), self.last()
        dos = self.date()
        lines = [
            f"Patient Name: {l.upper()}, {f.upper()}",
            f"DOB: {self.date(1920, 2020)}    MRN: {self.mrn()}",
            f"Date of Service: {dos}",
            f"Address: {self.address()}",
            f"Phone: {self.phone()}",
        ]
        self.phi += 7   # name, DOB, MRN, date, street+city/ZIP (2), phone
        if r() < 0.4:
            lines.append(f"E-mail: {self.email(f, l)}")
            self.phi += 1
        if r() < 0.25:
            lines.append(f"SSN: {self.ssn()}")
            self.phi += 1
        lines.append(f"Attending: Dr. {att_f} {att_l}, MD")
        lines.append(f"Note Type: {self.choice(NOTE_TYPES)}")
        self.phi += 1

        gap = ri(45, 120)           # words until the next PHI sentence
        for _ in range(ri(3, 12)):
            sents = []
            for _ in range(ri(3, 8)):
                if r() < 0.2:
                    s = self.choice(ENGLISH)
                else:
                    s = self.clinical(pr)
                sents.append(s)
                gap -= s.count(" ") + 1
                if gap <= 0:
                    s = self.phi_sentence(pr)
                    sents.append(s)
                    gap = ri(45, 120) - s.count(" ") - 1
            lines.append(" ".join(sents))

        lines.append(f"Electronically signed by {att_f} {att_l}, MD on {dos} "
                     f"at {ri(0, 23):02d}:{ri(0, 59):02d}")
        self.phi += 2
        lines.append("")
        lines.append("")
        return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=100.0,
                    help="size in decimal MB (10^6 bytes), default 100")
    ap.add_argument("--seed", type=int, default=1234, help="random seed, default 1234")
    ap.add_argument("--stats", action="store_true",
                    help="print bytes, lines, words and PHI items to stderr")
    a = ap.parse_args()

    target = int(a.mb * 1_000_000)
    g = Gen(a.seed)
    out = sys.stdout.buffer
    total = lines = words = nonascii_lines = 0
    buf = []
    buf_len = 0
    while total < target:
        b = g.note().encode("utf-8")
        buf.append(b)
        buf_len += len(b)
        total += len(b)
        if a.stats:
            for ln in b.split(b"\n"):
                if any(c > 127 for c in ln):
                    nonascii_lines += 1
            lines += b.count(b"\n")
            words += len(b.split())
        if buf_len >= 1 << 20:
            out.write(b"".join(buf))
            buf.clear()
            buf_len = 0
    out.write(b"".join(buf))
    out.flush()
    if a.stats:
        print(f"bytes {total}, lines {lines}, words {words}, PHI items {g.phi}, "
              f"words per PHI {words / max(g.phi, 1):.1f}, "
              f"non-ASCII lines {100 * nonascii_lines / max(lines, 1):.1f} %",
              file=sys.stderr)


if __name__ == "__main__":
    main()
