"""Sentences as model inputs: each sentence cut at word boundaries into overlapping windows of
sub-word pieces, every word predicted in exactly one window, windows batched into tensors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .params import TransformerParameterError

IGNORE = -100  # the label id PyTorch's cross-entropy skips


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


def similar_length_batches(windows: Sequence[Window], order: Sequence[int], batch_size: int) -> list[list[int]]:
    """Split ``order`` into batches of ``batch_size`` windows of similar length (less padding)."""
    batches: list[list[int]] = []
    pool = batch_size * 50
    for offset in range(0, len(order), pool):
        chunk = sorted(order[offset : offset + pool], key=lambda i: len(windows[i].input_ids))
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    return batches


def collate(windows: Sequence[Window], pad_id: int, device, with_labels: bool) -> dict:
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
