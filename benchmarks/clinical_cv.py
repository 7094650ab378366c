"""Feature sets and levers for MACCROBAT or PHEE by k-fold cross-validation over train and devel
pooled, split by document (test is never read): each document is tagged once by a model that did
not train on it, and systems are compared over all pooled documents (180 for MACCROBAT instead of
devel's 20), so a paired test can see gains that devel alone cannot.

Systems: the installed feature sets `tutorial`, `biomedical` and `clinical` (version 11, which
differs from version 9 only on sentences written in one case; these runs chose versions 4 to 9:
version 4 was `conjunctions4_trigrams_fourgrams`, version 5 `v4_mesh_lists`,
version 6 `v5_senses_expand_words`, version 7 `v6_as_words_spelled`, version 8 `v7_all_states`,
version 9 `v8_iterations300_window`), `clinical-v3` to `clinical-v10` (frozen in benchmarks/configs/),
and levers on version 3:
- `conjunctions4`: word conjunctions [-2,-1] .. [1,2] (clinical_levers.py's best devel lever);
  `conjunctions4_trigram` adds [-1,0,1], `conjunctions4_trigrams` also [-2,-1,0] and [0,1,2],
  `..._skip` adds [-1,1] to that, `..._fourgrams` [-2,-1,0,1] and [-1,0,1,2]; `conjunctions4_prefix` adds neighbours' 3-letter prefixes;
- `topic_clusters`: a second cluster table, ``tclu64/256/1024``, learned with a +-6 window
  (wider windows group words by topic rather than by syntax, nearer to MACCROBAT's semantic
  types); measured by wrapping the model's cluster table, not (yet) a feature-set option;
- `binary_embeddings`: the word vectors the clusters are cut from, binarised per dimension as
  Guo, Che, Wang and Liu (2014, EMNLP, "Revisiting embedding features for simple
  semi-supervised learning") do: ``emb17:+`` above the dimension's mean positive value,
  ``emb17:-`` below its mean negative value, nothing between; also measured by wrapping.
And changes on version 4 (`V4_CHANGES`): training parameters (`v4_c1_0.05`, `v4_c2_0.03`, ...; its
c1 0.01, c2 0.1 are the biomedical set's, its 150 iterations), the window, n-grams of word
clusters or shapes (`[context] feature_conjunctions`), MeSH branch term lists (`v4_mesh_lists`,
the lists of clinical_features.py passed as gazetteer files; version 5 declares them as
`[gazetteers.mesh_branches]`), IOBES training tags, and ablations (`v4_no_*`: one family left out).
And changes on version 5 (`V5_CHANGES`): `v5_senses`, the usual senses of short forms a document does
not define (`[abbreviations] senses`), and with them read as their long forms' last words
(`expand`: `v5_senses_expand_words`, `v5_senses_expand`). And levers on version 6 (`v6_*` rows, tested against `v5_senses_expand_words`, which is version 6
under its lever name, so its kept tags serve as the reference): word-like short forms read only as
notes spell their senses (`v6_as_words_spelled`), clusters also from the tokenised
biomedical sentences (`v6_more_unlabeled`), c2 0.03 (`v6_c2_0.03`), Porter stems (`v6_stems`),
inner character trigrams (`v6_char_trigrams`), and self-training on the OHSUMED abstracts
(`v6_self_training`, see SELF_TRAINING). And CRFsuite's other training algorithms on version 7
(`v7_*`, see V7_CHANGES; tested against `clinical` when it was version 7, now `clinical-v7`), CRFsuite's feature generation on it (`v7_min_freq2`,
`v7_all_states`), and MeSH lists of measures and analytes on it. And training parameters on
version 8 (`v8_*`, see V8_CHANGES: version 7's file with all_possible_states and one change,
the clinical patterns in the window, and the two that came out ahead on MACCROBAT together,
`v8_iterations300_window`; tested against `v7_all_states`, version 8 under its lever name, whose
kept tags serve as the reference), and a jackknifed dictionary of the training reports' own
entities on version 8 (`v8_train_dictionary`, see TRAIN_DICTIONARY; not a feature-set option). `--copy abbreviated` tags and scores
note_copies.py's copy of the held-out documents (entities written as notes abbreviate them); the
models still train on the text as written.

    python benchmarks/clinical_cv.py --data-dir ../shared/data --corpus maccrobat \\
        --systems clinical-v4 clinical --reference clinical-v4 --out benchmarks/results/clinical_cv_maccrobat.json

`--predictions DIR` keeps each system's tags, so that a reference (or any system) is trained once.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
V3 = os.path.join(HERE, "configs", "clinical-v3.toml")  # the base the DECLARATIONS change
V4 = os.path.join(HERE, "configs", "clinical-v4.toml")  # the base the V4_CHANGES change
V5 = os.path.join(HERE, "configs", "clinical-v5.toml")  # the base the V5_CHANGES change
V6 = os.path.join(HERE, "configs", "clinical-v6.toml")  # the base the V6_CHANGES change
V7 = os.path.join(HERE, "configs", "clinical-v7.toml")  # the base the V7_CHANGES change
V8 = os.path.join(HERE, "configs", "clinical-v8.toml")  # version 8 as it shipped (V8_CHANGES change V7, as it was chosen)
V9 = os.path.join(HERE, "configs", "clinical-v9.toml")  # version 9 as it shipped
V10 = os.path.join(HERE, "configs", "clinical-v10.toml")  # version 10 as it shipped
STRICT_LETTERS = os.path.join(HERE, "configs", "clinical-strict-letters.toml")  # version 11 + strict_letters, not adopted
CONJUNCTIONS4 = [[-2, -1], [-1, 0], [0, 1], [1, 2]]
TRIGRAMS = [[-2, -1, 0], [-1, 0, 1], [0, 1, 2]]
# declaration changes on `clinical`
DECLARATIONS = {
    "conjunctions4": {"conjunctions": CONJUNCTIONS4},
    "conjunctions4_trigram": {"conjunctions": CONJUNCTIONS4 + [[-1, 0, 1]]},
    "conjunctions4_trigrams": {"conjunctions": CONJUNCTIONS4 + TRIGRAMS},
    "conjunctions4_trigrams_skip": {"conjunctions": CONJUNCTIONS4 + TRIGRAMS + [[-1, 1]]},
    "conjunctions4_trigrams_fourgrams": {"conjunctions": CONJUNCTIONS4 + TRIGRAMS + [[-2, -1, 0, 1], [-1, 0, 1, 2]]},
    "conjunctions4_prefix": {"conjunctions": CONJUNCTIONS4,
                             "features": ["norm", "shape_short", "suf3", "pre3", "gaz:*", "clu128"]},
}
# changes on version 4, section by section; None removes an option
_WINDOW = ["norm", "shape_short", "suf3", "gaz:*", "clu128"]
V4_CHANGES = {
    # training: more words means more weights to regularise
    "v4_c1_0.05": {"training": {"c1": 0.05}}, "v4_c1_0.02": {"training": {"c1": 0.02}},
    "v4_c2_0.01": {"training": {"c2": 0.01}}, "v4_c2_0.03": {"training": {"c2": 0.03}},
    "v4_c2_0.3": {"training": {"c2": 0.3}}, "v4_iterations300": {"training": {"max_iterations": 300}},
    # context
    "v4_cluster_window": {"context": {"features": ["norm", "shape_short", "suf3", "gaz:*", "clu32", "clu128", "clu512"]}},
    "v4_window3": {"context": {"offsets": [-3, -2, -1, 1, 2, 3]}},
    # n-grams of word classes, not only of words (context.feature_conjunctions)
    "v4_cluster_bigrams": {"context": {"feature_conjunctions": {"clu128": [[-1, 0], [0, 1]]}}},
    "v4_cluster_ngrams": {"context": {"feature_conjunctions": {"clu128": [[-2, -1], [-1, 0], [0, 1], [1, 2], [-1, 0, 1]]}}},
    "v4_cluster512_bigrams": {"context": {"feature_conjunctions": {"clu512": [[-1, 0], [0, 1]]}}},
    "v4_shape_bigrams": {"context": {"feature_conjunctions": {"shape_short": [[-1, 0], [0, 1]]}}},
    # MeSH branch term lists as extra gazetteers (clinical_features.py's, tried on devel with version 1)
    "v4_mesh_lists": {},
    "v4_mesh_lists2": {},  # more branches: cells and fluids, investigative techniques, signs apart from pathology
    # IOBES training tags (S- for one-token entities, E- for last tokens), tagged back to IOB2
    "v4_iobes": {},
    # the O label's score lowered at decoding (Minkov et al. 2006's recall/precision trade)
    **{f"v4_o_bias_{b}": {} for b in (0.25, 0.5, 1.0)},
    # ablations: one family (or its window copy) left out
    "v4_no_prefixes": {"token": {"prefixes": None}},
    "v4_affixes_2_4": {"token": {"prefixes": [2, 3, 4], "suffixes": [2, 3, 4]}},
    "v4_no_long_shape": {"token": {"shape": ["short"]}},
    "v4_no_clinical_patterns": {"token": {"clinical": None}},
    "v4_no_abbreviations": {"abbreviations": {"long_form": None}},
    "v4_window_no_gazetteers": {"context": {"features": [f for f in _WINDOW if f != "gaz:*"]}},
}
# changes on version 5 (frozen in benchmarks/configs/; `v5_senses_expand_words` became version 6)
V5_CHANGES = {
    # undefined short forms get their usual sense's long-form features (crfner/featurize/sense_forms.py)
    "v5_senses": {"abbreviations": {"senses": "clinical"}},
    # ... and read by every token feature as the long form's last word ([abbreviations] expand):
    # every short form looked up, or only those written like words (neg, Abd)
    "v5_senses_expand": {"abbreviations": {"senses": "clinical", "expand": "all"}},
    "v5_senses_expand_words": {"abbreviations": {"senses": "clinical", "expand": "words"}},
}
# changes on version 6 (frozen in benchmarks/configs/; `v6_as_words_spelled` became version 7)
V6_CHANGES = {
    # a short form written like a word read through its sense only if notes spell that sense like a word
    "v6_as_words_spelled": {"abbreviations": {"as_words": "spelled"}},
    # clusters learned also from the 17 MB of tokenised biomedical sentences (devel +0.006 with version 1)
    "v6_more_unlabeled": {"clusters": {"unlabeled_text": ["ohsumed", "biomedical_sentences"]}},
    # regularisation re-checked on version 6's larger feature space
    "v6_c2_0.03": {"training": {"c2": 0.03}},
}
# changes on version 7 (the installed `clinical` while they ran): CRFsuite's other training
# algorithms, none tried before on any corpus: L2-regularised SGD (its c2 at version 7's 0.1 and
# at CRFsuite's default 1.0), the averaged perceptron, passive-aggressive and AROW (their
# defaults; 150 passes as version 7's iterations); v7_pa is declared but was not run
V7_BRANCHES = {"mesh_anatomy": [f"A{n:02d}" for n in (*range(1, 11), 14, 15, 16, 17)], "mesh_sign": ["C23"],
               "mesh_diagnostic": ["E01"], "mesh_therapeutic": ["E02", "E03", "E04"], "mesh_drugclass": ["D27"]}
MEASURES = ["G02", "G03", "G07", "G09", "G11"]
V7_CHANGES = {
    "v7_l2sgd": {"training": {"algorithm": "l2sgd", "c1": None}},
    "v7_l2sgd_c2_1": {"training": {"algorithm": "l2sgd", "c1": None, "c2": 1.0}},
    "v7_ap": {"training": {"algorithm": "ap", "c1": None, "c2": None}},
    "v7_pa": {"training": {"algorithm": "pa", "c1": None, "c2": None}},
    "v7_arow": {"training": {"algorithm": "arow", "c1": None, "c2": None}},
    # L-BFGS for up to 300 iterations instead of version 7's 150 (on version 3 and MACCROBAT devel
    # alone: 0.6217 against 0.6203 with four word conjunctions, within noise)
    "v7_iterations300": {"training": {"max_iterations": 300}},
    # CRFsuite's feature generation: a frequency cut-off for (attribute, label) features, and
    # weights also for attribute-label pairs never seen together (negative evidence)
    "v7_min_freq2": {"training": {"min_freq": 2}},
    "v7_all_states": {"training": {"all_possible_states": True}},
    # MeSH branch lists for what MACCROBAT's diagnostic procedures and lab values name and the
    # version 7 lists miss: the body's measures the linker's `mesh-measures` holds (G02, G03, G07,
    # G09, G11: blood pressure, pH, oxygen saturation) and, with them, the analytes a test reads
    # (D08 enzymes: ALT, LDH; D12 amino acids, peptides and proteins: troponin, CRP, ferritin)
    "v7_mesh_measures": {"gazetteers": {"mesh_branches": {**V7_BRANCHES, "mesh_measure": MEASURES}}},
    "v7_mesh_measures_analytes": {"gazetteers": {"mesh_branches": {**V7_BRANCHES, "mesh_measure": MEASURES,
                                                                   "mesh_analyte": ["D08", "D12"]}}},
}
# training parameters on version 8 (version 7 with all_possible_states): CRFsuite now also weighs
# attribute-label pairs never seen together, many times more weights than version 7 had, which
# the biomedical set's c1 0.01 and c2 0.1 were not chosen for
V8_STATES = {"all_possible_states": True}
V8_CHANGES = {
    "v8_c1_0.05": {"training": {**V8_STATES, "c1": 0.05}},
    "v8_c2_0.03": {"training": {**V8_STATES, "c2": 0.03}},
    "v8_c2_0.3": {"training": {**V8_STATES, "c2": 0.3}},
    # L-BFGS for up to 300 iterations: with the many more weights, 150 may stop short of where
    # version 7's did (v7_iterations300 found nothing there)
    "v8_iterations300": {"training": {**V8_STATES, "max_iterations": 300}},
    # the clinical patterns of the neighbours too (a number before "mg" or "mmHg"): left out of
    # the window on version 1's devel (0.5917 against 0.5955); weights against a type may change that
    "v8_window_clinical": {"training": V8_STATES, "context": {"features": _WINDOW + [
        "clin:dose", "clin:unit", "clin:time", "clin:freq", "clin:route", "clin:duration", "clin:abbr"]}},
}
# forward selection's next step: the two changes above that came out ahead on MACCROBAT, together
V8_CHANGES["v8_iterations300_window"] = {
    "training": V8_CHANGES["v8_iterations300"]["training"], "context": V8_CHANGES["v8_window_clinical"]["context"]}
# levers on version 6 measured by widening the cluster table (not feature-set options):
# `v6_stems` the Porter stem of the word (plural and verb forms of one term share a weight),
# `v6_char_trigrams` the word's inner character trigrams (BANNER's character n-grams; Leaman and
# Gonzalez 2008, PSB), for words of five or more characters
WIDENED_V6 = ("v6_stems", "v6_char_trigrams")
# self-training (not a feature-set option): each fold's version 6 model tags the OHSUMED abstracts;
# sentences with an entity whose every tag has marginal probability >= SELF_CONFIDENCE join the
# fold's training sentences (at most as many as it has, the most confident first) and version 6 is
# trained again on both; the threshold was set before any run, not tuned
SELF_TRAINING = "v6_self_training"
SELF_CONFIDENCE = 0.9
# Brown clusters on version 14 (`v14_brown`; not a feature-set option): the hierarchical classes of
# Brown et al. (1992, Computational Linguistics) learned on the OHSUMED abstracts the set's own
# clusters read (benchmarks/brown_clusters.py, whose table $CRFNER_BROWN_TABLE names: 1,000 classes,
# words seen twice or more), each word's
# bit-string prefixes of 4, 6, 10 and 20 bits for the token and its +-2 window, as Ratinov and Roth
# (2009, CoNLL) use them; k-means clusters of PPMI vectors (what the set has) group words by their
# contexts' overlap, Brown's classes by a bigram model's likelihood, and the two are reported to add
# up (Tang et al. 2014, BMC Bioinformatics 15:S1). The features are named clu128_brn4 .. so that the
# window's "clu128*" copies them; the rule was set before any run.
BROWN = "v14_brown"
BROWN_PREFIXES = (4, 6, 10, 20)
BROWN_TABLE = os.environ.get("CRFNER_BROWN_TABLE", "")
V14_CHANGES = {BROWN: {"context": {"features": ["clu128*" if f == "clu128" else f  # version 9's window, as v8_window_clinical set it
                                                for f in V8_CHANGES["v8_window_clinical"]["context"]["features"]]}}}
# systems trained with a frozen version as it is, and the changes on a frozen version (base, changes)
FROZEN = {"clinical-v4": V4, "clinical-v5": V5, "clinical-v6": V6, "clinical-v7": V7, "clinical-v8": V8, "clinical-v9": V9, "clinical-v10": V10, "clinical-strict-letters": STRICT_LETTERS,
          **dict.fromkeys((*WIDENED_V6, SELF_TRAINING), V6)}
CHANGED = {system: (base, changes[system])
           for base, changes in ((V4, V4_CHANGES), (V5, V5_CHANGES), (V6, V6_CHANGES), (V7, V7_CHANGES), (V7, V8_CHANGES),
                                 ("clinical", V14_CHANGES))
           for system in changes}
O_BIAS = {system: float(system.rsplit("_", 1)[1]) for system in V4_CHANGES if system.startswith("v4_o_bias_")}
# a dictionary of the training reports' own entities (not a feature-set option): each token gets
# tdict=B-TYPE / I-TYPE where a string the training reports annotate as TYPE at least half the times
# they write it starts or goes on (longest match first, case-insensitive), and the neighbours' too;
# training sentences see only the dictionary of the other four of five inner folds (jackknifed, so
# the CRF learns how far a match elsewhere holds, not that its own entities match), held-out
# sentences the dictionary of all the fold's training reports. The rule was set before any run.
TRAIN_DICTIONARY = "v8_train_dictionary"
DICTIONARY_SHARE, DICTIONARY_LONGEST, INNER_FOLDS = 0.5, 8, 5
SYSTEMS = ["clinical-v3", "clinical-v4", "clinical-v5", "clinical-v6", "clinical-v7", "clinical-v8", "clinical-v9", "clinical-v10", "clinical-strict-letters", "tutorial", "biomedical", "clinical", *DECLARATIONS, "topic_clusters", "binary_embeddings",
           *V4_CHANGES, *V5_CHANGES, *V6_CHANGES, *WIDENED_V6, SELF_TRAINING, *V7_CHANGES, *V8_CHANGES, TRAIN_DICTIONARY, BROWN]


class WiderTable:
    """A cluster table plus extra per-word pairs (a second table, binarised vectors): what the
    featurizer asks of ``resources.clusters`` is only ``features(word)``."""

    def __init__(self, base, extra: dict):
        self.base, self.extra = base, extra

    def features(self, word: str) -> list:
        from crfner.featurize.clusters import normalise_word

        return self.base.features(word) + self.extra.get(normalise_word(word), [])


def topic_pairs(sentences) -> dict:
    from crfner.featurize.clusters import cluster_labels, word_vectors

    words, vectors = word_vectors(sentences, window=6)
    labels = [cluster_labels(vectors, k) for k in (64, 256, 1024)]
    return {w: [(f"tclu{k}", str(int(l[i]))) for k, l in zip((64, 256, 1024), labels)] for i, w in enumerate(words)}


def binary_pairs(sentences) -> dict:
    import numpy as np
    from crfner.featurize.clusters import word_vectors

    words, vectors = word_vectors(sentences, window=2)
    positive = np.where(vectors > 0, vectors, np.nan)
    negative = np.where(vectors < 0, vectors, np.nan)
    high, low = np.nanmean(positive, axis=0), np.nanmean(negative, axis=0)
    out = {}
    for i, w in enumerate(words):
        v = vectors[i]
        out[w] = [(f"emb{j}", "+") for j in np.flatnonzero(v > high)] + [(f"emb{j}", "-") for j in np.flatnonzero(v < low)]
    return out


def stem_pairs(sentences) -> dict:
    from nltk.stem import PorterStemmer

    from crfner.featurize.clusters import normalise_word

    stemmer = PorterStemmer()
    words = {normalise_word(w) for sentence in sentences for w in sentence}
    return {w: [("stem", stemmer.stem(w.lower()))] for w in words if w.isalpha()}


def trigram_pairs(sentences) -> dict:
    from crfner.featurize.clusters import normalise_word

    words = {normalise_word(w) for sentence in sentences for w in sentence}
    return {w: [("cng3", g) for g in sorted({w.lower()[i:i + 3] for i in range(1, len(w) - 3)})]
            for w in words if len(w) >= 5}


def brown_pairs(sentences) -> dict:
    """BROWN's features per word, from the table BROWN_TABLE names (word TAB bits), learned once
    on unlabeled text alone, so the fold's sentences are not needed."""
    if not os.path.isfile(BROWN_TABLE):
        raise SystemExit(f"{BROWN} needs $CRFNER_BROWN_TABLE, the table benchmarks/brown_clusters.py writes (now {BROWN_TABLE!r})")
    pairs = {}
    with open(BROWN_TABLE, encoding="utf-8") as handle:
        for line in handle:
            word, bits = line.rstrip("\n").split("\t")
            pairs[word] = [(f"clu128_brn{k}", bits[:k]) for k in BROWN_PREFIXES]
    return pairs


