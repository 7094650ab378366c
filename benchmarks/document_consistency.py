"""Issue 15, document-level levers measured on devel only (train -> devel, strict entity micro-F1,
document ids given): two-pass stacking for document consistency (Krishnan & Manning 2006), a
dictionary of the mentions annotated in the training data, and the two together.

Each run starts from a declaration of `biomedical` made by benchmarks/accuracy_levers.py
(``--base baseline``: version 2 as it is; ``--base candidate_v3``: version 2 with clusters from
unlabeled text and gazetteer terms) and measures, on one corpus:

``baseline``     one CRF on the base features (the first pass; should match accuracy_levers.py's row)
``stack``        a second CRF whose tokens also carry what the first pass said about the same
                 document: the token's own first-pass tag and a bucket of its marginal, the
                 neighbours' first-pass tags, how the first pass tagged the same word (lower-cased)
                 elsewhere in the document, and whether the same token string was a predicted
                 mention of type T elsewhere in the document (matched longest-first, B/I, with the
                 share of its other occurrences that were predicted)
``mdict``        one CRF whose tokens also carry matches of a dictionary of the strings annotated
                 as mentions in the training data (B/I per type, exact case, single token; also seen
                 by the neighbours at -1/+1), like a gazetteer
``stack_mdict``  ``stack`` with the ``mdict`` features added to the second pass only
``stack_abbr``   ``stack`` plus abbreviation consistency: on each use of a short form defined in the
                 document, how the first pass tagged its long form (and the short form's other
                 uses); on the long form, how it tagged the short form's uses
``stack_mdict_abbr``  all three
``doc``, ``doc_abbr``, ``doc_mdict_abbr``  the same with only what the first pass said elsewhere in
                 the document (word, mention string, abbreviation): no ``p1*`` attributes of the
                 token's own first-pass tag, its marginal or its neighbours' tags

First-pass tags of the training sentences come from k-fold cross-validation by document (a model
that never saw the sentence's document); the devel sentences get them from a first pass trained on
all of train. The mention dictionary of a training sentence holds only the other folds' mentions;
that of a devel sentence, all of train's. The word clusters are learned once from all of the
training text (and the declared unlabeled text): they use no labels, so a fold model that shares
them sees no label of its held-out fold.

No public hook in CRFTagger takes extra per-token attributes, so the prototype builds the base
attributes with the feature set's own featurizer (``crfner.featurize``), trains with the same
CRFsuite call CRFTagger uses (``crfner.crf.training.train_crfsuite``) and decodes with the same
numpy decoder (``crfner.crf.decoding``), each a public module-level function; only the extra
attributes are its own.

What the rows say (5 folds; ``@seed1`` rows repeat a run with another shuffle of documents into
folds): on BC5CDR devel, stacking with abbreviation consistency and the mention dictionary
(``stack_mdict_abbr``) gains +0.012 to +0.013 over the same run's first pass from either base, the
same with both fold shuffles, p <= 0.002 (approximate randomisation over documents, computed from
predictions saved at the time; most devel rows do not store their p-value); on NCBI
Disease devel (100 documents) no variant moves F1 beyond its noise (-0.009 to +0.004, p > 0.5).
On BC5CDR test (train+devel -> test, once, ``doc_mdict_abbr`` from ``candidate_v3``, fold seed 0)
the second pass scores 0.8927 against its first pass's 0.8847 (+0.008, p = 0.0015; bootstrap 95%
intervals over documents [0.8822, 0.9022] and [0.8744, 0.8941]), at 4.5x the training time (638.6 s
against 141.5 s, the 5-fold first pass included) and 2.6x the tagging time. On MACCROBAT devel
(20 documents) from `clinical` v2 (0.6132): ``doc_mdict_abbr`` 0.6135 (p = 0.97), ``doc_abbr``
0.6189 (p = 0.49), within noise.

``--test`` scores test once, for the variant chosen on devel (named with ``--variants``): the
"training" side becomes train+devel (its documents dealt into the k folds for the cross-validated
first pass, the first pass and the second pass trained on all of it, the clusters learned from
its text) and test is tagged by the first pass and then the second. The rows carry evaluation
"train+devel -> test"; the first pass's own row is the single-pass model, and the second pass's
row holds ``first_pass_f1``, ``p_value_vs_baseline`` (approximate randomisation over documents,
2000 rounds), ``tag_seconds_ratio_vs_first_pass`` and, in test rows only, ``bootstrap_95``
(percentile bootstrap over documents, 1000 resamples, of P/R/F1 and per-type F1).

``--base clinical`` starts from the declared `clinical` feature set as it is (features/clinical.toml,
version 2), for ``--corpus maccrobat`` (MACCROBAT 2020, train -> devel only).

One run (base x corpus, the variants asked for) per invocation; each variant's row is merged into
the JSON file ``--out`` names (without it, a new file in the temporary folder) under its (base, variant, corpus, evaluation) key (variant plus ``--tag``); ``--cache`` keeps the
cross-validated first pass for a later run with other variants:

    python benchmarks/document_consistency.py --data-dir ../shared/data --base baseline --corpus bc5cdr \\
        --out benchmarks/results/document_consistency.json
    python benchmarks/document_consistency.py --data-dir ../shared/data --base candidate_v3 --corpus bc5cdr \\
        --variants stack,stack_mdict_abbr --fold-seed 1 --tag @seed1
    python benchmarks/document_consistency.py --data-dir ../shared/data --base candidate_v3 --corpus bc5cdr \\
        --variants doc_mdict_abbr --test
    python benchmarks/document_consistency.py --table
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "document_consistency.json")
VARIANTS = ["baseline", "stack", "mdict", "stack_mdict", "stack_abbr", "stack_mdict_abbr", "doc", "doc_abbr", "doc_mdict_abbr"]
BASES = ["baseline", "candidate_v3", "clinical"]
CORPORA = ["bc5cdr", "ncbi_disease", "maccrobat"]
#: a base that is a declared feature set as it is, not a change to `biomedical` (accuracy_levers.py)
DECLARED = {"clinical": "none: features/clinical.toml as declared (version 2)"}


def peak_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# -- folds, training and decoding -------------------------------------------------------------------
def folds_by_document(ids: list, k: int, seed: int = 0) -> list[int]:
    """Each sentence's fold: documents shuffled (seeded) and dealt round-robin into k folds."""
    documents = sorted(set(ids))
    random.Random(seed).shuffle(documents)
    fold_of = {d: i % k for i, d in enumerate(documents)}
    return [fold_of[d] for d in ids]


