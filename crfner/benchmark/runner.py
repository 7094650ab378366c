"""Run every corpus × system pair of a config with the same splits and the same scorer, reuse
cached results, and write results.json, each system's test predictions, and the report."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..atomic import atomic_open
from ..errors import ConfigError, CrfnerError
from ..source_digest import package_files, source_digest
from .config import config_hash, load_config, slug, validate_config
from .machine import git_state, machine_info, package_versions
from .published import published_results
from .systems import describe, identity, read_system_predictions, run_isolated, split_documents, tags_documents, unavailable

FORMAT = "crfner-benchmark/1"
#: Parts of crfner a run's cached result does not depend on: the report is written afresh from results.json on
#: every run, and the command line only starts the benchmark.
NOT_IN_RESULTS = ("report", "cli")


def code_digest() -> str:
    """SHA-256 of crfner's code that a cached run's predictions and figures depend on."""
    return source_digest(package_files(exclude=NOT_IN_RESULTS))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _write_json(path: Path, payload) -> None:
    with atomic_open(path, "w") as handle:
        json.dump(payload, handle, indent=2)
        handle.write("\n")


def _write_predictions(path: Path, X, gold, predicted) -> None:
    from ..corpora.conll import format_conll

    with atomic_open(path, "w") as handle:
        handle.writelines(format_conll(X, gold, predicted))


def score_run(X, gold, predicted, config: dict, groups=None) -> dict:
    """Every entity-level figure of one system's test predictions."""
    from ..evaluation.error_analysis import analyze_errors
    from ..evaluation.metrics import evaluate
    from ..evaluation.partial_match import partial_match_scores
    from ..evaluation.significance import bootstrap_ci

    figures = {"strict": evaluate(gold, predicted).to_dict()}
    if config["bootstrap"]:
        figures["ci"] = bootstrap_ci(gold, predicted, groups=groups, n_resamples=config["bootstrap"], seed=config["seed"])
    figures["partial"] = partial_match_scores(gold, predicted)
    figures["errors"] = analyze_errors(X, gold, predicted)
    return figures