def widened(extra_from):
    """build_resources, with the cluster table widened by ``extra_from(sentences)``."""
    from crfner.featurize import resources

    original = resources.build_resources

    def build(feature_set, X, gazetteers=None, unlabeled_text=None, data_dir=None):
        built = original(feature_set, X, gazetteers, unlabeled_text, data_dir)
        text = list(X) + resources.declared_unlabeled(feature_set, data_dir)
        built.clusters = WiderTable(built.clusters, extra_from(text))
        return built

    return build


def feature_set(system: str) -> dict | str:
    """The declaration a system trains with: an installed set by name, a frozen version (its file),
    a frozen version changed, else version 3 changed."""
    from crfner.featurize.featureset import load_feature_set

    if system in ("tutorial", "biomedical", "clinical"):
        return system
    if system == TRAIN_DICTIONARY:  # version 8, with the dictionary's attributes added outside the feature set
        return feature_set("v7_all_states")
    if system in FROZEN:
        return FROZEN[system]
    if system in CHANGED:
        base, changed = CHANGED[system]
        spec = load_feature_set(base).to_dict()
        for section, changes in changed.items():
            table = spec.setdefault(section, {})
            for key, value in changes.items():
                if value is None:
                    table.pop(key, None)
                else:
                    table[key] = value
        return spec
    spec = load_feature_set(V3).to_dict()
    spec["context"].update(DECLARATIONS.get(system, {}))
    return spec


