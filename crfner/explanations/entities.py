"""Explain the entities a fitted CRF finds in text: at each of their tokens, the attributes and
transitions that make its label beat the best competing label (see ``contributions``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Collection, Sequence

from ..assertion import READINGS, Negation, entity_sections, negation_record, negations, reading_record, section_record
from ..errors import DataFormatError
from ..schemes import tags_to_spans
from ..tagging.annotate import check_splitter, model_splitter, tagged_split
from ..tagging.entity_fields import check_negation_types
from ..text.splitters import split_text
from ..text.statements import full_stopped
from ..text import encodable
from .contributions import TokenExplanation, token_margin

__all__ = ["EntityExplanation", "Explanation", "explain"]



@dataclass
class EntityExplanation:
    """One entity, as :func:`crfner.tag_text` gives it (``text[start:end]``, type, mean tag
    probability), with the explanation of each of its tokens."""

    start: int
    end: int
    type: str
    text: str
    score: float
    sentence: int  # which sentence of the input it is in
    token_start: int  # its tokens in that sentence: [token_start, token_end)
    token_end: int
    tokens: list[TokenExplanation] = field(default_factory=list)
    negation: Negation | None = None  # with explain(negation=...): whether the text negates it, and the cue
    # with explain(sections=True): {"section": the known section it falls under, or None above the first}
    section: dict | None = None
    # with explain(hypothetical=True, ...): each reading asked for (crfner.assertion.READINGS) by name, its answer and cue
    readings: dict = field(default_factory=dict)

    @property
    def hypothetical(self):
        """With ``explain(hypothetical=True)``, whether the text names it only as a condition, and the cue; else None."""
        return self.readings.get("hypothetical")

    @property
    def family(self):
        """With ``explain(family=True)``, whether the text attributes it to a relative, and the cue; else None."""
        return self.readings.get("family")

    @property
    def uncertainty(self):
        """With ``explain(uncertainty=True)``, whether the text names it as possible, and the cue; else None."""
        return self.readings.get("uncertainty")

    def to_dict(self) -> dict:
        out = {
            "start": self.start, "end": self.end, "type": self.type, "text": self.text, "score": self.score,
            "sentence": self.sentence, "token_start": self.token_start, "token_end": self.token_end,
        }
        if self.negation is not None:  # the fields crfner tag --negation writes
            out.update(negation_record(self.negation))
        if self.section is not None:  # and --sections
            out.update(self.section)
        for name, found in self.readings.items():  # and --hypothetical, --family, --uncertainty
            out.update(reading_record(READINGS[name], found))
        return {**out, "tokens": [t.to_dict() for t in self.tokens]}


@dataclass
class Explanation:
    """The entities of a text and why (see :func:`explain`); ``to_dict()`` for JSON, ``str()``
    to read, :func:`crfner.explanations.html.render_html` for a page."""

    text: str
    labels: list[str]
    feature_set: dict  # name, version
    top: int
    entities: list[EntityExplanation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "text": self.text, "labels": list(self.labels), "feature_set": dict(self.feature_set), "top": self.top,
            "entities": [e.to_dict() for e in self.entities],
        }

    def __str__(self) -> str:
        from .render import render_explanation

        return render_explanation(self)


def _token_input(X) -> tuple[str, list[list[tuple[str, int, int]]]]:
    """Token lists as one text (tokens joined by a space, sentences by a line break) and each
    token's offsets in it."""
    if isinstance(X, (bytes, bytearray)) or not hasattr(X, "__len__"):
        raise DataFormatError("explain takes a str or a list of token lists")
    parts, out, at = [], [], 0
    for index, tokens in enumerate(X):
        if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
            raise DataFormatError(f"X[{index}] must be a list of token strings")
        if index:
            parts.append("\n")
            at += 1
        sentence = []
        for k, token in enumerate(tokens):
            if k:
                parts.append(" ")
                at += 1
            sentence.append((token, at, at + len(token)))
            parts.append(token)
            at += len(token)
        out.append(sentence)
    return "".join(parts), out


