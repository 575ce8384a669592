"""Peer review measures and the reviewers' findings, in the formal register of cancer peer review.

The measures paraphrase the kind of requirement the National Cancer Peer Review Programme manuals set
for multidisciplinary teams (membership, attendance, operational policy, key workers, patient
information, audit, site marking); the wording here is our own. Measure ids are fictional but shaped
like the manuals' (topic-section-number, e.g. ``11-2I-101``).

The findings of a failing breast review echo the published review of a breast service that called itself
94% compliant and was found 9.7% compliant: a dysfunctional MDT, hostility between clinicians and
managers, blank site-marking forms, notes unavailable out of hours, possible selection bias in
mastectomy with immediate reconstruction, no knowledge of its own volumes or patient survey results, and
slow MRI reports.
"""

from __future__ import annotations

from caresignal.synth.text.grammar import Grammar
from caresignal.synth.text.themes import COMMON_RULES

SERVICE_TOPIC = {"breast_cancer": "11", "lung_cancer": "12", "colorectal_cancer": "13", "urology_cancer": "14",
                 "haematology_cancer": "15", "upper_gi_cancer": "16", "skin_cancer": "17",
                 "head_neck_cancer": "18"}
SERVICE_WORDS = {"breast_cancer": "breast", "lung_cancer": "lung", "colorectal_cancer": "colorectal",
                 "urology_cancer": "urology", "haematology_cancer": "haematology", "upper_gi_cancer": "upper GI",
                 "skin_cancer": "skin", "head_neck_cancer": "head and neck"}

# (section, key, requirement); "{svc}" becomes the service word. The key names a finding on failure.
GENERIC_MEASURES = (
    ("1A", "lead", "The {svc} MDT has a named lead clinician whose responsibilities are agreed in writing."),
    ("1A", "membership", "Core membership of the {svc} MDT includes named surgeons, oncologists, a radiologist, "
                         "a histopathologist and a clinical nurse specialist, each with named cover."),
    ("1A", "attendance", "Each core member, or their named cover, attends at least two thirds of MDT meetings."),
    ("1C", "policy", "The MDT has an operational policy covering referral, discussion and treatment planning."),
    ("1C", "weekly", "The MDT meets weekly and discusses every new patient before definitive treatment."),
    ("1C", "plan", "A treatment plan is recorded for each patient discussed and communicated to the GP within one "
                   "working day."),
    ("2A", "keyworker", "Each patient has a named key worker, recorded in the case notes."),
    ("2A", "information", "Patients are offered written information about their diagnosis and treatment options."),
    ("2A", "hna", "A holistic needs assessment is offered at diagnosis and at the end of treatment."),
    ("2I", "guidelines", "The MDT follows the cancer network's agreed clinical and referral guidelines."),
    ("2I", "audit", "The MDT takes part in the national clinical audit and submits complete data."),
    ("2I", "volumes", "The MDT can report the number of each main procedure it carried out in the last year."),
    ("2I", "survey", "The MDT has reviewed the national cancer patient experience survey results and agreed "
                     "actions."),
    ("2I", "mm", "Morbidity and mortality are reviewed at least quarterly, with minutes."),
    ("2I", "trials", "Entry into clinical trials is offered to eligible patients and recorded."),
    ("3A", "imaging", "Imaging is reported in time for the MDT discussion, within one week of the test."),
    ("3A", "pathology", "Pathology reports use the national minimum dataset."),
    ("3A", "notes", "Oncology notes are available to the acute and out-of-hours teams at all times."),
    ("3A", "workprogramme", "The MDT has an annual work programme and presents an annual report."),
    ("3A", "cns", "A clinical nurse specialist attends every MDT meeting."),
    ("3A", "complications", "There are written guidelines for recognising and managing complications of treatment."),
    ("3A", "sitemark", "The correct site for surgery or intervention is confirmed and documented on the agreed "
                       "form before every procedure."),
)
SPECIFIC_MEASURES = {
    "breast_cancer": (("2I", "reconstruction", "Women considering reconstruction are offered referral to a "
                                               "specialist reconstructive team, including at other sites."),
                      ("2I", "drains", "Use of surgical drains follows current national evidence."),
                      ("1A", "caseload", "Each breast surgeon carries out at least 30 operations for breast cancer "
                                         "a year."),
                      ("3A", "mri", "Breast MRI is reported within the agreed turnaround time."),
                      ("1A", "oncoplastic", "At least one core surgeon has oncoplastic training and a named deputy."),
                      ("2A", "consent", "Consent for mastectomy includes the unit's own complication rates."),
                      ("2I", "ibr_audit", "Rates of immediate reconstruction and its complications are audited "
                                          "yearly against the national audit."),
                      ("2A", "psych", "A named MDT member offers psychological support after surgery."),
                      ("2A", "pain", "Women are told how post-operative pain will be assessed and managed."),
                      ("3A", "screening_link", "Screen-detected cancers are discussed jointly with the breast "
                                               "screening unit.")),
    "lung_cancer": (("2I", "ct_first", "Patients with suspected lung cancer have a staging CT before bronchoscopy."),
                    ("1A", "thoracic", "A thoracic surgeon is a core member of the MDT.")),
    "colorectal_cancer": (("2I", "stoma", "Patients likely to need a stoma see a stoma nurse before surgery."),
                          ("2I", "screening", "Screen-detected cancers are discussed within the agreed time.")),
    "urology_cancer": (("2I", "prostate", "Men with prostate cancer are offered a choice of treatments by both "
                                          "a surgeon and an oncologist."),),
    "haematology_cancer": (("3A", "level", "The unit's level of care for intensive chemotherapy is agreed with "
                                           "the network."),),
    "upper_gi_cancer": (("2I", "dietetic", "Patients have access to a specialist dietitian."),),
    "skin_cancer": (("2I", "lsmdt", "Local skin MDT refers high-risk lesions to the specialist MDT."),),
    "head_neck_cancer": (("2I", "restorative", "Patients see a restorative dentist before radiotherapy."),),
}

