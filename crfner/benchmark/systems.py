"""The systems a benchmark compares: what each one needs to run, what identifies its result in
the cache, and how it produces test predictions with their cost.

A system's run happens in a fresh process (see :func:`run_isolated`) so that the peak memory it
reports is its own and nothing it imports stays behind.
"""

from __future__ import annotations

import importlib.util
import math
import random
import resource
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError, DataFormatError


@lru_cache(maxsize=None)
def _sha256(path: str, size: int, mtime: float) -> str:
    from ..featurize.resources import file_sha256

    return file_sha256(path)


def file_fingerprint(path: str | Path) -> str:
    """SHA-256 of a file, remembered per (path, size, mtime) within a process."""
    stat = Path(path).stat()
    return _sha256(str(path), stat.st_size, stat.st_mtime)


def unavailable(system: dict) -> str | None:
    """Why ``system`` cannot run here (a one-line note), or None when it can."""
    if system["type"] == "transformer":
        missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            return f"transformer extra not installed ({', '.join(missing)} missing; pip install 'crfner[transformer]')"
        if importlib.util.find_spec("crfner.transformer") is None:
            return "the transformer system is not part of this crfner version"
    return None


def identity(system: dict, corpus: str, data_dir) -> dict:
    """Everything a system's result depends on besides the data: its resolved declaration,
    the content hashes of the files it reads."""
    return {**_identity(system, corpus, data_dir), "learning_curve": system.get("learning_curve")}


def _identity(system: dict, corpus: str, data_dir) -> dict:
    if system["type"] == "crf":
        from ..featurize.featureset import load_feature_set
        from ..featurize.resources import resolve_gazetteers

        feature_set = load_feature_set(system["features"])
        lists = resolve_gazetteers(feature_set, data_dir=data_dir) if feature_set.gazetteers else []
        return {"type": "crf", "features": feature_set.to_dict(), "params": system["params"],
                "gazetteers": {name: file_fingerprint(path) for name, path in lists}}
    if system["type"] == "predictions":
        path = predictions_file(system, corpus)
        return {"type": "predictions", "file": file_fingerprint(path)}
    return {"type": system["type"], "model": system.get("model"), "params": system.get("params")}


def predictions_file(system: dict, corpus: str) -> Path:
    path = system["files"].get(corpus)
    if path is None:
        raise ConfigError(f"system {system['name']!r} lists no predictions file for corpus {corpus!r}")
    if not Path(path).is_file():
        raise ConfigError(f"system {system['name']!r}: predictions file {path} does not exist")
    return Path(path)


def describe(system: dict, params: dict | None = None) -> str:
    """One line saying what the system is, for the report."""
    if system["type"] == "crf":
        shown = ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()) if k in ("c1", "c2", "max_iterations"))
        return f"CRF, feature set {Path(str(system['features'])).stem}" + (f" ({shown})" if shown else "")
    if system["type"] == "predictions":
        return "predictions of an outside tagger, read from CoNLL files"
    return f"transformer {system.get('model') or ''}".strip()


def read_system_predictions(system: dict, corpus: str, X_test, y_test) -> list[list[str]]:
    """An outside tagger's predicted tags for the test sentences, checked token by token."""
    from ..corpora.conll import column_tags, iter_blocks
    from ..schemes import convert

    path = predictions_file(system, corpus)
    predicted = []
    for index, block in enumerate(iter_blocks(path)):
        if index >= len(X_test):
            raise DataFormatError(f"more sentences than the {len(X_test)} of the test split", path, block.lines[0])
        expected = X_test[index]
        if len(block.tokens) != len(expected):
            raise DataFormatError(f"sentence {index + 1} has {len(block.tokens)} tokens; the test split's has "
                                  f"{len(expected)}", path, block.lines[0])
        for number, token, want in zip(block.lines, block.tokens, expected):
            if token != want:
                raise DataFormatError(f"token {token!r} where the test split has {want!r}", path, number)
        predicted.append(convert(column_tags(block, -1, path, "predicted tag"), "iob2"))
    if len(predicted) != len(X_test):
        raise DataFormatError(f"{len(predicted)} sentences; the test split has {len(X_test)}", path)
    return predicted


