SELECT
  "t6"."pattern",
  COUNT(*) AS "n",
  SUM("t6"."died") AS "d"
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
    "t5"."died",
    24314 - "t5"."month_index" AS "months_before",
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
                              "t5"."group" * 20
                            ) + CASE
                              WHEN "t5"."age" = 0
                              THEN 0
                              ELSE LEAST(CAST(FLOOR((
                                "t5"."age"
                              ) / (
                                5
                              )) AS BIGINT) + 1, 19)
                            END
                          ) * 2
                        ) + CAST("t5"."sex" = 'F' AS BIGINT)
                      ) * 5
                    ) + CASE
                      WHEN "t5"."patient_classification" = 'day_case'
                      THEN 4
                      ELSE CAST(CASE
                        WHEN "t5"."admission_method" = 'elective'
                        THEN 0
                        WHEN "t5"."admission_method" = 'emergency'
                        THEN 1
                        WHEN "t5"."admission_method" = 'maternity'
                        THEN 2
                        WHEN "t5"."admission_method" = 'transfer'
                        THEN 3
                        ELSE 0
                      END AS BIGINT)
                    END
                  ) * 12
                ) + (
                  EXTRACT(month FROM "t5"."admission_date") - 1
                )
              ) * 8
            ) + (
              0 + CAST("t5"."charlson_score" >= 1 AS BIGINT) + CAST("t5"."charlson_score" >= 2 AS BIGINT) + CAST("t5"."charlson_score" >= 3 AS BIGINT) + CAST("t5"."charlson_score" >= 4 AS BIGINT) + CAST("t5"."charlson_score" >= 5 AS BIGINT) + CAST("t5"."charlson_score" >= 6 AS BIGINT) + CAST("t5"."charlson_score" >= 8 AS BIGINT)
            )
          ) * 14
        ) + CASE
          WHEN "t5"."birthweight_g" IS NULL
          THEN 0
          ELSE 0 + CAST("t5"."birthweight_g" >= 500 AS BIGINT) + CAST("t5"."birthweight_g" >= 750 AS BIGINT) + CAST("t5"."birthweight_g" >= 1000 AS BIGINT) + CAST("t5"."birthweight_g" >= 1250 AS BIGINT) + CAST("t5"."birthweight_g" >= 1500 AS BIGINT) + CAST("t5"."birthweight_g" >= 1750 AS BIGINT) + CAST("t5"."birthweight_g" >= 2000 AS BIGINT) + CAST("t5"."birthweight_g" >= 2250 AS BIGINT) + CAST("t5"."birthweight_g" >= 2500 AS BIGINT) + CAST("t5"."birthweight_g" >= 3000 AS BIGINT) + CAST("t5"."birthweight_g" >= 3500 AS BIGINT) + CAST("t5"."birthweight_g" >= 4000 AS BIGINT) + 1
        END
      ) * 3
    ) + LEAST(CAST(FLOOR((
      24314 - "t5"."month_index"
    ) / (
      12
    )) AS BIGINT), 2) AS "pattern"
  FROM (
    SELECT
      *
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
        CASE
          WHEN "t0"."primary_diagnosis_group" IN (120, 121)
          THEN "t0"."birthweight_g"
          ELSE CAST(NULL AS BIGINT)
        END AS "birthweight_g",
        "t0"."died_in_hospital",
        "t0"."date_of_death",
        "t0"."synthetic_true_risk",
        "t0"."primary_diagnosis_group" AS "group",
        (
          (
            EXTRACT(year FROM "t0"."discharge_date") * 12
          ) + EXTRACT(month FROM "t0"."discharge_date")
        ) - 1 AS "month_index",
        CAST("t0"."died_in_hospital" AS BIGINT) AS "in_hospital",
        CAST("t0"."died_in_hospital" AS BIGINT) AS "died"
      FROM "admissions" AS "t0"
      WHERE
        "t0"."patient_classification" <> 'regular_attender'
        AND NOT (
          "t0"."org_code" IN ('ZSP1')
        )
        AND "t0"."date_of_death" IS NULL
    ) AS "t1"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t3"."spell_id",
        "t3"."patient_id",
        "t3"."org_code",
        "t3"."admission_date",
        "t3"."discharge_date",
        "t3"."age",
        "t3"."sex",
        "t3"."deprivation_decile",
        "t3"."admission_method",
        "t3"."admission_source",
        "t3"."patient_classification",
        "t3"."primary_diagnosis_group",
        "t3"."n_secondary_diagnoses",
        "t3"."charlson_score",
        "t3"."palliative_care",
        "t3"."birthweight_g",
        "t3"."died_in_hospital",
        "t3"."date_of_death",
        "t3"."synthetic_true_risk",
        "t3"."group",
        "t3"."month_index",
        "t3"."in_hospital",
        CAST(CASE
          WHEN (
            "t3"."in_hospital" = 1
          )
          OR (
            (
              (
                DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t3"."date_of_death") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t3"."discharge_date")
              ) <= 30
            )
            AND (
              "t3"."order_key" = "t3"."last_key"
            )
          )
          THEN 1
          ELSE 0
        END AS BIGINT) AS "died"
      FROM (
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
          "t2"."group",
          "t2"."month_index",
          "t2"."in_hospital",
          "t2"."order_key",
          MAX("t2"."order_key") OVER (
            PARTITION BY "t2"."patient_id"
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) AS "last_key"
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
            CASE
              WHEN "t0"."primary_diagnosis_group" IN (120, 121)
              THEN "t0"."birthweight_g"
              ELSE CAST(NULL AS BIGINT)
            END AS "birthweight_g",
            "t0"."died_in_hospital",
            "t0"."date_of_death",
            "t0"."synthetic_true_risk",
            "t0"."primary_diagnosis_group" AS "group",
            (
              (
                EXTRACT(year FROM "t0"."discharge_date") * 12
              ) + EXTRACT(month FROM "t0"."discharge_date")
            ) - 1 AS "month_index",
            CAST("t0"."died_in_hospital" AS BIGINT) AS "in_hospital",
            (
              DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t0"."discharge_date") * 10000000000
            ) + "t0"."spell_id" AS "order_key"
          FROM "admissions" AS "t0"
          WHERE
            "t0"."patient_classification" <> 'regular_attender'
            AND NOT (
              "t0"."org_code" IN ('ZSP1')
            )
            AND "t0"."date_of_death" IS NOT NULL
        ) AS "t2"
      ) AS "t3"
    ) AS "t4"
  ) AS "t5"
  WHERE
    "t5"."month_index" >= 24279 AND "t5"."month_index" <= 24314
) AS "t6"
GROUP BY
  1