def pooled(corpus: str, data_dir: str) -> tuple[list, list, list]:
    """The sentences, tags and document ids of ``corpus``'s train and devel splits, pooled."""
    import crfner

    X, y, ids = [], [], []
    for split in ("train", "devel"):
        Xs, ys = crfner.load_corpus(corpus, split, data_dir=data_dir)
        X, y, ids = X + Xs, y + ys, ids + crfner.load_document_ids(corpus, split, data_dir=data_dir)
    return X, y, ids


def abstract_groups(corpus: str, ids: list[str]) -> list[str]:
    """What folds and paired tests keep together: the document, but for PHEE, whose documents are
    sentences, several from one abstract (PMID_n), the abstract."""
    return [d.split("_")[0] for d in ids] if corpus == "phee" else ids


def folds(ids: list[str], k: int, seed: int = 0) -> dict[str, int]:
    """Document id -> fold number, documents shuffled once with ``seed``."""
    documents = sorted(set(ids))
    random.Random(seed).shuffle(documents)
    return {d: i % k for i, d in enumerate(documents)}


def fold_split(groups: list[str], fold_of: dict, fold: int) -> tuple[list[int], list[int]]:
    """The indices of ``fold``'s training sentences and of its held-out ones (``groups``: each sentence's)."""
    return ([i for i, g in enumerate(groups) if fold_of[g] != fold],
            [i for i, g in enumerate(groups) if fold_of[g] == fold])


