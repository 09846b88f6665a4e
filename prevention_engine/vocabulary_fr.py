"""French names of the vocabulary codes, for the sentences a person reads.

A code of ``vocabulary.py`` (``zoster_history``, ``breastfeeding``) is a key for programs; a
person reads its French name. Every code that can reach a reason (a condition, a situation, a
measurement, a vaccine target) has one here: ``tests/unit/test_vocabulary_fr.py`` fails when a
code is added without its name, and when an agenda's reason shows a raw code.
"""

from __future__ import annotations

CONDITION_NAMES = {
    "type_1_diabetes": "diabète de type 1",
    "type_2_diabetes": "diabète de type 2",
    "gestational_diabetes": "diabète gestationnel",
    "familial_hypercholesterolaemia": "hypercholestérolémie familiale",
    "diabetic_retinopathy": "rétinopathie diabétique",
    "atherosclerotic_cvd": "maladie cardiovasculaire athéroscléreuse (infarctus, AVC, artérite)",
    "macrosomia_history": "antécédent de naissance d'un enfant de poids élevé (macrosomie)",
    "chronic_respiratory_disease": "maladie respiratoire chronique",
    "asthma": "asthme",
    "copd": "bronchopneumopathie chronique obstructive (BPCO)",
    "chronic_heart_disease": "maladie cardiaque chronique",
    "heart_failure": "insuffisance cardiaque",
    "chronic_kidney_disease": "maladie rénale chronique",
    "chronic_liver_disease": "maladie hépatique chronique",
    "immunodeficiency": "immunodépression",
    "hiv_infection": "infection par le VIH",
    "asplenia": "asplénie",
    "sickle_cell_disease": "drépanocytose",
    "cancer_under_treatment": "cancer en cours de traitement",
    "organ_transplant": "greffe d'organe",
    "obesity": "obésité",
    "hypertension": "hypertension artérielle",
    "hysterectomy": "hystérectomie",
    "subtotal_hysterectomy": "hystérectomie subtotale",
    "breast_cancer_history": "antécédent de cancer du sein",
    "colorectal_cancer_history": "antécédent de cancer colorectal",
    "colorectal_adenoma_history": "antécédent d'adénome colorectal",
    "inflammatory_bowel_disease": "maladie inflammatoire chronique de l'intestin",
    "cervical_lesion_treated": "lésion du col de l'utérus traitée",
    "diethylstilbestrol_exposure": "exposition au distilbène (DES) in utero",
    "breast_high_risk": "risque élevé de cancer du sein",
    "lynch_syndrome": "syndrome de Lynch",
    "familial_adenomatous_polyposis": "polypose adénomateuse familiale",
    "neuromuscular_disease": "maladie neuromusculaire",
    "chronic_neurological_disease": "maladie neurologique chronique",
    "cystic_fibrosis": "mucoviscidose",
    "bronchopulmonary_dysplasia": "dysplasie bronchopulmonaire",
    "congenital_heart_disease": "cardiopathie congénitale",
    "trisomy_21": "trisomie 21",
    "dementia": "démence",
    "psychiatric_disorder": "trouble psychiatrique",
    "cochlear_implant": "implant cochléaire",
    "csf_leak": "brèche ostéoméningée",
    "nephrotic_syndrome": "syndrome néphrotique",
    "immunosuppressive_therapy": "traitement immunosuppresseur",
    "history_of_high_glucose": "antécédent de glycémie élevée",
    "zoster_history": "zona",
    "pertussis_history": "coqueluche",
    "hepatitis_b_carrier": "portage de l'hépatite B (AgHBs)",
}

