"""The entity types of the clinical corpora and the ones each selects by default, apart from
their reader so that the corpus registry can name the defaults without importing it."""

from __future__ import annotations

__all__ = ["MACCROBAT_TYPES", "MACCROBAT_DEFAULT", "PHEE_TYPES", "PHEE_DEFAULT"]

MACCROBAT_TYPES = (
    "Activity", "Administration", "Age", "Area", "Biological_attribute", "Biological_structure", "Clinical_event",
    "Color", "Coreference", "Date", "Detailed_description", "Diagnostic_procedure", "Disease_disorder", "Distance",
    "Dosage", "Duration", "Family_history", "Frequency", "Height", "History", "Lab_value", "Mass", "Medication",
    "Nonbiological_location", "Occupation", "Other_entity", "Other_event", "Outcome", "Personal_background",
    "Qualitative_concept", "Quantitative_concept", "Severity", "Sex", "Shape", "Sign_symptom", "Subject", "Texture",
    "Therapeutic_procedure", "Time", "Volume", "Weight",
)
# The clinically central types; Severity is the twelfth: 367 of its 380 MODIFY relations
# point at the other eleven (Detailed_description, a catch-all modifier, is left out).
MACCROBAT_DEFAULT = (
    "Sign_symptom", "Disease_disorder", "Medication", "Dosage", "Frequency", "Duration", "Administration",
    "Diagnostic_procedure", "Therapeutic_procedure", "Lab_value", "Biological_structure", "Severity",
)
PHEE_TYPES = (
    "Adverse_event", "Age", "Combination", "Dosage", "Drug", "Duration", "Effect", "Freq", "Gender", "Negation_cue",
    "Population", "Potential_therapeutic_event", "Race", "Route", "Severity_cue", "Speculation_cue", "Sub-Disorder",
    "Subject", "Time_elapsed", "Treat-Disorder", "Treatment",
)
# The medication attributes: the drug, how it was given, what for, and the adverse effect.
PHEE_DEFAULT = ("Drug", "Dosage", "Route", "Freq", "Duration", "Treat-Disorder", "Effect")
