SELECT
  "t10"."org_code",
  "t10"."group",
  "t10"."month_index",
  COUNT(*) AS "spells",
  SUM("t10"."died") AS "observed",
  SUM("t10"."p") AS "expected"
FROM (
  SELECT
    "t9"."spell_id",
    "t9"."patient_id",
    "t9"."org_code",
    "t9"."admission_date",
    "t9"."discharge_date",
    "t9"."age",
    "t9"."sex",
    "t9"."deprivation_decile",
    "t9"."admission_method",
    "t9"."admission_source",
    "t9"."patient_classification",
    "t9"."primary_diagnosis_group",
    "t9"."n_secondary_diagnoses",
    "t9"."charlson_score",
    "t9"."palliative_care",
    "t9"."birthweight_g",
    "t9"."died_in_hospital",
    "t9"."date_of_death",
    "t9"."synthetic_true_risk",
    "t9"."group",
    "t9"."month_index",
    "t9"."in_hospital",
    "t9"."died",
    "t9"."months_before",
    "t9"."pattern",
    "t2"."p"
  FROM (
    SELECT
      "t7"."spell_id",
      "t7"."patient_id",
      "t7"."org_code",
      "t7"."admission_date",
      "t7"."discharge_date",
      "t7"."age",
      "t7"."sex",
      "t7"."deprivation_decile",
      "t7"."admission_method",
      "t7"."admission_source",
      "t7"."patient_classification",
      "t7"."primary_diagnosis_group",
      "t7"."n_secondary_diagnoses",
      "t7"."charlson_score",
      "t7"."palliative_care",
      "t7"."birthweight_g",
      "t7"."died_in_hospital",
      "t7"."date_of_death",
      "t7"."synthetic_true_risk",
      "t7"."group",
      "t7"."month_index",
      "t7"."in_hospital",
      "t7"."died",
      24314 - "t7"."month_index" AS "months_before",
      (
        (
          (
            (
              (
                (
                  (
                    (
                      (
                        (
                          (
                            (
                              (
                                "t7"."group" * 20
                              ) + CASE
                                WHEN "t7"."age" = 0
                                THEN 0
                                ELSE LEAST(CAST(FLOOR((
                                  "t7"."age"
                                ) / (
                                  5
                                )) AS BIGINT) + 1, 19)
                              END
                            ) * 2
                          ) + CAST("t7"."sex" = 'F' AS BIGINT)
                        ) * 5
                      ) + CASE
                        WHEN "t7"."patient_classification" = 'day_case'
                        THEN 4
                        ELSE CAST(CASE
                          WHEN "t7"."admission_method" = 'elective'
                          THEN 0
                          WHEN "t7"."admission_method" = 'emergency'
                          THEN 1
                          WHEN "t7"."admission_method" = 'maternity'
                          THEN 2
                          WHEN "t7"."admission_method" = 'transfer'
                          THEN 3
                          ELSE 0
                        END AS BIGINT)
                      END
                    ) * 12
                  ) + (
                    EXTRACT(month FROM "t7"."admission_date") - 1
                  )
                ) * 8
              ) + (
                0 + CAST("t7"."charlson_score" >= 1 AS BIGINT) + CAST("t7"."charlson_score" >= 2 AS BIGINT) + CAST("t7"."charlson_score" >= 3 AS BIGINT) + CAST("t7"."charlson_score" >= 4 AS BIGINT) + CAST("t7"."charlson_score" >= 5 AS BIGINT) + CAST("t7"."charlson_score" >= 6 AS BIGINT) + CAST("t7"."charlson_score" >= 8 AS BIGINT)
              )
            ) * 14
          ) + CASE
            WHEN "t7"."birthweight_g" IS NULL
            THEN 0
            ELSE 0 + CAST("t7"."birthweight_g" >= 500 AS BIGINT) + CAST("t7"."birthweight_g" >= 750 AS BIGINT) + CAST("t7"."birthweight_g" >= 1000 AS BIGINT) + CAST("t7"."birthweight_g" >= 1250 AS BIGINT) + CAST("t7"."birthweight_g" >= 1500 AS BIGINT) + CAST("t7"."birthweight_g" >= 1750 AS BIGINT) + CAST("t7"."birthweight_g" >= 2000 AS BIGINT) + CAST("t7"."birthweight_g" >= 2250 AS BIGINT) + CAST("t7"."birthweight_g" >= 2500 AS BIGINT) + CAST("t7"."birthweight_g" >= 3000 AS BIGINT) + CAST("t7"."birthweight_g" >= 3500 AS BIGINT) + CAST("t7"."birthweight_g" >= 4000 AS BIGINT) + 1
          END
        ) * 3
      ) + LEAST(CAST(FLOOR((
        24314 - "t7"."month_index"
      ) / (
        12
      )) AS BIGINT), 2) AS "pattern"
    FROM (
      SELECT
        *
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
          CASE
            WHEN "t1"."primary_diagnosis_group" IN (120, 121)
            THEN "t1"."birthweight_g"
            ELSE CAST(NULL AS BIGINT)
          END AS "birthweight_g",
          "t1"."died_in_hospital",
          "t1"."date_of_death",
          "t1"."synthetic_true_risk",
          "t1"."primary_diagnosis_group" AS "group",
          (
            (
              EXTRACT(year FROM "t1"."discharge_date") * 12
            ) + EXTRACT(month FROM "t1"."discharge_date")
          ) - 1 AS "month_index",
          CAST("t1"."died_in_hospital" AS BIGINT) AS "in_hospital",
          CAST("t1"."died_in_hospital" AS BIGINT) AS "died"
        FROM "admissions" AS "t1"
        WHERE
          "t1"."patient_classification" <> 'regular_attender'
          AND NOT (
            "t1"."org_code" IN ('ZSP1')
          )
          AND "t1"."date_of_death" IS NULL
      ) AS "t3"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t5"."spell_id",
          "t5"."patient_id",
          "t5"."org_code",
          "t5"."admission_date",
          "t5"."discharge_date",
          "t5"."age",
          "t5"."sex",
          "t5"."deprivation_decile",
          "t5"."admission_method",
          "t5"."admission_source",
          "t5"."patient_classification",
          "t5"."primary_diagnosis_group",
          "t5"."n_secondary_diagnoses",
          "t5"."charlson_score",
          "t5"."palliative_care",
          "t5"."birthweight_g",
          "t5"."died_in_hospital",
          "t5"."date_of_death",
          "t5"."synthetic_true_risk",
          "t5"."group",
          "t5"."month_index",
          "t5"."in_hospital",
          CAST(CASE
            WHEN (
              "t5"."in_hospital" = 1
            )
            OR (
              (
                (
                  DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t5"."date_of_death") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t5"."discharge_date")
                ) <= 30
              )
              AND (
                "t5"."order_key" = "t5"."last_key"
              )
            )
            THEN 1
            ELSE 0
          END AS BIGINT) AS "died"
        FROM (
          SELECT
            "t4"."spell_id",
            "t4"."patient_id",
            "t4"."org_code",
            "t4"."admission_date",
            "t4"."discharge_date",
            "t4"."age",
            "t4"."sex",
            "t4"."deprivation_decile",
            "t4"."admission_method",
            "t4"."admission_source",
            "t4"."patient_classification",
            "t4"."primary_diagnosis_group",
            "t4"."n_secondary_diagnoses",
            "t4"."charlson_score",
            "t4"."palliative_care",
            "t4"."birthweight_g",
            "t4"."died_in_hospital",
            "t4"."date_of_death",
            "t4"."synthetic_true_risk",
            "t4"."group",
            "t4"."month_index",
            "t4"."in_hospital",
            "t4"."order_key",
            MAX("t4"."order_key") OVER (
              PARTITION BY "t4"."patient_id"
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) AS "last_key"
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
              CASE
                WHEN "t1"."primary_diagnosis_group" IN (120, 121)
                THEN "t1"."birthweight_g"
                ELSE CAST(NULL AS BIGINT)
              END AS "birthweight_g",
              "t1"."died_in_hospital",
              "t1"."date_of_death",
              "t1"."synthetic_true_risk",
              "t1"."primary_diagnosis_group" AS "group",
              (
                (
                  EXTRACT(year FROM "t1"."discharge_date") * 12
                ) + EXTRACT(month FROM "t1"."discharge_date")
              ) - 1 AS "month_index",
              CAST("t1"."died_in_hospital" AS BIGINT) AS "in_hospital",
              (
                DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t1"."discharge_date") * 10000000000
              ) + "t1"."spell_id" AS "order_key"
            FROM "admissions" AS "t1"
            WHERE
              "t1"."patient_classification" <> 'regular_attender'
              AND NOT (
                "t1"."org_code" IN ('ZSP1')
              )
              AND "t1"."date_of_death" IS NOT NULL
          ) AS "t4"
        ) AS "t5"
      ) AS "t6"
    ) AS "t7"
    WHERE
      "t7"."month_index" >= 24279 AND "t7"."month_index" <= 24314
  ) AS "t9"
  INNER JOIN "probabilities" AS "t2"
    ON "t9"."pattern" = "t2"."pattern"
) AS "t10"
GROUP BY
  1,
  2,
  3