def explain(tagger, text: str | Sequence[Sequence[str]], top: int = 10, *, documents: Sequence | None = None,
            splitter: str | None = None, negation: bool | Collection[str] = False, sections: bool = False,
            hypothetical: bool = False, family: bool = False, uncertainty: bool = False) -> Explanation:
    """Every entity ``tagger`` (a fitted or loaded :class:`crfner.CRFTagger`) finds in ``text``
    and, at each of its tokens, the ``top`` attributes most in favour of its label over the
    best competing label (and the ``top`` most against), the transition terms, and the rest.

    ``text`` is raw text (split and tokenised as :func:`crfner.tag_text` does it with the same
    ``splitter``, ``"abstract"`` or ``"notes"``, None for the model's own: the same entities and
    offsets) or token lists, which are then joined into a text (a space between
    tokens, a line break between sentences) that the offsets point into; ``documents`` gives
    the token lists' document ids as in ``CRFTagger.predict``. For each token, ``margin ==
    emission + transition_in + transition_out`` and ``emission == sum of features + sum of
    against + rest``, exactly up to floating-point rounding. ``negation`` (True, or type names
    to limit it to) says for each entity whether the text negates it and by which cue
    (:func:`crfner.negations`, read with the same splitter; token lists' sentences apart).
    ``sections=True`` gives each entity the known section of the note it falls under
    (:func:`crfner.entity_sections`), as ``crfner tag --sections`` does, and ``hypothetical=True``
    whether the text names it only as a condition (:func:`crfner.hypotheticals`), ``family=True``
    whether it attributes it to a relative (:func:`crfner.family_attributions`), ``uncertainty=True``
    whether it names it as possible (:func:`crfner.uncertainties`).
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive whole number, not {top!r}")
    asked = {"hypothetical": hypothetical, "family": family, "uncertainty": uncertainty}
    for name, value in (("sections", sections), *asked.items()):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be True or False, not {value!r}")
    if getattr(tagger, "classes_", None) is not None:  # an unfitted tagger says so below
        check_negation_types(negation, tagger.classes_, "the tagger")
    raw = isinstance(text, str)
    if isinstance(text, str):
        if documents is not None:
            raise ValueError("documents= goes with token lists; raw text is one document")
        splitter = model_splitter(tagger, splitter)
        tokens, skip = tagged_split(text, splitter=splitter)
        split = [[(text[t.start:t.end], t.start, t.end) for t in s] for s in tokens]
        token_lists = [[encodable(token) for token, _, _ in s] for s in split]
        documents = [0] * len(split)  # one document, as tag_text tags it
    else:
        if splitter not in (None, "abstract"):
            check_splitter(splitter)
            raise ValueError("splitter= goes with raw text; token lists are already split")
        text, split = _token_input(text)
        splitter, skip = "abstract", frozenset()
        token_lists = [[token for token, _, _ in s] for s in split]
    real = [len(tokens) for tokens in token_lists]
    if splitter == "notes":  # as tag_text reads a note: each statement closed by a full stop, its tags then dropped
        token_lists = full_stopped(token_lists)
    scored = tagger.predict_scored(token_lists, documents=documents)
    weights = getattr(tagger, "weights_", None)
    if weights is None:
        from ..errors import NotFittedError  # made on first use: it subclasses scikit-learn's

        raise NotFittedError("this tagger has no CRF weights_ to explain (fit or load a CRFTagger)")
    index = {label: k for k, label in enumerate(weights.labels)}
    with_entities = [i for i, (tags, _) in enumerate(scored) if i not in skip and tags_to_spans(tags[: real[i]])]
    ids = None if documents is None else list(documents)
    attributes = tagger.token_attributes(token_lists, documents=ids) if with_entities else []

    feature_set = getattr(tagger, "feature_set_", None)
    out = Explanation(text, list(weights.labels),
                      {"name": getattr(feature_set, "name", None), "version": getattr(feature_set, "version", None)}, top)
    for i in with_entities:
        tags, probabilities = scored[i]
        path = [index[tag] for tag in tags]  # an added stop's tag too: its transition weighs on the last token's margin
        emissions = weights.emissions(attributes[i])
        for span in tags_to_spans(tags[: real[i]]):
            start, end = split[i][span.start][1], split[i][span.end - 1][2]
            score = sum(probabilities[span.start:span.end]) / (span.end - span.start)
            entity = EntityExplanation(start, end, span.type, text[start:end], float(score), i, span.start, span.end)
            for t in range(span.start, span.end):
                token, first, last = split[i][t]
                margin = token_margin(weights, attributes[i][t], emissions, path, t, top)
                entity.tokens.append(dataclasses.replace(margin, token=token, start=first, end=last))
            out.entities.append(entity)
    passages = None if raw else [(s[0][1], s[-1][2]) for s in split if s]  # token lists: each sentence apart
    if sections:
        for entity, section in zip(out.entities, entity_sections(text, out.entities, passages)):
            entity.section = section_record(section)
    negate = negation is not None and negation is not False
    readings = [name for name, value in asked.items() if value]
    # the text split once for negation and every reading
    sentences = split_text(text, passages or None, splitter) if negate or readings else None
    if negate:
        types = None if negation is True else negation
        for entity, found in zip(out.entities, negations(text, out.entities, splitter=splitter, types=types,
                                                         sentences=sentences)):
            entity.negation = found
    for name in readings:
        for entity, found in zip(out.entities, READINGS[name].read(text, out.entities, splitter=splitter, sentences=sentences)):
            entity.readings[name] = found
    return out
