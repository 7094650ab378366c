"""Shared fixtures: the real corpora in ../shared/data (or $CRFNER_DATA_DIR), sliced small."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _data_dir() -> Path:
    return Path(os.environ.get("CRFNER_DATA_DIR") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = _data_dir()
    if not (path / "BC5CDR-IOB" / "train.tsv").is_file():
        message = f"the corpora are not at {path}; set CRFNER_DATA_DIR"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def bc5cdr_train(data_dir):
    import crfner

    return crfner.load_corpus("bc5cdr", "train", data_dir=data_dir)


@pytest.fixture(scope="session")
def bc5cdr_devel(data_dir):
    import crfner

    return crfner.load_corpus("bc5cdr", "devel", data_dir=data_dir)


@pytest.fixture(scope="session")
def small_train(bc5cdr_train):
    """The first 800 sentences of BC5CDR train."""
    X, y = bc5cdr_train
    return X[:800], y[:800]


@pytest.fixture(scope="session")
def small_devel(bc5cdr_devel):
    """The first 300 sentences of BC5CDR devel."""
    X, y = bc5cdr_devel
    return X[:300], y[:300]


@pytest.fixture(scope="session")
def fitted(small_train):
    """A tutorial CRF trained on the slice (fewer iterations keep the suite fast)."""
    import crfner

    X, y = small_train
    return crfner.CRFTagger(max_iterations=50).fit(X, y, corpus="bc5cdr:train[:800]")


@pytest.fixture(scope="session")
def model(fitted, tmp_path_factory):
    """``fitted`` saved once as a model directory, for the tests of commands and files; they
    read it and never write into it."""
    return fitted.save(tmp_path_factory.mktemp("fitted") / "model")


def cdr_test_documents(data_dir: Path, count: int) -> list:
    """The first ``count`` documents of BC5CDR's PubTator test file."""
    from itertools import islice

    from crfner.corpora.pubtator import read_pubtator

    return list(islice(read_pubtator(data_dir / "pubtator" / "CDR_TestSet.PubTator.txt"), count))


@pytest.fixture()
def inputs(tmp_path, documents):
    """The test module's ``documents`` as a JSON Lines file."""
    from crfner.corpora.jsonl import write_jsonl

    path = tmp_path / "in.jsonl"
    write_jsonl(documents, path)
    return path


def interrupt_batch_tagging(monkeypatch, call: int) -> None:
    """Make batch tagging stop, as an interrupt (Ctrl-C) would, when it is about to tag its
    ``call``-th chunk; the chunks before are tagged and recorded as usual."""
    from crfner.tagging import batch

    real, calls = batch._Runner.__call__, []

    def interrupted(self, *args):
        calls.append(1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(batch._Runner, "__call__", interrupted)


def rehash_listed_files(folder: Path) -> None:
    """Record every file's real size and hash in a model or linker directory's crfner.json, so a
    crafted file passes the hash check and reaches the content checks."""
    import hashlib
    import json

    meta = json.loads((folder / "crfner.json").read_text(encoding="utf-8"))
    for name in meta["files"]:
        data = (folder / name).read_bytes()
        meta["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "crfner.json").write_text(json.dumps(meta), encoding="utf-8")


def write(path: Path, text: str, encoding="utf-8", bom=False) -> Path:
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def crfsuite_tagger(tagger):
    """CRFsuite's own tagger over a model fitted in this process (``crfsuite_model_``), to
    compare crfner's numpy decoder with while CRFsuite is at hand."""
    import pycrfsuite

    crfsuite = pycrfsuite.Tagger()
    crfsuite.open_inmemory(tagger.crfsuite_model_)
    return crfsuite


#: The terms of :func:`tiny_linker`: a few of BC5CDR's chemicals and diseases.
LINKER_TERMS = {
    "Chemical": [("cisplatin", "MESH:D002945"), ("famotidine", "MESH:D015738"), ("indomethacin", "MESH:D007213"),
                 ("aspirin", "MESH:D001241")],
    "Disease": [("nephrotoxicity", "MESH:D007674"), ("delirium", "MESH:D003693"), ("hypotension", "MESH:D007022"),
                ("renal failure", "MESH:D051437"), ("myocardial infarction", "MESH:D009203"), ("heart attack", "MESH:D009203")],
}


@pytest.fixture(scope="session")
def tiny_linker():
    """A concept linker fitted on :data:`LINKER_TERMS` only."""
    from crfner.link import Linker

    return Linker().fit(vocabularies=LINKER_TERMS, documents=None)


@pytest.fixture(scope="session")
def linker_dir(tiny_linker, tmp_path_factory):
    """:func:`tiny_linker` saved to a directory."""
    path = tmp_path_factory.mktemp("linker") / "tiny"
    tiny_linker.save(path)
    return path


_BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, bc5cdr_train) -> str:
    """A 2-layer BERT (hidden 32) and a 400-piece WordPiece vocabulary learned from BC5CDR train, built
    here (no download): trains and tags in seconds where the transformer extra is installed."""
    torch = pytest.importorskip("torch")
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import BertConfig, BertModel, BertTokenizerFast

    words = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    words.normalizer = normalizers.BertNormalizer(lowercase=True)
    words.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    words.decoder = decoders.WordPiece()
    words.train_from_iterator((" ".join(s) for s in bc5cdr_train[0][:2000]),
                              trainers.WordPieceTrainer(vocab_size=400, special_tokens=_BERT_SPECIALS))
    cls, sep = words.token_to_id("[CLS]"), words.token_to_id("[SEP]")
    words.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                          special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tokenizer = BertTokenizerFast(tokenizer_object=words, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                  sep_token="[SEP]", mask_token="[MASK]")
    folder = tmp_path_factory.mktemp("tiny-bert")
    config = BertConfig(vocab_size=words.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, pad_token_id=words.token_to_id("[PAD]"))
    torch.manual_seed(0)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="session", autouse=True)
def cluster_cache(tmp_path_factory):
    """One cluster cache for the whole run, the command-line tests' processes and pytest-xdist's
    workers included: a fit that repeats another's sentences and settings reads its clusters back
    (crfner.featurize.cluster_cache, whose tables are written whole or not at all)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.getbasetemp().parent / "crfner-cache"  # the run's folder, above each worker's
        folder.mkdir(exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp("crfner-cache")
    previous = os.environ.get("CRFNER_CACHE_DIR")
    os.environ["CRFNER_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("CRFNER_CACHE_DIR", None)
    else:
        os.environ["CRFNER_CACHE_DIR"] = previous


def cli_without_sklearn(*argv: str, cwd=None) -> subprocess.CompletedProcess:
    """``crfner ARGV`` in a fresh process (in ``cwd``) where any import of scikit-learn or SciPy fails."""
    script = (
        "import sys\n"
        "sys.modules['sklearn'] = sys.modules['scipy'] = None\n"
        "from crfner.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, check=False, cwd=cwd)


def mention_spans(text: str, *words: str) -> list:
    """A mention (type ``X``) of each word at its first place in ``text`` after the previous one's."""
    from crfner.corpora.documents import Mention

    found, at = [], 0
    for word in words:
        start = text.index(word, at)
        found.append(Mention(start, start + len(word), "X", word))
        at = start + len(word)
    return found


def load_benchmark(name: str):
    """The script ``benchmarks/NAME.py`` as a module, the benchmarks folder on the path for the
    modules it imports from its neighbours (as it runs from there)."""
    import importlib.util

    folder = Path(__file__).resolve().parents[1] / "benchmarks"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass of the script looks its module up there
    spec.loader.exec_module(module)
    return module