class Benchmark:
    """One benchmark run: a validated config, an output folder, and the cache inside it."""

    def __init__(self, config: dict, out: str | os.PathLike, data_dir=None, use_cache: bool = True,
                 progress: bool = True, command: str | None = None):
        self.config = config
        self.out = Path(out)
        self.data_dir = data_dir
        self.use_cache = use_cache
        self.progress = progress
        self.command = command
        self.cache = self.out / "cache"
        self.code = code_digest()  # a cached run is reused only by the code that made it
        self.documents_hash: dict[str, str] = {}
        self.test_groups: dict[str, list[str] | None] = {}  # per corpus: the resampling unit of each test sentence
        self.linking: dict[str, dict] = {}  # per linked corpus: the linker's figures (results["linking"])
        self.tagged: dict[tuple[str, str], dict] = {}  # (corpus, system) -> the test documents it tagged, and how long it took
        # (corpus, system) -> (the cache's predictions file, its place under predictions/, the tags it holds, for the
        # paired tests): copied there only once every run is done, just before results.json, so that an interrupted run
        # leaves the last run's outputs as they were
        self.predictions: dict[tuple[str, str], tuple[Path, Path, list]] = {}
        self.log = (lambda message: print(message, file=sys.stderr)) if progress else (lambda message: None)

    def settings(self) -> dict:
        keys = ("train_split", "test_split", "devel_split", "limit_train", "limit_test", "seed")
        return {**{k: self.config[k] for k in keys}, "data_dir": None if self.data_dir is None else str(self.data_dir)}

    def run(self) -> dict:
        """Run (or take from the cache) every pair, then write results.json and the report."""
        from ..report import build_report

        for path, kind in ((self.out, "folder"), (self.cache, "folder"), (self.out / "predictions", "folder"),
                           (self.out / "results.json", "file"), (self.out / "report.md", "file")):
            if path.exists() and path.is_dir() != (kind == "folder"):  # found now, not after every run was made
                raise ConfigError(f"{path}: is {'a file' if kind == 'folder' else 'a folder'}; the benchmark writes a {kind} there")
        started = time.perf_counter()
        results = {
            "format": FORMAT,
            "command": self.command,
            "config": {**self.config, "hash": config_hash(self.config)},
            "started": _now(),
            "machine": machine_info(),
            "packages": package_versions(),
            "git": git_state(),
            "corpora": {},
            "runs": [],
            "comparisons": [],
        }
        for corpus in self.config["corpora"]:
            results["corpora"][corpus], runs, gold = self.run_corpus(corpus)
            results["runs"].extend(runs)
            results["comparisons"].extend(self.compare(corpus, runs, gold))
        if "linking" in self.config:
            results["linking"] = self.linking
        results["published"] = published_results(self.config["corpora"])
        results["finished"] = _now()
        results["seconds"] = round(time.perf_counter() - started, 1)
        for source, target, _ in self.predictions.values():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        _write_json(self.out / "results.json", results)
        build_report(results, self.out)
        return results

    def run_corpus(self, corpus: str) -> tuple[dict, list[dict], tuple]:
        from ..crf.training import data_hash
        from .systems import load_documents, load_split

        config = self.config
        options = config.get("corpus_options", {}).get(corpus)  # what the corpus is loaded with: types, policy
        settings = {**self.settings(), "corpus_options": options}
        location = config["locations"][corpus]
        X, y = load_split(location, config["train_split"], self.data_dir, config["limit_train"], options)
        X_test, y_test = load_split(location, config["test_split"], self.data_dir, config["limit_test"], options)
        info = {
            "train_sentences": len(X), "train_tokens": sum(map(len, X)),
            "test_sentences": len(X_test), "test_tokens": sum(map(len, X_test)),
            "types": sorted({t[2:] for tags in y + y_test for t in tags if t != "O"}),
            "description": _corpus_description(location),
            **({"options": options} if options else {}),
        }
        documents = [load_documents(location, config[k], self.data_dir, config[f"limit_{k[:-6]}"], options)
                     for k in ("train_split", "test_split")]
        data = {"train": data_hash(X, y), "test": data_hash(X_test, y_test)}
        # Only CRFs read document ids; other systems' cached results stay valid without them.
        self.documents_hash[corpus] = hashlib.sha256(json.dumps(documents).encode()).hexdigest()
        self.test_groups[corpus] = documents[1] if config["resample_unit"] == "document" else None
        if config["resample_unit"] == "document" and documents[1] is None:
            self.log(f"{corpus}: no document ids; the bootstrap and the paired tests resample sentences")
        del X, y
        gold = self.linking_documents(corpus, location)
        raw = None if gold is None else [replace(d, mentions=[]) for d in gold[1]]
        runs = []
        for system in config["systems"]:
            runs.append(self.run_pair(corpus, location, system, settings, data, X_test, y_test, raw))
        if gold is not None:
            self.link_corpus(corpus, runs, *gold)
        return info, runs, (X_test, y_test)

    def run_pair(self, corpus, location, system, settings, data, X_test, y_test, raw=None) -> dict:
        run = {"corpus": corpus, "system": system["name"], "type": system["type"]}
        note = unavailable(system)
        if note:
            self.log(f"{corpus} × {system['name']}: skipped: {note}")
            return {**run, "status": "skipped", "note": note}
        metric_keys = ("bootstrap", "seed", "learning_curve", "train_split", "test_split", "limit_train", "limit_test")
        if system["type"] == "crf":
            data = {**data, "documents": self.documents_hash.get(corpus)}
        keyed = {k: self.config[k] for k in metric_keys}
        if self.test_groups.get(corpus) is not None:  # resampling documents changes the CIs
            keyed.update(resample_unit="document", test_documents=self.documents_hash.get(corpus))
        if system["type"] == "transformer" and self.config.get("devel_split"):
            keyed["devel_split"] = self.config["devel_split"]  # only the transformer reads it
        key = config_hash({"system": identity(system, corpus, self.data_dir), "data": data,
                           "settings": keyed, "format": FORMAT, "code": self.code})
        entry = self.cache / f"{slug(corpus)}--{slug(system['name'])}--{key[:16]}"
        target = self.out / "predictions" / slug(corpus) / f"{slug(system['name'])}.conll"
        raw = raw if raw is not None and tags_documents(system) is None else None
        found = self.cached_run(entry, key, X_test, y_test) if self.use_cache else None
        if found is not None:
            cached, predicted = found
            self.predictions[corpus, system["name"]] = (entry / "predictions.conll", target, predicted)
            self.log(f"{corpus} × {system['name']}: from the cache")
            if raw is not None and cached.get("status") == "ok":
                self.tag_for_linking(corpus, location, system, settings, entry, raw)
            return {**cached, "from_cache": True}

        self.log(f"{corpus} × {system['name']}: running")
        if system["type"] == "predictions":
            predicted = read_system_predictions(system, corpus, X_test, y_test)
            cost, curve, params, tagged = None, None, None, {}
        else:
            try:
                main = run_isolated(system, location, {**settings, "raw_documents": raw} if raw else settings, 1.0, True)
                predicted, params = main.pop("predicted"), main.pop("training_params")
                tagged = {k: main.pop(k) for k in ("tagged_documents", "raw_tag_seconds") if k in main}
                curve = self.learning_curve(system, location, settings, y_test, main)
            except CrfnerError:
                raise
            except Exception as error:  # a crashed system is reported; the other runs go on
                note = f"failed: {type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
                self.log(f"{corpus} × {system['name']}: {note}")
                return {**run, "status": "failed", "note": note}
            cost = {k: main.get(k) for k in ("device", "train_seconds", "train_sentences", "train_peak_rss_mib",
                                              "tag_seconds", "tag_tokens_per_second", "peak_rss_mib", "model_mib")}
        run.update({"status": "ok", "note": "", "description": describe(system, params), "training_params": params,
                    "predictions": str(target.relative_to(self.out)), "cost": cost, "learning_curve": curve})
        run.update(score_run(X_test, y_test, predicted, self.config, groups=self.test_groups.get(corpus)))
        if run.get("ci") and self.test_groups.get(corpus) is not None:
            run["ci"]["unit"] = "document"
        entry.mkdir(parents=True, exist_ok=True)
        if tagged:
            self.keep_tagged(corpus, system, entry, raw, tagged, from_cache=False)
        _write_predictions(entry / "predictions.conll", X_test, y_test, predicted)
        _write_json(entry / "run.json", {**run, "cache_key": key})
        self.predictions[corpus, system["name"]] = (entry / "predictions.conll", target, predicted)
        return {**run, "cache_key": key, "from_cache": False}

    def cached_run(self, entry: Path, key: str, X_test, y_test) -> tuple[dict, list] | None:
        """The run a cache entry keeps and its predicted tags, when it is whole and its predictions give its score;
        else None, said in the log, and the run is made again (an edited, truncated or foreign entry is never trusted)."""
        from ..corpora.conll import read_predictions
        from ..evaluation.metrics import evaluate

        if not ((entry / "run.json").is_file() and (entry / "predictions.conll").is_file()):
            return None
        try:
            cached = json.loads((entry / "run.json").read_text(encoding="utf-8"))
            X, gold, predicted = read_predictions(entry / "predictions.conll")
            agrees = (cached.get("cache_key") == key and cached.get("status") == "ok" and X == X_test and gold == y_test
                      and abs(evaluate(gold, predicted).f1 - cached["strict"]["f1"]) < 1e-12)
        except (ValueError, KeyError, TypeError, AttributeError, CrfnerError):  # JSON, shape or predictions damaged
            agrees = False
        if not agrees:
            self.log(f"{entry.name}: the cache entry does not agree with its predictions; running again")
        return (cached, predicted) if agrees else None

    def linking_documents(self, corpus: str, location: str) -> tuple[list, list] | None:
        """The gold training and test documents of a corpus the ``[linking]`` table names (sliced as the
        sentences are), or None when it names none."""
        if corpus not in self.config.get("linking", {}).get("vocabularies", {}):
            return None
        config = self.config
        return tuple(split_documents(location, config[k], self.data_dir, config[f"limit_{k[:-6]}"])
                     for k in ("train_split", "test_split"))

    def tag_for_linking(self, corpus, location, system, settings, entry: Path, raw: list) -> None:
        """The test documents' raw text tagged by a cached system: from its cache entry, else trained again to tag them."""
        from ..corpora.jsonl import read_jsonl

        documents, timing = _tagged_files(entry, raw)
        if self.use_cache and documents.is_file() and timing.is_file():
            seconds = json.loads(timing.read_text(encoding="utf-8"))["raw_tag_seconds"]
            self.tagged[corpus, system["name"]] = {"documents": list(read_jsonl(documents)), "seconds": seconds, "from_cache": True}
            return
        self.log(f"{corpus} × {system['name']}: training again to tag the test documents' raw text for linking")
        try:
            main = run_isolated(system, location, {**settings, "raw_documents": raw}, 1.0, True)
        except CrfnerError:
            raise
        except Exception as error:  # the cached entity-level results stand; this system is not linked
            note = f"not linked: tagging the raw text failed: {type(error).__name__}: {(str(error).strip().splitlines() or [''])[0]}"
            self.log(f"{corpus} × {system['name']}: {note}")
            self.tagged[corpus, system["name"]] = {"note": note}
            return
        self.keep_tagged(corpus, system, entry, raw, main, from_cache=False)

    def keep_tagged(self, corpus, system, entry: Path, raw: list, tagged: dict, from_cache: bool) -> None:
        """Remember a system's tagged test documents for linking, and keep them in its cache entry."""
        from ..corpora.jsonl import write_jsonl

        documents, timing = _tagged_files(entry, raw)
        entry.mkdir(parents=True, exist_ok=True)
        write_jsonl(tagged["tagged_documents"], documents)
        _write_json(timing, {"raw_tag_seconds": tagged["raw_tag_seconds"]})
        self.tagged[corpus, system["name"]] = {"documents": tagged["tagged_documents"], "seconds": tagged["raw_tag_seconds"],
                                               "from_cache": from_cache}

    def link_corpus(self, corpus: str, runs: list[dict], train: list, test: list) -> None:
        """Fit the corpus's linker once, score it on the gold test mentions, and add each run's concept scores."""
        from ..evaluation.concepts import mention_accuracy

        spec = self.config["linking"]
        self.log(f"{corpus}: fitting the linker on {', '.join(spec['vocabularies'][corpus])} and {len(train)} documents")
        linker, fit_seconds = fit_linker(spec, corpus, train, self.data_dir)
        gold = linker.link_documents(test)  # the gold spans, each given the linker's id in place of the gold one
        self.linking[corpus] = {
            "vocabularies": spec["vocabularies"][corpus], "params": {**linker.get_params(), "ngram_range": list(linker.ngram_range)},
            "train_split": self.config["train_split"], "train_documents": len(train), "test_documents": len(test),
            "fit_seconds": fit_seconds, "accuracy_at_1": mention_accuracy(test, gold),
        }
        for run in runs:
            if run.get("status") != "ok":
                continue
            tagged = self.tagged.get((corpus, run["system"])) or {}
            system = next(s for s in self.config["systems"] if s["name"] == run["system"])
            note = tagged.get("note") or tags_documents(system) or "not linked: no tagged documents"
            run["concepts"] = self.concept_scores(linker, test, tagged) if "documents" in tagged else {"status": "skipped", "note": note}

    def concept_scores(self, linker, test: list, tagged: dict) -> dict:
        """One system's concept-level scores: its tagged test documents linked, against the gold (document, id) pairs."""
        from ..evaluation.concepts import concept_bootstrap, evaluate_concepts

        started = time.perf_counter()
        linked = linker.link_documents(tagged["documents"])
        link_seconds = time.perf_counter() - started
        figures = {"status": "ok", "note": "", "scores": evaluate_concepts(test, linked).to_dict()}
        if self.config["bootstrap"]:
            figures["ci"] = concept_bootstrap(test, linked, n=self.config["bootstrap"], seed=self.config["seed"])
        tag_seconds = tagged["seconds"]
        figures.update(documents=len(linked), mentions=sum(len(d.mentions) for d in linked), tag_seconds=tag_seconds,
                       link_seconds=round(link_seconds, 6), link_over_tag=round(link_seconds / tag_seconds, 4) if tag_seconds else None,
                       tagged_from_cache=tagged["from_cache"])
        return figures

    def learning_curve(self, system, location, settings, y_test, main: dict) -> list[dict]:
        from ..evaluation.metrics import evaluate

        if not system.get("learning_curve", True):
            return None
        points = []
        for fraction in self.config["learning_curve"]:
            if fraction >= 1.0:
                continue
            self.log(f"  learning curve: {fraction:.0%} of the training sentences")
            point = run_isolated(system, location, settings, fraction, False)
            points.append({"fraction": fraction, "train_sentences": point["train_sentences"],
                           "f1": evaluate(y_test, point["predicted"]).f1, "train_seconds": point["train_seconds"]})
        if self.config["learning_curve"]:
            points.append({"fraction": 1.0, "train_sentences": main["train_sentences"], "f1": None,
                           "train_seconds": main["train_seconds"]})
        return points

    def compare(self, corpus: str, runs: list[dict], gold) -> list[dict]:
        """The paired significance test for each configured pair of systems that both ran, with the bootstrap
        interval of their difference and the smallest difference the test set can detect (when ``bootstrap``)."""
        from ..evaluation.significance import difference_interval, paired_test

        ok = {r["system"]: r for r in runs if r.get("status") == "ok"}
        for run in ok.values():  # the full-data point of the learning curve is the main score
            for point in run.get("learning_curve") or []:
                if point["fraction"] == 1.0:
                    point["f1"] = run["strict"]["f1"]
        if not self.config["permutations"]:
            return []
        found = []
        for a, b in self.config["compare"]:
            if a not in ok or b not in ok:
                continue
            groups = self.test_groups.get(corpus)
            test = paired_test(gold[1], self.predictions[corpus, a][2], self.predictions[corpus, b][2], groups=groups,
                               n_resamples=self.config["permutations"], seed=self.config["seed"])
            comparison = {"corpus": corpus, "a": a, "b": b, "unit": "sentence" if groups is None else "document", **test}
            if self.config["bootstrap"]:
                comparison["bootstrap"] = difference_interval(
                    gold[1], self.predictions[corpus, a][2], self.predictions[corpus, b][2], groups=groups,
                    n_resamples=self.config["bootstrap"], seed=self.config["seed"])
            found.append(comparison)
        return found


