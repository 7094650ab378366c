"""CRFTagger: a scikit-learn estimator that featurizes token lists, trains a linear-chain CRF
with CRFsuite (sklearn-crfsuite), and tags with its own numpy decoder (Viterbi for tags,
forward-backward for marginals), so a loaded model never touches CRFsuite's native code.
Everything after training (tagging, explaining, model files) is :class:`.model.CRFModel`'s."""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator

from ..errors import DataFormatError
from ..featurize.featureset import FeatureSet, load_feature_set
from ..featurize.parallel import document_groups, featurize_many
from .model import CRFModel, token_lists
from .training import (
    FALLBACK_TRAINING, check_n_jobs, check_tags, check_training_params, data_hash, regularised, train_crfsuite,
)


class CRFTagger(CRFModel, BaseEstimator):
    """Named-entity tagger: a declared feature set feeding a linear-chain CRF (trained with CRFsuite,
    decoded with numpy).

    ``features`` names an installed feature set (``"tutorial"``, ``"biomedical"``), a TOML
    file, or a dict. Training parameters left as None take the feature set's recommended
    values. ``gazetteers`` adds term lists to the set's own (``{name: path}`` or paths);
    ``unlabeled_text`` (token lists, or a file of one tokenised sentence per line) joins the
    training text for learning word clusters; ``data_dir`` is where gazetteers are found by
    name. ``n_jobs`` featurizes and tags in parallel with joblib; ``verbose`` shows progress.
    """

    def __sklearn_tags__(self):
        """What scikit-learn (>= 1.6) may feed it: X a list of token lists (strings), not a
        numeric matrix; y required, a list of tag lists, one string tag per token."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        tags.target_tags.one_d_labels = False
        tags.target_tags.single_output = False  # a tag per token: a sequence, not one label per sample
        return tags

    def _more_tags(self):  # the same for scikit-learn < 1.6
        return {"X_types": ["string"], "requires_y": True}

    # -- training -------------------------------------------------------------------------
    def resolved_training_params(self, feature_set: FeatureSet | None = None) -> dict:
        """Training parameters as used: explicit arguments, else the feature set's, else defaults;
        each checked (``ParameterError`` for one out of range)."""
        feature_set = feature_set or load_feature_set(self.features)
        params = {**FALLBACK_TRAINING, **feature_set.training}
        for key in FALLBACK_TRAINING:
            value = getattr(self, key)
            if value is not None:
                params[key] = value
        return regularised(check_training_params(params), [k for k in ("c1", "c2") if getattr(self, k) is not None])

    def fit(self, X, y, *, documents=None, corpus: str | None = None):
        """Featurize ``X`` (token lists) and train the CRF on ``y`` (tag lists).

        ``documents`` gives each sentence's document id (see :meth:`predict`); ``corpus``
        names the training data in the saved model's metadata. Parameters out of range
        (``c1=-5``, ``c2=inf``, ``max_iterations=0``) raise ``ParameterError`` first.
        """
        feature_set = load_feature_set(self.features)
        params = self.resolved_training_params(feature_set)
        check_n_jobs(self.n_jobs)
        X = token_lists(X)
        if isinstance(y, (str, bytes)) or (isinstance(y, np.ndarray) and y.dtype.kind not in "OU"):
            raise DataFormatError("y must be a list of tag lists (lists of tag strings such as 'B-Disease')")
        try:
            check_tags(X, y)
        except TypeError:  # y, or an item of it, that is no list
            raise DataFormatError("y must be a list of tag lists (lists of tag strings such as 'B-Disease')") from None
        document_groups(documents, len(X))  # checks the ids before any work
        kept = [i for i, t in enumerate(X) if len(t)]
        pairs = [(list(X[i]), list(y[i])) for i in kept]
        if not pairs:
            raise DataFormatError("no non-empty sentences to train on")
        documents = None if documents is None else [documents[i] for i in kept]
        started = time.perf_counter()
        from ..featurize.resources import build_resources

        tokens = [t for t, _ in pairs]
        resources = build_resources(feature_set, tokens, self.gazetteers, self.unlabeled_text, self.data_dir)
        features = featurize_many(
            feature_set, tokens, self.n_jobs, self.verbose, "featurizing train", resources=resources, documents=documents
        )
        model, weights = train_crfsuite(features, [g for _, g in pairs], params, bool(self.verbose))
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
        self.score_calibration_ = None  # set by crfner calibrate (crfner.tagging.calibrate)
        self.crfsuite_model_ = model  # CRFsuite's own binary, for comparisons; never saved
        vars(self).pop("metadata_", None)  # a loaded model's file described the training just replaced
        self._set_weights(weights)
        return self
