"""crfner's code digest, the part of the cache keys that keeps results of older code from being read back:
it moves with any change to the files it covers and with none to the files it leaves out."""

from __future__ import annotations

import shutil

import pytest

from crfner import source_digest as sd
from crfner.benchmark.runner import code_digest
from crfner.featurize import gazetteer_cache
from crfner.featurize.cluster_cache import cache_key


@pytest.fixture()
def package(tmp_path, monkeypatch):
    """A copy of crfner's files that the digest reads instead of the installed ones."""
    copy = tmp_path / "crfner"
    shutil.copytree(sd.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sd, "PACKAGE", copy)
    return copy


def _edit(path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


def test_package_files_lists_sources_and_data_not_compiled_files(package):
    (package / "featurize" / "__pycache__").mkdir(exist_ok=True)
    (package / "featurize" / "__pycache__" / "clusters.cpython-311.pyc").write_bytes(b"\0")
    files = sd.package_files()
    assert "featurize/clusters.py" in files and "link/clinical_signs.tsv" in files and "errors.py" in files
    assert not any("__pycache__" in f or f.endswith(".pyc") for f in files)
    assert sd.package_files(include=("featurize", "errors.py")) == [
        f for f in files if f.startswith("featurize/") or f == "errors.py"]
    assert not any(f.startswith(("report/", "cli/")) for f in sd.package_files(exclude=("report", "cli")))


def test_the_digest_moves_with_content_and_with_names(package):
    files = ["errors.py", "atomic.py"]
    before = sd.source_digest(files)
    assert sd.source_digest(reversed(files)) == before
    _edit(package / "atomic.py")
    edited = sd.source_digest(files)
    assert edited != before
    (package / "atomic.py").rename(package / "atomic2.py")
    assert sd.source_digest(["errors.py", "atomic2.py"]) != edited  # same bytes under another name


def test_cluster_cache_key_follows_the_featurize_code_only(package):
    settings = {"granularities": (2,), "dims": 2, "window": 1, "min_count": 1}
    sentences = [["aspirin", "for", "pain"]]
    before = cache_key(sentences, settings)
    _edit(package / "report" / "__init__.py")
    _edit(package / "crf" / "tagger.py")
    assert cache_key(sentences, settings) == before
    _edit(package / "featurize" / "clusters.py")
    assert cache_key(sentences, settings) != before


def test_gazetteer_cache_key_follows_the_compiler_and_the_text_decoder_only(package):
    def key():
        return gazetteer_cache.cache_key("0" * 64, 12, False)

    before = key()
    _edit(package / "featurize" / "clusters.py")
    _edit(package / "crf" / "tagger.py")
    assert key() == before
    for edited in ("featurize/gazetteer.py", "featurize/gazetteer_terms.py", "featurize/gazetteer_cache.py", "corpora/lines.py"):
        _edit(package / edited)
        assert key() != before, edited
        before = key()


def test_benchmark_digest_leaves_out_the_report_and_the_command_line(package):
    before = code_digest()
    _edit(package / "report" / "__init__.py")
    _edit(package / "cli" / "tag.py")
    assert code_digest() == before
    _edit(package / "evaluation" / "significance.py")
    assert code_digest() != before
