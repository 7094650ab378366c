"""Feature extraction: token sequences in, one feature dict per token out.

Each module holds one family of features; ``featureset`` reads a declared feature set
(``features/*.toml``, checked against ``schema``) and builds its extractor (``featurizer``);
``batch`` featurizes many sentences at once.
"""

from .featureset import FeatureSet, available_feature_sets, load_feature_set

__all__ = ["FeatureSet", "available_feature_sets", "load_feature_set"]
