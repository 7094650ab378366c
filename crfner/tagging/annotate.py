"""Tag raw text: split it into sentences and tokens, tag them with a fitted tagger (passed in:
a CRFTagger, or any estimator with ``predict`` and ``predict_marginals``), and give the
entities back as character spans of the text.

An entity's ``score`` is the mean, over its tokens, of the CRF's marginal probability of the
tag it was given (``B-X`` on the first token, ``I-X`` on the others): 1.0 when the model has
no doubt, lower when another labelling of those tokens was also likely.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Iterable, Iterator, Sequence

from ..corpora.documents import Document, Mention
from ..featurize.parallel import paused_gc
from ..schemes import Span, tags_to_spans
from ..text import Token, sentences

__all__ = ["Entity", "tag_text", "tag_sentences", "tag_documents", "iter_tag_documents"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT = itemgetter(0)  # a Token's text


@dataclass(frozen=True)
class Entity:
    """An entity found in a text: ``text[start:end]``, its type and its score (see module)."""

    start: int
    end: int
    type: str
    text: str
    score: float


def _tag_and_score(tagger, token_lists: list[list[str]], documents: Sequence | None = None) -> list[tuple[list[str], list[float]]]:
    """Tags and the marginal probability of each, from the tagger's public methods:
    ``predict_scored`` where it has one (one pass, document-level features), else
    ``predict`` and ``predict_marginals`` (any estimator with those two)."""
    if hasattr(tagger, "predict_scored"):
        return tagger.predict_scored(token_lists, documents=documents)
    tags = tagger.predict(token_lists)
    marginals = tagger.predict_marginals(token_lists)
    return [(t, [m[i][tag] for i, tag in enumerate(t)]) for t, m in zip(tags, marginals)]


def _model_tokens(text: str, token_sentences: Sequence[list[Token]]) -> list[list[str]]:
    """Token strings as the model sees them: lone surrogates (not encodable) become U+FFFD."""
    if _SURROGATE.search(text) is None:
        return [list(map(_TEXT, s)) for s in token_sentences]
    return [[_SURROGATE.sub("\ufffd", t.text) for t in s] for s in token_sentences]


def _decode(text: str, token_sentences: Sequence[list[Token]], tagged, make=None) -> list:
    """Entities from each sentence's tags and tag probabilities, as character spans, each
    made by ``make(start, end, type, text, score)`` (an :class:`Entity` by default)."""
    make = make or Entity
    entities: list = []
    for tokens, (tags, probabilities) in zip(token_sentences, tagged):
        if tags.count("O") == len(tags):  # most sentences: nothing to map
            continue
        for span in _entity_spans(tags):
            start, end = tokens[span.start].start, tokens[span.end - 1].end
            score = sum(probabilities[span.start : span.end]) / (span.end - span.start)
            entities.append(make(start, end, span.type, text[start:end], score))
    return entities


def _entity_spans(tags: list[str]) -> list[Span]:
    """:func:`tags_to_spans` read over the runs of tags other than ``O`` only: an ``O`` ends
    any entity, so each run decodes alone, and most of a sentence's tags go unread."""
    spans: list[Span] = []
    start = previous = None
    for i in [*(k for k, tag in enumerate(tags) if tag != "O"), None]:
        if i is not None and previous is not None and i == previous + 1:
            previous = i
            continue
        if start is not None:
            spans += [Span(s.type, s.start + start, s.end + start) for s in tags_to_spans(tags[start : previous + 1])]
        start = previous = i
    return spans


def tag_sentences(tagger, text: str, token_sentences: Sequence[list[Token]]) -> list[Entity]:
    """Entities of ``text`` given its sentences as tokens (from :func:`crfner.text.sentences`)."""
    token_lists = _model_tokens(text, token_sentences)
    with paused_gc():
        return _decode(text, token_sentences, _tag_and_score(tagger, token_lists, [0] * len(token_lists)))


def tag_text(tagger, text: str, passages: Sequence[tuple[int, int]] | None = None) -> list[Entity]:
    """Entities in raw ``text`` found by a fitted ``tagger``, in order; ``text[e.start:e.end]
    == e.text`` for each. ``passages`` (e.g. title and abstract) are split separately."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    with paused_gc():
        return tag_sentences(tagger, text, sentences(text, passages))


def _mention(start: int, end: int, etype: str, text: str, score: float) -> Mention:
    return Mention(start, end, etype, text, None, score)


def iter_tag_documents(tagger, documents: Iterable[Document], batch_size: int = 256) -> Iterator[Document]:
    """Like :func:`tag_documents`, but streams: documents are read and tagged ``batch_size`` at a time."""
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= batch_size:
            yield from _tag_batch(tagger, batch)
            batch = []
    if batch:
        yield from _tag_batch(tagger, batch)


def _tag_batch(tagger, documents: list[Document]) -> list[Document]:
    """Tag several documents in one model pass (one featurization call, so ``n_jobs`` helps)."""
    with paused_gc():  # many small objects, no cycles: collector passes over a loaded model's tables cost much
        return _tag_batch_unpaused(tagger, documents)


def _tag_batch_unpaused(tagger, documents: list[Document]) -> list[Document]:
    split = [sentences(d.text, d.passages) for d in documents]
    token_lists = [tokens for d, sents in zip(documents, split) for tokens in _model_tokens(d.text, sents)]
    ids = [k for k, sents in enumerate(split) for _ in sents]
    tagged = _tag_and_score(tagger, token_lists, ids)
    out, first = [], 0
    for document, sents in zip(documents, split):
        mentions = _decode(document.text, sents, tagged[first : first + len(sents)], _mention)
        first += len(sents)
        out.append(dataclasses.replace(document, mentions=mentions))
    return out


def tag_documents(tagger, documents: Iterable[Document]) -> list[Document]:
    """The documents with their mentions replaced by the tagger's predictions (scored, no
    identifiers); each document's passages are split into sentences separately."""
    return list(iter_tag_documents(tagger, documents))
