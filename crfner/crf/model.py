"""CRFModel: a trained linear-chain CRF as crfner uses it once trained: it featurizes token lists,
decodes them with its own numpy decoder (Viterbi for tags, forward-backward for marginals), tags raw
text, explains, saves and loads. It imports no scikit-learn, so a command that only tags (``crfner
tag``, ``explain``) does not pay that import; :class:`crfner.CRFTagger` adds training and the
scikit-learn estimator protocol, and loads into the same state."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import CrfnerError, DataFormatError, ModelFileError
from ..evaluation.metrics import evaluate
from ..featurize.emissions import EmissionScorer
from ..featurize.parallel import document_groups, featurize_many, paused_gc
from .calibration import calibration_from_dict
from .decoding import CRFWeights, marginals, paths_and_entity_scores, paths_and_their_marginals, viterbi
from .entity_scores import EntityLabels, continuations
from .modelfile import load_consistently, read_model_dir, write_model_dir
from .training import FALLBACK_TRAINING, check_n_jobs, check_tokens, kept_tokens

_BATCH = 1024  # sentences scored and decoded together


def token_lists(X, name: str = "X"):
    """``X`` checked as a list of token-string lists (a one-line DataFormatError otherwise),
    with NUL and lone surrogates (which no model can hold) mapped to U+FFFD (:func:`.training.kept_tokens`)."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        raise DataFormatError(f"{name} must be a list of token lists (lists of strings), not a {X.ndim}-D {X.dtype} array")
    try:
        check_tokens(X, name)
    except TypeError:  # an item that is no list: a number of a 1-D array
        raise DataFormatError(f"{name} must be a list of token lists (lists of strings)") from None
    return kept_tokens(X)


