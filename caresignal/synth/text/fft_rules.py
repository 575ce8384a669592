"""Grammar of Friends and Family Test comments: short, mostly positive, often typed on a phone.

Each theme has a positive and a negative rule (``<theme>_pos``, ``<theme>_neg``); the service binds the
place, the visit and the staff group, so an emergency department comment talks about triage and a
maternity comment about midwives.
"""

from __future__ import annotations

from caresignal.synth.text.themes import COMMON_RULES

SERVICE_BINDINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "inpatient": {
        "place": ("the ward", "<ward>", "the unit", "<ward>", "the hospital", "the ward"),
        "visit": ("stay", "time on the ward", "admission", "stay in hospital", "operation", "week in hospital"),
        "staff": ("nurses", "doctors", "HCAs", "nursing staff", "healthcare assistants", "staff on <ward>",
                  "night staff", "physios", "consultants", "ward staff", "surgeons", "domestic staff",
                  "nurses on <ward>", "day staff", "student nurses"),
        "wait_what": ("a bed", "the doctor's round", "my discharge letter", "tablets to take home",
                      "the scan", "pain relief", "the transport home", "the operation", "a porter"),
    },
    "emergency_department": {
        "place": ("A&E", "the emergency department", "A and E", "majors", "minors", "the ED", "resus",
                  "the children's A&E", "the urgent treatment centre", "A&E"),
        "visit": ("visit", "visit to A&E", "time in A&E", "attendance", "trip to A&E", "night in A&E"),
        "staff": ("triage nurses", "A&E nurses", "doctors", "paramedics", "receptionists", "nurses",
                  "A&E staff", "consultants", "x-ray staff", "security staff", "ambulance crew",
                  "staff in <place>", "junior doctors"),
        "wait_what": ("triage", "a doctor", "a bed", "x-ray", "the blood results", "pain relief",
                      "a cubicle", "being seen", "the CT scan", "a specialist"),
    },
    "outpatient": {
        "place": ("the clinic", "outpatients", "the eye clinic", "the fracture clinic", "the skin clinic",
                  "the diabetes clinic", "the physio department", "the x-ray department", "the blood clinic",
                  "the ENT clinic", "the pain clinic", "the breast clinic", "the cardiology clinic"),
        "visit": ("appointment", "clinic appointment", "visit", "check up", "follow up appointment",
                  "consultation", "scan", "first appointment"),
        "staff": ("doctors", "nurses", "receptionists", "clinic staff", "radiographers", "physios",
                  "specialist nurses", "phlebotomists", "reception staff", "staff in <place>",
                  "consultant and his team", "consultant and her team"),
        "wait_what": ("my appointment", "the consultant", "my results", "a follow up", "the scan",
                      "my name to be called", "the letter", "a phone call back"),
    },
    "maternity": {
        "place": ("the labour ward", "the birth centre", "the maternity ward", "the postnatal ward",
                  "the antenatal clinic", "maternity triage", "the delivery suite", "the maternity unit"),
        "visit": ("labour", "birth", "stay", "pregnancy", "delivery", "induction", "c-section"),
        "staff": ("midwives", "doctors", "maternity support workers", "anaesthetists", "student midwives",
                  "night midwives", "breastfeeding team", "obstetricians", "midwives on <place>"),
        "birthplace": ("the labour ward", "the birth centre", "the delivery suite", "the maternity unit"),
        "wait_what": ("an epidural", "the induction", "a midwife", "the discharge checks", "the baby checks",
                      "a doctor to review", "a bed on the ward", "pain relief"),
    },
}