def _tagged_files(entry: Path, raw: list) -> tuple[Path, Path]:
    """Where a cache entry keeps the test documents its system tagged, named by the raw documents' hash."""
    digest = hashlib.sha256(json.dumps([[d.id, d.text, d.passages] for d in raw]).encode()).hexdigest()[:16]
    return entry / f"tagged-{digest}.jsonl", entry / f"tagged-{digest}.json"


def fit_linker(spec: dict, corpus: str, documents: list, data_dir) -> tuple[object, float]:
    """A Linker fit on the corpus's vocabularies (with their hierarchy, as ``crfner linker`` builds it) and the gold
    ``documents``, and the seconds it took (reading included)."""
    from ..corpora.registry import resolve_data_dir
    from ..link.build import fit_on_vocabularies

    params = {k: tuple(spec[k]) if k == "ngram_range" else spec[k] for k in ("threshold", "ngram_range") if k in spec}
    started = time.perf_counter()
    linker = fit_on_vocabularies(spec["vocabularies"][corpus], documents, resolve_data_dir(data_dir), **params)
    return linker, round(time.perf_counter() - started, 2)


def _corpus_description(location: str) -> str:
    from ..corpora.registry import REGISTRY

    return REGISTRY[location].description if location in REGISTRY else f"CoNLL files in {location}"


def run_benchmark(config: str | os.PathLike | dict, out: str | os.PathLike, data_dir=None, use_cache: bool = True,
                  progress: bool = True, command: str | None = None) -> dict:
    """Run a benchmark config (a TOML path or a dict) into ``out``; returns the results dict.

    Writes ``out/results.json``, ``out/predictions/<corpus>/<system>.conll`` (token, gold,
    predicted), ``out/report.md`` and ``out/report.html``; keeps its cache in ``out/cache``.
    """
    config = load_config(config) if not isinstance(config, dict) else validate_config(config)
    return Benchmark(config, out, data_dir=data_dir, use_cache=use_cache, progress=progress, command=command).run()