def training_subset(n: int, fraction: float, seed: int) -> list[int]:
    """Indices of a seeded random ``fraction`` of ``n`` sentences, in corpus order; smaller
    fractions are prefixes of the same shuffle, so the subsets are nested."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return sorted(order[: max(1, math.ceil(fraction * n))])


def load_split(location: str, split: str, data_dir, limit: int | None, options: dict | None = None):
    """The first ``limit`` sentences and tags of a split, loaded with the corpus's ``options`` (types, policy)."""
    from ..corpora.registry import load_corpus

    X, y = load_corpus(location, split, data_dir=data_dir, **(options or {}))
    return (X[:limit], y[:limit]) if limit else (X, y)


def load_documents(location: str, split: str, data_dir, limit: int | None, options: dict | None = None) -> list[str] | None:
    """Each sentence's document id, matching :func:`load_split`; None where the corpus has none."""
    from ..corpora.registry import load_document_ids

    documents = load_document_ids(location, split, data_dir=data_dir, **(options or {}))
    return documents[:limit] if documents is not None and limit else documents


def _load_parts(location: str, split: str, data_dir, limit: int | None, options: dict | None = None) -> dict[str, tuple[list, list]]:
    """Each part of ``split`` (``train+devel``) loaded separately, the parts together holding
    exactly the first ``limit`` sentences of the joined split, as :func:`load_split` sees it."""
    parts: dict[str, tuple[list, list]] = {}
    remaining = limit
    for part in split.split("+"):
        X, y = load_split(location, part, data_dir, None, options)
        if limit:
            X, y = X[:remaining], y[:remaining]
            remaining -= len(X)
        parts[part] = (list(X), list(y))
    return parts


def _subset(fraction: float, seed: int, X: list, *columns: list | None) -> tuple:
    """``X`` and the lists parallel to it (None stays None) cut to the same seeded ``fraction``
    of sentences (see :func:`training_subset`); all of them as they are when ``fraction`` is 1."""
    if fraction >= 1.0:
        return (X, *columns)
    keep = training_subset(len(X), fraction, seed)
    return tuple(None if column is None else [column[i] for i in keep] for column in (X, *columns))


def _train_and_tag(make, *, fit, sentences: int, about, X_test, tag, load, device, measure: bool, raw=None) -> dict:
    """What every system run returns. The tagger ``make()`` builds is trained by ``fit(tagger)``
    on ``sentences`` sentences (timed), its training parameters given by ``about(tagger)``;
    ``tag(tagger)`` tags the test split ``X_test``.

    With ``measure``, the tagger is saved, dropped, reloaded by ``load(path)`` and timed on the
    test split as a user would run it (:func:`reload_and_tag`); ``device(reloaded)`` names
    where it ran. With ``raw`` documents (no mentions) as well, the reloaded tagger also tags
    their text (:func:`tag_raw_documents`), for concept linking.
    """
    tagger = make()
    started = time.perf_counter()
    fit(tagger)
    train_seconds = time.perf_counter() - started
    # the process peak so far: interpreter, imports, the loaded splits and training itself
    result = {"train_seconds": round(train_seconds, 2), "train_sentences": sentences, "training_params": about(tagger),
              "train_peak_rss_mib": peak_rss_mib()}
    if not measure:
        result["predicted"] = tag(tagger)
        return result
    with tempfile.TemporaryDirectory() as tmp:
        path = tagger.save(Path(tmp) / "model")
        del tagger  # one model in memory while tagging, as a user would have
        reloaded, measured = reload_and_tag(path, load, tag, sum(map(len, X_test)))
    result.update(measured, device=device(reloaded))
    if raw is not None:
        result.update(tag_raw_documents(reloaded, raw))
    return result


