"""What the text says about found entities: whether it negates them (:mod:`.negation`), names
them only as a condition or a warning (:mod:`.hypothetical`), and which section of a note they
fall under (:mod:`.sections`)."""

from .negation import NEGATION_FIELDS, RULES, RULES_VERSION, Negation, negation_record, negations
from .hypothetical import (HYPOTHETICAL_FIELDS, HYPOTHETICAL_RULES, HYPOTHETICAL_RULES_VERSION, Hypothetical,
                           hypothetical_record, hypotheticals)
from .sections import SECTION_FIELDS, entity_sections, section_record

__all__ = ["HYPOTHETICAL_FIELDS", "HYPOTHETICAL_RULES", "HYPOTHETICAL_RULES_VERSION", "Hypothetical", "NEGATION_FIELDS",
           "Negation", "RULES", "RULES_VERSION", "SECTION_FIELDS", "entity_sections", "hypothetical_record", "hypotheticals",
           "negation_record", "negations", "section_record"]
