"""The extractor a feature set builds: token sequences in, one feature dict (or CRFsuite
attribute list) per token out, with the gazetteers and word clusters it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..errors import FeatureSetError
from .context import Context, attribute
from .schema import TOKEN_FAMILIES

Pairs = list[tuple[str, object]]
LEXICON = ("abbr:lexicon", 1.0)  # marks a short form given its sense from an inventory


@dataclass
class Resources:
    """What a feature set needs beyond its declaration: gazetteer files, term lists cut from a
    vocabulary, a cluster table, a truecasing table and abbreviations' long forms.

    Gazetteers travel as (name, path) and are compiled once per process, so a Resources
    object stays small enough to send to joblib workers.
    """

    gazetteers: list[tuple[str, str]] = field(default_factory=list)
    clusters: Any = None  # a clusters.ClusterTable
    truecase: Any = None  # a truecase.TruecaseTable
    term_lists: Any = None  # a term_lists.TermLists
    senses: Any = None  # a sense_forms.SenseForms

    def compiled_gazetteers(self, max_tokens: int = 12, strict_letters: bool = False) -> list:
        from .gazetteer import load_gazetteer

        files = [load_gazetteer(path, name, max_tokens, strict_letters) for name, path in self.gazetteers]
        return files + (self.term_lists.gazetteers(max_tokens, strict_letters) if self.term_lists is not None else [])


class Featurizer:
    """Turns a token sequence into one feature dict per token, as its feature set declares.

    Token-local features depend on the word alone, so they (and what neighbours see of them)
    are computed once per word type; gazetteer matches need the whole sentence. With
    ``known`` (the attributes a trained model has weights for), features the model cannot
    use are left out: the tags come out the same, and CRFsuite has less to read.

    ``feature_set`` is a validated ``featureset.FeatureSet`` (usually ``FeatureSet.featurizer``
    builds this); it is not imported here, since featureset.py imports this module.
    """

    CACHE_LIMIT = 300_000

    def __init__(self, feature_set, resources: Resources | None = None, known: frozenset | None = None):
        resources = resources or Resources()
        self.feature_set = feature_set
        self.known = known
        self._token_functions = [TOKEN_FAMILIES[name][1](option) for name, option in feature_set.token.items()]
        if feature_set.clusters:
            if resources.clusters is None:
                raise FeatureSetError(f"{feature_set.label} uses word clusters, but none were learned or loaded")
            self._token_functions.append(resources.clusters.features)
        if feature_set.gazetteers.get("mesh_branches") and resources.term_lists is None:
            raise FeatureSetError(f"{feature_set.label} matches MeSH branch lists, but none were cut or loaded")
        self.gazetteers = (
            resources.compiled_gazetteers(
                feature_set.gazetteers.get("max_tokens", 12), feature_set.gazetteers.get("strict_letters", False))
            if resources.gazetteers or resources.term_lists is not None else []
        )
        if feature_set.gazetteers.get("heads"):
            self._token_functions += [g.head_features for g in self.gazetteers]
        ctx = feature_set.context
        self.context = Context(
            ctx.get("offsets", []),
            ctx.get("features", []),
            ctx.get("boundaries", False),
            ctx.get("conjunctions", []),
            ctx.get("conjoin", "lower"),
            ctx.get("feature_conjunctions"),
        )
        self._cache: dict[bool, dict[str, tuple]] = {False: {}, True: {}}
        self._gazetteer_cache: dict[tuple, tuple] = {}
        self._long_form = feature_set.abbreviations.get("long_form")
        self._senses = None
        if feature_set.abbreviations.get("senses"):
            if resources.senses is None:
                raise FeatureSetError(f"{feature_set.label} reads abbreviation senses, but none were read or loaded")
            self._senses = resources.senses
            self._sense_cache: dict[str, tuple | None] = {}
            self._expansions: dict[str, str] = {}
        self._expand = feature_set.abbreviations.get("expand")
        self._sections = feature_set.sections.get("context", False)
        self._joined = feature_set.abbreviations.get("joined", False)
        self._shorthand = feature_set.abbreviations.get("shorthand", False)
        self._truecase = None
        if feature_set.casing.get("truecase"):
            if resources.truecase is None:
                raise FeatureSetError(f"{feature_set.label} truecases, but no truecasing table was learned or loaded")
            self._truecase = resources.truecase

    def recased(self, sentences: Sequence[Sequence[str]]) -> Sequence[Sequence[str]]:
        """The sentences as features see them: with ``[casing] truecase``, each sentence written
        in one case re-cased to its words' usual forms (see ``truecase``); with ``[abbreviations]
        shorthand``, slash shorthand (``c / o``) read as its words (see ``shorthand``); with ``joined``,
        a frequency or route the tokenizer cut (``b . i . d``) read whole (see ``joined``)."""
        if self._truecase is not None:
            sentences = [self._truecase.recase(tokens) for tokens in sentences]
        if self._shorthand:
            from .shorthand import shorthand_words

            sentences = [shorthand_words(tokens) for tokens in sentences]
        if self._joined:
            from .joined import joined_forms

            sentences = [joined_forms(tokens) for tokens in sentences]
        return sentences

    @property
    def reads_shorthand(self) -> bool:
        """Whether the set reads slash shorthand (``[abbreviations] shorthand``), whose runs decoding keeps whole."""
        return bool(self._shorthand)

    def glued(self, sentences: Sequence[Sequence[str]]) -> list | None:
        """Per sentence, which tokens continue a slash shorthand run that ``[abbreviations]
        shorthand`` reads as one phrase (:func:`crfner.featurize.shorthand.glued`; None for a
        sentence without one), so that decoding keeps each run whole; None when the set reads none."""
        if not self._shorthand:
            return None
        from .shorthand import glued

        return [glued(tokens) for tokens in sentences]

    def token_features(self, word: str) -> dict:
        """Features of one word on its own."""
        features: dict = {}
        for function in self._token_functions:
            features.update(function(word))
        return features

    def word_items(self, word: str, as_attributes: bool) -> tuple:
        """Cached per word type: its own features and what neighbours see of them, as encoded
        attributes or as (name, value) pairs, and its conjunction values. Tuples, not lists:
        the garbage collector stops tracking tuples of strings, and the cache grows large."""
        cache = self._cache[as_attributes]
        entry = cache.get(word)
        if entry is None:
            if len(cache) >= self.CACHE_LIMIT:
                cache.clear()
            features = self.token_features(word)
            conjoined = tuple(str(features.get(name, "")) for name in self.context.conjoined)
            entry = (*self._split(features, as_attributes), tuple(v.encode() for v in conjoined) if as_attributes else conjoined)
            cache[word] = entry
        return entry

    def _split(self, features: dict, as_attributes: bool) -> tuple[tuple, tuple]:
        """Own items and, per context offset, the items neighbours see, of some features."""
        known = self.known
        triples = [(n, v, attribute(n, v).encode()) for n, v in features.items()]
        if known is not None:
            triples = [t for t in triples if t[2] in known]
        projections = self.context.project(features, known)
        if as_attributes:
            return tuple(a for _, _, a in triples), tuple(tuple(a for _, _, a in offset) for offset in projections)
        return tuple((n, v) for n, v, _ in triples), tuple(tuple((n, v) for n, v, _ in offset) for offset in projections)

    def gazetteer_items(self, pairs: list, as_attributes: bool) -> tuple:
        """Like a word's cache entry, for one token's gazetteer features (few distinct sets)."""
        key = (as_attributes, tuple(pairs))
        entry = self._gazetteer_cache.get(key)
        if entry is None:
            entry = self._gazetteer_cache[key] = self._split(dict(pairs), as_attributes)
        return entry

    def _assemble(self, tokens: Sequence[str], as_attributes: bool, document: Sequence | None = None) -> list[list]:
        """Items of one sentence; ``document`` holds per-token document-level pairs (abbreviations),
        which are the token's own and not seen by neighbours."""
        entries = [self.word_items(token, as_attributes) for token in tokens]
        own = [e[0] for e in entries]
        projections = [e[1] for e in entries]
        if self.gazetteers:
            from .gazetteer import gazetteer_features

            for i, pairs in enumerate(gazetteer_features(tokens, self.gazetteers)):
                if pairs:
                    extra = self.gazetteer_items(pairs, as_attributes)
                    own[i] = own[i] + extra[0]
                    projections[i] = tuple(a + b for a, b in zip(projections[i], extra[1]))
        out = self.context.assemble(own, projections, [e[2] for e in entries], as_attributes, self.known)
        if document is not None:
            self._add_document_items(out, document, as_attributes)
        return out

    def _add_document_items(self, out: list[list], document: Sequence[Pairs], as_attributes: bool) -> None:
        known = self.known
        for items, pairs in zip(out, document):
            for name, value in pairs:
                if as_attributes or known is not None:
                    encoded = attribute(name, value).encode()
                    if known is not None and encoded not in known:
                        continue
                items.append(encoded if as_attributes else (name, value))

    def document_pairs(self, sentences: Sequence[Sequence[str]]) -> list | None:
        """Per sentence, per token, the document-level pairs; None when the set has none."""
        # only the abbreviations read the recased text (section headings are read as written)
        return self._document_pairs(sentences, self.recased(sentences) if self._long_form is not None else sentences)

    def _document_pairs(self, sentences: Sequence[Sequence[str]], recased: Sequence[Sequence[str]]) -> list | None:
        """Abbreviations read on the sentences as features see them; headings on the sentences as
        written (truecasing would hide an ALL-CAPS heading)."""
        pairs = None
        if self._long_form is not None:
            from .abbreviations import abbreviation_features

            lexicon = self._lexicon_pairs if self._senses is not None else None
            pairs = abbreviation_features(recased, self._long_form, self.gazetteers, lexicon)
        if self._sections:
            from .sections import section_features

            found = section_features(sentences)
            pairs = found if pairs is None else [[a + b for a, b in zip(x, y)] for x, y in zip(pairs, found)]
        return pairs

    def _lexicon_pairs(self, token: str) -> tuple | None:
        """The long-form features of a short form's usual sense (``sense_forms``), cached per token."""
        cache = self._sense_cache
        if token not in cache:
            from .abbreviations import long_form_features
            from .gazetteer_terms import tokenize_term
            from .sense_forms import abbreviated

            if len(cache) >= self.CACHE_LIMIT:
                cache.clear()
            long = self._senses.long_form(token)
            words = None if long is None else tokenize_term(long)
            # the expansion first: another thread that finds the token cached reads it next
            if words is not None and (self._expand == "all" or not abbreviated(token)):
                self._expansions[token] = next(t for t in reversed(words) if any(c.isalnum() for c in t))
            cache[token] = None if words is None else tuple(
                long_form_features(words, self._long_form, self.gazetteers) + [LEXICON])
        return cache[token]

    def read_as(self, recased: Sequence[Sequence[str]], pairs: Sequence | None) -> Sequence[Sequence[str]]:
        """The words the token features read: with ``[abbreviations] expand``, a short form that got
        its sense's long form (``abbr:lexicon`` among its document ``pairs``) is read as that long
        form's last word (``neg`` as ``negative``; with ``expand = "all"`` also ``HTN`` as
        ``hypertension``, not only those written like words); else ``recased``."""
        if not self._expand or pairs is None:
            return recased
        expansions = self._expansions
        return [[expansions.get(t, t) if p and LEXICON in p else t for t, p in zip(tokens, found or [None] * len(tokens))]
                for tokens, found in zip(recased, pairs)]

    def document(self, sentences: Sequence[Sequence[str]]) -> list[list[dict]]:
        """Feature dicts of each sentence of one document: sentence features plus those that
        need the whole document (a short form defined in another sentence, a section heading)."""
        recased = self.recased(sentences)
        extra = self._document_pairs(sentences, recased) or [None] * len(sentences)
        words = self.read_as(recased, extra)
        return [[dict(items) for items in self._assemble(tokens, False, pairs)] for tokens, pairs in zip(words, extra)]

    def document_attributes(self, sentences: Sequence[Sequence[str]]) -> list[list[list[bytes]]]:
        """:meth:`document` as CRFsuite attributes."""
        recased = self.recased(sentences)
        extra = self._document_pairs(sentences, recased) or [None] * len(sentences)
        return [self._assemble(tokens, True, pairs) for tokens, pairs in zip(self.read_as(recased, extra), extra)]

    def __call__(self, tokens: Sequence[str]) -> list[dict]:
        """One feature dict per token: ``{"lower": "aspirin", "title": 1.0, "-1:lower": ...}``;
        the sentence is taken as a document of its own."""
        return self.document([tokens])[0]

    def attributes(self, tokens: Sequence[str]) -> list[list[bytes]]:
        """The same features as CRFsuite attributes, UTF-8 encoded (``b"lower:aspirin"``,
        ``b"title"``): the fast form for training and tagging, as CRFsuite reads them without a
        conversion per call. Every numeric feature here is an indicator (1.0)."""
        return self.document_attributes([tokens])[0]
