"""Recover the document of each sentence of a sentence-level corpus by aligning its tokens
with the token streams of the documents it was cut from (e.g. PubTator abstracts).

Documents may come in any order and some may be missing from the sentences, but each one
that is present must be covered completely by consecutive sentences.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Sequence

from ..errors import DataFormatError

LOOKAHEAD = 32  # tokens compared to pick the document a sentence starts
SHOWN = 8  # tokens quoted in an error message


class AlignmentError(DataFormatError):
    """Sentences and documents disagree; ``sentence`` is the index of the sentence at fault."""

    def __init__(self, problem: str, sentence: int):
        super().__init__(problem)
        self.sentence = sentence


def align_sentences(sentences: list[list[str]], documents: list[tuple[str, list[str]]]) -> list[str]:
    """The id of the document each sentence comes from, given the documents as ``(id, tokens)``.

    Raises :class:`AlignmentError` (a DataFormatError) naming the sentence, the tokens and the
    document where the two disagree.
    """
    starts = _index_by_first_token(documents)
    used: set[int] = set()
    ids: list[str] = []
    current, position = -1, 0
    for index, sentence in enumerate(sentences):
        if current < 0 or position == len(documents[current][1]):
            previous = documents[current][0] if current >= 0 else None
            current = _starting_document(sentences, index, documents, starts, used, previous)
            used.add(current)
            position = 0
        doc_id, tokens = documents[current]
        _check_continues(sentence, index, doc_id, tokens, position)
        position += len(sentence)
        ids.append(doc_id)
    if current >= 0 and position < len(documents[current][1]):
        doc_id, tokens = documents[current]
        raise AlignmentError(
            f"the sentences end inside document {doc_id} (after {position} of its {len(tokens)} tokens; "
            f"it goes on with {_show(tokens[position:])})",
            len(sentences) - 1,
        )
    return ids


def _index_by_first_token(documents: Sequence[tuple[str, list[str]]]) -> dict[str, list[int]]:
    """Documents (their positions) by first token, in order; empty documents are left out."""
    starts: dict[str, list[int]] = defaultdict(list)
    for position, (_, tokens) in enumerate(documents):
        if tokens:
            starts[tokens[0]].append(position)
    return starts


def _starting_document(
    sentences: list[list[str]],
    index: int,
    documents: Sequence[tuple[str, list[str]]],
    starts: dict[str, list[int]],
    used: set[int],
    previous: str | None,
) -> int:
    """The unused document that begins with sentence ``index``; of several, the one agreeing
    longest with the sentences that follow, then the first."""
    sentence, stream = sentences[index], _lookahead(sentences, index)
    best, best_length = -1, -1
    for candidate in starts.get(stream[0], ()) if stream else ():
        tokens = documents[candidate][1]
        if candidate in used or tokens[: len(sentence)] != sentence:
            continue
        length = _common_prefix(tokens, stream)
        if length > best_length:
            best, best_length = candidate, length
    if best < 0:
        after = f"after document {previous} ended" if previous is not None else "at the start"
        raise AlignmentError(f"sentence {index} ({_show(sentence)}) {after} begins none of the unused documents", index)
    return best


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    """How many leading tokens ``a`` and ``b`` share."""
    return next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def _lookahead(sentences: list[list[str]], index: int) -> list[str]:
    """The first LOOKAHEAD tokens of the sentences from ``index`` on."""
    stream: list[str] = []
    for sentence in sentences[index:]:
        stream.extend(sentence)
        if len(stream) >= LOOKAHEAD:
            break
    return stream[:LOOKAHEAD]


def _check_continues(sentence: list[str], index: int, doc_id: str, tokens: list[str], position: int) -> None:
    """Raise unless ``sentence`` equals the document's tokens from ``position`` on."""
    expected = tokens[position : position + len(sentence)]
    if expected == sentence:
        return
    differs = _common_prefix(sentence, expected)
    found = _show(sentence[differs:])
    wanted = _show(expected[differs:]) if differs < len(expected) else "its end"
    raise AlignmentError(
        f"sentence {index} does not continue document {doc_id}: at its token {differs} it has {found} "
        f"where document {doc_id} (token {position + differs}) has {wanted}",
        index,
    )


def _show(tokens: Sequence[str]) -> str:
    """A few tokens, quoted, for an error message."""
    text = " ".join(tokens[:SHOWN]) + (" ..." if len(tokens) > SHOWN else "")
    return repr(text)


def align_conll_with_pubtator(conll: str | os.PathLike, pubtator: str | os.PathLike) -> list[str]:
    """The PMID of each sentence of a CoNLL file cut from the documents of a PubTator file;
    an error names both files and the line where the failing sentence starts."""
    from ..text import tokenize
    from .conll import iter_blocks
    from .pubtator import read_pubtator

    blocks = list(iter_blocks(conll))
    documents = [(d.id, [t.text for t in tokenize(d.text)]) for d in read_pubtator(pubtator, check_text=False, allow_duplicate_ids=True)]
    try:
        return align_sentences([block.tokens for block in blocks], documents)
    except AlignmentError as error:
        line = blocks[error.sentence].lines[0] if error.sentence < len(blocks) else None
        raise DataFormatError(f"{error.problem} (documents from {Path(pubtator)})", conll, line) from None
