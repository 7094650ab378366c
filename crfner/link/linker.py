"""The linker: a mention and its type in, a concept id and a score out.

Stages, first hit wins:

1. a short form the document defines ("DMD") is linked through its long form;
2. dictionary lookup, training mentions before vocabulary names, under four keys of
   growing tolerance (:mod:`crfner.link.normalize`): as written, normal form, bag of words,
   lenient bag (neoplasm words as one, organ adjectives, a test's record as the test, generic
   heads and sides dropped);
   a short form the document defines is linked through a clinical sense only when the name
   nearest its long form is that sense's concept ("left eye (LE)" is not Lower Extremity);
   a word that is a defined short form is replaced by its long form and looked up again;
3. a composite mention ("breast and ovarian cancer") gets one id per name it spells, when
   every name is found in the dictionary; else stages 1-2 again with a combining form's hyphen
   left out ("angio-oedema", :func:`~crfner.link.abbreviations.joined_form`);
4. the longest final part of the mention the dictionary knows ("contrast media-induced
   nephropathy" -> "nephropathy"), its head;
5. the most similar name by character n-gram TF-IDF (:mod:`crfner.link.tfidf`), kept when
   its cosine similarity reaches ``threshold``; below it the mention is NIL. With ``broader``
   and the vocabularies' hierarchy, a concept found so gives way to its nearest ancestor that
   has a name holding every word of the mention (:mod:`crfner.link.hierarchy`).

A type alias that names several types (:mod:`crfner.link.aliases`) runs stages 1-4 under each
in turn, the first hit winning unless it came through a clinical sense and a further type has a
commoner one, and stage 5 under the first.

A name several concepts share goes to the one that has it most often among the training
mentions, then to the one whose own heading it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..corpora.documents import Document, Mention
from .abbreviations import document_abbreviations, expanded, joined_form, sense_keys, short_key
from .aliases import alias_chain, check_type_aliases
from .composite import MAX_NAME_WORDS, readings
from .hierarchy import ancestor_names, broader_concept
from .normalize import SIDE_WORDS, bag_form, fold, lenient_form, normal_form
from .params import check_fitted, check_linker_params, check_new_params
from .tables import pack_table, unpack
from .tfidf import NgramIndex
from .vocabulary import Term, as_term, checked_parents, checked_senses, checked_vocabularies, mention_terms

#: How sure each stage is, before the share of the evidence the chosen id holds.
STAGE_SCORES = {
    ("training", "exact"): 1.0, ("vocabulary", "exact"): 0.98,
    ("training", "normal"): 0.96, ("vocabulary", "normal"): 0.94,
    ("training", "bag"): 0.9, ("vocabulary", "bag"): 0.88,
    ("training", "lenient"): 0.85, ("vocabulary", "lenient"): 0.83,
    ("senses", "exact"): 0.9,  # a clinical abbreviation through one of its senses ("HTN": hypertension)
}
KEYS = {"exact": fold, "normal": normal_form, "bag": bag_form, "lenient": lenient_form}
# Asked for, clinical senses come before the vocabularies' own short names: in a note "DM2" is
# diabetes mellitus type 2, as the inventories of notes say, not MEDIC's myotonic dystrophy type 2.
SOURCES = ("training", "senses", "vocabulary")
# The dictionary's own names, without the senses: where a sense's own name is looked up, and
# where a short form looks when its document's definition refuses its sense.
NAME_SOURCES = tuple(source for source in SOURCES if source != "senses")
ABBREVIATION_FACTOR, COMPOSITE_FACTOR, HEAD_FACTOR = 0.97, 0.9, 0.8


@dataclass(frozen=True)
class Link:
    """A mention's concepts (several for a composite mention, none when NIL), how sure the
    linker is (0 to 1) and the stage that found them."""

    identifiers: tuple[str, ...]
    score: float
    method: str

    @property
    def identifier(self) -> str | None:
        """The ids joined by ``|``, as PubTator writes a composite mention; None when NIL."""
        return "|".join(self.identifiers) or None

    @property
    def mention_score(self) -> float | None:
        """What a linked mention's ``link_score`` holds: the score, None when NIL."""
        return self.score if self.identifiers else None


