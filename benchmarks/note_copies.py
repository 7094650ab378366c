"""Copies of a corpus's sentences written more like clinical notes, to measure how a tagger
trained on the text as written copes (no note corpus is here to measure on).

``abbreviated``: every annotated entity whose words are, in any case, the usual sense of a short
form in the clinical abbreviation inventories (``hypertension``, ``computed tomography``) is
replaced by that short form as notes most often write it (``HTN``, ``CT``, ``neg``: the commonest
spelling in the Vanderbilt inventories' ``variation`` column, which counts the forms seen in notes;
short forms only Stetson's list knows are left out), one token tagged ``B-`` its type; an entity next to a bracket (a definition, ``computed tomography ( CT )``)
stays as it is. The inventories (Vanderbilt's clinic notes and discharge summaries, Stetson's
list) were collected from real notes, but the copy uses only the short forms they know with the
senses ``[abbreviations] senses`` reads, so it is the best case for that option, not a sample of
notes.
"""

from __future__ import annotations

from collections.abc import Sequence


def spellings(data_dir: str) -> dict[str, str]:
    """Short form (case folded) -> its commonest spelling in notes, from the Vanderbilt inventories."""
    from crfner.corpora.abbreviation_senses import inventory_spellings

    counts: dict[str, dict[str, int]] = {}
    for (short, _), spelled in (inventory_spellings("clinical", data_dir) or {}).items():
        seen = counts.setdefault(short, {})
        for written, count in spelled.items():
            seen[written] = seen.get(written, 0) + count
    return {short: max(sorted(seen), key=seen.get) for short, seen in counts.items()}


def short_forms(data_dir: str, min_share: float | None = None) -> dict[tuple[str, ...], str]:
    """Lower-cased long-form tokens -> the short form notes write for them (of the short forms
    whose usual sense it is, the shortest, then the first alphabetically), spelled as notes do."""
    from crfner.corpora.abbreviation_senses import inventory_rows
    from crfner.featurize.gazetteer_terms import tokenize_term
    from crfner.featurize.sense_forms import MIN_SHARE, forms_from_rows

    forms = forms_from_rows(inventory_rows("clinical", data_dir), MIN_SHARE if min_share is None else min_share)
    spelled = spellings(data_dir)
    out: dict[tuple[str, ...], str] = {}
    for short, long in sorted(forms.forms.items(), key=lambda item: (len(item[0]), item[0])):
        key = tuple(t.lower() for t in tokenize_term(long))
        written = spelled.get(short)
        if key and key not in out and written and len(tokenize_term(written)) == 1:
            out[key] = written
    return out


def abbreviate(X: Sequence[Sequence[str]], y: Sequence[Sequence[str]], forms: dict[tuple[str, ...], str]):
    """The abbreviated copy of ``X``, ``y`` (see the module docstring) and how many entities were replaced."""
    X2, y2, replaced = [], [], 0
    for tokens, tags in zip(X, y):
        words, labels, i = [], [], 0
        while i < len(tokens):
            end = i + 1
            if tags[i].startswith("B-"):
                while end < len(tokens) and tags[end] == "I-" + tags[i][2:]:
                    end += 1
                short = forms.get(tuple(t.lower() for t in tokens[i:end]))
                beside_bracket = (i > 0 and tokens[i - 1] == "(") or (end < len(tokens) and tokens[end] == "(")
                if short is not None and not beside_bracket:
                    words.append(short)
                    labels.append(tags[i])
                    replaced += 1
                    i = end
                    continue
            words.extend(tokens[i:end])
            labels.extend(tags[i:end])
            i = end
        X2.append(words)
        y2.append(labels)
    return X2, y2, replaced


# shorthand: phrases case reports spell out, as notes write them with a slash (crfner/featurize/shorthand.py's forms)
SHORTHAND_PHRASES = {
    ("complains", "of"): "c/o", ("complained", "of"): "c/o", ("complaining", "of"): "c/o", ("complain", "of"): "c/o",
    ("status", "post"): "s/p", ("history", "of"): "h/o",
    ("year", "-", "old"): "y/o", ("years", "-", "old"): "y/o", ("year", "old"): "y/o", ("years", "old"): "y/o",
    ("presented", "with"): "p/w", ("presents", "with"): "p/w", ("consistent", "with"): "c/w",
    ("complicated", "by"): "c/b", ("discussed", "with"): "d/w", ("rule", "out"): "r/o", ("ruled", "out"): "r/o",
    ("follow", "-", "up"): "f/u", ("follow", "up"): "f/u", ("followup",): "f/u",
    ("without",): "w/o", ("with",): "w/",
}
# a phrase whose words are each annotated (nausea and vomiting: two signs) keeps its tags token for token
ALIGNED_PHRASES = {("nausea", "and", "vomiting"): "n/v"}


def write_shorthand(X: Sequence[Sequence[str]], y: Sequence[Sequence[str]]):
    """The shorthand copy of ``X``, ``y``: each phrase of :data:`SHORTHAND_PHRASES` outside the
    annotated entities (every token tagged ``O``) written as notes write it with a slash, cut as
    raw text's tokenizer cuts it (``c``, ``/``, ``o``; a capital kept: ``Complained of`` is
    ``C/o``), and the ``-`` of a number's ``67-year-old`` dropped with it (``67 y/o``);
    ``nausea and vomiting`` as ``n/v`` with its three tags. Longest phrase first. Returns the
    copy and how many phrases were replaced."""
    phrases = {**SHORTHAND_PHRASES, **ALIGNED_PHRASES}
    longest = max(map(len, phrases))
    X2, y2, replaced = [], [], 0
    for tokens, tags in zip(X, y):
        words, labels, i = [], [], 0
        lower = [t.lower() for t in tokens]
        while i < len(tokens):
            for size in range(longest, 0, -1):
                key = tuple(lower[i : i + size])
                form = phrases.get(key) if len(key) == size else None
                aligned = key in ALIGNED_PHRASES
                if form is None or not (aligned or all(tag == "O" for tag in tags[i : i + size])):
                    continue
                if form == "y/o" and words and words[-1] == "-" and labels[-1] == "O":
                    words.pop()
                    labels.pop()
                first, rest = form.split("/")
                cut = [first.upper() if tokens[i][:1].isupper() else first, "/"] + ([rest] if rest else [])
                words.extend(cut)
                labels.extend(tags[i : i + size] if aligned else ["O"] * len(cut))
                replaced += 1
                i += size
                break
            else:
                words.append(tokens[i])
                labels.append(tags[i])
                i += 1
        X2.append(words)
        y2.append(labels)
    return X2, y2, replaced