def train(attributes: list, tags: list, params: dict):
    from crfner.crf.training import train_crfsuite

    return train_crfsuite(attributes, tags, params, False)[1]


def decode(weights, attributes: list) -> tuple[list[list[str]], list[list[float]]]:
    """Viterbi tags and each tag's marginal probability, per sentence."""
    from crfner.crf.decoding import paths_and_their_marginals

    emissions = [weights.emissions(sentence) for sentence in attributes]
    out_tags, out_probs = [], []
    for path, probabilities in paths_and_their_marginals(emissions, weights.transition):
        out_tags.append([weights.labels[k] for k in path.tolist()])
        out_probs.append(probabilities.tolist())
    return out_tags, out_probs


def joined(base: list, *extras: list) -> list:
    """Per sentence, per token: the base attributes followed by each extra's."""
    return [[list(a) + [x for extra in extras for x in extra[s][t]] for t, a in enumerate(sentence)]
            for s, sentence in enumerate(base)]


def encoded(pairs: list[tuple[str, object]]) -> list[bytes]:
    from crfner.featurize.context import attribute

    return [attribute(n, v).encode() for n, v in pairs]


# -- lever 1: what the first pass said about the same document ----------------------------------------
def marginal_bucket(p: float) -> str:
    """A coarse bucket of a tag's marginal probability, as an attribute value."""
    return "99" if p >= 0.99 else "90" if p >= 0.9 else "70" if p >= 0.7 else "50" if p >= 0.5 else "lo"


def _share(part: int, whole: int) -> str:
    return "all" if part == whole else "most" if 2 * part >= whole else "some"


def _entity_type(tag: str) -> str:
    return "O" if tag == "O" else tag[2:]


