"""Assertion status of found entities: whether the text negates them (:mod:`.negation`)."""

from .negation import NEGATION_FIELDS, RULES, RULES_VERSION, Negation, negation_record, negations

__all__ = ["NEGATION_FIELDS", "Negation", "RULES", "RULES_VERSION", "negation_record", "negations"]