def tag_raw_documents(tagger, raw: list) -> dict:
    """``raw`` documents' text tagged by ``tagger`` (timed): ``tagged_documents`` and ``raw_tag_seconds``."""
    from ..tagging.annotate import tag_documents

    started = time.perf_counter()
    tagged = tag_documents(tagger, raw)
    return {"tagged_documents": tagged, "raw_tag_seconds": round(time.perf_counter() - started, 6)}


def tags_documents(system: dict) -> str | None:
    """Why ``system``'s trained model cannot tag raw documents for linking (a one-line note), or None when it can."""
    if system["type"] == "crf":
        return None
    if system["type"] == "predictions":
        return "not linked: an outside tagger's predictions are tokens and tags, without the documents' text"
    try:
        from ..transformer import TransformerTagger
    except ImportError:  # not installed: its run was skipped anyway
        TransformerTagger = None
    if TransformerTagger is not None and any(hasattr(TransformerTagger, m) for m in ("predict_scored", "predict_marginals")):
        return None
    return "not linked: the transformer system tags tokens only"


def split_documents(location: str, split: str, data_dir, limit: int | None) -> list:
    """A registered corpus's PubTator documents (gold mentions and concept ids) of ``split``
    (``train+devel``: both parts'); under ``limit``, those the first ``limit`` sentences of
    :func:`load_split` come from, a document cut by the slice taken whole."""
    from ..corpora.pubtator_splits import load_documents as pubtator_documents
    from ..corpora.registry import load_document_ids

    documents, remaining = [], limit
    for part in split.split("+"):
        found = pubtator_documents(location, part, data_dir)
        if limit is not None:
            ids = load_document_ids(location, part, data_dir=data_dir)
            if ids is None:
                raise ConfigError(f"{location} {part}: no document ids to match the first {limit} sentences with documents")
            wanted = set(ids[:remaining])
            remaining = max(0, remaining - len(ids))
            found = [d for d in found if d.id in wanted]
        documents += found
    return documents


def run_crf(system: dict, location: str, settings: dict, fraction: float, measure: bool) -> dict:
    """Train the CRF on ``fraction`` of the training split and tag the test split.

    With ``measure``, the model is saved, reloaded and timed on the test split as a user would
    run it, and the process's peak memory is reported. Runs inside a fresh process.
    """
    from ..crf.tagger import CRFTagger

    data_dir, options = settings["data_dir"], settings.get("corpus_options")
    X, y = load_split(location, settings["train_split"], data_dir, settings["limit_train"], options)
    X_test, _ = load_split(location, settings["test_split"], data_dir, settings["limit_test"], options)
    documents = load_documents(location, settings["train_split"], data_dir, settings["limit_train"], options)
    documents_test = load_documents(location, settings["test_split"], data_dir, settings["limit_test"], options)
    X, y, documents = _subset(fraction, settings["seed"], X, y, documents)
    return _train_and_tag(
        lambda: CRFTagger(features=system["features"], data_dir=data_dir, **system["params"]),
        fit=lambda tagger: tagger.fit(X, y, documents=documents),
        sentences=len(X),
        about=lambda tagger: tagger.training_params_,
        X_test=X_test,
        tag=lambda tagger: tagger.predict(X_test, documents=documents_test),
        load=lambda path: CRFTagger.load(path, data_dir=data_dir),
        device=lambda _: "cpu",
        measure=measure,
        raw=settings.get("raw_documents"),
    )