SITUATION_NAMES = {
    "health_professional": "professionnel de santé",
    "early_childhood_professional": "professionnel de la petite enfance",
    "care_home_resident": "résident d'un établissement d'hébergement",
    "msm": "homme ayant des relations sexuelles avec des hommes",
    "injecting_drug_use": "usage de drogues injectables",
    "sex_worker": "travail du sexe",
    "multiple_sexual_partners": "partenaires sexuels multiples",
    "born_in_high_tb_country": "naissance dans un pays de forte endémie tuberculeuse",
    "parent_from_high_tb_country": "parent originaire d'un pays de forte endémie tuberculeuse",
    "stay_in_high_tb_country": "séjour dans un pays de forte endémie tuberculeuse",
    "tb_case_in_family": "cas de tuberculose dans l'entourage",
    "precarious_housing": "conditions de logement précaires",
    "contact_of_immunocompromised": "entourage d'une personne immunodéprimée",
    "contact_of_infant_under_6_months": "entourage d'un nourrisson de moins de 6 mois",
    "traveller": "voyage",
    "institution_for_disabled": "accueil en institution pour personnes handicapées",
    "detainee": "détention",
    "high_hiv_prevalence_origin": "origine d'une région de forte prévalence du VIH",
    "lung_screening_volunteer": "volontaire du programme de dépistage du cancer du poumon",
    "sexually_active": "activité sexuelle",
    "symptoms_colorectal": "symptômes digestifs",
    "symptoms_breast": "symptômes mammaires",
    "symptoms_cervical": "symptômes gynécologiques",
    "breastfeeding": "allaitement",
}

OBSERVATION_NAMES = {
    "glucose": "glycémie (capteur ou lecteur)",
    "foot_risk_grade": "grade de risque podologique",
    "systolic_bp": "pression artérielle systolique",
    "diastolic_bp": "pression artérielle diastolique",
    "total_cholesterol": "cholestérol total",
    "hdl_cholesterol": "cholestérol HDL",
    "ldl_cholesterol": "cholestérol LDL",
    "hba1c": "hémoglobine glyquée (HbA1c)",
    "fasting_glucose": "glycémie à jeun",
    "egfr": "débit de filtration glomérulaire estimé",
    "uacr": "rapport albuminurie/créatininurie",
    "weight": "poids",
    "height": "taille",
    "head_circumference": "périmètre crânien",
    "bmi": "indice de masse corporelle",
    "waist_circumference": "tour de taille",
}

#: Diseases a vaccine protects from, as in "l'immunité contre la varicelle".
TARGET_NAMES = {
    "diphtheria": "la diphtérie",
    "tetanus": "le tétanos",
    "pertussis": "la coqueluche",
    "poliomyelitis": "la poliomyélite",
    "haemophilus_influenzae_b": "Haemophilus influenzae de type b",
    "hepatitis_b": "l'hépatite B",
    "pneumococcus": "le pneumocoque",
    "meningococcus_b": "le méningocoque B",
    "meningococcus_acwy": "les méningocoques ACWY",
    "meningococcus_c": "le méningocoque C",
    "measles": "la rougeole",
    "mumps": "les oreillons",
    "rubella": "la rubéole",
    "rotavirus": "le rotavirus",
    "rsv": "le virus respiratoire syncytial (VRS)",
    "hpv": "les papillomavirus (HPV)",
    "varicella": "la varicelle",
    "hepatitis_a": "l'hépatite A",
    "influenza": "la grippe",
    "covid19": "la Covid-19",
    "zoster": "le zona",
    "tuberculosis": "la tuberculose",
    "yellow_fever": "la fièvre jaune",
    "dengue": "la dengue",
    "typhoid": "la typhoïde",
    "rabies": "la rage",
    "japanese_encephalitis": "l'encéphalite japonaise",
    "tick_borne_encephalitis": "l'encéphalite à tiques",
    "cholera": "le choléra",
    "chikungunya": "le chikungunya",
    "ebola": "la maladie à virus Ebola",
    "mpox": "le mpox",
}


def _named(names: dict[str, str], code: str) -> str:
    """The French name of ``code``; an unknown code keeps a readable form, never a raw key."""
    return names.get(code, code.replace("_", " "))


def condition_name(code: str) -> str:
    """"zona" for ``zoster_history``."""
    return _named(CONDITION_NAMES, code)


def situation_name(code: str) -> str:
    return _named(SITUATION_NAMES, code)


def observation_name(code: str) -> str:
    return _named(OBSERVATION_NAMES, code)


def target_name(code: str) -> str:
    return _named(TARGET_NAMES, code)


#: How an immunity is documented (``immunity[].evidence``; free text, these are the usual ones).
EVIDENCE_NAMES = {
    "history": "antécédent de la maladie",
    "serology": "sérologie",
    "titer": "sérologie",
    "lab": "sérologie",
    "physician_diagnosis": "diagnostic médical",
}