def gazetteer_files(system: str, data_dir: str) -> dict:
    """CRFTagger options of the MeSH list levers: the lists written as gazetteer files."""
    if system not in ("v4_mesh_lists", "v4_mesh_lists2"):
        return {}
    import tempfile

    from clinical_features import MESH_BRANCHES, mesh_branch_lists

    branches = MESH_BRANCHES if system == "v4_mesh_lists" else {
        **MESH_BRANCHES, "mesh_anatomy": MESH_BRANCHES["mesh_anatomy"] + ("A11", "A12"),
        "mesh_diagnostic": ("E01", "E05"), "mesh_sign": ("C23.888",), "mesh_pathology": ("C23.550",)}
    return {"gazetteers": mesh_branch_lists(data_dir, tempfile.mkdtemp(prefix="crfner-mesh-"), branches)}


def lowered_outside(tagger, X, documents, biases) -> dict[float, list]:
    """For each bias, the Viterbi tags with the O label's score lowered by it at every token (label
    scores summed once from the model's weights over its token attributes: public API only)."""
    import numpy as np
    from crfner.crf.decoding import viterbi

    weights = tagger.weights_
    emissions = [weights.emissions(attributes) for attributes in tagger.token_attributes(X, documents=documents)]
    outside = np.zeros(len(weights.labels))
    outside[weights.labels.index("O")] = 1.0
    return {bias: [[weights.labels[k] for k in path] for path in viterbi([e - bias * outside for e in emissions], weights.transition)]
            for bias in biases}


