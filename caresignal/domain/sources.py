"""Source file schemas: the one definition shared by the generator, the ingest validator and the docs.

Every source arrives as one file with a fixed name. Small sources are CSV (UTF-8, comma separated,
header on line 1, dates ISO 8601 ``YYYY-MM-DD``, months ``YYYY-MM``, booleans ``1``/``0``, empty cell =
missing); large patient- or response-level sources are Parquet. A schema lists every column with its
type, whether it may be missing, and its allowed values or range, so that a file can be checked cell by
cell and a message can say exactly which cell is wrong and why.

``period_column`` names the column whose month a row belongs to: a new version of a file replaces the
months it covers for its source (see ``docs/data-sources.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["str", "int", "float", "bool", "date", "month"]


@dataclass(frozen=True)
class Column:
    """One column of a source file.

    ``allowed`` restricts a ``str`` column to a closed list; ``minimum``/``maximum`` bound numbers
    (inclusive); ``pattern`` is a regular expression a ``str`` value must match in full.
    """

    name: str
    type: ColumnType
    description: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Source:
    """A source: its file, format, the column that keys rows, the organisation and period columns."""

    name: str
    file: str
    format: Literal["csv", "parquet"]
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    org_column: str | None = "org_code"
    period_column: str | None = None
    large: bool = False  # stays as Parquet, queried with DuckDB; not copied row by row into the store
    synthetic_only: tuple[str, ...] = field(default=())  # columns only the generator can know

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"source {self.name!r} has no column {name!r}; columns are {self.column_names}")


ORG_CODE = r"[A-Z0-9]{3,5}"  # ODS-style; the synthetic trusts use a fictional 'Z' prefix
ORG = Column("org_code", "str", "Organisation code (ODS style) of the provider trust.", pattern=ORG_CODE)
MONTH = Column("month", "month", "Calendar month the figures cover (YYYY-MM).")

REGIONS = ("North East and Yorkshire", "North West", "Midlands", "East of England", "London",
           "South East", "South West")
TRUST_TYPES = ("acute_teaching", "acute_large", "acute_medium", "acute_small", "acute_multi_service",
               "acute_specialist")
ADMISSION_METHODS = ("elective", "emergency", "maternity", "transfer")
ADMISSION_SOURCES = ("usual_residence", "care_home", "other_hospital", "other")
PATIENT_CLASSES = ("ordinary", "day_case", "regular_attender")
RECONSTRUCTION_TYPES = ("none", "implant", "pedicled_flap", "free_flap")
FFT_SERVICES = ("inpatient", "emergency_department", "outpatient", "maternity")
FFT_SCORES = ("very_good", "good", "neither", "poor", "very_poor", "dont_know")
COMPLAINT_OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "withdrawn")
SERVICES = ("emergency_department", "general_medicine", "elderly_care", "general_surgery",
            "trauma_orthopaedics", "cardiology", "breast_surgery", "maternity", "paediatrics",
            "outpatients", "radiology", "oncology", "urology", "gastroenterology", "respiratory",
            "ophthalmology", "administration")
RTT_SPECIALTIES = ("general_surgery", "urology", "trauma_orthopaedics", "ent", "ophthalmology",
                   "oral_surgery", "plastic_surgery", "cardiothoracic_surgery", "general_medicine",
                   "gastroenterology", "cardiology", "dermatology", "respiratory", "neurology",
                   "rheumatology", "geriatric_medicine", "gynaecology", "breast_surgery", "other")
DIAGNOSTIC_MODALITIES = ("mri", "ct", "ultrasound", "endoscopy", "echocardiography", "mammography")
NEVER_EVENT_CATEGORIES = ("wrong_site_surgery", "retained_foreign_object", "wrong_implant",
                          "misplaced_ng_tube", "wrong_route_medication", "abo_incompatible_transfusion",
                          "insulin_overdose", "other")
GP_CONCERN_CATEGORIES = ("lost_referral", "discharge_summary", "communication", "clinical_care",
                         "appointment_booking", "test_results", "medication", "attitude")
PEER_REVIEW_SERVICES = ("breast_cancer", "lung_cancer", "colorectal_cancer", "urology_cancer",
                        "haematology_cancer", "upper_gi_cancer", "skin_cancer", "head_neck_cancer")

_b = Column  # short alias for the tables below

ORGANISATIONS = Source(
    name="organisations", file="organisations.csv", format="csv",
    description="Provider trusts: one row each. Synthetic trusts are fictional and say so.",
    key=("org_code",), period_column=None,
    columns=(
        ORG,
        _b("org_name", "str", "Name of the trust."),
        _b("region", "str", "NHS England region.", allowed=REGIONS),
        _b("icb", "str", "Integrated care board that commissions most of its activity."),
        _b("trust_type", "str", "Trust type and subtype, as in the SHMI/NHS Oversight groupings.",
           allowed=TRUST_TYPES),
        _b("teaching", "bool", "1 for a teaching trust."),
        _b("beds", "int", "General and acute beds available.", minimum=0),
        _b("cancer_network", "str", "Cancer alliance (network) the trust belongs to."),
        _b("synthetic", "bool", "1 when the organisation is fictional (generated)."),
    ),
)

DIAGNOSIS_GROUPS = Source(
    name="diagnosis_groups", file="diagnosis_groups.csv", format="csv",
    description="SHMI-like diagnosis groups (about 140), the lookup for admissions.primary_diagnosis_group.",
    key=("group_id",), org_column=None,
    columns=(
        _b("group_id", "int", "Diagnosis group number.", minimum=1),
        _b("group_name", "str", "Name of the group."),
        _b("chapter", "str", "ICD-10 chapter the group falls in."),
        _b("symptom_group", "bool", "1 for groups of symptom and sign codes (ICD-10 chapter R)."),
        _b("perinatal_group", "bool", "1 for perinatal groups (birthweight enters their model)."),
    ),
)

ADMISSIONS = Source(
    name="admissions", file="admissions.parquet", format="parquet", large=True,
    description="Admitted patient care spells, patient level (HES APC-like). Readmissions are derived "
                "from patient_id, never flagged. Deaths after discharge carry date_of_death.",
    key=("spell_id",), period_column="discharge_date",
    synthetic_only=("synthetic_true_risk",),
    columns=(
        _b("spell_id", "int", "Unique spell identifier.", minimum=1),
        _b("patient_id", "int", "Pseudonymised patient identifier; recurs across spells.", minimum=1),
        ORG,
        _b("admission_date", "date", "Date of admission."),
        _b("discharge_date", "date", "Date of discharge (or death in hospital)."),
        _b("age", "int", "Age in years at admission.", minimum=0, maximum=115),
        _b("sex", "str", "Sex: M or F.", allowed=("M", "F")),
        _b("deprivation_decile", "int", "IMD decile of residence, 1 most deprived.", minimum=1, maximum=10),
        _b("admission_method", "str", "Admission method group.", allowed=ADMISSION_METHODS),
        _b("admission_source", "str", "Where the patient came from.", allowed=ADMISSION_SOURCES),
        _b("patient_classification", "str", "Ordinary admission, day case or regular attender.",
           allowed=PATIENT_CLASSES),
        _b("primary_diagnosis_group", "int", "SHMI-like diagnosis group of the primary diagnosis "
           "(see diagnosis_groups.csv).", minimum=1),
        _b("n_secondary_diagnoses", "int", "Number of secondary diagnoses coded.", minimum=0),
        _b("charlson_score", "int", "Charlson comorbidity index from the secondary diagnoses.", minimum=0),
        _b("palliative_care", "bool", "Specialist palliative care coded in the spell (Z51.5)."),
        _b("birthweight_g", "int", "Birthweight in grams, perinatal groups only.", nullable=True,
           minimum=200, maximum=7000),
        _b("died_in_hospital", "bool", "Discharged dead."),
        _b("date_of_death", "date", "Date of death if the patient died (in hospital or after discharge).",
           nullable=True),
        _b("synthetic_true_risk", "float", "Synthetic only: the generator's true probability of death "
           "within 30 days of discharge, for judging case-mix models.", nullable=True,
           minimum=0, maximum=1),
    ),
)

BREAST_SURGERY = Source(
    name="breast_surgery", file="breast_surgery.parquet", format="parquet", large=True,
    description="Mastectomy procedures with or without immediate reconstruction, with the case-mix "
                "factors and the three-month outcomes the national mastectomy audit uses.",
    key=("procedure_id",), period_column="procedure_date",
    synthetic_only=("synthetic_true_complication_risk",),
    columns=(
        _b("procedure_id", "int", "Unique procedure identifier.", minimum=1),
        _b("patient_id", "int", "Pseudonymised patient identifier.", minimum=1),
        ORG,
        _b("procedure_date", "date", "Date of the operation."),
        _b("age", "int", "Age in years.", minimum=16, maximum=105),
        _b("asa_grade", "int", "ASA physical status grade.", minimum=1, maximum=5),
        _b("bmi", "float", "Body mass index.", minimum=12, maximum=80),
        _b("smoker", "bool", "Current smoker."),
        _b("diabetes", "bool", "Diabetes."),
        _b("immediate_reconstruction", "bool", "Mastectomy with immediate breast reconstruction."),
        _b("reconstruction_type", "str", "Type of immediate reconstruction.", allowed=RECONSTRUCTION_TYPES),
        _b("complication_3m", "bool", "Any complication within three months."),
        _b("return_to_theatre_3m", "bool", "Unplanned return to theatre within three months."),
        _b("synthetic_true_complication_risk", "float", "Synthetic only: true complication probability.",
           nullable=True, minimum=0, maximum=1),
    ),
)

AE_MONTHLY = Source(
    name="ae_monthly", file="ae_monthly.csv", format="csv", period_column="month",
    description="Monthly A&E attendances and 4-hour breaches by department type.",
    key=("org_code", "month"),
    columns=(
        ORG, MONTH,
        _b("attendances_type1", "int", "Type 1 (major emergency department) attendances.", minimum=0),
        _b("breaches_type1", "int", "Type 1 attendances over 4 hours from arrival.", minimum=0),
        _b("attendances_other", "int", "Type 2 and 3 attendances.", minimum=0),
        _b("breaches_other", "int", "Type 2 and 3 attendances over 4 hours.", minimum=0),
        _b("emergency_admissions_via_ae", "int", "Emergency admissions through A&E.", minimum=0),
        _b("waits_over_12h", "int", "Attendances over 12 hours from arrival.", minimum=0),
    ),
)

RTT_MONTHLY = Source(
    name="rtt_monthly", file="rtt_monthly.csv", format="csv", period_column="month",
    description="Referral-to-treatment incomplete pathways at month end, by specialty, with clinical "
                "harm reviews of long waiters.",
    key=("org_code", "month", "specialty"),
    columns=(
        ORG, MONTH,
        _b("specialty", "str", "Treatment function group.", allowed=RTT_SPECIALTIES),
        _b("incomplete_pathways", "int", "Patients waiting at month end.", minimum=0),
        _b("within_18_weeks", "int", "Of those, waiting 18 weeks or less.", minimum=0),
        _b("over_52_weeks", "int", "Of those, waiting over 52 weeks.", minimum=0),
        _b("harm_reviews_due", "int", "Long waiters due a clinical harm review this month.", minimum=0),
        _b("harm_reviews_done", "int", "Clinical harm reviews completed this month.", minimum=0),
        _b("harm_found", "int", "Reviews that found moderate or severe harm.", minimum=0),
    ),
)

DIAGNOSTICS_MONTHLY = Source(
    name="diagnostics_monthly", file="diagnostics_monthly.csv", format="csv", period_column="month",
    description="Diagnostic tests: waiting list, six-week waits and report turnaround by modality.",
    key=("org_code", "month", "modality"),
    columns=(
        ORG, MONTH,
        _b("modality", "str", "Test or imaging modality.", allowed=DIAGNOSTIC_MODALITIES),
        _b("waiting_list", "int", "Patients waiting for the test at month end.", minimum=0),
        _b("waiting_over_6_weeks", "int", "Of those, waiting over six weeks.", minimum=0),
        _b("tests_reported", "int", "Tests reported in the month.", minimum=0),
        _b("median_report_days", "float", "Median days from test to report.", minimum=0),
        _b("reported_over_28_days", "int", "Tests reported more than 28 days after the test.", minimum=0),
    ),
)

ADMIN_BACKLOG_MONTHLY = Source(
    name="admin_backlog_monthly", file="admin_backlog_monthly.csv", format="csv", period_column="month",
    description="Administrative backlog at month end: referrals received but not booked, clinic letters "
                "not sent.",
    key=("org_code", "month"),
    columns=(
        ORG, MONTH,
        _b("referrals_received", "int", "Referrals received in the month.", minimum=0),
        _b("referrals_not_booked", "int", "Referrals received but not booked at month end.", minimum=0),
        _b("letters_not_sent", "int", "Clinic letters dictated but not sent at month end.", minimum=0),
    ),
)

NEVER_EVENTS = Source(
    name="never_events", file="never_events.csv", format="csv", period_column="event_date",
    description="Never events, one row per event.",
    key=("event_id",),
    columns=(
        _b("event_id", "str", "Event reference."),
        ORG,
        _b("event_date", "date", "Date the event happened."),
        _b("reported_date", "date", "Date it was reported."),
        _b("category", "str", "Never event type.", allowed=NEVER_EVENT_CATEGORIES),
        _b("service", "str", "Service where it happened.", allowed=SERVICES),
        _b("description", "str", "Short description (free text)."),
    ),
)

INCIDENTS_MONTHLY = Source(
    name="incidents_monthly", file="incidents_monthly.csv", format="csv", period_column="month",
    description="Patient safety incidents reported in the month by degree of harm, with occupied bed "
                "days as the reporting-rate denominator.",
    key=("org_code", "month"),
    columns=(
        ORG, MONTH,
        _b("no_harm", "int", "Incidents with no harm.", minimum=0),
        _b("low_harm", "int", "Low harm.", minimum=0),
        _b("moderate_harm", "int", "Moderate harm.", minimum=0),
        _b("severe_harm", "int", "Severe harm.", minimum=0),
        _b("death", "int", "Incidents resulting in death.", minimum=0),
        _b("occupied_bed_days", "int", "Occupied general and acute bed days in the month.", minimum=0),
    ),
)

SAFETY_ALERTS = Source(
    name="safety_alerts", file="safety_alerts.csv", format="csv", period_column="issued_date",
    org_column=None, description="National patient safety alerts issued, with their deadlines.",
    key=("alert_id",),
    columns=(
        _b("alert_id", "str", "Alert reference (e.g. NatPSA/2024/003/NHSPS)."),
        _b("title", "str", "Title of the alert."),
        _b("issued_date", "date", "Date issued."),
        _b("deadline_date", "date", "Date by which actions must be complete."),
    ),
)

SAFETY_ALERT_COMPLIANCE = Source(
    name="safety_alert_compliance", file="safety_alert_compliance.csv", format="csv",
    period_column="deadline_date",
    description="Each trust's completion of each alert; completed_date empty while still open.",
    key=("alert_id", "org_code"),
    columns=(
        _b("alert_id", "str", "Alert reference (see safety_alerts.csv)."),
        ORG,
        _b("deadline_date", "date", "The alert's deadline (repeated for convenience)."),
        _b("completed_date", "date", "Date the trust declared the actions complete.", nullable=True),
    ),
)

COMPLAINTS = Source(
    name="complaints", file="complaints.csv", format="csv", period_column="received_date",
    description="Written complaints, one row each, with the complainant's words (contains personal "
                "details until redacted).",
    key=("complaint_id",),
    columns=(
        _b("complaint_id", "str", "Complaint reference."),
        ORG,
        _b("received_date", "date", "Date received."),
        _b("service", "str", "Service complained about.", allowed=SERVICES),
        _b("text", "str", "The complaint as written (free text)."),
        _b("acknowledged_date", "date", "Date acknowledged (standard: 3 working days).", nullable=True),
        _b("responded_date", "date", "Date of the final response.", nullable=True),
        _b("outcome", "str", "Outcome once responded.", nullable=True, allowed=COMPLAINT_OUTCOMES),
    ),
)

FFT_RESPONSES = Source(
    name="fft_responses", file="fft_responses.parquet", format="parquet", large=True,
    period_column="response_date",
    description="Friends and Family Test responses, one row each, with the optional free-text comment.",
    key=("response_id",),
    columns=(
        _b("response_id", "int", "Response identifier.", minimum=1),
        ORG,
        _b("response_date", "date", "Date of the response."),
        _b("service", "str", "Service the response is about.", allowed=FFT_SERVICES),
        _b("score", "str", "Overall experience.", allowed=FFT_SCORES),
        _b("comment", "str", "Free-text comment.", nullable=True),
    ),
)

GP_CONCERNS = Source(
    name="gp_concerns", file="gp_concerns.csv", format="csv", period_column="raised_date",
    description="Concerns raised by GP practices about a provider (soft intelligence).",
    key=("concern_id",),
    columns=(
        _b("concern_id", "str", "Concern reference."),
        _b("practice_code", "str", "GP practice code (fictional).", pattern=r"[A-Z][0-9]{5}"),
        ORG,
        _b("raised_date", "date", "Date raised."),
        _b("category", "str", "What the concern is about.", allowed=GP_CONCERN_CATEGORIES),
        _b("text", "str", "The concern in the practice's words (free text)."),
    ),
)

STAFF_SURVEY = Source(
    name="staff_survey", file="staff_survey.csv", format="csv", period_column="survey_year",
    description="Annual NHS Staff Survey theme scores out of 10 (higher is better except burnout and "
                "negative experiences, reported as in the survey: higher is better for all).",
    key=("org_code", "survey_year"),
    columns=(
        ORG,
        _b("survey_year", "int", "Survey year (fieldwork in the autumn of that year).", minimum=2000,
           maximum=2100),
        _b("responses", "int", "Number of staff who responded.", minimum=0),
        _b("engagement", "float", "Staff engagement theme score (0-10).", minimum=0, maximum=10),
        _b("morale", "float", "Morale theme score (0-10).", minimum=0, maximum=10),
        _b("raising_concerns", "float", "We each have a voice that counts: raising concerns (0-10).",
           minimum=0, maximum=10),
        _b("burnout", "float", "Burnout sub-score (0-10, higher = less burnout).", minimum=0, maximum=10),
        _b("negative_experiences", "float", "Negative experiences sub-score (0-10, higher = fewer).",
           minimum=0, maximum=10),
        _b("recommend_care", "float", "Percent who would be happy with the standard of care for a "
           "friend or relative.", minimum=0, maximum=100),
    ),
)

PEER_REVIEWS = Source(
    name="peer_reviews", file="peer_reviews.csv", format="csv", period_column="review_date",
    description="Peer reviews of services (cancer peer review programme style): one row per review.",
    key=("review_id",),
    columns=(
        _b("review_id", "str", "Review reference."),
        ORG,
        _b("service", "str", "Service reviewed.", allowed=PEER_REVIEW_SERVICES),
        _b("review_date", "date", "Date of the review visit."),
        _b("findings", "str", "The reviewers' findings (free text)."),
        _b("serious_concern", "bool", "1 when the reviewers raised a serious concern or immediate risk."),
    ),
)

PEER_REVIEW_MEASURES = Source(
    name="peer_review_measures", file="peer_review_measures.csv", format="csv",
    period_column="review_date",
    description="Compliance per measure for each review: the service's self-assessment and the peer "
                "reviewers' finding.",
    key=("review_id", "measure_id"),
    columns=(
        _b("review_id", "str", "Review reference (see peer_reviews.csv)."),
        ORG,
        _b("review_date", "date", "Date of the review visit (repeated for period replacement)."),
        _b("measure_id", "str", "Measure reference, e.g. 11-2I-101."),
        _b("measure", "str", "What the measure requires."),
        _b("self_assessed_compliant", "bool", "The service declared itself compliant."),
        _b("peer_review_compliant", "bool", "The peer reviewers found it compliant."),
    ),
)

INFORMATION_REQUESTS = Source(
    name="information_requests", file="information_requests.csv", format="csv",
    period_column="sent_date",
    description="Information requested by commissioners from providers, and when it was answered.",
    key=("request_id",),
    columns=(
        _b("request_id", "str", "Request reference."),
        ORG,
        _b("commissioner", "str", "Requesting commissioner (ICB)."),
        _b("subject", "str", "What was requested."),
        _b("sent_date", "date", "Date sent."),
        _b("due_date", "date", "Date the answer is due."),
        _b("answered_date", "date", "Date answered; empty while unanswered.", nullable=True),
    ),
)

SOURCES: dict[str, Source] = {
    s.name: s for s in (
        ORGANISATIONS, DIAGNOSIS_GROUPS, ADMISSIONS, BREAST_SURGERY, AE_MONTHLY, RTT_MONTHLY,
        DIAGNOSTICS_MONTHLY, ADMIN_BACKLOG_MONTHLY, NEVER_EVENTS, INCIDENTS_MONTHLY, SAFETY_ALERTS,
        SAFETY_ALERT_COMPLIANCE, COMPLAINTS, FFT_RESPONSES, GP_CONCERNS, STAFF_SURVEY, PEER_REVIEWS,
        PEER_REVIEW_MEASURES, INFORMATION_REQUESTS,
    )
}
SOURCES_BY_FILE: dict[str, Source] = {s.file: s for s in SOURCES.values()}
GROUND_TRUTH_FILE = "ground_truth.json"