#: What a recorded procedure of a non-vaccine target is (``procedures[].target``), for the
#: ``--trace`` lines; a disease target is named by ``target_name``.
PROCEDURE_NAMES = {
    "hiv": "test de dépistage du VIH",
    "kidney_function": "bilan rénal",
    "postnatal_exam": "examen postnatal",
    "alcohol_use": "repérage de la consommation d'alcool",
    "diabetes_risk": "évaluation du risque de diabète",
    "gestational_diabetes_screening": "dépistage du diabète gestationnel",
    "neonatal_blood_spot": "dépistage néonatal sur buvard",
    "growth_review": "suivi de la croissance",
    "physical_activity": "conseil d'activité physique",
    "lung_cancer": "dépistage du cancer du poumon",
    "gbs_screening": "dépistage du streptocoque B",
    "smoking_cessation": "aide à l'arrêt du tabac",
    "syphilis": "dépistage de la syphilis",
    "toxoplasmosis": "sérologie de la toxoplasmose",
    "chlamydia": "dépistage des chlamydiae",
    "podiatry_care": "soins de pédicurie-podologie",
    "child_health_exam": "examen de santé de l'enfant",
    "anaesthesia_consultation": "consultation d'anesthésie",
    "anti_d_prophylaxis": "injection d'immunoglobulines anti-D",
    "prenatal_exam": "examen prénatal",
    "foot_exam": "examen des pieds",
    "breast_cancer": "dépistage du cancer du sein",
    "irregular_antibodies": "recherche d'agglutinines irrégulières",
    "lipid_panel": "bilan lipidique",
    "ecg": "électrocardiogramme",
    "prevention_checkup": "bilan de prévention",
    "sleep": "conseil sur le sommeil",
    "pregnancy_declaration": "déclaration de grossesse",
    "dental_checkup": "examen bucco-dentaire",
    "diet": "conseil alimentaire",
    "early_prenatal_interview": "entretien prénatal précoce",
    "hepatitis_c": "dépistage de l'hépatite C",
    "blood_group_typing": "groupe sanguin",
    "retinopathy_screening": "examen du fond d'œil",
    "early_postnatal_interview": "entretien postnatal précoce",
    "cervical_cancer": "dépistage du cancer du col de l'utérus",
    "screen_time": "conseil sur les écrans",
    "health_certificate": "certificat de santé",
    "neonatal_hearing_screening": "dépistage néonatal de la surdité",
    "colorectal_cancer": "dépistage du cancer colorectal",
    "cardiovascular_risk": "évaluation du risque cardiovasculaire",
    "ultrasound": "échographie",
    "health_advice": "conseil de santé",
    "hba1c": "HbA1c",
}


def procedure_name(code: str) -> str:
    """What a recorded procedure of ``code`` is: "examen prénatal", "la rubéole"."""
    return PROCEDURE_NAMES.get(code) or target_name(code)


#: Methods of a recorded procedure (``procedures[].method``) as a person reads them.
METHOD_NAMES = {
    "serology": "sérologie",
    "fit": "test immunologique fécal",
    "colonoscopy": "coloscopie",
    "cytology": "examen cytologique",
    "hpv_test": "test HPV-HR",
    "low_dose_ct": "scanner faible dose",
    "hbsag": "antigène HBs",
    "fasting_glucose": "glycémie à jeun",
    "ogtt": "HGPO",
    "mammography": "mammographie",
    "consultation": "consultation",
}


def method_name(code: str) -> str:
    return _named(METHOD_NAMES, code)


def evidence_name(code: str) -> str:
    return _named(EVIDENCE_NAMES, code)