FFT_RULES: dict[str, tuple] = {
    **COMMON_RULES,
    # ----- general -----
    "general_pos": (
        "<great>.", "<great> service.", "<great> care.", "Very good.", "Good.", "All good.", "Very happy.",
        "<great> service from start to finish.", "<great> care from <all_staff>.", "Could not fault anything.",
        "Everything was <great>.", "No complaints at all.", "Quick and efficient.", "Good experience overall.",
        "I was very well looked after.", "<great> from start to finish, <thanks>",
        "Felt safe and well cared for.", "Nothing was too much trouble.", "Very pleased with my <visit>.",
        "My <visit> was <great>.", "Best hospital I have been to.", "<great> NHS at its best.",
        "Just <great>, <thanks>", "Couldn't ask for better care.", "Really good care on <place>.",
        "Very professional service.", "Everything explained and done on time.", "Happy with everything.",
        ("Good", 3), ("Very good", 3), ("Excellent", 3), ("Fine", 1), ("Ok", 1),
    ),
    "general_neg": (
        "<bad> <visit>.", "Not a good experience.", "Would not recommend.", "<bad> from start to finish.",
        "Worst experience I have had in a hospital.", "Very disappointed with my <visit>.",
        "Not impressed at all.", "The whole <visit> was <bad>.", "Things need to change on <place>.",
        "I would not want my family treated here.", "Something needs to be done about <place>.",
        "Poor", "Could be better.", "Not great.", "Disorganised.", "Chaotic.", "Shambles.",
    ),
    # ----- staff attitude -----
    "staff_attitude_pos": (
        "The <staff> were <very> <kind>.", "<all_staff> were <very> <kind>.", "<all_staff> were <kind2>.",
        "<staff_named> was <very> <kind> and made me feel at ease.", "Special thanks to <staff_named>.",
        "<staff_named> went above and beyond.", "The <staff> could not do enough for me.",
        "Lovely <staff>, <very> <kind>.", "<all_staff> treated me with kindness.",
        "The <staff> were <kind2> even though they were so busy.", "<staff_named> was an angel.",
        "<staff_named> and <staff_named> were <great>.", "The <staff> have a <great> attitude.",
        "Staff were <kind> and <kind>.", "<staff_named> deserves a medal.", "Such <kind> <staff>.",
        "You can tell the <staff> really care.", "The <staff> made a scary time so much easier.",
    ),
    "staff_attitude_neg": (
        "The <staff> were <rude>.", "One of the <staff> was <very> <rude>.", "<staff_named> was <rude>.",
        "<sadly> some of the <staff> were <rude> and <rude>.", "Staff attitude was <bad>.",
        "The <staff> spoke to me like I was stupid.", "The <staff> rolled their eyes when I asked for help.",
        "Felt like a nuisance for asking.", "The <staff> were more interested in chatting to each other.",
        "<staff_named> was <rude> to my <relative_short>.", "Nobody smiled or introduced themselves.",
        "The <staff> on the night shift were <rude>.", "I was shouted at by one of the <staff>.",
        "The <staff> were <rude>, <thanks_sarcastic>",
    ),
    # ----- communication -----
    "communication_pos": (
        "Everything was explained <very> clearly.", "The <staff> explained everything to me.",
        "<staff_named> took time to explain what was happening.", "Kept informed all the way through.",
        "Good communication from <all_staff>.", "I always knew what was happening next.",
        "They listened to me and answered all my questions.", "The <staff> kept my family updated.",
        "Clear explanations about my treatment.", "I was involved in every decision.",
    ),
    "communication_neg": (
        "Nobody told me what was going on.", "No one explained anything.", "Communication was <bad>.",
        "I was given different information by different <staff>.", "We were kept in the dark for hours.",
        "The <staff> didn't listen to me.", "Nobody could tell us when <wait_what> would happen.",
        "I had to keep asking what was happening.", "My family were not kept informed.",
        "No one introduced themselves or explained who they were.", "Told one thing then another.",
        "<sadly> nobody rang my <relative_short> back as promised.", "Poor communication between the <staff> and my family.",
    ),
    # ----- waiting -----
    "waiting_pos": (
        "Seen <very> quickly.", "Hardly any wait.", "Seen on time.", "Quick service.",
        "Didn't have to wait long at all.", "Was seen within minutes.", "In and out in under an hour.",
        "Waiting time was <very> reasonable.", "Seen quicker than I expected.", "No waiting around.",
    ),
    "waiting_neg": (
        "Waited <dur_short> for <wait_what>.", "The wait was far too long.", "<dur_short> wait in <place>.",
        "Waited <dur_short> to be seen.", "Too long waiting for <wait_what>.", "Long wait, <dur_short>.",
        "Sat in <place> for <dur_short> with no updates.", "Waiting times are <bad>.",
        "Waited from <clock> for <wait_what>.", "We were told it would be an hour, it was <dur_short>.",
        "<dur_short> on a trolley in the corridor.", "Waited <dur_short> just for <wait_what>.",
        "The waiting is ridiculous.", "Waited <dur_short> and then was sent home.",
    ),
    # ----- dignity -----
    "dignity_pos": (
        "I was treated with dignity and respect.", "The <staff> always drew the curtains and respected my privacy.",
        "Treated like a person not a number.", "My dignity was respected at all times.",
        "They were <very> respectful of my <relative_short>'s wishes.",
    ),
    "dignity_neg": (
        "No privacy at all.", "I was left exposed with the curtains open.", "My dignity was not respected.",
        "Treated like a number not a person.", "I was examined in front of other patients.",
        "Had to use a commode with no curtain drawn.", "Talked about me as if I wasn't there.",
        "My <relative_short> was left in a hospital gown with no dignity.",
    ),
    # ----- neglect / basic care -----
    "neglect_pos": (
        "The <staff> checked on me regularly.", "Call bell always answered quickly.",
        "They kept a close eye on me all night.", "I never felt forgotten.", "Always someone around when needed.",
    ),
    "neglect_neg": (
        "Call bell was ignored for ages.", "I was left in a wet bed for <dur_short>.", "Nobody checked on me.",
        "My <relative_short> was left unwashed.", "Pressed the buzzer and nobody came.",
        "Felt forgotten about.", "Left on my own for <dur_short>.", "Had to clean myself up.",
        "Nobody helped my <relative_short> to the toilet.",
    ),
    # ----- hydration and nutrition -----
    "hydration_nutrition_pos": (
        "The food was <very> good.", "Plenty of drinks offered.", "Lovely food and plenty of choice.",
        "Tea and toast never tasted so good.", "They made sure I was eating and drinking.",
        "Food was hot and tasty.", "Good choice of meals.",
    ),
    "hydration_nutrition_neg": (
        "The food was <bad>.", "Food was cold.", "No water jug for <dur_short>.", "Nobody offered me a drink.",
        "Meals left out of reach.", "My <relative_short> was not helped to eat.", "Missed a meal because of tests.",
        "Had to ask for water.", "Nothing suitable for my diet.", "Food was inedible.",
    ),
    # ----- pain -----
    "pain_pos": (
        "Pain was well controlled.", "Got pain relief straight away.", "They kept on top of my pain.",
        "The <staff> made sure I was comfortable.",
    ),
    "pain_neg": (
        "Waited <dur_short> for pain relief.", "I was in agony and nobody helped.", "Pain not taken seriously.",
        "Had to beg for painkillers.", "Left in pain all night.", "They didn't believe how much pain I was in.",
    ),
    # ----- discharge -----
    "discharge_pos": (
        "Discharge was quick and well organised.", "Everything was sorted for going home.",
        "Good advice when I left.", "Clear instructions for when I got home.",
    ),
    "discharge_neg": (
        "Waited all day to go home.", "Discharge took <dur_short>.", "Sent home too early.",
        "Waited <dur_short> for tablets to take home.", "No plan for when I got home.",
        "Discharged at <clock> with no way home.", "Nobody told my GP I had been discharged.",
    ),
    # ----- cleanliness -----
    "cleanliness_pos": (
        "Very clean.", "<place> was spotless.", "Clean and tidy.", "Everywhere was <very> clean.",
        "Really clean ward.", "Toilets were clean.",
    ),
    "cleanliness_neg": (
        "The toilets were filthy.", "<place> was dirty.", "Blood on the floor.", "Bins overflowing.",
        "Not very clean.", "Dirty bathroom.", "The bay was not cleaned the whole time I was there.",
    ),
    # ----- medication -----
    "medication_pos": (
        "Medication always on time.", "The pharmacist explained my tablets.", "Got my meds on time.",
    ),
    "medication_neg": (
        "Missed my medication.", "Tablets were late every day.", "Was given the wrong tablets.",
        "Nobody knew what medication I was on.", "Waited <dur_short> for my medication.",
        "My insulin was missed.", "Ran out of my meds and nobody noticed.",
    ),
    # ----- appointments -----
    "appointments_pos": (
        "Appointment was on time.", "Easy to book.", "Appointment letter came quickly.",
        "Seen at my appointment time.", "Easy to rearrange my appointment.",
    ),
    "appointments_neg": (
        "My appointment was cancelled twice.", "Clinic running <dur_short> late.",
        "Could not get through on the phone to change my appointment.", "Appointment letter never arrived.",
        "Turned up and they had no record of my appointment.", "Was given the wrong appointment time.",
        "Appointment cancelled on the day.",
    ),
    "lost_referral_pos": ("Referral was dealt with quickly.", "Got my appointment soon after my GP referred me."),
    "lost_referral_neg": (
        "My referral was lost.", "Waited months then found out the referral was never received.",
        "The hospital lost my referral.", "Had to chase my referral myself.",
    ),
    # ----- facilities -----
    "facilities_pos": (
        "Good parking.", "Comfortable waiting area.", "Nice quiet room.", "Good facilities.",
        "Easy to find my way around.",
    ),
    "facilities_neg": (
        "Parking is a nightmare.", "Car park too expensive.", "Too noisy to sleep.", "Waiting room too hot.",
        "Not enough chairs in <place>.", "The TV didn't work.", "Broken vending machine.",
        "Hard to find <place>.", "Nowhere for my <relative_short> to sit.",
    ),
    "relative_short": ("mum", "dad", "husband", "wife", "partner", "son", "daughter", "nan", "grandad",
                       "mother", "father", "friend", "baby"),
    "thanks_sarcastic": ("thanks for nothing.", "very disappointing.", "not acceptable.", "sort it out."),
}

FFT_RULES["neutral"] = (
    "Not sure yet.", "Too early to say.", "Don't know.", "N/A", "No comment.", "Only been here a short time.",
    "Haven't been seen yet.", "Still waiting to find out.", "Can't really say.", "It was ok I suppose.",
    "Nothing to add.", "Average.", "Just routine.",
)
INTRO_RULES: dict[str, tuple] = {
    "inpatient": ("Came in with <condition>.", "Admitted with <condition>.", "Stayed on <ward> for <dur_long>.",
                  "Had my operation on <ward>.", "I was on <ward>.", "My <relative_short> was on <ward>.",
                  "Spent <dur_long> on <ward>."),
    "emergency_department": ("Came in with <condition>.", "Brought my <relative_short> in <when>.",
                             "Came in by ambulance.", "Came in <when> with chest pain.",
                             "Attended with my <relative_short>.", "Came in at <clock>."),
    "outpatient": ("Came for my <visit>.", "First <visit> at <place>.", "Attended <place> today.",
                   "Came for a scan.", "Regular patient at <place>."),
    "maternity": ("Had my baby here <when>.", "Gave birth on <birthplace>.", "Came to <place> at <clock>.",
                  "My <visit> was on <place>.", "Second baby, first time here."),
}