def ohsumed_sentences(data_dir: str) -> tuple[list, list]:
    """The OHSUMED abstracts split and tokenised as raw text is for tagging (as the clusters read
    them): token lists of 3 to 120 tokens, and their abstracts' ids."""
    from crfner.corpora.jsonl import read_jsonl
    from crfner.corpora.registry import resolve_data_dir
    from crfner.featurize.resources import UNLABELED_SOURCES
    from crfner.text import sentence_columns

    X, ids = [], []
    for document in read_jsonl(resolve_data_dir(data_dir) / UNLABELED_SOURCES["ohsumed"]):
        columns = sentence_columns(document.text, document.passages)
        for a, b in columns.sentences:
            if 3 <= b - a <= 120:
                X.append(columns.words[a:b])
                ids.append(document.id)
    return X, ids


def pseudo_labelled(tagger, pool: tuple[list, list], limit: int) -> tuple[list, list, list]:
    """The pool's sentences the tagger labels with an entity and with confidence (see SELF_TRAINING)."""
    X, ids = pool
    scored = tagger.predict_scored(X, documents=ids)
    chosen = [(min(probabilities), i) for i, (tags, probabilities) in enumerate(scored)
              if any(t != "O" for t in tags) and min(probabilities) >= SELF_CONFIDENCE]
    chosen = sorted(i for _, i in sorted(chosen, reverse=True)[:limit])
    return [X[i] for i in chosen], [scored[i][0] for i in chosen], [ids[i] for i in chosen]


