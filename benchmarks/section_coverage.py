"""How many published section headers the notes splitter finds, and how many entity names it
would wrongly take for a known section.

Coverage: each of medspaCy's literal section headers (``clinical/lexicons/sections/
medspacy_section_patterns_en.json``) and each of cTAKES's section names
(``DefaultSectionRegex.bsv``) is written as a heading line above a sentence ("HEADER\\nHe was
seen today.") and, where it ends in a colon, followed by text on its line ("HEADER He was seen
today."). A header counts as a heading when the notes splitter cuts it off as its first
section, and as known when tagging treats it as layout (``known_heading_spans``). "Before" is
the rule of clinical version 7's time: known only by exact name (``FEATURE_SECTION_NAMES``).

False known sections: every distinct MACCROBAT and PHEE gold mention of their default types,
written as a problem-list heading ("Hypertension:"), should stay unknown, so the tagger still reads it.

    python benchmarks/section_coverage.py --data-dir ../shared/data --out benchmarks/results/section_coverage.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from crfner.atomic import atomic_open
from crfner.corpora.clinical import split_documents
from crfner.text import known_heading_spans, note_sections
from crfner.text.section_names import FEATURE_SECTION_NAMES

SECTIONS = Path("clinical") / "lexicons" / "sections"
FOLLOWING = "He was seen today."


def medspacy_headers(data_dir: Path) -> list[str]:
    path = data_dir / SECTIONS / "medspacy_section_patterns_en.json"
    return [rule["literal"] for rule in json.loads(path.read_text(encoding="utf-8"))["section_rules"]]


def ctakes_names(data_dir: Path) -> list[str]:
    """cTAKES's section names, written as headers with a colon (``Past Medical History:``)."""
    path = data_dir / SECTIONS / "DefaultSectionRegex.bsv"
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.split("||", 1)[0].strip()
        if name and not name.startswith("//") and "||" in line:
            names.append(name + ":")
    return names


def _first_heading(text: str, header: str) -> bool:
    found = note_sections(text)
    return bool(found) and found[0][0] == 0 and header.rstrip(":").rstrip() == found[0][2]


def _known_now(text: str) -> bool:
    spans = known_heading_spans(text)
    return bool(spans) and spans[0][0] == 0


def _known_before(text: str, header: str) -> bool:
    name = " ".join(header.rstrip(":").lower().split())
    return _first_heading(text, header) and name in FEATURE_SECTION_NAMES


def coverage(headers: list[str]) -> dict:
    """Counts over ``headers`` on a line of their own and, for those with a colon, before text."""
    alone = {h: f"{h}\n{FOLLOWING}" for h in headers}
    inline = {h: f"{h} {FOLLOWING}" for h in headers if h.endswith(":")}
    out = {"headers": len(headers)}
    for where, texts in (("alone", alone), ("before_text", inline)):
        out[where] = {
            "written": len(texts),
            "heading": sum(_first_heading(t, h) for h, t in texts.items()),
            "known": sum(_known_now(t) for t in texts.values()),
            "known_before": sum(_known_before(t, h) for h, t in texts.items()),
            "not_known": sorted(h for h, t in texts.items() if not _known_now(t)),
        }
    return out


def false_known(data_dir: Path) -> dict:
    """Gold mentions that, written as a heading, tagging would skip as a known section, by type."""
    types: dict[str, set] = {}
    for corpus in ("maccrobat", "phee"):
        for split in ("train", "devel", "test"):
            for document in split_documents(corpus, split, data_dir):
                for m in document.mentions:
                    text = " ".join(document.text[m.start:m.end].split())
                    if text:
                        types.setdefault(text, set()).add(m.type)
    known = {m: sorted(t) for m, t in types.items() if _known_now(f"{m}:\n{FOLLOWING}")}
    before = [m for m in types if _known_before(f"{m}:\n{FOLLOWING}", m)]
    by_type: dict[str, int] = {}
    for found in known.values():
        for name in found:
            by_type[name] = by_type.get(name, 0) + 1
    return {"mentions": len(types), "known_as_section": len(known), "known_before": len(before),
            "by_type": dict(sorted(by_type.items())), "which": dict(sorted(known.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("CRFNER_DATA_DIR", "../shared/data")))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result = {
        "command": "python benchmarks/section_coverage.py --data-dir ../shared/data --out " + str(args.out),
        "medspacy": coverage(medspacy_headers(args.data_dir)),
        "ctakes": coverage(ctakes_names(args.data_dir)),
        "clinical_mentions_as_headings": false_known(args.data_dir),
    }
    with atomic_open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    for source in ("medspacy", "ctakes"):
        for where in ("alone", "before_text"):
            c = result[source][where]
            print(f"{source:8} {where:11} {c['written']:4} written, {c['heading']:4} headings, "
                  f"{c['known']:4} known (before: {c['known_before']})")
    f = result["clinical_mentions_as_headings"]
    print(f"MACCROBAT and PHEE mentions written as headings: {f['known_as_section']} of {f['mentions']} known "
          f"(before: {f['known_before']}); by type {f['by_type']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
