"""Tag raw text: split it into sentences and tokens, tag them with a fitted tagger (passed in:
a CRFTagger, or any estimator with ``predict`` and ``predict_marginals``), and give the
entities back as character spans of the text.

An entity's ``score`` is the mean, over its tokens, of the per-token scores the tagger's
``predict_scored`` gives: for a :class:`~crfner.CRFTagger`, the probability the CRF gives the
entity, exactly its tokens and type (:mod:`crfner.crf.entity_scores`), or its calibrated value
for a model ``crfner calibrate`` calibrated, which each of its tokens carries; for an estimator
with only ``predict`` and ``predict_marginals``, the marginal probability of each token's tag. 1.0 when the model has no doubt, lower when another
labelling of those tokens, or one that cuts the entity shorter or runs it longer, was also likely.

Given a fitted ``linker`` (a :class:`crfner.link.Linker`), each entity also gets a concept id
(``identifier``, None when the linker finds none) and the linker's ``link_score``; a batch of
documents is linked in one call, so each document's abbreviations are read once and the
similarity search runs once per type for the batch.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from ..corpora.documents import Document, Mention
from ..featurize.parallel import paused_gc
from ..schemes import Span, tags_to_spans
from ..text import LONE_SURROGATE, SentenceColumns, Token, encodable, sentence_columns, sentences, tagging_sentences
from ..text.statements import full_stopped
from ..text.splitters import SPLITTERS, check_splitter, split_text

__all__ = ["Entity", "SPLITTERS", "check_splitter", "model_splitter", "split_text", "tagged_split", "tagged_sentences", "tag_text",
           "tag_sentences", "tag_documents", "iter_tag_documents"]



@dataclass(frozen=True)
class Entity:
    """An entity found in a text: ``text[start:end]``, its type and its score (see module),
    and with a linker its concept id and how sure the linker was."""

    start: int
    end: int
    type: str
    text: str
    score: float
    identifier: str | None = None
    link_score: float | None = None


def _tag_and_score(tagger, token_lists: list[list[str]], documents: Sequence | None = None) -> list[tuple[list[str], list[float]]]:
    """Tags and the marginal probability of each, from the tagger's public methods:
    ``predict_scored`` where it has one (one pass, document-level features), else
    ``predict`` and ``predict_marginals`` (any estimator with those two)."""
    if hasattr(tagger, "predict_scored"):
        return tagger.predict_scored(token_lists, documents=documents)
    tags = tagger.predict(token_lists)
    marginals = tagger.predict_marginals(token_lists)
    return [(t, [m[i][tag] for i, tag in enumerate(t)]) for t, m in zip(tags, marginals)]


def _tagged(tagger, token_lists: list[list[str]], documents: Sequence | None, stopped: bool) -> list[tuple[list[str], list[float]]]:
    """:func:`_tag_and_score`, on :func:`full_stopped` lists where ``stopped``, the added
    stops' tags left out."""
    if not stopped:
        return _tag_and_score(tagger, token_lists, documents)
    tagged = _tag_and_score(tagger, full_stopped(token_lists), documents)
    return [(tags[: len(tokens)], probabilities[: len(tokens)]) for (tags, probabilities), tokens in zip(tagged, token_lists)]


def check_linker(linker) -> None:
    """Raise TypeError for a linker given as a path (not loaded here: each call would read it
    again); a linker object is anything with ``link_spans`` and ``link_documents``."""
    if isinstance(linker, (str, bytes, os.PathLike)):
        raise TypeError(f"linker must be a fitted crfner.link.Linker (Linker.load(path) reads a saved one), "
                        f"not {type(linker).__name__}")


def _linked(linker, text: str, entities: list) -> list:
    """``entities`` with the ``identifier`` and ``link_score`` that ``linker`` gives them: one
    ``link_spans`` call for the whole text."""
    if linker is None or not entities:
        return entities
    spans = [(e.start, e.end, e.type) for e in entities]
    links = linker.link_spans(text, spans)
    return [dataclasses.replace(e, identifier=link.identifier, link_score=link.mention_score)
            for e, link in zip(entities, links)]


def _model_tokens(text: str, columns: SentenceColumns) -> list[list[str]]:
    """Token strings as the model sees them: lone surrogates (not encodable) become U+FFFD."""
    words = columns.words
    if LONE_SURROGATE.search(text) is not None:
        words = list(map(encodable, words))
    return [words[a:b] for a, b in columns.sentences]


