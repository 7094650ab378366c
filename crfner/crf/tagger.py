"""CRFTagger: a scikit-learn estimator that featurizes token lists and trains a linear-chain
CRF with sklearn-crfsuite."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Sequence

from sklearn.base import BaseEstimator

from .. import __version__
from ..errors import DataFormatError, FeatureSetError, ModelFileError, NotFittedError
from ..evaluation.metrics import evaluate
from ..featurize.emissions import EmissionScorer
from ..featurize.featureset import FeatureSet, load_feature_set
from ..featurize.parallel import document_groups, featurize_many, paused_gc
from ..schemes import is_valid_tag
from .decoding import CRFWeights, viterbi
from .modelfile import read_model_dir, write_model_dir

# Used only where neither the feature set nor the caller names a value.
FALLBACK_TRAINING = {
    "algorithm": "lbfgs",
    "c1": 0.1,
    "c2": 0.1,
    "max_iterations": 100,
    "all_possible_transitions": True,
}
REGULARISED = {"lbfgs": {"c1", "c2"}, "l2sgd": {"c2"}}
SCORED_BATCH = 512  # sentences featurized at a time by predict_scored


def _progress_trainer(show: bool, total: int):
    """A pycrfsuite trainer class that reports iterations on a progress bar instead of stdout."""
    import pycrfsuite
    from tqdm.auto import tqdm

    class ProgressTrainer(pycrfsuite.Trainer):
        def __init__(self, algorithm=None, params=None, verbose=False):
            super().__init__(algorithm=algorithm, params=params, verbose=True)
            self._bar = None

        def on_start(self, log):
            self._bar = tqdm(total=total, desc="training CRF", unit="iter", disable=not show, leave=False)

        def on_iteration(self, log, info):
            if self._bar is not None:
                self._bar.update(1)
                self._bar.set_postfix(loss=f"{info.get('loss', 0):.1f}", refresh=False)

        def on_end(self, log):
            if self._bar is not None:
                self._bar.close()

        on_featgen_progress = on_featgen_end = on_prepared = on_prepare_error = on_optimization_end = (
            lambda self, *args: None
        )

    return ProgressTrainer


def check_tokens(X, name: str = "X") -> None:
    """Raise :class:`DataFormatError` unless ``X`` is a list of token-string lists."""
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise DataFormatError(f"{name} must be a list of token lists")
    for index, tokens in enumerate(X):
        if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
            raise DataFormatError(f"{name}[{index}] must be a list of token strings")


def _check_tags(X, y) -> None:
    if len(X) != len(y):
        raise DataFormatError(f"{len(X)} sentences but {len(y)} tag lists")
    for index, (tokens, tags) in enumerate(zip(X, y)):
        if len(tokens) != len(tags):
            raise DataFormatError(f"sentence {index}: {len(tokens)} tokens but {len(tags)} tags")
        for tag in tags:
            if not isinstance(tag, str) or not is_valid_tag(tag):
                raise DataFormatError(f"sentence {index}: tag {tag!r} fits no tagging scheme")


def data_hash(X: Sequence[Sequence[str]], y: Sequence[Sequence[str]]) -> str:
    """SHA-256 of the training sentences and tags, to tell later which data a model saw."""
    digest = hashlib.sha256()
    for tokens, tags in zip(X, y):
        digest.update(json.dumps([list(tokens), list(tags)], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


class CRFTagger(BaseEstimator):
    """Named-entity tagger: a declared feature set feeding a linear-chain CRF (CRFsuite).

    ``features`` names an installed feature set (``"tutorial"``, ``"biomedical"``), a TOML
    file, or a dict. Training parameters left as None take the feature set's recommended
    values. ``gazetteers`` adds term lists to the set's own (``{name: path}`` or paths);
    ``unlabeled_text`` (token lists, or a file of one tokenised sentence per line) joins the
    training text for learning word clusters; ``data_dir`` is where gazetteers are found by
    name. ``n_jobs`` featurizes sentences in parallel with joblib; ``verbose`` shows progress.
    """

    def __init__(
        self,
        features="tutorial",
        algorithm=None,
        c1=None,
        c2=None,
        max_iterations=None,
        all_possible_transitions=None,
        gazetteers=None,
        unlabeled_text=None,
        data_dir=None,
        n_jobs=1,
        verbose=False,
    ):
        self.features = features
        self.algorithm = algorithm
        self.c1 = c1
        self.c2 = c2
        self.max_iterations = max_iterations
        self.all_possible_transitions = all_possible_transitions
        self.gazetteers = gazetteers
        self.unlabeled_text = unlabeled_text
        self.data_dir = data_dir
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- training -------------------------------------------------------------------------
    def resolved_training_params(self, feature_set: FeatureSet | None = None) -> dict:
        """Training parameters as used: explicit arguments, else the feature set's, else defaults."""
        feature_set = feature_set or load_feature_set(self.features)
        params = {**FALLBACK_TRAINING, **feature_set.training}
        for key in FALLBACK_TRAINING:
            value = getattr(self, key)
            if value is not None:
                params[key] = value
        allowed = REGULARISED.get(params["algorithm"], set())
        return {k: v for k, v in params.items() if k not in ("c1", "c2") or k in allowed}

    def fit(self, X, y, *, documents=None, corpus: str | None = None):
        """Featurize ``X`` (token lists) and train the CRF on ``y`` (tag lists).

        ``documents`` gives each sentence's document id (see :meth:`predict`); ``corpus``
        names the training data in the saved model's metadata.
        """
        import sklearn_crfsuite

        check_tokens(X)
        _check_tags(X, y)
        document_groups(documents, len(X))  # checks the ids before any work
        kept = [i for i, t in enumerate(X) if len(t)]
        pairs = [(list(X[i]), list(y[i])) for i in kept]
        if not pairs:
            raise DataFormatError("no non-empty sentences to train on")
        documents = None if documents is None else [documents[i] for i in kept]
        feature_set = load_feature_set(self.features)
        params = self.resolved_training_params(feature_set)
        started = time.perf_counter()
        from ..featurize.resources import build_resources

        tokens = [t for t, _ in pairs]
        resources = build_resources(feature_set, tokens, self.gazetteers, self.unlabeled_text, self.data_dir)
        features = featurize_many(
            feature_set, tokens, self.n_jobs, self.verbose, "featurizing train", resources=resources, documents=documents
        )
        with tempfile.TemporaryDirectory(prefix="crfner-") as tmp:
            model_path = os.path.join(tmp, "model.crfsuite")
            crf = sklearn_crfsuite.CRF(
                **params,
                model_filename=model_path,
                trainer_cls=_progress_trainer(bool(self.verbose), params["max_iterations"]),
            )
            crf.fit(features, [g for _, g in pairs])
            model = Path(model_path).read_bytes()
        self.training_seconds_ = time.perf_counter() - started
        self.feature_set_ = feature_set
        self.resources_ = resources
        self.training_params_ = params
        self.training_corpus_ = corpus
        self.training_data_ = {
            "sentences": len(pairs),
            "tokens": sum(map(len, tokens)),
            "documents": None if documents is None else len(set(documents)),
            "sha256": data_hash(X, y),
        }
        self.metrics_ = {}
        self._set_model(model)
        return self

    def _set_model(self, model: bytes) -> None:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        try:
            tagger.open_inmemory(model)
        except ValueError as error:
            raise ModelFileError(f"CRFsuite cannot read the model ({error})") from None
        self.model_ = model
        self._tagger = tagger
        self.classes_ = list(tagger.labels())
        self._weights = CRFWeights.from_model(model, tagger)
        # Features the model has no weight for cannot change a tag; leaving them out saves time.
        self._featurizer = self.feature_set_.featurizer(self.resources_, frozenset(self._weights.attributes))
        self._scorer = EmissionScorer(self._featurizer, self._weights)

    def _check_fitted(self) -> None:
        if getattr(self, "model_", None) is None:
            raise NotFittedError("this CRFTagger is not fitted yet: call fit(X, y) or CRFTagger.load(path)")

    # -- prediction -----------------------------------------------------------------------
    def _features(self, X, documents=None) -> list[list[list[bytes]]]:
        check_tokens(X)
        return featurize_many(
            self.feature_set_, X, self.n_jobs, self.verbose, "featurizing",
            resources=self.resources_, featurizer=self._featurizer, documents=documents,
        )

    def predict(self, X, *, documents=None) -> list[list[str]]:
        """IOB2 tags for each token list in ``X``.

        ``documents`` gives each sentence's document id, so that features needing the whole
        document (an abbreviation defined in another sentence) see it; without it each
        sentence stands alone. Sentences of one document need not be adjacent.
        """
        from tqdm.auto import tqdm

        self._check_fitted()
        tag = self._tagger.tag
        if self.n_jobs != 1:
            with paused_gc():
                return [tag(f) if f else [] for f in self._features(X, documents)]
        check_tokens(X)
        groups = document_groups(documents, len(X))
        # Label scores summed from the weights per word type, then Viterbi over a batch of
        # sentences at once: the same tags as CRFsuite's, without building feature strings.
        scorer, featurizer = self._scorer, self._featurizer
        labels, transition = self._weights.labels, self._weights.transition
        out: list = [None] * len(X)
        batch: list[int] = []
        extras: list = []

        def decode():
            emissions = scorer.scores([X[i] for i in batch], extras)
            for index, path in zip(batch, viterbi(emissions, transition)):
                out[index] = [labels[k] for k in path.tolist()]
            batch.clear()
            extras.clear()

        with paused_gc():
            for group in tqdm(groups, desc="tagging", unit="doc", disable=not self.verbose, leave=False):
                batch.extend(group)
                extras.extend(featurizer.document_pairs([X[i] for i in group]) or [None] * len(group))
                if len(batch) >= 1024:
                    decode()
            decode()
        return out

    def predict_marginals(self, X, *, documents=None) -> list[list[dict[str, float]]]:
        """For each token, the marginal probability of every label (``documents`` as in :meth:`predict`)."""
        self._check_fitted()
        tagger, labels = self._tagger, self.classes_
        out = []
        for f in self._features(X, documents):
            if not f:
                out.append([])
                continue
            tagger.set(f)
            out.append([{label: tagger.marginal(label, i) for label in labels} for i in range(len(f))])
        return out

    def predict_scored(self, X, *, documents=None) -> list[tuple[list[str], list[float]]]:
        """For each token list, its Viterbi tags and the marginal probability of each tag
        (what raw-text tagging needs for entity scores; ``documents`` as in :meth:`predict`).

        Sentences are featurized whole documents at a time, about 512 sentences per batch,
        which bounds memory on long inputs."""
        self._check_fitted()
        crf = self._tagger
        out: list = [None] * len(X)
        batches: list[list[int]] = [[]]
        for group in document_groups(documents, len(X)):
            if len(batches[-1]) >= SCORED_BATCH:
                batches.append([])
            batches[-1].extend(group)
        for batch in batches:
            ids = None if documents is None else [documents[i] for i in batch]
            for index, features in zip(batch, self._features([X[i] for i in batch], ids)):
                if not features:
                    out[index] = ([], [])
                    continue
                crf.set(features)
                tags = crf.tag()
                out[index] = (tags, [crf.marginal(tag, i) for i, tag in enumerate(tags)])
        return out

    def tag_text(self, text: str) -> list:
        """Entities in raw text: sentences split and tokenised as the corpora were, each entity
        an ``Entity(start, end, type, text, score)`` with ``text[start:end] == entity.text``
        and the score its tokens' mean marginal probability."""
        from ..tagging.annotate import tag_text

        return tag_text(self, text)

    def score(self, X, y, *, documents=None) -> float:
        """Strict entity-level micro-F1 of the predictions on ``X`` against ``y``."""
        return evaluate(y, self.predict(X, documents=documents)).f1

    # -- model files ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the model directory ``path`` (CRFsuite binary + ``crfner.json``) atomically."""
        from ..featurize.resources import CLUSTERS_FILE, describe_resources

        self._check_fitted()
        files = {}
        if self.resources_.clusters is not None:
            with tempfile.TemporaryDirectory(prefix="crfner-") as tmp:
                self.resources_.clusters.save(Path(tmp) / CLUSTERS_FILE)
                files[CLUSTERS_FILE] = (Path(tmp) / CLUSTERS_FILE).read_bytes()
        metadata = {
            "crfner_version": __version__,
            "feature_set": self.feature_set_.to_dict(),
            "feature_set_name": self.feature_set_.name,
            "feature_set_version": self.feature_set_.version,
            "labels": list(self.classes_),
            "parameters": {**self.training_params_, "n_jobs": self.n_jobs},
            "training": {
                "corpus": self.training_corpus_,
                "seconds": round(getattr(self, "training_seconds_", 0.0), 3),
                **self.training_data_,
            },
            "resources": describe_resources(self.resources_),
            "metrics": self.metrics_,
        }
        return write_model_dir(path, self.model_, metadata, overwrite=overwrite, files=files)

    @classmethod
    def load(cls, path: str | os.PathLike, gazetteers=None, allow_gazetteer_change: bool = False, data_dir=None) -> "CRFTagger":
        """Load a model directory written by :meth:`save`; unpickles nothing.

        The gazetteers it was trained with are found again (at their recorded paths, in
        ``data_dir``, or as ``gazetteers={name: path}`` says) and must be unchanged unless
        ``allow_gazetteer_change``.
        """
        from ..featurize.resources import restore_resources

        model, metadata = read_model_dir(path)
        try:
            feature_set = FeatureSet.from_dict(metadata["feature_set"], source=f"{path} feature set")
        except FeatureSetError as error:
            raise ModelFileError(f"{path}: the stored feature set is unusable ({error})") from None
        params = metadata["parameters"]
        known = {k: params[k] for k in FALLBACK_TRAINING if k in params}
        tagger = cls(features=feature_set.to_dict(), n_jobs=params.get("n_jobs", 1), data_dir=data_dir, **known)
        tagger.feature_set_ = feature_set
        tagger.resources_ = restore_resources(
            Path(path), metadata.get("resources") or {}, gazetteers, allow_gazetteer_change, data_dir
        )
        tagger.training_params_ = {k: v for k, v in params.items() if k != "n_jobs"}
        training = dict(metadata.get("training") or {})
        tagger.training_corpus_ = training.pop("corpus", None)
        tagger.training_seconds_ = training.pop("seconds", 0.0)
        tagger.training_data_ = training
        tagger.metrics_ = dict(metadata.get("metrics") or {})
        tagger.metadata_ = metadata
        try:
            tagger._set_model(model)
        except ModelFileError as error:
            raise ModelFileError(f"{path}: {error}") from None
        if sorted(tagger.classes_) != sorted(metadata["labels"]):
            raise ModelFileError(f"{path}: the model's labels differ from those in its metadata")
        return tagger

    # pycrfsuite taggers cannot be pickled; joblib and GridSearchCV pickle estimators.
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_tagger", None)
        state.pop("_featurizer", None)
        state.pop("_scorer", None)
        state.pop("_weights", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if state.get("model_") is not None:
            self._set_model(state["model_"])
