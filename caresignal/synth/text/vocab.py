"""Shared vocabularies for the synthetic free text: names, wards, conditions, times and people.

Every name here is invented or so common that it identifies nobody; towns are fictional. The lists are
long on purpose: the variety of the generated text grows with the product of the list lengths.
"""

from __future__ import annotations

FEMALE_FIRST = (
    "Margaret", "Patricia", "Susan", "Linda", "Barbara", "Elizabeth", "Jean", "Joan", "Mary", "Dorothy",
    "Irene", "Doreen", "Sheila", "Pauline", "Christine", "Janet", "Carol", "Sandra", "Julie", "Karen",
    "Helen", "Sarah", "Emma", "Claire", "Rachel", "Nicola", "Lisa", "Michelle", "Amanda", "Joanne",
    "Laura", "Hannah", "Jessica", "Sophie", "Chloe", "Amy", "Lauren", "Megan", "Olivia", "Emily",
    "Priya", "Aisha", "Fatima", "Nadia", "Amina", "Sana", "Anjali", "Deepa", "Grace", "Blessing",
    "Chiamaka", "Precious", "Agnieszka", "Katarzyna", "Ioana", "Maria", "Siobhan", "Niamh", "Bethan",
    "Rhiannon", "Eileen", "Brenda", "Valerie", "Ann", "Gwen", "Rita", "Winifred", "Edna", "Hilda",
)
MALE_FIRST = (
    "John", "David", "Michael", "Peter", "Robert", "William", "James", "Brian", "Kenneth", "Ronald",
    "Derek", "Alan", "Keith", "Colin", "Barry", "Trevor", "Geoffrey", "Dennis", "Raymond", "Stanley",
    "Paul", "Mark", "Stephen", "Andrew", "Gary", "Neil", "Darren", "Lee", "Wayne", "Craig",
    "Daniel", "Thomas", "Matthew", "Christopher", "Ryan", "Jack", "Oliver", "Harry", "George", "Liam",
    "Mohammed", "Imran", "Tariq", "Rajesh", "Sanjay", "Arjun", "Kwame", "Emeka", "Tunde", "Chidi",
    "Piotr", "Tomasz", "Andrei", "Sean", "Declan", "Gareth", "Rhys", "Alfred", "Albert", "Frank",
)
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Ahmed", "Ali", "Hussain", "Begum", "Shah", "Singh", "Kaur", "Sharma",
    "Okafor", "Adeyemi", "Mensah", "Owusu", "Nwosu", "Okoro", "Kowalski", "Nowak", "Popescu", "Murphy",
    "O'Brien", "Kelly", "Byrne", "Hughes", "Edwards", "Lewis", "Morgan", "Griffiths", "Harris", "Martin",
    "Cooper", "King", "Baker", "Turner", "Hill", "Moore", "Ward", "Bennett", "Carter", "Phillips",
    "Mitchell", "Parker", "Collins", "Bailey", "Bell", "Marshall", "Fletcher", "Armstrong", "Barnes",
    "Hargreaves", "Pickering", "Ashworth", "Fairbrother", "Whitaker", "Entwistle", "Sutcliffe", "Ramsbottom",
)
STAFF_TITLED = (
    "Nurse <fname>", "Sister <sname>", "Dr <sname>", "Dr <fname>", "Mr <sname>", "Miss <sname>",
    "Staff Nurse <fname>", "<fname> the healthcare assistant", "<fname> on reception",
    "<fname> the student nurse", "Charge Nurse <fname>", "<fname> the physio", "Matron <sname>",
)
# Fictional ward names in the styles English hospitals use: numbers, letters, trees, rivers, people.
WARDS = (
    "Ward 1", "Ward 3", "Ward 4", "Ward 7", "Ward 9", "Ward 11", "Ward 12", "Ward 14", "Ward 21",
    "Ward 22", "Ward 24", "Ward 31", "Ward C3", "Ward B6", "Ward A2", "Ward D4", "Ward F1", "Ward 6B",
    "Elm Ward", "Oak Ward", "Willow Ward", "Beech Ward", "Rowan Ward", "Hazel Ward", "Cedar Ward",
    "Larch Ward", "Maple Ward", "Severn Ward", "Avon Ward", "Trent Ward", "Kennet Ward", "Wye Ward",
    "Nightingale Ward", "Seacole Ward", "Fleming Ward", "Lister Ward", "Jenner Ward", "Cavell Ward",
    "Bluebell Ward", "Primrose Ward", "Foxglove Ward", "Heather Ward", "Lavender Ward", "Poppy Ward",
    "the AMU", "the acute medical unit", "the assessment unit", "the short stay ward", "the stroke unit",
    "the frailty unit", "the surgical assessment unit", "the discharge lounge", "CCU", "HDU",
)
CONDITIONS = (
    "a chest infection", "pneumonia", "a fall", "a broken hip", "a fractured wrist", "a stroke",
    "sepsis", "a water infection", "a urine infection", "heart failure", "chest pains", "a heart attack",
    "breathing problems", "COPD", "an exacerbation of COPD", "kidney problems", "acute kidney injury",
    "dehydration", "confusion", "delirium", "a bowel obstruction", "abdominal pain", "gallstones",
    "appendicitis", "a blood clot", "a DVT", "a suspected PE", "cellulitis", "a diabetic emergency",
    "low sodium", "a bleed", "a GI bleed", "a head injury", "a seizure", "dizzy spells",
)
ELDERLY_CONDITIONS = ("dementia", "Alzheimer's", "Parkinson's", "poor mobility", "macular degeneration",
                      "hearing loss", "arthritis", "a previous stroke", "diabetes", "COPD")
