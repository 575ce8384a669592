"""The themes synthetic comments are written about, and the shared building blocks of every register.

Themes follow the subjects NHS trusts code complaints and feedback under (the KO41a subject list and
the pxtextmining framework of Nottinghamshire Healthcare, both of which put communication, staff
attitude, waiting, dignity and basic care at the top). The files record no theme: a classifier has to
learn it from the words, as it would on real comments.
"""

from __future__ import annotations

from caresignal.synth.text.vocab import (CLOCK_TIMES, CONDITIONS, DURATIONS_LONG, DURATIONS_SHORT,
                                         FEMALE_FIRST, MALE_FIRST, STAFF_TITLED, SURNAMES, WARDS, WEEK_PARTS)

THEMES = ("communication", "dignity", "neglect", "hydration_nutrition", "pain", "staff_attitude",
          "waiting", "discharge", "cleanliness", "medication", "lost_referral", "appointments",
          "facilities", "general")
SENTIMENTS = ("positive", "negative")

# Building blocks that every register's grammar includes.
COMMON_RULES: dict[str, tuple] = {
    "fname": FEMALE_FIRST[:40] + MALE_FIRST[:30],
    "sname": SURNAMES,
    "staff_named": STAFF_TITLED,
    "ward": WARDS,
    "condition": CONDITIONS,
    "dur_short": DURATIONS_SHORT,
    "dur_long": DURATIONS_LONG,
    "clock": CLOCK_TIMES,
    "when": WEEK_PARTS,
    "very": ("very", "really", "so", "extremely", "incredibly", "", "", "truly", "genuinely", "super"),
    "really": ("really", "very", "so", "", "quite", "absolutely"),
    "all_staff": ("all the staff", "the staff", "everyone", "every member of staff", "the whole team",
                  "all the team", "staff", "each and every one of the staff"),
    "kind": ("kind", "caring", "friendly", "lovely", "helpful", "compassionate", "attentive",
             "patient", "polite", "supportive", "reassuring", "welcoming", "respectful", "cheerful",
             "understanding", "professional"),
    "kind2": ("kind and caring", "friendly and professional", "helpful and polite", "calm and reassuring",
              "caring and compassionate", "efficient and friendly", "patient and understanding",
              "warm and welcoming", "polite and respectful", "knowledgeable and kind"),
    "rude": ("rude", "dismissive", "abrupt", "unhelpful", "uncaring", "arrogant", "sarcastic",
             "condescending", "unprofessional", "off-hand", "short with me", "cold", "patronising",
             "disinterested", "impatient", "aggressive"),
    "great": ("excellent", "brilliant", "fantastic", "amazing", "outstanding", "first class",
              "superb", "wonderful", "great", "exceptional", "faultless", "top notch", "second to none"),
    "bad": ("poor", "terrible", "awful", "appalling", "shocking", "unacceptable", "disgraceful",
            "dreadful", "very poor", "not good enough", "a disgrace", "atrocious"),
    "thanks": ("Thank you.", "Thank you so much.", "Thank you all.", "Many thanks.", "Thanks to all.",
               "Thank you to everyone.", "Keep up the good work.", "A big thank you to <all_staff>.",
               "Thank you for everything.", "I can't thank you enough.", "Well done to <all_staff>.",
               "Much appreciated.", "Thanks again.", "Would recommend.", "10/10.", "Could not fault it."),
    "sadly": ("Sadly", "Unfortunately", "To be honest", "Honestly", "I'm sorry to say", "Disappointingly",
              "I have to say", "Frankly", "I was shocked that", ""),
    "hedge": ("I think", "I felt", "it seemed", "to be fair", "on the whole", "in my opinion", "generally",
              "overall", "I must say", "I would say", "", "", ""),
}