def stack_features(X: list, ids: list, tags: list, probs: list, own_tags: bool = True) -> list:
    """Per sentence, per token, the encoded stacking attributes (see the module's docstring);
    without ``own_tags``, only what the first pass said elsewhere in the document (no ``p1*``)."""
    from crfner.featurize.gazetteer_terms import is_word
    from crfner.schemes import tags_to_spans

    out: list = [None] * len(X)
    groups: dict = defaultdict(list)
    for i, d in enumerate(ids):
        groups[d].append(i)
    for sentences in groups.values():
        # word -> first-pass type counts over the document
        words: dict[str, Counter] = defaultdict(Counter)
        # mention string (lower-cased tokens) -> predicted type counts; spans predicted in place
        mentions: dict[tuple, Counter] = defaultdict(Counter)
        predicted: set = set()
        for s in sentences:
            for token, tag in zip(X[s], tags[s]):
                if is_word(token) and len(token) > 1:
                    words[token.lower()][_entity_type(tag)] += 1
            lowered = [t.lower() for t in X[s]]
            for span in tags_to_spans(tags[s]):
                mentions[tuple(lowered[span.start:span.end])][span.type] += 1
                predicted.add((s, span.start, span.end, span.type))
        longest = max(map(len, mentions), default=0)
        matches: dict[int, list] = {}
        occurrences: Counter = Counter()
        for s in sentences:
            lowered = [t.lower() for t in X[s]]
            found, i, n = [], 0, len(lowered)
            while i < n:
                for j in range(min(n, i + longest), i, -1):
                    key = tuple(lowered[i:j])
                    if key in mentions:
                        found.append((i, j, key))
                        occurrences[key] += 1
                        i = j
                        break
                else:
                    i += 1
            matches[s] = found
        for s in sentences:
            tokens, sentence_tags, sentence_probs = X[s], tags[s], probs[s]
            n = len(tokens)
            pairs: list[list] = [[] for _ in range(n)]
            for t in range(n):
                own = pairs[t]
                if own_tags:
                    own.append(("p1", sentence_tags[t]))
                    own.append(("p1conf", marginal_bucket(sentence_probs[t])))
                    own.append(("p1:-1", sentence_tags[t - 1] if t > 0 else "BOS"))
                    own.append(("p1:+1", sentence_tags[t + 1] if t + 1 < n else "EOS"))
                token = tokens[t]
                if is_word(token) and len(token) > 1:
                    others = words[token.lower()].copy()
                    others[_entity_type(sentence_tags[t])] -= 1
                    total = sum(others.values())
                    if total > 0:
                        majority = max(sorted(others), key=lambda k: others[k])
                        own.append(("dw:maj", majority))
                        for etype, count in others.items():
                            if etype != "O" and count > 0:
                                own.append((f"dw:{etype}", _share(count, total)))
            for i, j, key in matches[s]:
                elsewhere = occurrences[key] - 1
                for etype, count in mentions[key].items():
                    count -= (s, i, j, etype) in predicted
                    if count <= 0:
                        continue
                    pairs[i].append((f"dm:{etype}", "B"))
                    for t in range(i + 1, j):
                        pairs[t].append((f"dm:{etype}", "I"))
                    share = _share(count, elsewhere) if elsewhere > 0 else "all"
                    for t in range(i, j):
                        pairs[t].append((f"dmf:{etype}", share))
            out[s] = [encoded(p) for p in pairs]
    return out


# -- lever 3: abbreviation consistency, from the first pass ----------------------------------------
def abbreviation_consistency(X: list, ids: list, tags: list) -> list:
    """Per sentence, per token, encoded attributes tying a short form defined in the document
    (``long form ( SF )``) to how the first pass tagged its long form, and back: on each use of the
    short form, the long form's first-pass type (``T:whole`` when it was exactly one predicted
    mention, ``T:part`` when some of it was, else ``O``) and the majority first-pass type of the
    short form's other uses; on the long form at its definition, the majority type of the short
    form's uses."""
    from crfner.featurize.abbreviations import find_definitions
    from crfner.schemes import tags_to_spans

    out: list = [[[] for _ in tokens] for tokens in X]
    groups: dict = defaultdict(list)
    for i, d in enumerate(ids):
        groups[d].append(i)
    for sentences in groups.values():
        definitions = find_definitions([X[s] for s in sentences])
        for short, long in definitions.items():
            site = None
            pattern = list(long) + ["("] + list(short)
            for s in sentences:
                tokens = X[s]
                for i in range(len(tokens) - len(pattern) + 1):
                    if tokens[i:i + len(pattern)] == pattern:
                        site = (s, i, i + len(long))
                        break
                if site:
                    break
            uses = [(s, i) for s in sentences for i in range(len(X[s]) - len(short) + 1)
                    if tuple(X[s][i:i + len(short)]) == short]
            use_types = Counter(_entity_type(tags[s][i]) for s, i in uses)
            long_type = "none"
            if site:
                s, start, end = site
                spans = tags_to_spans(tags[s])
                whole = [sp.type for sp in spans if sp.start == start and sp.end == end]
                part = [sp.type for sp in spans if sp.start < end and sp.end > start]
                long_type = f"{whole[0]}:whole" if whole else f"{part[0]}:part" if part else "O"
                if use_types:
                    majority = max(sorted(use_types), key=lambda k: use_types[k])
                    for t in range(start, end):
                        out[s][t].append(f"ab:sf:{majority}".encode())
            for s, i in uses:
                others = use_types.copy()
                others[_entity_type(tags[s][i])] -= 1
                others = +others
                for t in range(i, i + len(short)):
                    out[s][t].append(f"ab:lf:{long_type}".encode())
                    if others:
                        out[s][t].append(f"ab:sfmaj:{max(sorted(others), key=lambda k: others[k])}".encode())
    return out