DURATIONS_SHORT = ("two hours", "three hours", "four hours", "five hours", "six hours", "seven hours",
                   "eight hours", "nine hours", "ten hours", "eleven hours", "twelve hours", "14 hours",
                   "16 hours", "18 hours", "over 20 hours", "nearly a day", "the whole night")
DURATIONS_LONG = ("two days", "three days", "four days", "five days", "a week", "ten days", "two weeks",
                  "three weeks", "nearly a month", "six weeks")
CLOCK_TIMES = ("2am", "3am", "4am", "5am", "6am", "7am", "11pm", "midnight", "10pm", "1am", "half past two",
               "quarter to four in the morning", "teatime", "lunchtime", "9pm", "8pm")
WEEK_PARTS = ("over the weekend", "on the Saturday", "on the Sunday", "on the bank holiday",
              "on the first night", "on the second night", "during the night", "in the evening",
              "the next morning", "on Christmas Eve", "on New Year's Day", "at the weekend")
FEMALE_RELATIVES = ("my mother", "my mum", "my wife", "my nan", "my grandmother", "my sister",
                    "my daughter", "my aunt", "my partner", "my mother-in-law")
MALE_RELATIVES = ("my father", "my dad", "my husband", "my grandad", "my grandfather", "my brother",
                  "my son", "my uncle", "my partner", "my father-in-law")
CHILD_FEMALE = ("my daughter", "our daughter", "my little girl", "my granddaughter")
CHILD_MALE = ("my son", "our son", "my little boy", "my grandson")
TOWNS = ("Harwick", "Eastmere", "Bramford Vale", "Kingsleigh", "Oldcastle", "Marlow Heath", "Thornbury Cross",
         "Sandwell Edge", "Ashby Moor", "Westerby", "Hollingford", "Castlebridge", "Norbury St Mary",
         "Redbrook", "Fenwick Green", "Calderside", "Upper Staveley", "Whitlow", "Brackenfield", "Dunmore")
STREETS = ("Elm Road", "Station Road", "Church Lane", "Mill Street", "Park Avenue", "Victoria Street",
           "Queens Road", "The Crescent", "Orchard Close", "Meadow Way", "Hillside Drive", "Chapel Street",
           "Manor Road", "Windsor Gardens", "Beech Grove", "School Lane", "Kingsway", "Albert Terrace")
