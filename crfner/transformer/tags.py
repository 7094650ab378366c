"""IOB2 tag lists for the transformer tagger: training tags checked and converted to IOB2,
predicted tags completed (words the model cannot see) and repaired into valid IOB2."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import DataFormatError
from ..schemes import convert, is_valid_tag


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


def iob2_tags(X, y, name: str = "y") -> list[list[str]]:
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