class CRFModel:
    """A CRF tagger's prediction side: ``predict``, ``predict_marginals``, ``predict_scored``,
    ``tag_text``, ``explain``, ``score``, ``save`` and ``load``. ``CRFModel.load(path)`` tags as
    ``CRFTagger.load(path)`` does; the parameters are :class:`crfner.CRFTagger`'s, kept so that a
    loaded model reports what it was trained with.
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

    def _set_weights(self, weights: CRFWeights) -> None:
        self.weights_ = weights
        self.classes_ = list(weights.labels)
        # Features the model has no weight for cannot change a tag; leaving them out saves time.
        self._featurizer = self.feature_set_.featurizer(self.resources_, frozenset(weights.attributes))
        self._scorer = EmissionScorer(self._featurizer, weights)
        self._entity_labels = EntityLabels.of(self.classes_)  # None for labels other than O, B-, I-
        # A shorthand run read as one phrase ("s / p") is taken whole into an entity or left out.
        labels = self._entity_labels
        self._glue_moves = (continuations(labels) if labels is not None and (labels.kind == 0).any()
                            and self._featurizer.reads_shorthand else None)

    def _check_fitted(self) -> None:
        if getattr(self, "weights_", None) is None:
            from ..errors import NotFittedError  # made on first use: it subclasses scikit-learn's

            name = type(self).__name__
            how = f"call fit(X, y) or {name}.load(path)" if hasattr(self, "fit") else f"make it with {name}.load(path)"
            raise NotFittedError(f"this {name} is not fitted yet: {how}")

    # -- prediction -----------------------------------------------------------------------
    def token_attributes(self, X, *, documents=None) -> list[list[list[bytes]]]:
        """The CRF attributes of each token (feature strings as UTF-8 bytes, ``name=value``)
        that the model has a weight for; rows of ``weights_.attributes``."""
        self._check_fitted()
        X = token_lists(X)
        return featurize_many(
            self.feature_set_, X, self.n_jobs, self.verbose, "featurizing",
            resources=self.resources_, featurizer=self._featurizer, documents=documents,
        )

    def predict(self, X, *, documents=None) -> list[list[str]]:
        """Tags for each token list in ``X``, in the scheme of the tags it was fitted on (IOB2
        for corpora crfner reads, which convert IOB1 and IOBES; a model fitted on IOBES tags predicts IOBES).

        ``documents`` gives each sentence's document id, so that features needing the whole
        document (an abbreviation defined in another sentence) see it; without it each
        sentence stands alone. Sentences of one document need not be adjacent.
        """
        self._check_fitted()
        return self._decode(X, documents, "tags")

    def predict_marginals(self, X, *, documents=None) -> list[list[dict[str, float]]]:
        """For each token, the marginal probability of every label (``documents`` as in :meth:`predict`)."""
        self._check_fitted()
        labels = self.weights_.labels
        return [[dict(zip(labels, row)) for row in probabilities.tolist()] for probabilities in
                self._decode(X, documents, "marginals")]

    def predict_scored(self, X, *, documents=None) -> list[tuple[list[str], list[float]]]:
        """For each token list, its Viterbi tags and a score for each tag (what raw-text tagging
        needs for entity scores; ``documents`` as in :meth:`predict`): for a token of an entity
        the probability the CRF gives that entity, exactly its tokens and type
        (:mod:`crfner.crf.entity_scores`), for a token outside the marginal probability of its
        ``O``; for labels other than IOB2's, each tag's marginal probability. A model calibrated
        by ``crfner calibrate`` (``score_calibration_``) gives entity tokens the calibrated value."""
        self._check_fitted()
        return self._decode(X, documents, "both")

    def _decode(self, X, documents, want: str) -> list:
        """Per sentence, as ``want`` says: its ``"tags"``, its ``"marginals"`` (a ``(tokens,
        labels)`` array), or ``"both"`` (tags and each tag's probability); label scores summed
        from the weights per word type, a batch of sentences at a time."""
        X = token_lists(X)
        check_n_jobs(self.n_jobs)
        groups = document_groups(documents, len(X))
        if self.n_jobs != 1 and len(groups) > 1:
            return self._decode_in_parallel(X, documents, groups, want)
        from tqdm.auto import tqdm

        scorer, featurizer, transition = self._scorer, self._featurizer, self.weights_.transition
        out: list = [None] * len(X)
        batch: list[int] = []
        extras: list = []

        def decode():
            if not batch:
                return
            sentences = [X[i] for i in batch]
            emissions = scorer.scores(sentences, extras)
            glue = None if self._glue_moves is None else (featurizer.glued(sentences), self._glue_moves)
            if want == "both" and self._entity_labels is not None:
                paths, probabilities = zip(*paths_and_entity_scores(emissions, transition, self._entity_labels, glue))
            elif want == "both":  # labels other than IOB2's: no entities, so nothing is kept whole
                paths, probabilities = zip(*paths_and_their_marginals(emissions, transition))
            else:
                paths = viterbi(emissions, transition, glue) if want == "tags" else None
                probabilities = marginals(emissions, transition) if want == "marginals" else None
            for index, result in zip(batch, self._outputs(want, paths, probabilities)):
                out[index] = result
            batch.clear()
            extras.clear()

        with paused_gc():
            for group in tqdm(groups, desc="tagging", unit="doc", disable=not self.verbose, leave=False):
                batch.extend(group)
                extras.extend(featurizer.document_pairs([X[i] for i in group]) or [None] * len(group))
                if len(batch) >= _BATCH:
                    decode()
            decode()
        return out

    def _outputs(self, want: str, paths, probabilities) -> list:
        """A batch's results in the form :meth:`_decode` gives, converted all at once."""
        if want == "marginals":
            return probabilities
        flat = np.concatenate(paths)
        names = [self.weights_.labels[k] for k in flat.tolist()]
        chosen = np.concatenate(probabilities) if want == "both" else None
        if chosen is not None and getattr(self, "score_calibration_", None) is not None:
            inside = flat != (self.classes_.index("O") if "O" in self.classes_ else -1)
            chosen[inside] = self.score_calibration_(chosen[inside], np.asarray(self.weights_.labels, dtype=object)[flat[inside]])
        chosen = None if chosen is None else chosen.tolist()
        out, start = [], 0
        for path in paths:
            end = start + len(path)
            out.append(names[start:end] if chosen is None else (names[start:end], chosen[start:end]))
            start = end
        return out

    def _decode_in_parallel(self, X, documents, groups: list[list[int]], want: str) -> list[tuple]:
        """:meth:`_decode` over ``n_jobs`` joblib workers, whole documents to each."""
        from joblib import Parallel, delayed, effective_n_jobs

        parts = effective_n_jobs(self.n_jobs)
        size = -(-len(groups) // parts)
        chunks = [[i for group in groups[k : k + size] for i in group] for k in range(0, len(groups), size)]
        state = {**self.__getstate__(), "n_jobs": 1, "verbose": False}
        results = Parallel(n_jobs=parts)(
            delayed(_decode_part)(state, [X[i] for i in chunk], None if documents is None else [documents[i] for i in chunk], want)
            for chunk in chunks
        )
        out: list = [None] * len(X)
        for chunk, result in zip(chunks, results):
            for index, item in zip(chunk, result):
                out[index] = item
        return out

    def tag_text(self, text: str, *, splitter: str | None = None, linker=None, min_score: float | None = None) -> list:
        """Entities in raw text: sentences split and tokenised as the corpora were, each entity
        an ``Entity(start, end, type, text, score)`` with ``text[start:end] == entity.text``
        and the score the probability the CRF gives it. ``splitter="notes"`` splits a
        clinical note at its headings, list items and line breaks instead; None (the default)
        takes the splitter recorded in the model, else ``"abstract"``; a fitted
        ``linker`` (:class:`crfner.link.Linker`) sets each entity's concept ``identifier``;
        ``min_score`` keeps only the entities scored at least that."""
        from ..tagging.annotate import tag_text

        return tag_text(self, text, splitter=splitter, linker=linker, min_score=min_score)

    def explain(self, text, top: int = 10, *, documents=None, splitter: str | None = None, negation=False, sections=False,
                hypothetical=False, family=False, uncertainty=False):
        """Why each entity in ``text`` (raw text split by ``splitter`` as in :meth:`tag_text`, or token lists with
        ``documents``) got its label: per token, the features and transitions that favour it over the best
        rival label, with exact contributions; with ``negation`` whether the text negates it, with
        ``sections`` the note's section it is in, with ``hypothetical`` whether the text names it only as a
        condition, with ``family`` whether it attributes it to a relative, with ``uncertainty`` whether it names it as
        possible (see :func:`crfner.explanations.explain`)."""
        from ..explanations.entities import explain

        return explain(self, text, top=top, documents=documents, splitter=splitter, negation=negation, sections=sections,
                       hypothetical=hypothetical, family=family, uncertainty=uncertainty)

    def score(self, X, y, *, documents=None) -> float:
        """Strict entity-level micro-F1 of the predictions on ``X`` against ``y``."""
        return evaluate(y, self.predict(X, documents=documents)).f1

    # -- model files ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the model directory ``path`` (weights as arrays + ``crfner.json``) atomically."""
        from ..featurize.resources import describe_resources, resource_files

        self._check_fitted()
        metadata = {
            "crfner_version": __version__,
            "feature_set": self.feature_set_.to_dict(),
            "feature_set_name": self.feature_set_.name,
            "feature_set_version": self.feature_set_.version,
            "feature_set_fingerprint": self.feature_set_.fingerprint(),  # checked at load: the set must be unedited
            "parameters": {**self.training_params_, "n_jobs": 1 if self.n_jobs is None else int(self.n_jobs)},
            "training": {
                "corpus": self.training_corpus_,
                "seconds": round(getattr(self, "training_seconds_", 0.0), 3),
                **self.training_data_,
            },
            "resources": describe_resources(self.resources_),
            "metrics": self.metrics_,
        }
        if getattr(self, "score_calibration_", None) is not None:
            metadata["score_calibration"] = self.score_calibration_.to_dict()
        probe = self._probe_to_save()
        if probe is not None:
            metadata["featurization_probe"] = probe
        return write_model_dir(path, self.weights_, metadata, overwrite=overwrite, files=resource_files(self.resources_))

    def _probe_to_save(self) -> dict | None:
        """The probe digest to record (:mod:`crfner.featurize.probe`): computed now for a model
        trained in this process; for a loaded one, the digest it was saved with, or none, since
        its weights were trained by the code that wrote that file, not by this one."""
        if getattr(self, "metadata_", None) is not None:
            return self.metadata_.get("featurization_probe")
        from ..featurize.probe import CURRENT, probe_digest

        return {"version": CURRENT, "sha256": probe_digest(self._featurizer, CURRENT)}

    def featurization_check(self) -> dict:
        """Whether this crfner featurizes the probe document (:mod:`crfner.featurize.probe`) as the
        code that saved the model did: ``status`` is ``"same"``, ``"changed"``, ``"not recorded"``
        (saved before probes) or ``"unknown version"`` (a probe this crfner lacks); with the
        recorded ``version`` and ``sha256`` and, where computed, this crfner's ``computed`` digest."""
        from ..featurize.probe import PROBES, probe_digest

        self._check_fitted()
        recorded = self._probe_to_save()
        if recorded is None:
            return {"status": "not recorded", "version": None, "sha256": None, "computed": None}
        if recorded["version"] not in PROBES:
            return {"status": "unknown version", **recorded, "computed": None}
        computed = probe_digest(self._featurizer, recorded["version"])
        return {"status": "same" if computed == recorded["sha256"] else "changed", **recorded, "computed": computed}

    def _check_probe(self, path) -> None:
        """Warn when the probe featurizes otherwise than at save (a model saved before probes, or
        with a probe version this crfner lacks, is not checked)."""
        if self.featurization_check()["status"] == "changed":
            import warnings

            from ..errors import FeaturizationChangedWarning

            saved_by = self.metadata_.get("crfner_version")
            warnings.warn(
                f"{path}: this crfner ({__version__}) featurizes the model's probe document otherwise than the "
                f"crfner that saved it ({saved_by}): its feature code has changed, so tags may differ from those "
                f"the model's scores were measured on; retrain the model, or tag with the crfner that trained it",
                FeaturizationChangedWarning, stacklevel=6)  # the caller of CRFModel.load

    @classmethod
    def load(cls, path: str | os.PathLike, gazetteers=None, allow_gazetteer_change: bool = False, data_dir=None) -> "CRFModel":
        """Load a model directory written by :meth:`save`; unpickles nothing and runs no native
        parser: every file is checked before use, and a bad one raises ``ModelFileError``.

        The gazetteers it was trained with are found again (at their recorded paths, in
        ``data_dir``, or as ``gazetteers={name: path}`` says) and must be unchanged unless
        ``allow_gazetteer_change``.
        """
        def load():
            weights, metadata = read_model_dir(path)
            try:
                return cls._from_metadata(path, weights, metadata, gazetteers, allow_gazetteer_change, data_dir)
            except ModelFileError:
                raise
            except CrfnerError as error:  # a stored feature set or resource that does not fit the weights
                raise ModelFileError(f"{path}: the stored model is unusable ({error})") from None

        return load_consistently(path, load)  # again if a save replaced the directory meanwhile

    @classmethod
    def _from_metadata(cls, path, weights, metadata, gazetteers, allow_gazetteer_change, data_dir) -> "CRFModel":
        from ..featurize.resources import restore_resources
        from .metadata import checked_feature_set, checked_metadata

        params, training, metrics = checked_metadata(metadata, path)
        feature_set = checked_feature_set(metadata, path)
        known = {k: params[k] for k in FALLBACK_TRAINING if k in params}
        tagger = cls(features=feature_set.to_dict(), n_jobs=params.get("n_jobs", 1), data_dir=data_dir, **known)
        tagger.feature_set_ = feature_set
        tagger.resources_ = restore_resources(
            Path(path), metadata.get("resources") or {}, gazetteers, allow_gazetteer_change, data_dir
        )
        tagger.training_params_ = {k: v for k, v in params.items() if k != "n_jobs"}
        tagger.training_corpus_ = training.pop("corpus", None)
        tagger.training_seconds_ = training.pop("seconds", 0.0)
        tagger.training_data_ = training
        tagger.metrics_ = metrics
        calibration = metadata.get("score_calibration")
        tagger.score_calibration_ = None if calibration is None else calibration_from_dict(calibration, str(path))
        tagger.metadata_ = metadata
        tagger._set_weights(weights)
        if not allow_gazetteer_change:  # a list allowed to change changes the features by design
            tagger._check_probe(path)
        return tagger

    # The featurizer and scorer hold caches; they are rebuilt from the weights after unpickling.
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_featurizer", None)
        state.pop("_scorer", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if state.get("weights_") is not None:
            self._set_weights(state["weights_"])


def _decode_part(state: dict, X, documents, want: str) -> list[tuple]:
    """One joblib worker's share of :meth:`CRFModel._decode`, on a model rebuilt from ``state``."""
    tagger = CRFModel.__new__(CRFModel)
    tagger.__setstate__(state)
    return tagger._decode(X, documents, want)
