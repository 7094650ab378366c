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


def load_split(location: str, split: str, data_dir, limit: int | None):
    from ..corpora.registry import load_corpus

    X, y = load_corpus(location, split, data_dir=data_dir)
    return (X[:limit], y[:limit]) if limit else (X, y)


def load_documents(location: str, split: str, data_dir, limit: int | None) -> list[str] | None:
    """Each sentence's document id, matching :func:`load_split`; None where the corpus has none."""
    from ..corpora.registry import load_document_ids

    documents = load_document_ids(location, split, data_dir=data_dir)
    return documents[:limit] if documents is not None and limit else documents


def run_crf(system: dict, location: str, settings: dict, fraction: float, measure: bool) -> dict:
    """Train the CRF on ``fraction`` of the training split and tag the test split.

    With ``measure``, the model is saved, reloaded and timed on the test split as a user would
    run it, and the process's peak memory is reported. Runs inside a fresh process.
    """
    from ..crf.tagger import CRFTagger

    data_dir = settings["data_dir"]
    X, y = load_split(location, settings["train_split"], data_dir, settings["limit_train"])
    X_test, _ = load_split(location, settings["test_split"], data_dir, settings["limit_test"])
    documents = load_documents(location, settings["train_split"], data_dir, settings["limit_train"])
    documents_test = load_documents(location, settings["test_split"], data_dir, settings["limit_test"])
    if fraction < 1.0:
        keep = training_subset(len(X), fraction, settings["seed"])
        X, y = [X[i] for i in keep], [y[i] for i in keep]
        documents = None if documents is None else [documents[i] for i in keep]
    tagger = CRFTagger(features=system["features"], data_dir=data_dir, **system["params"])
    started = time.perf_counter()
    tagger.fit(X, y, documents=documents)
    train_seconds = time.perf_counter() - started
    result = {"train_seconds": round(train_seconds, 2), "train_sentences": len(X),
              "training_params": tagger.training_params_}
    if not measure:
        result["predicted"] = tagger.predict(X_test, documents=documents_test)
        return result
    with tempfile.TemporaryDirectory() as tmp:
        path = tagger.save(Path(tmp) / "model")
        _, measured = reload_and_tag(
            path, lambda p: CRFTagger.load(p, data_dir=data_dir), lambda t: t.predict(X_test, documents=documents_test),
            sum(map(len, X_test)),
        )
    result.update(measured, device="cpu")
    return result


def reload_and_tag(path: Path, load, tag, tokens: int) -> tuple[object, dict]:
    """Load a saved model with ``load(path)`` and time ``tag(model)`` on the test split, as a
    user would run it; returns the model and its predictions, timing, peak memory and size.

    The caller drops its trained model first where that matters, so that peak memory does
    not count two models."""
    size = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())
    reloaded = load(path)
    started = time.perf_counter()
    predicted = tag(reloaded)
    seconds = time.perf_counter() - started
    return reloaded, {
        "predicted": predicted,
        "tag_seconds": round(seconds, 3),
        "tag_tokens_per_second": round(tokens / seconds) if seconds else None,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "model_mib": round(size / 2**20, 2),
    }


def run_transformer(system: dict, location: str, settings: dict, fraction: float, measure: bool) -> dict:
    """Fine-tune and tag with the optional transformer system (crfner.transformer)."""
    from .. import transformer

    return transformer.benchmark_run(system, location, settings, fraction, measure)


RUNNERS = {"crf": run_crf, "transformer": run_transformer}


def run_isolated(system: dict, location: str, settings: dict, fraction: float, measure: bool) -> dict:
    """Run one training-and-tagging job in a fresh process and return its result."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(RUNNERS[system["type"]], system, location, settings, fraction, measure).result()