def entity_dictionary(X, y) -> dict[tuple, str]:
    """Lower-cased token strings -> the type the sentences ``X`` annotate them as most often, for
    strings annotated at least DICTIONARY_SHARE of the times they occur (see TRAIN_DICTIONARY)."""
    from collections import Counter, defaultdict

    from crfner.schemes import tags_to_spans

    typed: dict[tuple, Counter] = defaultdict(Counter)
    for words, tags in zip(X, y):
        lowered = [w.lower() for w in words]
        for span in tags_to_spans(tags):
            if span.end - span.start <= DICTIONARY_LONGEST:
                typed[tuple(lowered[span.start:span.end])][span.type] += 1
    written: Counter = Counter()
    for words in X:
        lowered = [w.lower() for w in words]
        for n in range(1, DICTIONARY_LONGEST + 1):
            for i in range(len(lowered) - n + 1):
                key = tuple(lowered[i:i + n])
                if key in typed:
                    written[key] += 1
    return {key: types.most_common(1)[0][0] for key, types in typed.items()
            if sum(types.values()) >= DICTIONARY_SHARE * written[key]}


def dictionary_attributes(words, dictionary: dict) -> list[list[bytes]]:
    """Each token's tdict attributes: its longest dictionary match's B-/I-TYPE, and its neighbours'."""
    lowered = [w.lower() for w in words]
    own = ["O"] * len(words)
    i = 0
    while i < len(words):
        for n in range(min(DICTIONARY_LONGEST, len(words) - i), 0, -1):
            etype = dictionary.get(tuple(lowered[i:i + n]))
            if etype is not None:
                own[i:i + n] = [f"B-{etype}"] + [f"I-{etype}"] * (n - 1)
                i += n
                break
        else:
            i += 1
    out = []
    for i in range(len(words)):
        attributes = [f"tdict={own[i]}".encode()] if own[i] != "O" else []
        for offset in (-1, 1):
            if 0 <= i + offset < len(words) and own[i + offset] != "O":
                attributes.append(f"tdict[{offset:+d}]={own[i + offset]}".encode())
        out.append(attributes)
    return out


