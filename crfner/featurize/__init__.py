"""Feature extraction: token sequences in, one feature dict per token out.

Each module holds one family of features; ``featureset`` turns a declared feature set
(``features/*.toml``) into an extractor.
"""

from .featureset import FeatureSet, available_feature_sets, load_feature_set

__all__ = ["FeatureSet", "available_feature_sets", "load_feature_set"]