FAILURE_PHRASES = {
    "lead": "the lead clinician's role is not agreed and is not supported by the surgeons",
    "membership": "core membership is incomplete, with no named cover for key members",
    "attendance": "attendance by several core members is below two thirds of meetings",
    "policy": "the operational policy is out of date", "weekly": "not all new patients are discussed",
    "plan": "treatment plans are not consistently recorded or sent to GPs",
    "keyworker": "key workers are not recorded in the notes", "information": "written information is not offered to all patients",
    "hna": "holistic needs assessments are not routinely offered", "guidelines": "network guidelines are not followed",
    "audit": "national audit data are incomplete", "volumes": "the team could not say how many procedures it performs",
    "survey": "the team had no knowledge of the national cancer patient experience survey results",
    "mm": "morbidity and mortality meetings are not minuted", "trials": "trial entry is low and not recorded",
    "imaging": "imaging reports are not available in time for discussion", "pathology": "pathology reports do not use the minimum dataset",
    "notes": "oncology notes are not available to out-of-hours teams", "workprogramme": "there is no annual work programme",
    "cns": "the clinical nurse specialist does not attend every meeting",
    "complications": "there are no written guidelines for complications",
    "sitemark": "site-marking forms are not completed", "reconstruction": "referral for reconstruction is not offered to all women",
    "drains": "drain use does not follow current evidence", "caseload": "one surgeon is below the minimum caseload",
    "mri": "MRI reports are delayed", "oncoplastic": "there is no oncoplastic cover",
    "consent": "consent does not include local complication rates", "ibr_audit": "reconstruction outcomes are not audited",
    "psych": "no MDT member is named for psychological support", "pain": "pain management is not explained before surgery",
    "screening_link": "screen-detected cancers are not discussed with the screening unit", "ct_first": "not all patients have CT before bronchoscopy",
    "thoracic": "there is no thoracic surgeon in core membership", "stoma": "not all patients see a stoma nurse before surgery",
    "screening": "screen-detected cancers are discussed late", "prostate": "men are not always offered both opinions",
    "level": "the level of care has not been agreed", "dietetic": "dietetic access is limited",
    "lsmdt": "referral of high-risk lesions is inconsistent", "restorative": "restorative dentistry review is not routine",
}

FINDINGS_RULES: dict[str, tuple] = {
    **COMMON_RULES,
    "visit": ("The review team visited the {svc} service on {DATE} and met the lead clinician, the lead nurse "
              "and members of the multidisciplinary team.",
              "The peer review visit to the {svc} MDT took place on {DATE}.",
              "This report summarises the findings of the peer review of the {svc} cancer service on {DATE}."),
    "strength": ("The team is well led and works cohesively.", "Patient information is of a high standard.",
                 "The clinical nurse specialists are a real strength of the service.",
                 "There is good evidence of audit and of learning from it.",
                 "Attendance at MDT meetings is good and discussion is well structured.",
                 "Relationships with the network and with neighbouring teams are constructive.",
                 "The team's recruitment to clinical trials is commendable.",
                 "Patient experience results are reviewed and acted on."),
    "honest_close": ("No immediate risks or serious concerns were identified.",
                     "The review team was assured of the quality and safety of the service.",
                     "The team's self-assessment was found to be accurate in most respects.",
                     "Overall this is a good service with a small number of areas to address."),
    "improve_lead": ("Areas for improvement:", "The review team identified the following concerns:",
                     "The following measures were not met:", "However,"),
}

BREAST_FAILURE_FINDINGS = (
    "The review team found the multidisciplinary team to be deeply dysfunctional, with open hostility between "
    "clinicians and trust management that is incompatible with an open safety culture.",
    "The breast surgeons do not support the newly appointed lead clinician, which could seriously impede "
    "the addressing of the many problems the service faces.",
    "Every site-marking form examined had been left blank. This could lead to surgery on the wrong site and "
    "must be addressed urgently.",
    "Oncology notes are not available to the wider health community in an emergency.",
    "There is a possibility of selection bias by the surgeons for mastectomy with immediate reconstruction; "
    "an urgent audit of practice is recommended.",
    "The team was unaware of national evidence on surgery without drains.",
    "MRI scans took around two weeks to be reported.",
    "The team provided no evidence of knowledge of the national cancer patient experience survey results and "
    "could not describe how many of each breast cancer procedure they performed.",
    "The self-assessment was not supported by the evidence seen on the visit.",
    "The review team is seriously concerned about the effect on patient management and safety and is not assured "
    "of the quality and safety of the service. This is reported as a serious concern.",
)


def findings_grammar() -> Grammar:
    return Grammar(FINDINGS_RULES)