# French names of facts, used in "renseignez ..." messages.
FACT_NAMES = {
    "sex": "le sexe",
    "residence.department": "le département de résidence",
    "pregnancy.gestational_age": "l'âge gestationnel",
    "perinatal.gestational_age_weeks": "le terme de naissance (semaines)",
    "perinatal.birth_weight_g": "le poids de naissance",
    "perinatal.mother_vaccinations": "les vaccinations de la mère pendant la grossesse",
    "perinatal.mother_hbsag_positive": "le statut AgHBs de la mère",
    "lifestyle.smoker": "le tabagisme (fumeur ou non)",
    "lifestyle.former_smoker": "l'ancien tabagisme",
    "lifestyle.years_since_quit": "le nombre d'années depuis l'arrêt du tabac",
    "lifestyle.pack_years": "la consommation cumulée de tabac (paquets-années)",
    "lifestyle.daily_physical_activity": "l'activité physique quotidienne",
    "lifestyle.daily_fruit_vegetables": "la consommation quotidienne de fruits et légumes",
    "lifestyle.alcohol_units_per_week": "la consommation d'alcool",
    "lifestyle.sexually_active": "l'activité sexuelle (rapports sexuels ou non)",
    "procedure.method": "le type du dernier test",
    "procedure.result": "le résultat du dernier test",
    "situation.breastfeeding": "l'allaitement (allaitez-vous ?)",
    "situation.lung_screening_volunteer": (
        "votre souhait de participer au programme pilote de dépistage du cancer du poumon"
    ),
    "pregnancy.outcome": "l'issue de la grossesse",
    "pregnancy.parity": "le nombre d'accouchements avant cette grossesse (parité)",
    "rhesus": "le groupe rhésus (RhD), d'après la carte de groupe sanguin",
    "immunity.toxoplasmosis": "le résultat de la sérologie de la toxoplasmose (immunisée ou non)",
    "immunity.rubella": "le résultat de la sérologie de la rubéole (immunisée ou non)",
    "family_history.diabetes": "les antécédents de diabète chez les parents, frères ou sœurs",
    # asked by the pregnancy pathway (start of pregnancy) and by the influenza target group
    # (obesity): one name true in both
    "observation.bmi": "l'indice de masse corporelle (IMC ; pour une femme enceinte, celui du "
    "début de grossesse)",
    "immunity.varicella": "l'antécédent de varicelle (ou une sérologie)",
    "medication.insulin": "le traitement par insuline (oui ou non)",
    "medication.antihypertensive": "la prise régulière d'un traitement contre l'hypertension "
    "(actuelle ou passée)",
    "condition.diabetic_retinopathy": "le résultat du dernier examen des yeux (rétinopathie "
    "ou non)",
    "condition.history_of_high_glucose": "un antécédent de glycémie élevée (bilan, maladie, "
    "grossesse)",
    "observation.hba1c": "l'HbA1c (hémoglobine glyquée, prise de sang)",
    "observation.systolic_bp": "la pression artérielle systolique (mesurée au cabinet)",
    "observation.diastolic_bp": "la pression artérielle diastolique",
    "observation.total_cholesterol": "le cholestérol total (bilan lipidique, prise de sang)",
    "observation.hdl_cholesterol": "le cholestérol HDL (bilan lipidique, prise de sang)",
    "observation.egfr": "le débit de filtration glomérulaire estimé (DFG, créatinine)",
    "observation.uacr": "le rapport albuminurie/créatininurie (analyse d'urine)",
    "observation.waist_circumference": "le tour de taille (au niveau du nombril)",
    "observation.foot_risk_grade": "le grade de risque podologique (examen des pieds)",
    "condition.type_2_diabetes.since": "la date du diagnostic du diabète de type 2",
    "lifestyle.sleep_hours": "la durée habituelle de sommeil",
    "lifestyle.screen_hours_per_day": "le temps d'écran quotidien",
}


def fact_name(code: str) -> str:
    """The French name of a missing fact code (never the raw vocabulary code)."""
    if code in FACT_NAMES:
        return FACT_NAMES[code]
    kind, _, rest = code.partition(".")
    if kind == "observation":
        return "la mesure « " + observation_name(rest) + " »"
    if kind == "family_history":
        return "les antécédents familiaux (" + condition_name(rest) + ")"
    if kind == "situation":
        return "la situation « " + situation_name(rest) + " »"
    if kind == "immunity":
        return "l'immunité contre " + target_name(rest) + " (antécédent ou sérologie)"
    if kind == "condition" and rest.endswith(".since"):
        return "la date de début (" + condition_name(rest.removesuffix(".since")) + ")"
    if kind == "lifestyle" or kind == "perinatal":
        return rest.replace("_", " ")
    return code.replace("_", " ")