NIL = Link((), 0.0, "nil")


def _best(weights: Mapping[str, float]) -> tuple[str, float]:
    """The id with the most weight (the first in order on a tie) and its weight."""
    return min(weights.items(), key=lambda item: (-item[1], item[0]))


def _resolve(evidence: dict[str, Counter], totals: Mapping[str, float] | None = None) -> dict[str, tuple[str, float]]:
    """For each key, the id with the most weight and the share it holds of the key's weight, or,
    with ``totals`` (a senses table: :func:`_add_senses`), of all the short form's senses: "Pt"
    as a drug (prothrombin, 4% of its uses) is linked, but with a low score."""
    out = {}
    for key, weights in evidence.items():
        identifier, weight = _best(weights)
        whole = sum(weights.values()) if totals is None else totals[key]  # every senses key has its total
        out[key] = (identifier, min(1.0, weight / whole))
    return out


def _method(source: str, key_name: str) -> str:
    """The stage a dictionary answer reports: ``exact``, ``training_exact``, ``sense``, ..."""
    return {"training": f"training_{key_name}", "senses": "sense"}.get(source, key_name)


def _add_senses(evidence, senses: Mapping[str, Sequence[tuple[str, float]]]) -> dict[str, float]:
    """Each short form as a name, under each type, of the concepts its senses name there,
    weighted by the senses' shares ("htn" -> hypertension's id under Disease); returns each
    short form's total share over all its senses, named under the type or not."""
    types = sorted({etype for etype, _, _ in evidence})
    totals: dict[str, float] = {}
    for short, meanings in senses.items():
        key = KEYS["exact"](short)
        if len(key) < 2:
            continue
        totals[key] = totals.get(key, 0.0) + sum(float(share) for _, share in meanings)
        for etype in types:
            for sense, share in meanings:
                identifier = _named(evidence, etype, sense)
                if identifier is not None:
                    evidence[etype, "senses", "exact"][key][identifier] += float(share)
    return totals


def _named(evidence, etype: str, name: str) -> str | None:
    """The id the dictionary gives ``name`` under ``etype`` (exact, normal, then bag key), or None; a
    name with a side the dictionary lacks as a whole is looked up without it ("right lower extremity",
    RLE's sense, as Lower Extremity: MeSH names a body part, not its side)."""
    words = name.split()
    unsided = " ".join(w for w in words if w.lower() not in SIDE_WORDS)
    for form in (name, unsided) if unsided and len(unsided) < len(name) else (name,):
        for key_name in ("exact", "normal", "bag"):
            value = KEYS[key_name](form)
            for source in NAME_SOURCES:
                weights = evidence.get((etype, source, key_name), {}).get(value) if value else None
                if weights:
                    return _best(weights)[0]
    return None