def peak_rss_mib() -> int:
    """This process's peak resident memory so far, in MiB (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 1024))


def reload_and_tag(path: Path, load, tag, tokens: int) -> tuple[object, dict]:
    """Load a saved model with ``load(path)`` and time ``tag(model)`` on the test split, as a
    user would run it; returns the model and its predictions, timing, peak memory and size.

    The caller drops its trained model first (as :func:`_train_and_tag` does), so that peak
    memory does not count two models."""
    size = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())
    reloaded = load(path)
    started = time.perf_counter()
    predicted = tag(reloaded)
    seconds = time.perf_counter() - started
    return reloaded, {
        "predicted": predicted,
        "tag_seconds": round(seconds, 3),
        "tag_tokens_per_second": round(tokens / seconds) if seconds else None,
        "peak_rss_mib": peak_rss_mib(),
        "model_mib": round(size / 2**20, 2),
    }


def run_transformer(system: dict, location: str, settings: dict, fraction: float, measure: bool) -> dict:
    """Fine-tune the optional transformer (crfner.transformer) on ``fraction`` of the training
    data and tag the test split; returns what :func:`run_crf` returns.

    With a training split that includes ``devel`` beside other parts, the model is fine-tuned
    on the other parts and its epoch chosen on devel; otherwise, with the config's
    ``devel_split``, it is fine-tuned on the whole training split and its epoch chosen on that
    split (its first ``limit_test`` sentences under a slice); otherwise it is fine-tuned on the
    whole split for ``epochs`` epochs. With ``measure``, the model is saved, reloaded and timed on
    the test split, and the process's peak memory is reported. Runs inside a fresh process.
    """
    from ..transformer import TransformerTagger, device_name

    data_dir, options = settings["data_dir"], settings.get("corpus_options")
    parts = _load_parts(location, settings["train_split"], data_dir, settings["limit_train"], options)
    X_test, _ = load_split(location, settings["test_split"], data_dir, settings["limit_test"], options)
    early = "devel" in parts and len(parts) > 1
    fit_parts = [p for p in parts if not (early and p == "devel")]
    X = [s for p in fit_parts for s in parts[p][0]]
    y = [s for p in fit_parts for s in parts[p][1]]
    X_dev, y_dev = parts["devel"] if early else (None, None)
    if early and not X_dev:
        X_dev = y_dev = None  # limit_train left no devel sentence
    if not early and settings.get("devel_split"):
        # a held-out split for the epoch choice alone, sliced like the test split
        X_dev, y_dev = load_split(location, settings["devel_split"], data_dir, settings["limit_test"], options)
        X_dev, y_dev = (list(X_dev), list(y_dev)) if X_dev else (None, None)
    X, y = _subset(fraction, settings["seed"], X, y)
    params = {"seed": settings["seed"], **(system.get("params") or {})}
    if system.get("model"):
        params["model"] = system["model"]
    fitted_on = "+".join(fit_parts)
    protocol = (
        f"fine-tuned on {fitted_on}, best epoch chosen on {'devel' if early else settings['devel_split']}"
        if X_dev is not None
        else f"fine-tuned on {fitted_on} for a fixed number of epochs, no early stopping"
    )
    history = ("epochs_run", "best_epoch", "devel_f1", "stopped_by", "devel_sentences")
    return _train_and_tag(
        lambda: TransformerTagger(**params),
        fit=lambda tagger: tagger.fit(X, y, X_dev, y_dev),
        sentences=len(X),
        about=lambda tagger: {**tagger.get_params(), "model": tagger.base_model_["name"], "protocol": protocol,
                              **{k: tagger.training_[k] for k in history}},
        X_test=X_test,
        tag=lambda tagger: tagger.predict(X_test),
        load=lambda path: TransformerTagger.load(path, device=params.get("device")),
        device=lambda reloaded: device_name(reloaded.device_),
        measure=measure,
        raw=settings.get("raw_documents"),
    )


RUNNERS = {"crf": run_crf, "transformer": run_transformer}


def run_isolated(system: dict, location: str, settings: dict, fraction: float, measure: bool) -> dict:
    """Run one training-and-tagging job in a fresh process and return its result."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(RUNNERS[system["type"]], system, location, settings, fraction, measure).result()
