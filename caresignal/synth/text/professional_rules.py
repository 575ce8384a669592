"""Grammar of professional writing: GP practices' concerns, never event descriptions.

GP concerns read like the quality-alert forms practices send to commissioners: a patient identified by
initials or NHS number, what was expected, what happened, the risk, and a request. Format fields in
braces are filled per record (``{NHS}``, ``{INITIALS}``, ``{DOB}``, ``{DATE}``, ``{GPNAME}``,
``{PHONE}``, ``{EMAIL}``, ``{NAME}``).
"""

from __future__ import annotations

from caresignal.synth.text.themes import COMMON_RULES

GP_RULES: dict[str, tuple] = {
    **COMMON_RULES,
    "gp_open": ("We are writing to raise a concern on behalf of the practice.",
                "The practice wishes to report the following incident.", "Quality alert from the practice.",
                "I would like to raise a concern about a shared patient.", "Soft intelligence for the ICB quality team.",
                "Please log the following concern.", "Raising this via the GP feedback route as requested.", ""),
    "patient_id": ("patient {INITIALS} (NHS number {NHS})", "{NAME} (DOB {DOB})", "our patient {INITIALS} (DOB {DOB})",
                   "{NAME} (NHS {NHS})", "patient {INITIALS} ({NHS})", "{NAME} (NHS no. {NHS}, DOB {DOB})",
                   "Mrs {INITIALS} (hospital number {HOSP})", "patient {NHS}"),
    "spec": ("cardiology", "gastroenterology", "dermatology", "ENT", "urology", "gynaecology", "rheumatology",
             "neurology", "ophthalmology", "orthopaedics", "respiratory", "the breast clinic", "general surgery",
             "the memory clinic", "haematology", "colorectal surgery"),
    "route": ("via e-RS", "on the two-week-wait pathway", "as an urgent referral", "by letter", "via e-RS as routine",
              "under the suspected cancer pathway", "through the advice and guidance service"),
    "lost_referral": (
        "<patient_id> was referred to <spec> <route> on {DATE}. The patient contacted us after hearing nothing; "
        "the department has no record of the referral despite our e-RS confirmation.",
        "<patient_id> was referred to <spec> <route> on {DATE} and has still not been booked. When we chased, "
        "the booking team said the referral had not been processed.",
        "We have now had <number_word> patients this month whose referrals to <spec> appear to have been lost. "
        "<patient_id> is the most recent, referred <route> on {DATE}.",
        "Referral for <patient_id> to <spec> <route> on {DATE} was acknowledged but never booked. "
        "The patient has deteriorated while waiting.",
        "<patient_id> has been waiting since {DATE} for <spec>; the hospital now says the referral was "
        "rejected but no rejection was ever sent to the practice.",
    ),
    "appointment_booking": (
        "<patient_id> has had the <spec> appointment cancelled <times> since {DATE} with no new date offered.",
        "Patients report they cannot get through to the <spec> appointments line; <patient_id> tried for two weeks.",
        "<patient_id> was discharged back to us for non-attendance, but the appointment letter was sent to an old address.",
        "<patient_id> was told by the hospital to ask the GP to re-refer, which should not be necessary.",
    ),
    "discharge_summary": (
        "<patient_id> was discharged on {DATE} and no discharge summary has been received.",
        "The discharge summary for <patient_id> (discharged {DATE}) omitted medication changes.",
        "Discharge letter for <patient_id> arrived <dur_long> after discharge, after the patient had been readmitted.",
        "The discharge summary for <patient_id> asked the practice to arrange bloods with no indication of why.",
        "<patient_id> was discharged on {DATE} with actions for the GP that belong to the hospital team.",
    ),
    "communication": (
        "We have been unable to contact the <spec> secretaries about <patient_id> for <dur_long>.",
        "Clinic letter for <patient_id> (seen {DATE}) has not been received.",
        "The hospital advised <patient_id> that the GP would arrange a scan, without discussing it with us.",
        "Repeated requests for advice about <patient_id> via the advice and guidance service went unanswered.",
    ),
    "clinical_care": (
        "<patient_id> was sent home from A&E on {DATE} with a missed fracture.",
        "<patient_id> was discharged on {DATE} and readmitted within 48 hours with the same problem.",
        "Family of <patient_id> raised concerns about care on <ward>, including pressure damage on discharge.",
        "<patient_id> developed a grade 3 pressure ulcer during the admission and this was not mentioned on discharge.",
        "<patient_id> came home from <ward> dehydrated and confused; the family report poor basic care.",
    ),
    "test_results": (
        "Abnormal results for <patient_id> (taken {DATE}) were not acted on by the requesting team.",
        "Results for <patient_id> were sent to the practice with no indication of who is responsible for follow up.",
        "The MRI for <patient_id> was done on {DATE} but the report has not been issued.",
        "Histology for <patient_id> has been outstanding since {DATE}.",
    ),
    "medication": (
        "<patient_id> was discharged on {DATE} without the anticoagulant started in hospital being communicated.",
        "The hospital asked the practice to prescribe a hospital-only drug for <patient_id>.",
        "<patient_id> was discharged on a duplicate of a medicine already prescribed.",
        "<patient_id> had insulin doses changed with no plan for monitoring.",
    ),
    "attitude": (
        "A GP ringing about <patient_id> was spoken to rudely by the <spec> registrar.",
        "The practice nurse was told by the ward that they 'did not have time' to discuss <patient_id>.",
        "<patient_id> reports being spoken to dismissively in the <spec> clinic on {DATE}.",
    ),
    "gp_risk": ("", "", "We consider this a risk of harm.", "This could delay a cancer diagnosis.",
                "The patient has come to harm as a result.", "This is not the first time.",
                "We have seen several similar cases recently.", "The patient and family are very distressed.",
                "We are concerned this reflects a wider problem with the booking system."),
    "gp_ask": ("Please can this be investigated.", "We would be grateful for a response.",
               "Please confirm what action will be taken.", "Could the ICB please raise this with the trust.",
               "Please escalate as appropriate.", "For information and action."),
    "gp_sign": ("Dr {GPNAME}, GP partner.", "{GPNAME}, practice manager.", "Dr {GPNAME}. Tel {PHONE}.",
                "Dr {GPNAME} ({EMAIL})", "{GPNAME}, practice manager, {PHONE}.", "Dr {GPNAME}"),
    "times": ("twice", "three times", "several times", "repeatedly"),
    "number_word": ("two", "three", "four", "five", "several"),
}