class Linker:
    """Links typed mentions to concept ids (see the module). ``threshold`` is the least
    cosine similarity the TF-IDF fallback accepts (None: no fallback); ``ngram_range`` the
    character n-grams it compares; ``abbreviations``, ``composites`` and ``heads`` switch
    stages 1, 3 and 4; ``broader`` lets a TF-IDF link give way to a broader concept (stage 5,
    given ``parents`` at fit); ``type_aliases`` links a tagger's types under the linker's own
    (``{"Medication": "Chemical"}`` for a clinical model; a list of types is tried in order,
    the later ones by name only: :mod:`crfner.link.aliases`). The defaults are those BC5CDR devel
    chose end to end when the linker was written (``benchmarks/linking.py``; its latest grid
    prefers a threshold of 0.8 by 0.0005 concept F1; NCBI Disease devel chose 0.95 with heads)."""

    def __init__(self, threshold: float | None = 0.9, ngram_range: tuple[int, int] = (4, 4), abbreviations: bool = True,
                 composites: bool = True, heads: bool = False, broader: bool = True, type_aliases: Mapping[str, str] | None = None):
        self.threshold = threshold
        self.ngram_range = ngram_range
        self.abbreviations = abbreviations
        self.composites = composites
        self.heads = heads
        self.broader = broader
        self.type_aliases = type_aliases

    def get_params(self, deep: bool = True) -> dict:
        return {"threshold": self.threshold, "ngram_range": self.ngram_range, "abbreviations": self.abbreviations,
                "composites": self.composites, "heads": self.heads, "broader": self.broader, "type_aliases": self.type_aliases}

    def set_params(self, **params) -> Linker:
        check_new_params(self, params)  # all before any is set: a fitted linker links with them at once
        for name, value in params.items():
            setattr(self, name, value)
        return self

    # -- learning ---------------------------------------------------------------------------

    def fit(self, vocabularies: Mapping[str, Iterable] | None = None, documents: Iterable[Document] | None = None,
            type_map: Mapping[str, str] | None = None, senses: Mapping[str, Sequence[tuple[str, float]]] | None = None,
            parents: Mapping[str, Iterable[str]] | None = None) -> Linker:
        """Learn from ``vocabularies`` (type -> terms: :class:`Term` or ``(name, id)`` pairs)
        and the gold mentions of ``documents`` (their types mapped by ``type_map``); with
        ``senses`` (short form -> ``(sense, share)`` pairs, :func:`crfner.corpora.abbreviation_senses.sense_table`),
        a short form is linked, under each type, to the concept its most frequent sense that
        the type's names know stands for; ``parents`` (id -> its parents' ids,
        :mod:`crfner.link.hierarchy`) is the hierarchy the ``broader`` rule climbs."""
        check_linker_params(self)
        evidence: dict[tuple[str, str, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        names: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        for etype, term in mention_terms(documents or [], dict(type_map or {})):
            self._add(evidence, names, etype, "training", term, 1.0)
        for etype, terms in checked_vocabularies(vocabularies).items():
            for term in terms:
                term = as_term(term, etype)
                self._add(evidence, names, etype, "vocabulary", term, 2.0 if term.preferred else 1.0)
        # a vocabulary name the annotators used is resolved as they used it
        for (etype, source, key_name), table in evidence.items():
            if source == "vocabulary":
                trained = evidence.get((etype, "training", key_name), {})
                for key, weights in table.items():
                    for identifier, count in trained.get(key, {}).items():
                        if identifier in weights:
                            weights[identifier] += 10.0 * count
        totals = _add_senses(evidence, checked_senses(senses))
        numbers: dict[str, int] = {}
        self.tables_ = {key: pack_table(_resolve(table, totals if key[1] == "senses" else None), numbers)
                        for key, table in evidence.items()}
        self.concepts_ = list(numbers)
        self.types_ = sorted({etype for etype, _, _ in evidence})
        self.indexes_ = {}
        for etype in self.types_:
            resolved = _resolve(names[etype])
            if resolved:
                self.indexes_[etype] = NgramIndex.build(list(resolved), [identifier for identifier, _ in resolved.values()], self.ngram_range)
        # only links between concepts named here: an ancestor the linker has no name for is no answer
        known = {identifier: sorted({p for p in above if p in numbers and p != identifier}) for identifier, above in checked_parents(parents).items()
                 if identifier in numbers}
        self.parents_ = {identifier: above for identifier, above in known.items() if above}
        self.ancestor_names_ = ancestor_names(self.tables_, self.concepts_, self.parents_, self.types_)
        check_type_aliases(self.type_aliases, self.types_)
        return self

    @staticmethod
    def _add(evidence, names, etype: str, source: str, term: Term, weight: float) -> None:
        for key_name, key in KEYS.items():
            value = key(term.name)
            if value:
                evidence[etype, source, key_name][value][term.identifier] += weight
                if key_name == "normal":  # the TF-IDF index's names are the normal forms
                    names[etype][value][term.identifier] += weight

    # -- linking ----------------------------------------------------------------------------

    def lookup(self, text: str, etype: str, sources: Sequence[str] = SOURCES) -> Link | None:
        """Stage 2 for one string: the dictionary's answer (from ``sources``), or None."""
        for key_name, key in KEYS.items():
            value = key(text)
            for source in sources:
                found = (table := self.tables_.get((etype, source, key_name), {})).get(value)
                if found is None and source == "senses" and key_name == "exact":
                    found = next((table[key] for key in sense_keys(text) if key in table), None)  # "ABGs", "C. diff"
                if found is not None:
                    found = unpack(found, self.concepts_)
                    return Link((found[0],), STAGE_SCORES[source, key_name] * found[1], _method(source, key_name))
        return None

    def _with_long_forms(self, text: str, etype: str, abbreviations: dict[str, str]) -> Link | None:
        key = short_key(text)
        if key in abbreviations:
            found = self.lookup(abbreviations[key], etype)
            if found:
                return Link(found.identifiers, found.score * ABBREVIATION_FACTOR, "abbreviation")
        found = self.lookup(text, etype)
        if found and found.method == "sense" and key in abbreviations and not self._agrees(found, abbreviations[key], etype):
            found = self.lookup(text, etype, NAME_SOURCES)
        if found:
            return found
        if len(text.split()) > 1 and any(short_key(w) in abbreviations for w in text.split()):
            found = self.lookup(expanded(text, abbreviations), etype)
            if found:
                return Link(found.identifiers, found.score * ABBREVIATION_FACTOR, "abbreviation")
        return None

    def _agrees(self, found: Link, long_form: str, etype: str) -> bool:
        """Whether the name nearest to the long form the document gives a short form is the concept
        a clinical sense found: "LE" defined as "left eye" is not Lower Extremity, its usual sense."""
        index = self.indexes_.get(etype)
        return index is not None and index.nearest([normal_form(long_form)])[0][0] in found.identifiers

    def _composite(self, text: str, etype: str, abbreviations: dict[str, str]) -> Link | None:
        for names in readings(text):
            links = [self._with_long_forms(name, etype, abbreviations) for name in names]
            if all(links):
                ids = tuple(dict.fromkeys(i for link in links for i in link.identifiers))
                return Link(ids, min(link.score for link in links) * COMPOSITE_FACTOR, "composite")
        return None

    def _head(self, text: str, etype: str) -> Link | None:
        words = text.split()
        for k in range(max(1, len(words) - MAX_NAME_WORDS), len(words)):  # the longest known final part first
            found = self.lookup(" ".join(words[k:]), etype)
            if found:
                return Link(found.identifiers, found.score * HEAD_FACTOR, "head")
        return None

    def _dictionary(self, text: str, etype: str, abbreviations: dict[str, str]) -> Link | None:
        found = self._with_long_forms(text, etype, abbreviations)
        if found is None and self.composites:
            found = self._composite(text, etype, abbreviations)
        if found is None and (joined := joined_form(text)) != text:  # "angio-oedema", "anti-nuclear antibody"
            found = self._with_long_forms(joined, etype, abbreviations)
        if found is None and self.heads:
            found = self._head(expanded(text, abbreviations), etype)
        return found

    def link_spans(self, text: str, spans: Sequence[tuple[int, int, str]]) -> list[Link]:
        """One :class:`Link` per ``(start, end, type)`` span of the document ``text``."""
        return self.link_batch([(text, spans)])[0]

    def link_batch(self, documents: Sequence[tuple[str, Sequence[tuple[int, int, str]]]]) -> list[list[Link]]:
        """:meth:`link_spans` for many ``(text, spans)`` documents, with one TF-IDF search per type for all of them."""
        check_fitted(self, "linking")
        answers: list[dict[tuple[str, tuple[str, ...]], Link | None]] = []
        pending: dict[str, dict[str, list[tuple[dict, tuple[str, tuple[str, ...]]]]]] = defaultdict(lambda: defaultdict(list))
        chains = {source: alias_chain(target) for source, target in (self.type_aliases or {}).items()}
        for text, spans in documents:
            found: dict[tuple[str, tuple[str, ...]], Link | None] = {}
            abbreviations: dict[str, str] | None = None if self.abbreviations else {}
            for start, end, etype in spans:
                chain = chains.get(etype, (etype,))
                key = (text[start:end], chain)
                if key in found or chain[0] not in self.types_:
                    continue
                if abbreviations is None:
                    abbreviations = document_abbreviations(text)
                found[key] = self._chained(key[0], chain, abbreviations)
                if found[key] is None and self.threshold is not None and chain[0] in self.indexes_:
                    pending[chain[0]][normal_form(expanded(key[0], abbreviations))].append((found, key))
            answers.append(found)
        for etype, waiting in pending.items():
            for (identifier, similarity), (query, holders) in zip(self.indexes_[etype].nearest(list(waiting)), waiting.items()):
                if identifier is not None and similarity >= self.threshold:
                    method = "tfidf"
                    if self.broader and identifier in self.parents_:
                        wider = broader_concept(identifier, frozenset(bag_form(query).split()), self.parents_, self.ancestor_names_[etype])
                        identifier, method = wider, ("tfidf" if wider == identifier else "tfidf_broader")
                    for found, key in holders:
                        found[key] = Link((identifier,), round(similarity, 4), method)
        return [[found.get((text[start:end], chains.get(etype, (etype,)))) or NIL for start, end, etype in spans]
                for found, (text, spans) in zip(answers, documents)]

    def _chained(self, text: str, chain: tuple[str, ...], abbreviations: dict[str, str]) -> Link | None:
        """Stages 1-4 under the mention's own type, then under each further type its alias names
        (a test under what it measures); a link found there says so in its method (``exact:Chemical``).
        A link through a clinical sense gives way to a further type's through a commoner sense: "GBS"
        as a disease is group B streptococcus's infection (93% of its uses), not Guillain-Barré (2%);
        and so does it where the further type knows the short form as a name too: "Cr" as a test
        is creatinine under Chemical (its commonest sense), where BC5CDR's training names it chromium."""
        first = None
        for number, etype in enumerate(chain):
            found = self._dictionary(text, etype, abbreviations)
            if first is not None and found is not None and found.method != "sense":
                found = self.lookup(text, etype, ("senses",))
            if found is None or (first is not None and (found.method != "sense" or found.score <= first.score)):
                continue
            sense, found = found.method == "sense", (found if number == 0 else replace(found, method=f"{found.method}:{etype}"))
            if not sense:
                return found
            first = found
        return first

    def link(self, mention: str, etype: str, text: str | None = None) -> Link:
        """One mention on its own; ``text``, its document, supplies abbreviation long forms."""
        if text is None:
            return self.link_spans(mention, [(0, len(mention), etype)])[0]
        start = text.find(mention)
        if start < 0:
            raise ValueError("the mention does not occur in the text")
        return self.link_spans(text, [(start, start + len(mention), etype)])[0]

    def link_document(self, document: Document) -> Document:
        """``document`` with each mention's ``identifier`` and ``link_score`` set (None when NIL)."""
        return self.link_documents([document])[0]

    def link_documents(self, documents: Iterable[Document]) -> list[Document]:
        """:meth:`link_document` for each document, searched together (:meth:`link_batch`)."""
        documents = list(documents)
        links = self.link_batch([(d.text, [(m.start, m.end, m.type) for m in d.mentions]) for d in documents])
        return [replace(d, mentions=[Mention(m.start, m.end, m.type, m.text, link.identifier, m.score, link.mention_score)
                                     for m, link in zip(d.mentions, found)]) for d, found in zip(documents, links)]

    # -- files ------------------------------------------------------------------------------

    def save(self, path, overwrite: bool = False):
        """Write the fitted linker to the directory ``path`` (no pickle; see :mod:`crfner.link.files`)."""
        from .files import save_linker

        check_fitted(self, "save()")
        return save_linker(self, path, overwrite)

    @classmethod
    def load(cls, path) -> Linker:
        """A linker saved by :meth:`save`; a damaged or foreign directory raises ``ModelFileError``."""
        from .files import read_linker

        params, tables, indexes, parents = read_linker(path)
        types = params.pop("types")
        linker = cls()
        for name in linker.get_params():
            if name in params:
                value = params[name]
                setattr(linker, name, tuple(value) if name == "ngram_range" and isinstance(value, list) else value)
        numbers: dict[str, int] = {}
        linker.tables_ = {key: pack_table(entries, numbers) for key, entries in tables.items()}
        linker.concepts_, linker.types_, linker.indexes_ = list(numbers), types, indexes
        linker.parents_ = parents
        linker.ancestor_names_ = ancestor_names(linker.tables_, linker.concepts_, linker.parents_, linker.types_)
        return linker