def _decode(text: str, columns: SentenceColumns, tagged, make=None, skip: frozenset[int] = frozenset()) -> list:
    """Entities from each sentence's tags and tag probabilities, as character spans, each
    made by ``make(start, end, type, text, score)`` (an :class:`Entity` by default); the
    sentences numbered in ``skip`` give none."""
    make = make or Entity
    starts, ends = columns.starts, columns.ends
    entities: list = []
    for index, ((first, _), (tags, probabilities)) in enumerate(zip(columns.sentences, tagged)):
        if tags.count("O") == len(tags) or index in skip:  # most sentences: nothing to map
            continue
        for span in _entity_spans(tags):
            start, end = starts[first + span.start], ends[first + span.end - 1]
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


def tag_sentences(tagger, text: str, token_sentences: Sequence[list[Token]], *, full_stops: bool = False) -> list[Entity]:
    """Entities of ``text`` given its sentences as tokens (from :func:`crfner.text.sentences`);
    ``full_stops`` closes them for the model as :func:`tag_text` does a note's
    (:func:`crfner.text.statements.full_stopped`)."""
    return _tag_columns(tagger, text, SentenceColumns.of(token_sentences), stopped=full_stops)


def _tag_columns(tagger, text: str, columns: SentenceColumns, skip: frozenset[int] = frozenset(),
                 stopped: bool = False) -> list[Entity]:
    token_lists = _model_tokens(text, columns)
    with paused_gc():
        return _decode(text, columns, _tagged(tagger, token_lists, [0] * len(token_lists), stopped), skip=skip)


def model_splitter(tagger, splitter: str | None = None) -> str:
    """``splitter`` checked, or when it is None the splitter the tagger records for raw text
    (``training_data_["splitter"]``: ``crfner train`` records the one that cut annotated
    documents' sentences, ``--input-format ... --splitter``, or a registered corpus's, ``notes``
    for maccrobat and phee), else ``abstract``."""
    if splitter is None:
        record = getattr(tagger, "training_data_", None)
        splitter = (record.get("splitter") if isinstance(record, dict) else None) or "abstract"
    check_splitter(splitter)
    return splitter


def saved_model_splitter(model_dir, splitter: str | None = None) -> str:
    """:func:`model_splitter` for a saved model, read without loading it: ``splitter`` checked,
    else the one its ``crfner.json`` records (:func:`recorded_splitter`), else ``abstract``."""
    if splitter is None:
        splitter = recorded_splitter(model_dir) or "abstract"
    check_splitter(splitter)
    return splitter


def recorded_splitter(model_dir) -> str | None:
    """``training.splitter`` in a saved model's ``crfner.json``; None when it records none or
    the file cannot be read (loading the model says what is wrong with it)."""
    from ..crf.modelfile import saved_metadata

    training = saved_metadata(model_dir).get("training")
    splitter = training.get("splitter") if isinstance(training, dict) else None
    return splitter if isinstance(splitter, str) and splitter in SPLITTERS else None


def tagged_split(text: str, passages: Sequence[tuple[int, int]] | None = None,
                 splitter: str = "abstract") -> tuple[list[list[Token]], frozenset[int]]:
    """The sentences :func:`tag_text` hands to the model, and the indices of those in which it
    reports no entity. With the notes splitter: :func:`split_text`'s sentences without their
    list markers (``#``, ``2.``), and the headings that name a known section (``ALLERGIES:``),
    which the model reads, for section context, but which are layout (one pass,
    :func:`crfner.text.tagging_sentences`)."""
    check_splitter(splitter)
    if splitter == "notes":
        return tagging_sentences(text, passages or None)
    return sentences(text, passages or None), frozenset()


def tagged_sentences(text: str, passages: Sequence[tuple[int, int]] | None = None, splitter: str = "abstract") -> list[list[Token]]:
    """The sentences :func:`tag_text` hands to the model (:func:`tagged_split`'s first part)."""
    return tagged_split(text, passages, splitter)[0]


def _split_columns(text: str, passages, splitter: str) -> tuple[SentenceColumns, frozenset[int]]:
    """:func:`tagged_split` with the sentences as columns; the abstract splitter makes no
    :class:`Token` at all. An empty list of passages is the whole text, as no passages are
    (nothing would be tagged)."""
    if splitter == "abstract":
        return sentence_columns(text, passages or None), frozenset()
    split, skip = tagged_split(text, passages, splitter)
    return SentenceColumns.of(split), skip