NEVER_EVENT_RULES: dict[str, tuple] = {
    **COMMON_RULES,
    "side": ("left", "right"),
    "wrong_site_surgery": (
        "Procedure performed on the <side> side instead of the <side2> side; site marking not checked.",
        "Wrong tooth extracted in the dental clinic.", "Nerve block administered to the wrong side.",
        "Skin lesion excised from the wrong site; WHO checklist completed but marking absent.",
        "Injection into the wrong eye in the ophthalmology clinic.",
        "Wrong level of the spine operated on.", "Biopsy taken from the wrong patient due to a mix-up of labels.",
    ),
    "side2": ("opposite", "intended", "correct"),
    "retained_foreign_object": (
        "Swab retained after <surgery>; found on x-ray <dur_long> later.",
        "Guidewire retained after central line insertion.", "Vaginal swab retained after delivery.",
        "Part of a drill bit retained after <surgery>.", "Retained surgical instrument found after <surgery>.",
    ),
    "surgery": ("laparotomy", "hip replacement", "caesarean section", "bowel resection", "knee arthroscopy",
                "hernia repair", "hysterectomy"),
    "wrong_implant": ("Wrong size knee prosthesis implanted.", "Wrong lens implanted during cataract surgery.",
                      "Incorrect hip component implanted; mismatch not noticed at checking.",
                      "Wrong breast implant size used."),
    "misplaced_ng_tube": ("Feed given through a misplaced nasogastric tube; position not confirmed by x-ray.",
                          "Nasogastric tube placed in the lung and used for medication."),
    "wrong_route_medication": ("Oral medication given intravenously.", "Intravenous drug given by the intrathecal route.",
                               "Oral liquid given through an intravenous line."),
    "abo_incompatible_transfusion": ("ABO-incompatible blood transfused; bedside check not completed.",
                                     "Wrong patient's blood transfused."),
    "insulin_overdose": ("Tenfold insulin overdose after 'units' abbreviated to 'u'.",
                         "Insulin drawn up with an intravenous syringe; overdose given."),
    "other": ("Patient fell from an unrestricted window.", "Chest drain inserted on the wrong side.",
              "Patient scalded by bath water.", "Mis-selection of a strong potassium solution."),
}