# -- lever 2: a dictionary of the training mentions -------------------------------------------------
def mention_dictionaries(X: list, y: list, keep) -> list:
    """Gazetteers (one per type) of the mention strings annotated in the sentences ``keep`` allows."""
    from crfner.featurize.gazetteer import Gazetteer
    from crfner.schemes import tags_to_spans

    terms: dict[str, set] = defaultdict(set)
    for s, (tokens, tags) in enumerate(zip(X, y)):
        if keep(s):
            for span in tags_to_spans(tags):
                terms[span.type].add(" ".join(tokens[span.start:span.end]))
    return [Gazetteer.from_terms(sorted(values), name=f"mdict_{etype}") for etype, values in sorted(terms.items())]


def mdict_features(X: list, gazetteers: list) -> list:
    """Per token, the encoded dictionary matches: its own and those of its neighbours at -1/+1."""
    from crfner.featurize.gazetteer import gazetteer_features

    out = []
    for tokens in X:
        pairs = gazetteer_features(tokens, gazetteers)
        own = [encoded(p) for p in pairs]
        n = len(tokens)
        items = []
        for t in range(n):
            row = list(own[t])
            if t > 0:
                row += [b"-1:" + a for a in own[t - 1]]
            if t + 1 < n:
                row += [b"+1:" + a for a in own[t + 1]]
            items.append(row)
        out.append(items)
    return out


