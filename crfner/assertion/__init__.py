"""Assertion status of found entities: whether the text negates them (:mod:`.negation`)."""

from .negation import RULES, RULES_VERSION, Negation, negations

__all__ = ["Negation", "RULES", "RULES_VERSION", "negations"]
