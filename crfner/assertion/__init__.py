"""What the text says about found entities: whether it negates them (:mod:`.negation`), names
them only as a condition or a warning (:mod:`.hypothetical`), attributes them to a relative
(:mod:`.family`) or names them as possible (:mod:`.uncertainty`), the last three by name in
:mod:`.readings`; and which section of a note they fall under (:mod:`.sections`)."""

from .cues import cue_phrases
from .negation import NEGATION_FIELDS, RULES, RULES_VERSION, Negation, negation_record, negations
from .family import FAMILY_FIELDS, FAMILY_RULES, FAMILY_RULES_VERSION, FamilyAttribution, family_attributions
from .hypothetical import HYPOTHETICAL_FIELDS, HYPOTHETICAL_RULES, HYPOTHETICAL_RULES_VERSION, Hypothetical, hypotheticals
from .uncertainty import UNCERTAINTY_FIELDS, UNCERTAINTY_RULES, UNCERTAINTY_RULES_VERSION, Uncertainty, uncertainties
from .readings import READINGS, Reading, reading_record
from .sections import SECTION_FIELDS, entity_sections, section_record

__all__ = ["FAMILY_FIELDS", "FAMILY_RULES", "FAMILY_RULES_VERSION", "FamilyAttribution", "HYPOTHETICAL_FIELDS",
           "HYPOTHETICAL_RULES", "HYPOTHETICAL_RULES_VERSION", "Hypothetical", "NEGATION_FIELDS", "Negation", "READINGS", "RULES",
           "RULES_VERSION", "Reading", "SECTION_FIELDS", "UNCERTAINTY_FIELDS", "UNCERTAINTY_RULES", "UNCERTAINTY_RULES_VERSION",
           "Uncertainty", "cue_phrases", "entity_sections", "family_attributions", "hypotheticals", "negation_record",
           "negations", "reading_record", "section_record", "uncertainties"]
