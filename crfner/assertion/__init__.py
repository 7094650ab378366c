"""What the text says about found entities: whether it negates them (:mod:`.negation`), and
which section of a note they fall under (:mod:`.sections`)."""

from .negation import NEGATION_FIELDS, RULES, RULES_VERSION, Negation, negation_record, negations
from .sections import SECTION_FIELDS, entity_sections, section_record

__all__ = ["NEGATION_FIELDS", "Negation", "RULES", "RULES_VERSION", "SECTION_FIELDS", "entity_sections", "negation_record",
           "negations", "section_record"]
