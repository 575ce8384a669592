SELECT
  "t2"."spell_id",
  "t2"."patient_id",
  "t2"."org_code",
  "t2"."admission_date",
  "t2"."discharge_date",
  "t2"."age",
  "t2"."sex",
  "t2"."deprivation_decile",
  "t2"."admission_method",
  "t2"."admission_source",
  "t2"."patient_classification",
  "t2"."primary_diagnosis_group",
  "t2"."n_secondary_diagnoses",
  "t2"."charlson_score",
  "t2"."palliative_care",
  "t2"."birthweight_g",
  "t2"."died_in_hospital",
  "t2"."date_of_death",
  "t2"."synthetic_true_risk",
  "t2"."adm_day",
  "t2"."dis_day",
  "t2"."next_emergency",
  "t2"."primary_diagnosis_group" AS "group",
  (
    (
      EXTRACT(year FROM "t2"."discharge_date") * 12
    ) + EXTRACT(month FROM "t2"."discharge_date")
  ) - 1 AS "month_index",
  DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t2"."discharge_date") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t2"."admission_date") AS "los",
  CAST(CASE
    WHEN (
      (
        "t2"."next_emergency" - "t2"."dis_day"
      ) IS NOT NULL
    )
    AND (
      (
        "t2"."next_emergency" - "t2"."dis_day"
      ) >= 0
    )
    AND (
      (
        "t2"."next_emergency" - "t2"."dis_day"
      ) < 30
    )
    THEN 1
    ELSE 0
  END AS BIGINT) AS "readmitted"
FROM (
  SELECT
    "t1"."spell_id",
    "t1"."patient_id",
    "t1"."org_code",
    "t1"."admission_date",
    "t1"."discharge_date",
    "t1"."age",
    "t1"."sex",
    "t1"."deprivation_decile",
    "t1"."admission_method",
    "t1"."admission_source",
    "t1"."patient_classification",
    "t1"."primary_diagnosis_group",
    "t1"."n_secondary_diagnoses",
    "t1"."charlson_score",
    "t1"."palliative_care",
    "t1"."birthweight_g",
    "t1"."died_in_hospital",
    "t1"."date_of_death",
    "t1"."synthetic_true_risk",
    "t1"."adm_day",
    "t1"."dis_day",
    MIN(
      CASE
        WHEN "t1"."admission_method" = 'emergency'
        THEN "t1"."adm_day"
        ELSE CAST(NULL AS BIGINT)
      END
    ) OVER (
      PARTITION BY "t1"."patient_id"
      ORDER BY "t1"."adm_day" ASC, "t1"."spell_id" ASC
      ROWS BETWEEN 1 following AND UNBOUNDED FOLLOWING
    ) AS "next_emergency"
  FROM (
    SELECT
      "t0"."spell_id",
      "t0"."patient_id",
      "t0"."org_code",
      "t0"."admission_date",
      "t0"."discharge_date",
      "t0"."age",
      "t0"."sex",
      "t0"."deprivation_decile",
      "t0"."admission_method",
      "t0"."admission_source",
      "t0"."patient_classification",
      "t0"."primary_diagnosis_group",
      "t0"."n_secondary_diagnoses",
      "t0"."charlson_score",
      "t0"."palliative_care",
      "t0"."birthweight_g",
      "t0"."died_in_hospital",
      "t0"."date_of_death",
      "t0"."synthetic_true_risk",
      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t0"."admission_date") AS "adm_day",
      DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t0"."discharge_date") AS "dis_day"
    FROM "admissions" AS "t0"
  ) AS "t1"
) AS "t2"
WHERE
  "t2"."died_in_hospital" = FALSE
  AND "t2"."admission_method" <> 'maternity'
  AND "t2"."patient_classification" <> 'regular_attender'
  AND NOT (
    "t2"."primary_diagnosis_group" IN (8, 9)
  )
  AND (
    "t2"."dis_day" + 30
  ) <= 20543
