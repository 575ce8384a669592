"""Rules between columns and between sources, per source: data for the named checks in ``checks``.

Each cross-field rule is (check name, columns shown, SQL condition true when the row is wrong, reason).
Each reference rule is (column, source it refers to, that source's key column, reason); the referred
source must already be in the store, which is why ``load_directory`` loads organisations.csv and
diagnosis_groups.csv first.
"""

from __future__ import annotations

CROSS_FIELD: dict[str, list[tuple[str, tuple[str, ...], str, str]]] = {
    "admissions": [
        ("discharge_before_admission", ("admission_date", "discharge_date"),
         "discharge_date < admission_date", "discharge date is before the admission date"),
        ("death_before_discharge", ("discharge_date", "date_of_death"),
         "date_of_death < discharge_date", "date of death is before the discharge date"),
        ("died_without_date", ("died_in_hospital", "date_of_death"),
         "died_in_hospital AND date_of_death IS NULL", "died in hospital but no date of death"),
        ("died_in_hospital_date", ("died_in_hospital", "discharge_date", "date_of_death"),
         "died_in_hospital AND date_of_death <> discharge_date",
         "died in hospital, so the date of death must be the discharge date"),
    ],
    "breast_surgery": [
        ("reconstruction_mismatch", ("immediate_reconstruction", "reconstruction_type"),
         "(immediate_reconstruction AND reconstruction_type = 'none') OR "
         "(NOT immediate_reconstruction AND reconstruction_type <> 'none')",
         "reconstruction_type does not agree with immediate_reconstruction"),
    ],
    "ae_monthly": [
        ("breaches_over_attendances", ("attendances_type1", "breaches_type1"),
         "breaches_type1 > attendances_type1", "more type 1 breaches than type 1 attendances"),
        ("breaches_over_attendances", ("attendances_other", "breaches_other"),
         "breaches_other > attendances_other", "more type 2/3 breaches than type 2/3 attendances"),
        ("waits_over_attendances", ("attendances_type1", "attendances_other", "waits_over_12h"),
         "waits_over_12h > attendances_type1 + attendances_other", "more 12-hour waits than attendances"),
    ],
    "rtt_monthly": [
        ("within_18_over_incomplete", ("incomplete_pathways", "within_18_weeks"),
         "within_18_weeks > incomplete_pathways", "within_18_weeks is more than incomplete_pathways"),
        ("over_52_over_incomplete", ("incomplete_pathways", "over_52_weeks"),
         "over_52_weeks > incomplete_pathways", "over_52_weeks is more than incomplete_pathways"),
        ("waits_do_not_add_up", ("incomplete_pathways", "within_18_weeks", "over_52_weeks"),
         "within_18_weeks + over_52_weeks > incomplete_pathways",
         "within_18_weeks + over_52_weeks is more than incomplete_pathways"),
        ("harm_over_reviews", ("harm_reviews_done", "harm_found"),
         "harm_found > harm_reviews_done", "harm found in more reviews than were done"),
    ],
    "diagnostics_monthly": [
        ("over_6_weeks_over_list", ("waiting_list", "waiting_over_6_weeks"),
         "waiting_over_6_weeks > waiting_list", "waiting_over_6_weeks is more than the waiting list"),
        ("over_28_days_over_reported", ("tests_reported", "reported_over_28_days"),
         "reported_over_28_days > tests_reported", "reported_over_28_days is more than tests_reported"),
    ],
    "never_events": [
        ("reported_before_event", ("event_date", "reported_date"),
         "reported_date < event_date", "reported before the event happened"),
    ],
    "safety_alerts": [
        ("deadline_before_issue", ("issued_date", "deadline_date"),
         "deadline_date < issued_date", "deadline is before the alert was issued"),
    ],
    "complaints": [
        ("acknowledged_before_received", ("received_date", "acknowledged_date"),
         "acknowledged_date < received_date", "acknowledged before it was received"),
        ("responded_before_received", ("received_date", "responded_date"),
         "responded_date < received_date", "responded to before it was received"),
        ("outcome_without_response", ("responded_date", "outcome"),
         "outcome IN ('upheld', 'partly_upheld', 'not_upheld') AND responded_date IS NULL",
         "has an outcome but no response date"),
    ],
    "information_requests": [
        ("due_before_sent", ("sent_date", "due_date"), "due_date < sent_date", "due before it was sent"),
        ("answered_before_sent", ("sent_date", "answered_date"),
         "answered_date < sent_date", "answered before it was sent"),
    ],
}

ORG_REASON = "unknown organisation: not in organisations.csv (load it first) or the store"

REFERENCES: dict[str, list[tuple[str, str, str, str]]] = {
    "admissions": [("primary_diagnosis_group", "diagnosis_groups", "group_id",
                    "unknown diagnosis group: not in diagnosis_groups.csv or the store")],
    "safety_alert_compliance": [("alert_id", "safety_alerts", "alert_id",
                                 "unknown alert: not in safety_alerts.csv or the store")],
    "peer_review_measures": [("review_id", "peer_reviews", "review_id",
                              "unknown review: not in peer_reviews.csv or the store")],
}

# Rules that compare a row with a row of another source (lookup table ``ref_<source>``).
CROSS_SOURCE: dict[str, list[tuple[str, tuple[str, ...], str, str]]] = {
    "safety_alert_compliance": [
        ("completed_before_issued", ("alert_id", "completed_date"),
         "completed_date < (SELECT min(a.issued_date) FROM ref_safety_alerts a WHERE a.alert_id = t.alert_id)",
         "completed before the alert was issued"),
    ],
}
