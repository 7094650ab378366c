"""Checks of a CRF model's metadata beyond its files: every field loading reads has the type
it must have, so a damaged or crafted ``crfner.json`` gives a one-line ``ModelFileError``."""

from __future__ import annotations

from ..errors import FeatureSetError, ModelFileError, excerpt
from ..featurize.featureset import FeatureSet
from ..featurize.resources import TABLE_FILES
from .training import storable_n_jobs

_SCALARS = (str, int, float, bool, type(None))


def checked_metadata(metadata: dict, path) -> tuple[dict, dict, dict]:
    """The parameters, training record and metrics of ``metadata``, checked (copies)."""
    where = f"{path}: damaged metadata"
    params = metadata["parameters"]
    if not isinstance(params, dict) or not all(isinstance(v, _SCALARS) for v in params.values()):
        raise ModelFileError(f"{where} (parameters must be an object of plain values)")
    n_jobs = params.get("n_jobs", 1)
    if not storable_n_jobs(n_jobs):
        raise ModelFileError(f"{where} (n_jobs is {n_jobs!r})")
    if not isinstance(metadata["feature_set"], dict):
        raise ModelFileError(f"{where} (feature_set must be an object)")
    training = metadata.get("training") or {}
    metrics = metadata.get("metrics") or {}
    if not isinstance(training, dict) or not isinstance(metrics, dict):
        raise ModelFileError(f"{where} (training and metrics must be objects)")
    seconds, corpus = training.get("seconds", 0.0), training.get("corpus")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not isinstance(corpus, (str, type(None))):
        raise ModelFileError(f"{where} (training.seconds must be a number and training.corpus a string)")
    if training.get("splitter") not in (None, "abstract", "notes"):  # read by crfner tag as its default splitter
        raise ModelFileError(f"{where} (training.splitter must be abstract or notes)")
    _check_resources(metadata.get("resources") or {}, where)
    _check_probe(metadata.get("featurization_probe"), where)
    for key, name in TABLE_FILES:
        if (metadata.get("resources") or {}).get(key) is not None and name not in metadata["files"]:
            # a table is read only as a listed file: checked name, regular file, size and SHA-256
            raise ModelFileError(f"{where} (resources.{key} names {name}, which the files list lacks)")
    return dict(params), dict(training), dict(metrics)


def checked_feature_set(metadata: dict, path):
    """The stored feature set, validated, and the one that was saved: a set edited since (a family
    removed, an offset changed) would load and featurize otherwise than the weights were trained,
    so one whose fingerprint differs from the one recorded at save is refused (older models record none)."""
    try:
        feature_set = FeatureSet.from_dict(metadata["feature_set"], source=f"{path} feature set")
    except FeatureSetError as error:
        raise ModelFileError(f"{path}: the stored feature set is unusable ({error})") from None
    recorded = metadata.get("feature_set_fingerprint")
    fingerprint = feature_set.fingerprint() if recorded is not None else None
    if fingerprint != recorded:
        raise ModelFileError(f"{path}: damaged metadata (feature_set was changed after training: its fingerprint is "
                             f"{fingerprint}, the one recorded at save {excerpt(recorded, 40)})")
    return feature_set


def _check_probe(probe, where: str) -> None:
    """``featurization_probe``, when present: a probe version and a SHA-256 (:mod:`crfner.featurize.probe`)."""
    if probe is None:
        return
    if not isinstance(probe, dict) or set(probe) != {"version", "sha256"}:
        raise ModelFileError(f"{where} (featurization_probe must hold a version and a sha256)")
    version, digest = probe["version"], probe["sha256"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{where} (featurization_probe.version must be a positive whole number)")
    if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= set("0123456789abcdef"):
        raise ModelFileError(f"{where} (featurization_probe.sha256 must be 64 hex digits)")


def _check_resources(resources, where: str) -> None:
    if not isinstance(resources, dict):
        raise ModelFileError(f"{where} (resources must be an object)")
    lists = resources.get("gazetteers") or []
    if not isinstance(lists, list):
        raise ModelFileError(f"{where} (resources.gazetteers must be a list)")
    for entry in lists:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("name", "path", "sha256")):
            raise ModelFileError(f"{where} (each gazetteer needs a name, a path and a sha256)")
    for key, name in TABLE_FILES:
        table = resources.get(key)
        if table is not None and (not isinstance(table, dict) or table.get("file") != name or not isinstance(table.get("sha256"), str)):
            raise ModelFileError(f"{where} (resources.{key} must name {name} and its sha256)")
