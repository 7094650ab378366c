"""Explanations from a CRF's own weights: what a model learned (``inspect_model``), why it tagged
each entity as it did (``explain``), and a self-contained HTML page of the latter (``render_html``)."""

from .entities import EntityExplanation, Explanation, explain
from .families import FAMILIES, family
from .html import render_html
from .weights import ModelInspection, inspect_model

__all__ = ["inspect_model", "ModelInspection", "explain", "Explanation", "EntityExplanation", "render_html",
           "family", "FAMILIES"]
