"""A spaCy pipeline component: crfner's CRF tagger inside a spaCy pipeline
(``pip install 'crfner[spacy]'``).

    nlp = spacy.blank("en")
    nlp.add_pipe("crfner", config={"model": "models/ncbi"})
    doc = nlp("Mutations in BRCA1 cause hereditary breast and ovarian cancer.")
    [(ent.text, ent.label_, ent._.crfner_score) for ent in doc.ents]

The factory is registered through spaCy's ``spacy_factories`` entry point, so
``add_pipe("crfner")`` works without importing crfner first; importing this module
registers it too. ``import crfner`` itself never imports spaCy.

The component tags ``doc.text`` with crfner's own raw-text tagging (crfner's sentence
splitter and tokeniser, the ones the model was trained with), leaves spaCy's tokens as they
are, and maps each entity's character span onto spaCy tokens with ``Doc.char_span``:

* ``alignment_mode="expand"`` (default): a span whose boundary falls inside a spaCy token
  grows to cover that whole token (crfner's "IL" in spaCy's one token "IL-2" becomes
  "IL-2"); ``"contract"`` shrinks it to the spaCy tokens wholly inside it, and drops it if
  there are none; ``"strict"`` drops every span that does not start and end on spaCy token
  boundaries. A span that aligns is kept at exactly crfner's character offsets in every mode.
* If aligning makes two of crfner's entities overlap, the one with the higher score is kept
  (on a tie, the one that starts first).
* Entities an earlier component set (``doc.ents``) follow ``existing``: ``"keep"`` (default)
  keeps them all and adds crfner's entities that overlap none of them; ``"override"`` keeps
  all of crfner's and those earlier ones that overlap none of crfner's; ``"replace"`` drops
  the earlier ones. Tokens in no entity are then outside any entity ("O").

``splitter`` (config key) names crfner's sentence splitter: ``"notes"`` cuts clinical notes
at headings, list items and line breaks (:func:`crfner.text.note_sentences`), so no entity
crosses two list items; ``"abstract"`` is the corpora's own; unset (None), it is the one the
model records it learned from (``crfner train --input-format ... --splitter``), else ``"abstract"``.

Each entity crfner added carries its score (the probability the CRF gives the entity, exactly
its tokens and type, :mod:`crfner.tagging.annotate`) in ``span._.crfner_score``; other spans have ``None``.
``nlp.pipe`` tags ``batch_size`` documents in one model pass. The pipeline refers to the
model by its path (``nlp.to_disk`` does not copy it).

``linker`` (config key; a directory saved by :meth:`crfner.link.Linker.save`, none by default)
links each of crfner's entities to a concept: its id in ``span._.crfner_concept`` (``|``
between the ids of a composite mention; None when the linker finds none) and how sure the
linker is in ``span._.crfner_concept_score``. The pipeline refers to it by its path too.

``negation`` (config key; off by default) says whether the text negates each of crfner's
entities (:func:`crfner.negations`, read with the same splitter): ``span._.crfner_negated``
(True or False; None with it off) and the cue's words in ``span._.crfner_negation_cue``. A
list of type names instead of ``true`` negates only the entities of those types.

``sections`` (config key; off by default) gives each of crfner's entities the known section of
the note it falls under (:func:`crfner.entity_sections`): ``span._.crfner_section``, the
heading's name as written (``"ALLERGIES"``), None above the first heading or with it off.

``hypothetical`` (config key; off by default) says whether the text names each of crfner's
entities only as a condition or a warning (:func:`crfner.hypotheticals`, "return if fever
persists"): ``span._.crfner_hypothetical`` (True or False; None with it off) and the cue's words
in ``span._.crfner_hypothetical_cue``.

``family`` (config key; off by default) says whether the text attributes each of crfner's
entities to a relative (:func:`crfner.family_attributions`, "her brother has hypertrophic
cardiomyopathy"): ``span._.crfner_family`` (True or False; None with it off) and the cue's words
in ``span._.crfner_family_cue``.

``uncertainty`` (config key; off by default) says whether the text names each of crfner's entities
as possible, suspected or still to be ruled out (:func:`crfner.uncertainties`, "admit to r/o
MI"): ``span._.crfner_uncertain`` (True or False; None with it off) and the cue's words in
``span._.crfner_uncertainty_cue``.

``min_score`` (config key; null by default) keeps only crfner's entities scored at least that,
from 0 to 1, as ``crfner tag --min-score`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .corpora.documents import Document
from .crf.model import CRFModel
from .assertion import READINGS, entity_sections, negations
from .tagging.annotate import check_min_score, check_splitter, model_splitter, tag_documents, tag_text
from .tagging.entity_fields import READING_NAMES, check_negation_types
from .schemes import entity_types
from .text.splitters import split_text

__all__ = ["ALIGNMENT_MODES", "CONCEPT_EXTENSION", "CONCEPT_SCORE_EXTENSION", "EXISTING_POLICIES", "NEGATED_EXTENSION", "NEGATION_CUE_EXTENSION", "SCORE_EXTENSION", "READING_EXTENSIONS", "SECTION_EXTENSION",
           "CrfnerComponent", "check_options", "make_crfner"]

ALIGNMENT_MODES = ("expand", "contract", "strict")
EXISTING_POLICIES = ("keep", "override", "replace")
SCORE_EXTENSION = "crfner_score"
CONCEPT_EXTENSION = "crfner_concept"
CONCEPT_SCORE_EXTENSION = "crfner_concept_score"
NEGATED_EXTENSION = "crfner_negated"
NEGATION_CUE_EXTENSION = "crfner_negation_cue"
SECTION_EXTENSION = "crfner_section"
#: Each reading's two span extensions, its answer's and its cue's (``crfner_hypothetical``,
#: ``crfner_hypothetical_cue``; ``crfner_family``; ``crfner_uncertain``, ``crfner_uncertainty_cue``).
READING_EXTENSIONS = {name: (f"crfner_{READINGS[name].fields[0]}", f"crfner_{READINGS[name].fields[1]}")
                      for name in READING_NAMES}

for _extension in (SCORE_EXTENSION, CONCEPT_EXTENSION, CONCEPT_SCORE_EXTENSION, NEGATED_EXTENSION, NEGATION_CUE_EXTENSION,
                   SECTION_EXTENSION, *(e for pair in READING_EXTENSIONS.values() for e in pair)):
    if not Span.has_extension(_extension):
        Span.set_extension(_extension, default=None)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def check_options(alignment_mode: str, existing: str, batch_size: int, splitter: str | None = None,
                  negation: bool | Sequence[str] = False, sections: bool = False, min_score: float | None = None,
                  **readings: bool) -> None:
    """A one-line ValueError for an option the component does not know."""
    if splitter is not None:
        check_splitter(splitter)
    check_min_score(min_score)
    if not isinstance(negation, bool) and (isinstance(negation, str) or not isinstance(negation, (list, tuple, set, frozenset))
                                           or not negation or not all(isinstance(t, str) and t for t in negation)):
        raise ValueError(f"negation must be true, false or a list of type names, not {negation!r}")
    for key, value in (("sections", sections), *readings.items()):
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false, not {value!r}")
    if alignment_mode not in ALIGNMENT_MODES:
        raise ValueError(f"alignment_mode must be one of {', '.join(ALIGNMENT_MODES)}, not {alignment_mode!r}")
    if existing not in EXISTING_POLICIES:
        raise ValueError(f"existing must be one of {', '.join(EXISTING_POLICIES)}, not {existing!r}")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number of at least 1, not {batch_size!r}")


class CrfnerComponent:
    """Sets ``doc.ents`` from a fitted crfner tagger (a :class:`crfner.CRFTagger` or ``CRFModel``, or any
    estimator :func:`crfner.tag_text` accepts), and with a fitted ``linker``
    (:class:`crfner.link.Linker`) their concepts; see the module for the rules."""

    def __init__(
        self,
        tagger,
        name: str = "crfner",
        alignment_mode: str = "expand",
        existing: str = "keep",
        batch_size: int = 64,
        splitter: str | None = None,
        linker=None,
        negation: bool | Sequence[str] = False,
        sections: bool = False,
        min_score: float | None = None,
        hypothetical: bool = False,
        family: bool = False,
        uncertainty: bool = False,
    ):
        asked = {"hypothetical": hypothetical, "family": family, "uncertainty": uncertainty}
        check_options(alignment_mode, existing, batch_size, splitter, negation, sections, min_score, **asked)
        if getattr(tagger, "classes_", None) is not None:
            check_negation_types(negation, tagger.classes_, "the model")
        self.tagger = tagger
        self.linker = linker
        self.negation = negation if isinstance(negation, bool) else frozenset(negation)
        self.sections = sections
        self.readings = tuple(name for name in READING_NAMES if asked[name])  # the readings set on each span
        self.min_score = min_score
        self.splitter = model_splitter(tagger, splitter)
        self.name = name
        self.alignment_mode = alignment_mode
        self.existing = existing
        self.batch_size = batch_size

    @property
    def labels(self) -> tuple[str, ...]:
        """The entity types the model can give, from tags of any scheme (IOBES's ``S-`` and ``E-`` too)."""
        return tuple(entity_types(getattr(self.tagger, "classes_", None) or []))

    def __call__(self, doc: Doc) -> Doc:
        return self.set_entities(doc, tag_text(self.tagger, doc.text, splitter=self.splitter, linker=self.linker,
                                               min_score=self.min_score))

    def pipe(self, stream: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Tag the docs ``batch_size`` at a time, each batch in one model pass."""
        for batch in spacy.util.minibatch(stream, size=batch_size or self.batch_size):
            documents = [Document(str(i), doc.text) for i, doc in enumerate(batch)]
            tagged = tag_documents(self.tagger, documents, splitter=self.splitter, linker=self.linker,
                                   min_score=self.min_score)
            for doc, document in zip(batch, tagged):
                yield self.set_entities(doc, document.mentions)

    def align(self, doc: Doc, entities: Sequence) -> list[tuple[Span, float]]:
        """crfner's entities (anything with ``start``, ``end``, ``type``, ``score``) as
        non-overlapping spaCy spans with their scores, by the alignment rule."""
        return [(span, float(entity.score)) for span, entity in self._aligned(doc, entities)]

    def _aligned(self, doc: Doc, entities: Sequence, blocked: Sequence[Span] = ()) -> list[tuple[Span, object]]:
        """:meth:`align`, each span with the entity it came from; spans overlapping ``blocked`` (entities
        an earlier component set, kept) are left out before crfner's own overlaps are settled, so that
        one of them that lost to a blocked span does not take a free one down with it."""
        aligned = []
        for entity in entities:
            span = doc.char_span(entity.start, entity.end, label=entity.type, alignment_mode=self.alignment_mode)
            if span is not None and len(span) and not any(_overlaps(span, other) for other in blocked):
                aligned.append((span, entity))
        kept: list[tuple[Span, object]] = []
        # the higher score first; on a tie the earlier start, in whatever order the entities came
        for span, entity in sorted(aligned, key=lambda pair: (-float(pair[1].score), pair[1].start)):
            if not any(_overlaps(span, other) for other, _ in kept):
                kept.append((span, entity))
        return sorted(kept, key=lambda pair: (pair[0].start, pair[0].end))

    def set_entities(self, doc: Doc, entities: Sequence) -> Doc:
        """Set ``doc.ents`` from crfner's entities, by the alignment and ``existing`` rules;
        each of crfner's spans gets its score, and its concept if the entity has one."""
        earlier = list(doc.ents)
        ours = self._aligned(doc, entities, earlier if self.existing == "keep" else ())
        if self.existing == "override":
            earlier = [e for e in earlier if not any(_overlaps(e, s) for s, _ in ours)]
        elif self.existing == "replace":
            earlier = []
        doc.ents = sorted(earlier + [s for s, _ in ours], key=lambda span: span.start)
        types = None if isinstance(self.negation, bool) else self.negation
        # the text split once for negation and every reading
        sentences = split_text(doc.text, None, self.splitter) if self.negation or self.readings else None
        negated = (negations(doc.text, [entity for _, entity in ours], splitter=self.splitter, types=types, sentences=sentences)
                   if self.negation else None)
        sections = entity_sections(doc.text, [entity for _, entity in ours]) if self.sections else None
        read = {name: READINGS[name].read(doc.text, [entity for _, entity in ours], splitter=self.splitter, sentences=sentences)
                for name in self.readings}
        for k, (span, entity) in enumerate(ours):
            span._.set(SCORE_EXTENSION, float(entity.score))
            span._.set(CONCEPT_EXTENSION, getattr(entity, "identifier", None))
            span._.set(CONCEPT_SCORE_EXTENSION, getattr(entity, "link_score", None))
            if negated is not None:
                span._.set(NEGATED_EXTENSION, negated[k].negated)
                span._.set(NEGATION_CUE_EXTENSION, negated[k].cue)
            if sections is not None:
                span._.set(SECTION_EXTENSION, sections[k])
            for name, found in read.items():
                answer, cue = READING_EXTENSIONS[name]
                span._.set(answer, getattr(found[k], READINGS[name].answer))
                span._.set(cue, found[k].cue)
        return doc


@Language.factory(
    "crfner",
    default_config={"data_dir": None, "alignment_mode": "expand", "existing": "keep", "batch_size": 64, "splitter": None,
                    "linker": None, "negation": False, "sections": False, "min_score": None, "hypothetical": False,
                    "family": False, "uncertainty": False},
    assigns=["doc.ents", "token.ent_iob", "token.ent_type", f"span._.{SCORE_EXTENSION}", f"span._.{CONCEPT_EXTENSION}",
             f"span._.{CONCEPT_SCORE_EXTENSION}", f"span._.{NEGATED_EXTENSION}", f"span._.{NEGATION_CUE_EXTENSION}",
             f"span._.{SECTION_EXTENSION}", *(f"span._.{e}" for pair in READING_EXTENSIONS.values() for e in pair)],
)
def make_crfner(
    nlp: Language,
    name: str,
    model: str,
    data_dir: str | None,
    alignment_mode: str,
    existing: str,
    batch_size: int,
    splitter: str | None,
    linker: str | None,
    negation: bool | list[str],
    sections: bool,
    min_score: float | None,
    hypothetical: bool,
    family: bool,
    uncertainty: bool,
) -> CrfnerComponent:
    """The ``"crfner"`` factory: ``model`` is a directory saved by ``CRFTagger.save``
    (a damaged or missing one raises :class:`crfner.ModelFileError`); ``data_dir`` is where
    the model's gazetteers and clusters are, if not the default data folder; ``splitter`` is
    ``"abstract"``, ``"notes"`` (clinical notes) or None (the model's own); ``linker``, if given, a directory saved by
    ``Linker.save`` (a bad one raises ``ModelFileError`` too); ``negation``, true or a list of
    the types to negate; ``sections``, whether to give each entity its note section;
    ``min_score``, the least score of an entity kept; ``hypothetical``, whether to say which
    entities the text names only as a condition; ``family``, which it attributes to a relative;
    ``uncertainty``, which it names as possible."""
    check_options(alignment_mode, existing, batch_size, splitter, negation, sections, min_score, hypothetical=hypothetical,
                  family=family, uncertainty=uncertainty)
    tagger = CRFModel.load(model, data_dir=data_dir)  # tags as CRFTagger.load's does, without scikit-learn
    fitted_linker = None
    if linker is not None:
        from .link import Linker

        fitted_linker = Linker.load(linker)
    return CrfnerComponent(tagger, name=name, alignment_mode=alignment_mode, existing=existing, batch_size=batch_size,
                           splitter=splitter, linker=fitted_linker, negation=negation, sections=sections,
                           min_score=min_score, hypothetical=hypothetical, family=family, uncertainty=uncertainty)