# -- one run -----------------------------------------------------------------------------------------
def run(base: str, corpus: str, data_dir: str, variants: list[str], k: int, seed: int, cache: str | None, save: str | None,
        log, test: bool = False) -> list[dict]:
    """One base x corpus. ``test``: the "train" side is train+devel (cross-validated first pass over
    its documents, full first pass and second pass on all of it) and the evaluation side is test;
    the variable names below say ``dev`` for the evaluation side either way."""
    from accuracy_levers import VARIANTS as SPECS
    from accuracy_levers import spec_for

    import crfner
    from crfner.atomic import atomic_open
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.parallel import featurize_many
    from crfner.featurize.resources import build_resources

    train_split, eval_split = ("train+devel", "test") if test else ("train", "devel")
    X, y = crfner.load_corpus(corpus, train_split, data_dir=data_dir)
    ids = crfner.load_document_ids(corpus, train_split, data_dir=data_dir)
    kept = [i for i, t in enumerate(X) if t]
    X, y, ids = [X[i] for i in kept], [y[i] for i in kept], [ids[i] for i in kept]
    X_dev, y_dev = crfner.load_corpus(corpus, eval_split, data_dir=data_dir)
    ids_dev = crfner.load_document_ids(corpus, eval_split, data_dir=data_dir)
    kept = [i for i, t in enumerate(X_dev) if t]
    X_dev, y_dev, ids_dev = [X_dev[i] for i in kept], [y_dev[i] for i in kept], [ids_dev[i] for i in kept]
    log(f"{corpus}: {train_split} {len(X)} sentences, {len(set(ids))} documents; {eval_split} {len(X_dev)} sentences, "
        f"{len(set(ids_dev))} documents")

    spec = load_feature_set(base).to_dict() if base in DECLARED else spec_for(base)
    base_change = DECLARED[base] if base in DECLARED else SPECS[base][0]
    feature_set = load_feature_set(spec)
    params = crfner.CRFTagger(features=spec).resolved_training_params(feature_set)
    started = time.perf_counter()
    resources = build_resources(feature_set, X, data_dir=data_dir)
    A = featurize_many(feature_set, X, resources=resources, documents=ids)
    prepare_seconds = time.perf_counter() - started
    started = time.perf_counter()
    A_dev = featurize_many(feature_set, X_dev, resources=resources, documents=ids_dev)
    featurize_dev_seconds = time.perf_counter() - started
    log(f"prepared {base}/{corpus}: resources + featurizing {train_split} {prepare_seconds:.1f} s, {eval_split} {featurize_dev_seconds:.1f} s")

    rows: list[dict] = []
    declared = f"{feature_set.name} v{feature_set.version}" + ("" if base in DECLARED else f" changed as --base {base} says")
    common = {"base": base, "base_change": base_change, "feature_set": declared,
              "corpus": corpus, "evaluation": f"{train_split} -> {eval_split}",
              "training_parameters": params, "prepare_seconds": round(prepare_seconds, 1)}

    test_mode = test

    def record(variant: str, predicted: list, train_seconds: float, tag_seconds: float, **more) -> None:
        scores = crfner.evaluate(y_dev, predicted)
        if save:
            os.makedirs(save, exist_ok=True)
            suffix = "-test" if test_mode else ""
            with atomic_open(os.path.join(save, f"{base}-{corpus}-{variant}{suffix}.json")) as handle:
                json.dump({"ids": ids_dev, "tokens": X_dev, "gold": y_dev, "predicted": predicted}, handle)
        if variant != "baseline":  # against the same run's first pass: approximate randomisation over documents
            from crfner.evaluation.significance import paired_test

            test = paired_test(y_dev, predicted, tags_dev, groups=ids_dev, n_resamples=2000)
            more["p_value_vs_baseline"] = round(test["p_value"], 4)
            more["first_pass_f1"] = round(test["f1_b"], 4)
            more["f1_minus_first_pass"] = round(test["difference"], 4)
            more["tag_seconds_ratio_vs_first_pass"] = round(tag_seconds / first_pass_tag_total, 2)
        if test_mode:  # percentile bootstrap over documents, 1000 resamples (a few seconds)
            from crfner.evaluation.significance import bootstrap_ci

            ci = bootstrap_ci(y_dev, predicted, groups=ids_dev, n_resamples=1000)
            more["bootstrap_95"] = {"unit": "document", "resamples": ci["resamples"], "f1": [round(v, 4) for v in ci["f1"]],
                                    "precision": [round(v, 4) for v in ci["precision"]],
                                    "recall": [round(v, 4) for v in ci["recall"]],
                                    "per_type_f1": {t: [round(v, 4) for v in c["f1"]] for t, c in ci["per_type"].items()}}
        row = {"variant": variant, **common, "f1": round(scores.f1, 4), "precision": round(scores.precision, 4),
               "recall": round(scores.recall, 4), "per_type_f1": {t: round(s.f1, 4) for t, s in scores.per_type.items()},
               "train_seconds": round(train_seconds, 1), "tag_seconds": round(tag_seconds, 1),
               "peak_rss_mib": peak_mib(), **more}
        rows.append(row)
        log(f"{base:13} {variant:12} {corpus:13} F1 {row['f1']:.4f}  P {row['precision']:.4f}  R {row['recall']:.4f}  "
            f"train {row['train_seconds']} s  peak {row['peak_rss_mib']} MiB")

    # The first pass on all of train, tagging devel: the baseline, and the devel side of the stack.
    started = time.perf_counter()
    first = train(A, y, params)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    tags_dev, probs_dev = decode(first, A_dev)
    first_tag_seconds = time.perf_counter() - started
    first_pass_tag_total = featurize_dev_seconds + first_tag_seconds
    record("baseline", tags_dev, prepare_seconds + first_seconds, first_pass_tag_total,
           attributes=len(first.attributes))

    folds = folds_by_document(ids, k, seed)
    common["folds"], common["fold_seed"] = k, seed
    parts = {v: set(v.split("_")) for v in variants}
    needs_stack = any(p & {"stack", "doc"} for p in parts.values())
    needs_doc = any("doc" in p for p in parts.values())
    needs_mdict = any("mdict" in p for p in parts.values())
    needs_abbr = any("abbr" in p for p in parts.values())

    stack_train = stack_dev = None
    cv_seconds = 0.0
    split_key = "-traindevel" if test else ""
    cached = os.path.join(cache, f"{base}-{corpus}{split_key}-k{k}-seed{seed}.json") if cache else None
    if needs_stack and cached and os.path.exists(cached):
        with open(cached) as handle:
            saved = json.load(handle)
        if len(saved["tags"]) != len(X) or any(len(t) != len(x) for t, x in zip(saved["tags"], X)):
            raise SystemExit(f"{cached} does not fit the training data")
        tags_cv, probs_cv, cv_seconds = saved["tags"], saved["probs"], saved["seconds"]
        log(f"  first pass by {k}-fold CV read from {cached} (it took {cv_seconds:.0f} s)")
    elif needs_stack:
        started = time.perf_counter()
        tags_cv = [None] * len(X)
        probs_cv = [None] * len(X)
        for f in range(k):
            inside = [i for i in range(len(X)) if folds[i] != f]
            held = [i for i in range(len(X)) if folds[i] == f]
            weights = train([A[i] for i in inside], [y[i] for i in inside], params)
            fold_tags, fold_probs = decode(weights, [A[i] for i in held])
            for i, t, p in zip(held, fold_tags, fold_probs):
                tags_cv[i], probs_cv[i] = t, p
            log(f"  fold {f + 1}/{k}: {time.perf_counter() - started:.0f} s")
        cv_seconds = time.perf_counter() - started
        if cached:
            os.makedirs(cache, exist_ok=True)
            with atomic_open(cached) as handle:
                json.dump({"tags": tags_cv, "probs": [[round(p, 5) for p in ps] for ps in probs_cv], "seconds": cv_seconds}, handle)
    if needs_stack:
        cv_scores = crfner.evaluate(y, tags_cv)
        log(f"  first pass by {k}-fold CV on {train_split}: F1 {cv_scores.f1:.4f} ({cv_seconds:.0f} s)")
        common["first_pass_cv_f1_on_train"] = round(cv_scores.f1, 4)  # on train+devel in the test rows
        common["first_pass_cv_seconds"] = round(cv_seconds, 1)
        stack_train = stack_features(X, ids, tags_cv, probs_cv)
        started = time.perf_counter()
        stack_dev = stack_features(X_dev, ids_dev, tags_dev, probs_dev)
        stack_dev_seconds = time.perf_counter() - started
        common["stack_features_devel_seconds"] = round(stack_dev_seconds, 2)
        if needs_doc:
            doc_train = stack_features(X, ids, tags_cv, probs_cv, own_tags=False)
            doc_dev = stack_features(X_dev, ids_dev, tags_dev, probs_dev, own_tags=False)
        if needs_abbr:
            abbr_train = abbreviation_consistency(X, ids, tags_cv)
            started = time.perf_counter()
            abbr_dev = abbreviation_consistency(X_dev, ids_dev, tags_dev)
            abbr_dev_seconds = time.perf_counter() - started

    mdict_train = mdict_dev = None
    if needs_mdict:
        mdict_train = [None] * len(X)
        for f in range(k):
            gazetteers = mention_dictionaries(X, y, lambda s, f=f: folds[s] != f)
            held = [i for i in range(len(X)) if folds[i] == f]
            for i, items in zip(held, mdict_features([X[i] for i in held], gazetteers)):
                mdict_train[i] = items
        started = time.perf_counter()
        mdict_dev = mdict_features(X_dev, mention_dictionaries(X, y, lambda s: True))
        mdict_dev_seconds = time.perf_counter() - started

    for variant in variants:
        if variant == "baseline":
            continue
        extras_train, extras_dev = [], []
        tag_extra = 0.0
        if "stack" in parts[variant]:
            extras_train.append(stack_train)
            extras_dev.append(stack_dev)
            tag_extra += stack_dev_seconds
        if "doc" in parts[variant]:
            extras_train.append(doc_train)
            extras_dev.append(doc_dev)
            tag_extra += stack_dev_seconds
        if "abbr" in parts[variant]:
            extras_train.append(abbr_train)
            extras_dev.append(abbr_dev)
            tag_extra += abbr_dev_seconds
        if "mdict" in parts[variant]:
            extras_train.append(mdict_train)
            extras_dev.append(mdict_dev)
            tag_extra += mdict_dev_seconds
        started = time.perf_counter()
        weights = train(joined(A, *extras_train), y, params)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        predicted, _ = decode(weights, joined(A_dev, *extras_dev))
        tag_seconds = time.perf_counter() - started + featurize_dev_seconds + tag_extra
        total = prepare_seconds + seconds
        if parts[variant] & {"stack", "doc"}:
            total += cv_seconds + first_seconds
            tag_seconds += first_tag_seconds
        record(variant, predicted, total, tag_seconds, second_pass_seconds=round(seconds, 1),
               attributes=len(weights.attributes))
    return rows