def dictionary_cross_validated(X, y, ids, groups, fold_of: dict, data_dir: str, tagged=None) -> tuple[list, float]:
    """TRAIN_DICTIONARY's tags for each sentence from its fold's model; training seconds."""
    import pycrfsuite

    import crfner
    from crfner.crf.training import train_crfsuite
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.parallel import featurize_many
    from crfner.featurize.resources import build_resources

    spec = load_feature_set(feature_set("v7_all_states"))
    params = crfner.CRFTagger(features=spec, data_dir=data_dir).resolved_training_params(spec)
    predicted: list = [None] * len(X)
    seconds = 0.0
    for fold in sorted(set(fold_of.values())):
        train, held = fold_split(groups, fold_of, fold)
        train = [i for i in train if len(X[i])]
        started = time.perf_counter()
        tokens = [list(X[i]) for i in train]
        resources = build_resources(spec, tokens, None, None, data_dir)
        features = featurize_many(spec, tokens, resources=resources, documents=[ids[i] for i in train])
        inner = folds([groups[i] for i in train], INNER_FOLDS, seed=1)
        for part in range(INNER_FOLDS):
            others = [i for i in train if inner[groups[i]] != part]
            dictionary = entity_dictionary([X[i] for i in others], [y[i] for i in others])
            for row, i in enumerate(train):
                if inner[groups[i]] == part:
                    for token, extra in zip(features[row], dictionary_attributes(X[i], dictionary)):
                        token.extend(extra)
        model, _ = train_crfsuite(features, [list(y[i]) for i in train], params, False)
        seconds += time.perf_counter() - started
        dictionary = entity_dictionary([X[i] for i in train], [y[i] for i in train])
        words = [list((tagged or X)[i]) for i in held]
        held_features = featurize_many(spec, words, resources=resources, documents=[ids[i] for i in held])
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(model)
        for i, sentence, attributes in zip(held, words, held_features):
            for token, extra in zip(attributes, dictionary_attributes(sentence, dictionary)):
                token.extend(extra)
            predicted[i] = tagger.tag(pycrfsuite.ItemSequence(attributes)) if sentence else []
    return predicted, seconds


_POOL: dict = {}
_FITTED: dict = {}  # (declaration, fold) -> (tagger, seconds): the O-bias systems share version 4's fold models


def cross_validated(system: str, X, y, ids, groups, fold_of: dict, data_dir: str, tagged=None) -> tuple[list, float]:
    """Each sentence's tags from the model of the fold that held its document out; training seconds.
    ``tagged``: other sentences to tag in place of ``X``'s (a copy of them, such as note_copies's)."""
    import json

    import crfner
    from crfner.featurize import resources
    from crfner.schemes import convert

    predicted: list = [None] * len(X)
    seconds = 0.0
    original = resources.build_resources
    wideners = {"topic_clusters": topic_pairs, "binary_embeddings": binary_pairs, "v6_stems": stem_pairs,
                "v6_char_trigrams": trigram_pairs, BROWN: brown_pairs}
    if system in wideners:
        resources.build_resources = widened(wideners[system])
    options = gazetteer_files(system, data_dir)
    scheme = (lambda tags: convert(tags, "iobes")) if system == "v4_iobes" else list
    bias = O_BIAS.get(system)
    spec = feature_set(system)
    try:
        for fold in sorted(set(fold_of.values())):
            train, held = fold_split(groups, fold_of, fold)
            key = (json.dumps(spec, sort_keys=True), fold) if bias is not None else None
            if key in _FITTED:
                tagger, fit_seconds = _FITTED[key]
            else:
                tagger = crfner.CRFTagger(features=spec, data_dir=data_dir, **options)
                started = time.perf_counter()
                tagger.fit([X[i] for i in train], [scheme(y[i]) for i in train], documents=[ids[i] for i in train])
                if system == SELF_TRAINING:
                    if data_dir not in _POOL:
                        _POOL[data_dir] = ohsumed_sentences(data_dir)
                    Xp, yp, idp = pseudo_labelled(tagger, _POOL[data_dir], len(train))
                    print(f"fold {fold}: {len(Xp)} pseudo-labelled sentences", file=sys.stderr)
                    tagger = crfner.CRFTagger(features=spec, data_dir=data_dir, **options)
                    tagger.fit([X[i] for i in train] + Xp, [y[i] for i in train] + yp,
                               documents=[ids[i] for i in train] + idp)
                fit_seconds = time.perf_counter() - started
                if key is not None:
                    _FITTED[key] = (tagger, fit_seconds)
            seconds += fit_seconds
            Xh, documents = [(tagged or X)[i] for i in held], [ids[i] for i in held]
            tags = lowered_outside(tagger, Xh, documents, [bias])[bias] if bias is not None else tagger.predict(Xh, documents=documents)
            for i, t in zip(held, tags):
                predicted[i] = convert(t, "iob2") if system == "v4_iobes" else t
    finally:
        resources.build_resources = original
    return predicted, seconds