def tag_text(tagger, text: str, passages: Sequence[tuple[int, int]] | None = None, *, splitter: str | None = None,
             linker=None, min_score: float | None = None) -> list[Entity]:
    """Entities in raw ``text`` found by a fitted ``tagger``, in order; ``text[e.start:e.end]
    == e.text`` for each. ``passages`` (e.g. title and abstract) are split separately;
    ``splitter="notes"`` splits clinical notes at headings, list items and line breaks (an
    entity never crosses a sentence, so never two list items), closes each statement with a
    full stop for the model (:func:`crfner.text.statements.full_stopped`), and reports no entity in a known section
    heading (``ALLERGIES:``). ``splitter=None`` takes the model's own (:func:`model_splitter`).
    A fitted ``linker`` gives each entity its concept id and ``link_score``. ``min_score`` keeps
    only the entities whose score is at least that (:func:`check_min_score`)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    splitter = model_splitter(tagger, splitter)
    check_min_score(min_score)
    check_linker(linker)
    columns, skip = _split_columns(text, passages, splitter)
    with paused_gc():
        entities = _tag_columns(tagger, text, columns, skip, stopped=splitter == "notes")
    if min_score is not None:
        entities = [e for e in entities if e.score >= min_score]
    return _linked(linker, text, entities)


def check_min_score(min_score) -> None:
    """Raise ValueError unless ``min_score`` is None or a number from 0 to 1: the least score
    an entity must have to be reported."""
    if min_score is None:
        return
    if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 1:
        raise ValueError(f"min_score must be a number from 0 to 1, not {min_score!r}")


def _mention(start: int, end: int, etype: str, text: str, score: float) -> Mention:
    return Mention(start, end, etype, text, None, score)


def iter_tag_documents(tagger, documents: Iterable[Document], batch_size: int = 256, *, splitter: str | None = None,
                       linker=None, min_score: float | None = None) -> Iterator[Document]:
    """Like :func:`tag_documents`, but streams: documents are read and tagged ``batch_size`` at a time."""
    splitter = model_splitter(tagger, splitter)  # before any document is read
    check_min_score(min_score)
    check_linker(linker)
    if isinstance(documents, (Document, str)):
        raise TypeError(f"documents must be an iterable of crfner Documents, not one {type(documents).__name__} "
                        "(pass [document]; tag_text tags a string)")
    batch: list[Document] = []
    for number, document in enumerate(documents):
        if not isinstance(document, Document):
            raise TypeError(f"documents[{number}] must be a crfner Document (id, text, mentions), not {type(document).__name__}")
        batch.append(document)
        if len(batch) >= batch_size:
            yield from _tag_batch(tagger, batch, splitter, linker, min_score)
            batch = []
    if batch:
        yield from _tag_batch(tagger, batch, splitter, linker, min_score)


def _tag_batch(tagger, documents: list[Document], splitter: str = "abstract", linker=None,
               min_score: float | None = None) -> list[Document]:
    """Tag several documents in one model pass (one featurization call, so ``n_jobs`` helps),
    keep the mentions scored at least ``min_score``, then link each document's mentions, if a
    linker is given."""
    with paused_gc():  # many small objects, no cycles: collector passes over a loaded model's tables cost much
        tagged = _tag_batch_unpaused(tagger, documents, splitter)
    if min_score is not None:
        tagged = [dataclasses.replace(d, mentions=[m for m in d.mentions if m.score >= min_score]) for d in tagged]
    return tagged if linker is None else linker.link_documents(tagged)


def _tag_batch_unpaused(tagger, documents: list[Document], splitter: str = "abstract") -> list[Document]:
    split = [_split_columns(d.text, d.passages, splitter) for d in documents]
    token_lists = [tokens for d, (columns, _) in zip(documents, split) for tokens in _model_tokens(d.text, columns)]
    ids = [k for k, (columns, _) in enumerate(split) for _ in columns.sentences]
    tagged = _tagged(tagger, token_lists, ids, stopped=splitter == "notes")
    out, first = [], 0
    for document, (columns, skip) in zip(documents, split):
        count = len(columns.sentences)
        mentions = _decode(document.text, columns, tagged[first : first + count], _mention, skip)
        first += count
        out.append(dataclasses.replace(document, mentions=mentions))
    return out


def tag_documents(tagger, documents: Iterable[Document], *, splitter: str | None = None, linker=None,
                  min_score: float | None = None) -> list[Document]:
    """The documents with their mentions replaced by the tagger's predictions (scored; with a
    fitted ``linker`` also linked: ``identifier`` and ``link_score``, else no identifiers);
    each document's passages are split into sentences separately, by ``splitter``
    (``"abstract"`` or ``"notes"``; None, the model's own, as in :func:`tag_text`);
    ``min_score`` keeps only mentions scored at least that."""
    return list(iter_tag_documents(tagger, documents, splitter=splitter, linker=linker, min_score=min_score))
