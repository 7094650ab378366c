"""Calibrating a CRF model's entity scores on annotated documents: their text tagged as
``crfner tag`` tags it (the model's splitter), each entity judged right when a gold mention has
exactly its span and type, and a monotone map from score to that share fitted (Platt or
isotonic, :mod:`crfner.crf.calibration`). Documents like the text the model will tag make the best
calibration set: the devel split of its corpus, or notes annotated where it is to be used."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Sequence

from ..corpora.documents import Document
from ..crf.calibration import fit_score_calibration
from ..crf.model import CRFModel
from ..errors import CrfnerError
from .annotate import model_splitter, tag_documents

__all__ = ["calibrate_scores", "judged_entities"]


def judged_entities(gold: Sequence[Document], predicted: Sequence[Document]) -> tuple[list[float], list[bool]]:
    """The score of each predicted mention and whether the gold document of the same place in
    ``gold`` has a mention of exactly its start, end and type."""
    if len(gold) != len(predicted):
        raise CrfnerError(f"{len(predicted)} tagged documents for {len(gold)} annotated ones")
    scores, right = [], []
    for g, p in zip(gold, predicted):
        spans = {(m.start, m.end, m.type) for m in g.mentions}
        for m in p.mentions:
            scores.append(m.score)
            right.append((m.start, m.end, m.type) in spans)
    return scores, right


def calibrate_scores(tagger: CRFModel, documents: Sequence[Document], *, method: str = "platt",
                     splitter: str | None = None, fitted_on: str | None = None, per_type: bool = False):
    """The score calibration of ``tagger`` (``method``: ``"platt"`` or ``"isotonic"``, see
    :mod:`crfner.crf.calibration`) fitted on ``documents`` (annotated; their mentions are the
    gold), tagged with its raw scores; ``splitter`` as in :func:`tag_documents`; ``fitted_on``
    names the documents in the stored calibration; ``per_type`` fits a map for each entity type
    with enough entities (:class:`crfner.crf.calibration.TypedCalibration`). Set it as the
    tagger's ``score_calibration_`` (and save the tagger) to have it used."""
    if not isinstance(per_type, bool):
        raise CrfnerError(f"per_type is True or False, not {per_type!r}")
    if not isinstance(tagger, CRFModel):
        raise CrfnerError(f"score calibration is for CRF models (crfner train), not a {type(tagger).__name__}")
    documents = list(documents)
    splitter = model_splitter(tagger, splitter)
    raw = copy.copy(tagger)  # the same weights (its caches rebuilt); the caller's tagger keeps its map
    raw.score_calibration_ = None  # calibrated on the CRF's own probabilities, not an older map's values
    predicted = tag_documents(raw, [replace(d, mentions=[]) for d in documents], splitter=splitter)
    scores, right = judged_entities(documents, predicted)
    types = [m.type for d in predicted for m in d.mentions] if per_type else None  # judged_entities' order
    return fit_score_calibration(scores, right, method, {"documents": fitted_on, "document_count": len(documents),
                                                 "gold_entities": sum(len(d.mentions) for d in documents),
                                                 "splitter": splitter}, types=types)
