"""What the text says about found entities: whether it negates them (:mod:`.negation`), names
them only as a condition or a warning (:mod:`.hypothetical`) or attributes them to a relative
(:mod:`.family`), and which section of a note they fall under (:mod:`.sections`)."""

from .negation import NEGATION_FIELDS, RULES, RULES_VERSION, Negation, cue_phrases, negation_record, negations
from .family import FAMILY_FIELDS, FAMILY_RULES, FAMILY_RULES_VERSION, FamilyAttribution, family_attributions, family_record
from .hypothetical import (HYPOTHETICAL_FIELDS, HYPOTHETICAL_RULES, HYPOTHETICAL_RULES_VERSION, Hypothetical,
                           hypothetical_record, hypotheticals)
from .sections import SECTION_FIELDS, entity_sections, section_record

__all__ = ["FAMILY_FIELDS", "FAMILY_RULES", "FAMILY_RULES_VERSION", "FamilyAttribution", "HYPOTHETICAL_FIELDS", "HYPOTHETICAL_RULES", "HYPOTHETICAL_RULES_VERSION", "Hypothetical", "NEGATION_FIELDS",
           "Negation", "RULES", "RULES_VERSION", "SECTION_FIELDS", "cue_phrases", "entity_sections", "family_attributions", "family_record", "hypothetical_record", "hypotheticals",
           "negation_record", "negations", "section_record"]