def kept(folder: str | None, system: str, corpus: str, k: int, run, copy: str = "as written", tagged=None) -> tuple[list, float]:
    """``run()`` (tags, training seconds), or what an earlier run of the same declaration kept in ``folder``."""
    if not folder:
        return run()
    import hashlib
    import json

    from crfner.atomic import atomic_open

    from crfner.featurize.featureset import load_feature_set

    spec = feature_set(system)
    spec = load_feature_set(spec).to_dict() if isinstance(spec, str) else spec
    declaration = json.dumps([system, spec, corpus, k] + ([copy] if copy != "as written" else []), sort_keys=True, default=str)
    if tagged is not None:  # the copy's sentences themselves, so that a changed copy is tagged again
        declaration += hashlib.sha256(json.dumps(tagged).encode()).hexdigest()
    path = os.path.join(folder, f"{corpus}-{system}-{hashlib.sha256(declaration.encode()).hexdigest()[:12]}.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            kept_run = json.load(handle)
        return kept_run["tags"], kept_run["train_seconds"]
    predicted, seconds = run()
    os.makedirs(folder, exist_ok=True)
    with atomic_open(path) as handle:
        json.dump({"declaration": declaration, "tags": predicted, "train_seconds": seconds}, handle)
    return predicted, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpus", choices=["maccrobat", "phee"], required=True)
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=SYSTEMS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--reference", choices=SYSTEMS, default="clinical-v3",
                        help="the system the others are tested against (run it first in --systems)")
    parser.add_argument("--copy", choices=["as written", "abbreviated"], default="as written",
                        help="tag and score the held-out documents as written or in note_copies.py's abbreviated copy "
                        "(models always train on the text as written)")
    parser.add_argument("--out", help="JSON file; rows are replaced by (system, corpus, reference, copy)")
    parser.add_argument("--predictions", help="folder keeping each system's cross-validated tags (keyed by its "
                        "declaration, corpus and folds), so a later run compares against a reference without retraining it")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "clinical_cv.json")
    import crfner
    from crfner.evaluation.significance import paired_test
    from rows import load_rows, put_row

    warnings.simplefilter("ignore")
    X, y, ids = pooled(args.corpus, args.data_dir)
    groups = abstract_groups(args.corpus, ids)
    fold_of = folds(groups, args.folds)
    tagged, scored, replaced = None, y, None  # what is tagged (None: X) and the gold it is scored against
    if args.copy == "abbreviated":
        from note_copies import abbreviate, short_forms

        tagged, scored, replaced = abbreviate(X, y, short_forms(args.data_dir))
    results = load_rows(args.out)
    command = " ".join(["python", "benchmarks/clinical_cv.py", *sys.argv[1:]])
    reference = None
    for system in args.systems:
        predicted, seconds = kept(args.predictions, system, args.corpus, args.folds,
                                  lambda system=system: (dictionary_cross_validated(X, y, ids, groups, fold_of, args.data_dir, tagged)
                                                         if system == TRAIN_DICTIONARY else
                                                         cross_validated(system, X, y, ids, groups, fold_of, args.data_dir, tagged)),
                                  args.copy, tagged)
        s = crfner.evaluate(scored, predicted)
        row = {"system": system, "corpus": args.corpus, "folds": args.folds, "documents": len(fold_of),
               "f1": round(s.f1, 4), "precision": round(s.precision, 4), "recall": round(s.recall, 4),
               "train_seconds": round(seconds, 1)}
        if args.copy != "as written":
            row.update(copy=args.copy, entities_replaced=replaced)
        if system == args.reference:
            reference = predicted
        elif reference is not None:
            test = paired_test(scored, reference, predicted, groups=groups, n_resamples=10000, seed=0)
            row["reference"] = args.reference
            row["reference_minus_this"] = round(test["difference"], 4)
            row["p_value_vs_reference"] = round(test["p_value"], 4)
        row["command"] = command
        put_row(args.out, results, row, key=lambda r: (r["system"], r["corpus"], r.get("reference"), r.get("copy")))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    raise SystemExit(main())
