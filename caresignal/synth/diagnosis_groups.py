"""SHMI-like diagnosis groups for synthetic England, with the generator's parameters per group.

Written for CareSignal (not copied from the SHMI lookup): 140 groups of primary diagnoses, each in one
ICD-10 chapter, including symptom-and-sign groups (chapter XVIII, ICD-10 R codes, which the SHMI models
separately) and perinatal groups (chapter XVI, whose SHMI models include birthweight).

Generator parameters per group (all [A] assumptions unless a source is named; tuned so that the
national figures match ``england_calibration.md``):

``share``
    relative share of all admitted spells (normalised to 1 over the groups);
``emergency``
    share of the group's non-maternity spells admitted as emergencies (national mix ~36%, HES);
``day_case``
    share of the group's elective spells done as day cases (80% of electives nationally, HES 2013);
``p70``
    true probability of death within 30 days of discharge for an emergency ordinary spell of a man
    aged 70 with Charlson 0 at an average trust in an average month. Anchors from calibration section 3:
    pneumonia 30-day 10.4% (BTS CAP audit 2018/19), stroke 16.8%, AMI 4.6%, hip fracture 7.2% (HES
    2012/13 compendium), sepsis ~30% of severe sepsis (UK Sepsis Trust);
``age_slope``
    log-odds of death per 10 years of age (roughly a doubling of odds per decade in adults [A]);
``age_mean``, ``age_sd``
    age distribution of the group's patients (normal, truncated to 0-105);
``los``
    mean length of stay in days of an ordinary spell (national mean 4.9 days, HES 2014/15).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHAPTERS = {
    "I": "I Certain infectious and parasitic diseases",
    "II": "II Neoplasms",
    "III": "III Diseases of the blood and immune mechanism",
    "IV": "IV Endocrine, nutritional and metabolic diseases",
    "V": "V Mental and behavioural disorders",
    "VI": "VI Diseases of the nervous system",
    "VII": "VII Diseases of the eye and adnexa",
    "VIII": "VIII Diseases of the ear and mastoid process",
    "IX": "IX Diseases of the circulatory system",
    "X": "X Diseases of the respiratory system",
    "XI": "XI Diseases of the digestive system",
    "XII": "XII Diseases of the skin and subcutaneous tissue",
    "XIII": "XIII Diseases of the musculoskeletal system and connective tissue",
    "XIV": "XIV Diseases of the genitourinary system",
    "XV": "XV Pregnancy, childbirth and the puerperium",
    "XVI": "XVI Certain conditions originating in the perinatal period",
    "XVII": "XVII Congenital malformations and chromosomal abnormalities",
    "XVIII": "XVIII Symptoms, signs and abnormal findings not elsewhere classified",
    "XIX": "XIX Injury, poisoning and certain other consequences of external causes",
    "XXI": "XXI Factors influencing health status and contact with health services",
}

# name | chapter | share (per mille) | emergency | day_case | p70 | age_slope | age_mean | age_sd | los
_TABLE = """
Tuberculosis|I|0.4|0.6|0.2|0.06|0.5|55|20|12
Septicaemia (except in labour) and shock|I|6.0|0.97|0.1|0.19|0.45|72|16|11
Intestinal infection|I|8.0|0.9|0.3|0.02|0.6|55|26|3
Viral infection|I|4.0|0.9|0.3|0.015|0.5|30|26|3
Other infectious and parasitic diseases|I|2.0|0.7|0.4|0.04|0.5|50|25|6
HIV infection|I|0.2|0.5|0.5|0.05|0.4|45|12|9
Cancer of head and neck|II|1.5|0.15|0.5|0.08|0.3|64|12|6
Cancer of oesophagus|II|1.0|0.3|0.6|0.14|0.3|70|11|8
Cancer of stomach|II|0.7|0.3|0.6|0.16|0.3|71|12|8
Cancer of colon|II|2.0|0.25|0.6|0.1|0.3|71|12|8
Cancer of rectum and anus|II|1.5|0.2|0.6|0.09|0.3|69|12|8
Cancer of liver and intrahepatic bile duct|II|0.6|0.4|0.5|0.2|0.3|68|12|8
Cancer of pancreas|II|0.8|0.5|0.5|0.25|0.3|71|11|9
Cancer of bronchus and lung|II|2.5|0.45|0.6|0.24|0.25|72|10|8
Melanoma and other skin cancers|II|3.0|0.02|0.95|0.05|0.3|72|14|3
Cancer of breast|II|3.0|0.05|0.7|0.06|0.3|61|13|3
Cancer of uterus and cervix|II|1.0|0.05|0.6|0.05|0.3|62|14|4
Cancer of ovary|II|0.6|0.2|0.5|0.12|0.3|64|13|7
Cancer of prostate|II|2.0|0.1|0.7|0.08|0.3|72|9|4
Cancer of bladder|II|2.5|0.12|0.85|0.1|0.3|74|11|5
Cancer of kidney and renal pelvis|II|0.7|0.15|0.5|0.1|0.3|67|12|6
Cancer of brain and nervous system|II|0.5|0.45|0.3|0.18|0.25|60|16|10
Non-Hodgkin's lymphoma|II|1.5|0.15|0.8|0.12|0.3|66|15|8
Leukaemias|II|2.0|0.15|0.8|0.15|0.3|62|20|10
Multiple myeloma|II|1.0|0.1|0.85|0.12|0.3|70|10|8
Secondary malignancies|II|2.5|0.45|0.6|0.24|0.25|68|13|8
Other malignancies and neoplasms of uncertain behaviour|II|3.0|0.25|0.7|0.1|0.3|66|16|6
Benign neoplasms|II|8.0|0.03|0.85|0.004|0.5|55|17|3
Deficiency and other anaemia|III|6.0|0.3|0.9|0.05|0.5|68|18|4
Coagulation and haemorrhagic disorders|III|1.0|0.4|0.7|0.07|0.5|60|22|5
Diseases of white blood cells|III|0.7|0.6|0.5|0.06|0.4|50|25|6
Other diseases of blood and immune system|III|1.0|0.3|0.7|0.04|0.5|50|22|4
Thyroid disorders|IV|1.0|0.3|0.4|0.02|0.5|55|17|3
Diabetes mellitus with complications|IV|3.0|0.8|0.4|0.04|0.6|55|22|5
Diabetes mellitus without complication|IV|0.8|0.6|0.6|0.02|0.6|60|18|3
Nutritional and other endocrine disorders|IV|1.5|0.5|0.5|0.04|0.5|55|22|5
Fluid and electrolyte disorders|IV|4.0|0.9|0.2|0.07|0.5|74|17|6
Other metabolic disorders|IV|0.8|0.4|0.6|0.04|0.5|50|25|4
Delirium, dementia and amnestic disorders|V|1.5|0.95|0.0|0.09|0.4|83|8|14
Mood disorders|V|0.8|0.9|0.1|0.005|0.4|40|18|5
Schizophrenia and other psychotic disorders|V|0.4|0.9|0.0|0.006|0.4|40|16|7
Alcohol-related mental disorders|V|1.5|0.97|0.1|0.02|0.4|48|13|3
Substance-related mental disorders|V|0.6|0.97|0.0|0.01|0.3|35|14|2
Other mental and behavioural disorders|V|1.2|0.9|0.2|0.01|0.4|35|22|3
Parkinson's disease and other degenerative nervous conditions|VI|1.0|0.8|0.3|0.08|0.45|78|10|10
Multiple sclerosis|VI|0.5|0.4|0.6|0.02|0.4|47|12|5
Epilepsy and convulsions|VI|3.0|0.95|0.3|0.02|0.5|45|25|3
Headache including migraine|VI|1.5|0.95|0.4|0.002|0.5|38|16|2
Coma, stupor and brain damage|VI|0.3|0.95|0.0|0.3|0.35|60|20|10
Other nervous system disorders|VI|4.0|0.4|0.7|0.02|0.5|55|20|5
Cataract|VII|6.0|0.0|0.98|0.0005|0.5|74|10|1
Glaucoma|VII|0.8|0.05|0.95|0.0005|0.5|70|12|1
Other eye disorders|VII|4.0|0.08|0.95|0.001|0.5|65|16|2
Otitis media and related conditions|VIII|0.8|0.4|0.8|0.0005|0.5|15|18|1
Other ear and sense organ disorders|VIII|1.5|0.4|0.8|0.002|0.5|50|22|2
Hypertension|IX|1.0|0.7|0.3|0.03|0.5|65|16|3
Acute myocardial infarction|IX|4.5|0.95|0.1|0.05|0.55|69|13|6
Coronary atherosclerosis and other heart disease|IX|5.0|0.35|0.8|0.02|0.5|67|12|3
Nonspecific chest pain|XVIII|7.0|0.97|0.3|0.004|0.6|55|17|1
Pulmonary heart disease|IX|1.5|0.9|0.1|0.09|0.45|68|15|7
Other and ill-defined heart disease|IX|0.8|0.7|0.4|0.05|0.5|65|17|5
Cardiac dysrhythmias|IX|7.0|0.7|0.5|0.03|0.55|72|14|3
Cardiac arrest and ventricular fibrillation|IX|0.4|0.97|0.0|0.45|0.3|65|16|5
Congestive heart failure, nonhypertensive|IX|4.5|0.95|0.1|0.1|0.45|79|11|10
Acute cerebrovascular disease|IX|4.5|0.97|0.05|0.15|0.45|75|13|14
Transient cerebral ischaemia|IX|1.5|0.95|0.3|0.01|0.5|72|13|2
Aortic, peripheral and visceral artery aneurysms|IX|0.8|0.3|0.3|0.08|0.4|73|9|7
Aortic and peripheral arterial embolism or thrombosis|IX|0.8|0.7|0.3|0.12|0.4|72|12|9
Other circulatory disease|IX|2.5|0.4|0.6|0.03|0.5|62|18|4
Phlebitis, thrombophlebitis and thromboembolism|IX|2.0|0.85|0.4|0.05|0.5|64|17|5
Varicose veins of lower extremity|IX|1.0|0.02|0.95|0.0005|0.5|52|14|1
Haemorrhoids|IX|1.0|0.1|0.95|0.001|0.5|50|16|1
Pneumonia|X|9.0|0.98|0.05|0.085|0.5|73|18|8
Influenza|X|1.0|0.98|0.0|0.05|0.55|65|24|5
Acute and chronic tonsillitis|X|1.0|0.6|0.5|0.0005|0.5|22|15|1
Acute bronchitis|X|3.0|0.98|0.0|0.02|0.55|35|35|3
Other upper respiratory infections|X|3.5|0.9|0.4|0.003|0.5|20|25|2
Chronic obstructive pulmonary disease and bronchiectasis|X|5.0|0.95|0.1|0.06|0.4|71|11|6
Asthma|X|2.0|0.95|0.2|0.005|0.5|30|24|2
Aspiration pneumonitis, food/vomitus|X|0.8|0.98|0.0|0.22|0.4|82|10|12
Pleurisy, pneumothorax, pulmonary collapse|X|1.5|0.85|0.3|0.06|0.45|60|20|6
Respiratory failure, insufficiency, arrest|X|1.0|0.97|0.0|0.22|0.4|70|15|9
Lung disease due to external agents|X|0.3|0.7|0.3|0.07|0.4|70|14|7
Other lower respiratory disease|X|3.0|0.8|0.4|0.05|0.5|65|18|5
Other upper respiratory disease|X|2.0|0.3|0.8|0.003|0.5|40|22|2
Intestinal obstruction without hernia|XI|2.0|0.9|0.1|0.08|0.45|70|16|8
Diverticulosis and diverticulitis|XI|2.5|0.6|0.6|0.03|0.5|66|14|4
Appendicitis and other appendiceal conditions|XI|2.5|0.95|0.1|0.002|0.6|32|18|3
Abdominal hernia|XI|3.5|0.2|0.7|0.01|0.55|58|17|2
Regional enteritis and ulcerative colitis|XI|2.0|0.5|0.7|0.01|0.5|42|18|5
Gastrointestinal haemorrhage|XI|3.5|0.9|0.3|0.06|0.5|68|18|5
Peptic ulcer and gastritis|XI|3.0|0.6|0.8|0.02|0.5|58|19|3
Other disorders of stomach and duodenum|XI|3.0|0.3|0.9|0.01|0.5|55|20|2
Oesophageal disorders|XI|3.0|0.3|0.9|0.01|0.5|58|18|2
Biliary tract disease|XI|5.0|0.5|0.5|0.015|0.55|55|18|3
Liver disease, alcohol-related|XI|1.2|0.9|0.3|0.14|0.35|54|11|9
Other liver diseases|XI|1.5|0.7|0.4|0.09|0.4|58|16|7
Pancreatic disorders (not diabetes)|XI|1.5|0.9|0.2|0.05|0.5|57|17|6
Noninfectious gastroenteritis|XI|3.0|0.9|0.4|0.01|0.6|50|27|2
Other gastrointestinal disorders|XI|12.0|0.25|0.92|0.008|0.5|55|18|2
Skin and subcutaneous tissue infections|XII|4.0|0.85|0.4|0.02|0.55|58|20|5
Chronic ulcer of skin|XII|0.8|0.7|0.5|0.06|0.4|76|13|12
Other skin disorders|XII|5.0|0.2|0.92|0.003|0.5|55|22|2
Infective arthritis and osteomyelitis|XIII|0.7|0.7|0.3|0.04|0.45|60|20|12
Osteoarthritis|XIII|6.0|0.02|0.5|0.002|0.6|69|10|3
Other non-traumatic joint disorders|XIII|6.0|0.15|0.85|0.002|0.5|55|18|2
Spondylosis, intervertebral disc disorders, back problems|XIII|5.0|0.3|0.8|0.003|0.5|56|16|3
Osteoporosis and pathological fracture|XIII|0.6|0.6|0.5|0.05|0.5|78|11|10
Systemic lupus and connective tissue disorders|XIII|2.0|0.1|0.95|0.005|0.5|58|16|3
Other musculoskeletal and connective tissue disorders|XIII|5.0|0.25|0.85|0.004|0.5|55|20|2
Nephritis, nephrosis, renal sclerosis|XIV|0.6|0.5|0.5|0.03|0.5|55|20|5
Acute kidney injury|XIV|2.5|0.95|0.1|0.12|0.45|77|13|9
Chronic kidney disease|XIV|2.0|0.3|0.9|0.05|0.4|66|15|5
Urinary tract infections|XIV|6.5|0.95|0.2|0.04|0.55|72|21|6
Calculus of urinary tract|XIV|2.5|0.55|0.7|0.002|0.5|50|16|2
Other diseases of kidney and ureters|XIV|1.5|0.4|0.7|0.01|0.5|55|20|3
Other diseases of bladder and urethra|XIV|3.5|0.25|0.9|0.008|0.5|62|20|2
Hyperplasia of prostate|XIV|1.5|0.2|0.6|0.005|0.5|72|9|2
Diseases of female genital organs|XIV|7.0|0.15|0.85|0.001|0.5|40|14|2
Diseases of male genital organs|XIV|1.5|0.25|0.85|0.002|0.5|45|24|1
Normal pregnancy and delivery|XV|14.0|0.0|0.0|0.00002|0.3|30|6|2
Complications of pregnancy and labour|XV|16.0|0.0|0.1|0.0001|0.3|30|6|2
Early pregnancy loss and ectopic pregnancy|XV|4.0|0.0|0.6|0.0001|0.3|31|6|1
Liveborn, normal birthweight|XVI|10.0|0.0|0.0|0.0002|0.0|0|0|2
Short gestation, low birthweight and fetal growth retardation|XVI|1.2|0.0|0.0|0.02|0.0|0|0|14
Respiratory distress and other perinatal respiratory conditions|XVI|0.6|0.0|0.0|0.02|0.0|0|0|9
Neonatal jaundice and other perinatal conditions|XVI|1.5|0.0|0.0|0.002|0.0|0|0|3
Cardiac and circulatory congenital anomalies|XVII|0.5|0.3|0.5|0.03|0.0|8|15|6
Other congenital anomalies|XVII|1.5|0.15|0.8|0.005|0.0|10|15|3
Abdominal pain|XVIII|12.0|0.9|0.6|0.004|0.6|42|22|2
Syncope and collapse|XVIII|4.0|0.97|0.1|0.02|0.55|72|17|3
Breathing abnormalities and cough|XVIII|3.0|0.95|0.3|0.04|0.5|62|24|3
Fever of unknown origin|XVIII|1.5|0.97|0.1|0.01|0.5|35|30|3
Falls, dizziness and gait abnormality|XVIII|3.0|0.95|0.1|0.04|0.5|80|12|8
Senility and other symptoms of the elderly|XVIII|0.8|0.95|0.0|0.09|0.4|86|7|12
Other symptoms and signs|XVIII|8.0|0.7|0.7|0.02|0.5|55|24|3
Fracture of neck of femur (hip)|XIX|3.0|0.97|0.0|0.06|0.5|82|10|16
Other fractures of lower limb|XIX|2.0|0.75|0.2|0.015|0.5|55|24|6
Fracture of upper limb|XIX|3.0|0.55|0.6|0.005|0.55|45|27|2
Skull and face fractures|XIX|0.8|0.85|0.3|0.04|0.5|50|24|3
Intracranial injury|XIX|2.0|0.97|0.1|0.06|0.45|60|26|5
Crushing injury or internal injury|XIX|0.5|0.95|0.1|0.06|0.45|45|22|5
Open wounds and superficial injuries|XIX|3.0|0.85|0.4|0.005|0.5|40|26|2
Sprains, strains and other injuries|XIX|2.0|0.7|0.6|0.005|0.5|40|25|2
Complications of surgical procedures or medical care|XIX|4.5|0.55|0.5|0.03|0.5|60|18|6
Poisoning by medicines and other substances|XIX|3.0|0.97|0.0|0.005|0.45|35|17|2
Chemotherapy and radiotherapy admissions|XXI|5.0|0.02|0.95|0.03|0.3|62|14|3
Rehabilitation and aftercare|XXI|2.0|0.2|0.6|0.03|0.4|70|16|10
Screening, examination and other factors|XXI|6.0|0.1|0.95|0.002|0.5|55|20|1
"""

# Groups the general-failure scenario targets (emergency medical groups, world contract).
GENERAL_FAILURE_GROUP_NAMES = (
    "Septicaemia (except in labour) and shock", "Pneumonia", "Congestive heart failure, nonhypertensive",
    "Acute cerebrovascular disease", "Chronic obstructive pulmonary disease and bronchiectasis",
    "Acute kidney injury", "Urinary tract infections", "Fracture of neck of femur (hip)",
)


def _parse() -> pd.DataFrame:
    rows = [line.split("|") for line in _TABLE.strip().splitlines()]
    df = pd.DataFrame(rows, columns=["group_name", "chapter_key", "share", "emergency", "day_case", "p70",
                                     "age_slope", "age_mean", "age_sd", "los"])
    for c in ("share", "emergency", "day_case", "p70", "age_slope", "age_mean", "age_sd", "los"):
        df[c] = df[c].astype(float)
    df.insert(0, "group_id", np.arange(1, len(df) + 1, dtype=np.int64))
    df["chapter"] = df["chapter_key"].map(CHAPTERS)
    df["symptom_group"] = (df["chapter_key"] == "XVIII").astype(np.int64)
    df["perinatal_group"] = (df["chapter_key"] == "XVI").astype(np.int64)
    df["maternity"] = df["chapter_key"].isin(["XV", "XVI"])
    df["share"] = df["share"] / df["share"].sum()
    df["base_logit"] = np.log(df["p70"] / (1 - df["p70"]))
    if df["group_name"].duplicated().any():
        raise AssertionError("duplicate diagnosis group names")
    return df


GROUPS = _parse()
N_GROUPS = len(GROUPS)
LOOKUP_COLUMNS = ("group_id", "group_name", "chapter", "symptom_group", "perinatal_group")


def group_ids(names: tuple[str, ...] | list[str]) -> list[int]:
    """Group ids of the named groups (raises KeyError naming the first unknown one)."""
    by_name = dict(zip(GROUPS["group_name"], GROUPS["group_id"]))
    out = []
    for n in names:
        if n not in by_name:
            raise KeyError(f"no diagnosis group named {n!r}")
        out.append(int(by_name[n]))
    return out


def lookup_table() -> pd.DataFrame:
    """The ``diagnosis_groups.csv`` table (columns of the DIAGNOSIS_GROUPS source)."""
    return GROUPS.loc[:, list(LOOKUP_COLUMNS)].copy()