def print_table(path: str) -> int:
    with open(path) as handle:
        rows = json.load(handle)["rows"]
    for evaluation in sorted({r["evaluation"] for r in rows}, reverse=True):
        got = {(r["base"], r["variant"], r["corpus"]): r for r in rows if r["evaluation"] == evaluation}
        corpora = [c for c in CORPORA if any(key[2] == c for key in got)]
        names = {"bc5cdr": "BC5CDR", "ncbi_disease": "NCBI", "maccrobat": "MACCROBAT"}
        print(f"\n{evaluation}\n| base | variant | " + " | ".join(f"{names[c]} F1 | diff | p" for c in corpora)
              + f" | train s ({'/'.join(names[c] for c in corpora)}) | peak MiB |\n|---|---|"
              + "---|---|---|" * len(corpora) + "---|---|")
        for base, variant in dict.fromkeys((b, v) for b, v, _ in got):
            cells, seconds, peaks = [], [], []
            for corpus in corpora:
                row = got.get((base, variant, corpus))
                ref = got.get((base, "baseline" + (row or {}).get("tag", ""), corpus))
                p = (row or {}).get("p_value_vs_baseline")
                cells += [f"{row['f1']:.4f}" if row else "", f"{row['f1'] - ref['f1']:+.4f}" if row and ref else "",
                          "" if p is None else f"{p:.4f}"]
                seconds.append(str(row["train_seconds"]) if row else "")
                peaks.append(str(row["peak_rss_mib"]) if row else "")
            print(f"| {base} | {variant} | " + " | ".join(cells) + f" | {'/'.join(seconds)} | {'/'.join(peaks)} |")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--base", choices=BASES, default="baseline")
    parser.add_argument("--corpus", choices=CORPORA)
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated, of: " + ", ".join(VARIANTS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold-seed", type=int, default=0, help="seed of the documents' shuffle into folds")
    parser.add_argument("--cache", help="folder keeping the first pass's cross-validated tags of train, to reuse in a later run")
    parser.add_argument("--save-predictions", help="folder to write each variant's devel tags to (JSON), for error analysis")
    parser.add_argument("--tag", default="", help="a suffix for the rows' key (a rerun with another fold seed beside the first)")
    parser.add_argument("--out", help="JSON file the rows are merged into (default: a new folder in the temporary folder; "
                                      "--table reads benchmarks/results/document_consistency.json)")
    parser.add_argument("--test", action="store_true",
                        help="train on train+devel (CV first pass over its documents, first and second pass on all of it) "
                             "and score test, once, for the variant chosen on devel (--variants required)")
    parser.add_argument("--table", action="store_true", help="print the recorded F1 (per evaluation) and exit")
    args = parser.parse_args()
    if args.table:
        return print_table(args.out or RECORDED)
    if not args.corpus:
        parser.error("--corpus is required")
    if args.test and not any(a == "--variants" or a.startswith("--variants=") for a in sys.argv[1:]):
        parser.error("--test scores test once, for the variant chosen on devel: name it with --variants")
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {sorted(unknown)}")
    if "baseline" not in variants:
        variants.insert(0, "baseline")
    from scratch import fresh_out

    from crfner.atomic import atomic_open

    if not args.out:
        args.out = fresh_out(__file__, "document_consistency.json")
    rows = run(args.base, args.corpus, args.data_dir, variants, args.folds, args.fold_seed, args.cache,
               args.save_predictions, lambda m: print(m, flush=True), test=args.test)
    command = "python benchmarks/document_consistency.py " + " ".join(sys.argv[1:])
    finished = time.strftime("%Y-%m-%d %H:%M:%S")
    result = {"rows": []}
    if os.path.exists(args.out):
        with open(args.out) as handle:
            result = json.load(handle)
    for row in rows:
        row["variant"] += args.tag
        if args.tag:
            row["tag"] = args.tag
        row["command"] = command
        row["finished"] = finished
        key = (row["base"], row["variant"], row["corpus"], row["evaluation"])
        result["rows"] = [r for r in result["rows"] if (r["base"], r["variant"], r["corpus"], r["evaluation"]) != key] + [row]
    with atomic_open(args.out) as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
