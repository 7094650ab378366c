"""What closing each statement with a full stop does for tagging notes (``full_stopped`` in
``crfner.text.statements``): clinical case reports tagged with the notes splitter as written,
and in two copies written as terse notes are, with each statement's tokens read as they are or
closed by an added full stop (the stop's tag dropped).

The models learned from case reports, whose sentences end in a full stop; a note's statements
often end at a line break instead ("Pt stable\\nLisinopril held", "K 4.1"). No note corpus with
gold mentions is here, so the copies are made from MACCROBAT's and PHEE's documents, keeping
their length and so the gold offsets:

- ``no_stops``: every full stop that ends a sentence (of the abstract splitter) after a letter
  or digit becomes a space, and the space after it a line break: a statement a line;
- ``fragments``: that, and every comma followed by a space (not after a digit) as well: a
  phrase a line, as lists of findings and measurements are written;
- ``measurements``: a new text a document, of its measurements alone, a line each: each gold
  diagnostic procedure that a gold lab value follows, with at most a colon, a comma or a verb
  ("of", "was", "showed") between them, written ``TEST VALUE`` ("hemoglobin 10.1 g/dL"), as
  notes list labs and vital signs; the two mentions are the line's gold.

For each corpus, split, copy and reading: strict micro-F1 of a saved model's entities against
the gold mentions by character offsets, and a paired approximate randomisation test (documents
swapped, 10,000 rounds) between the two readings. The option was chosen on devel; test is
reported once.

    crfner train maccrobat --features clinical --out /tmp/m/maccrobat-clinical --data-dir ../shared/data
    crfner train phee --features clinical --out /tmp/m/phee-clinical --data-dir ../shared/data
    python benchmarks/note_line_ends.py --data-dir ../shared/data --model maccrobat=/tmp/m/maccrobat-clinical \\
        --model phee=/tmp/m/phee-clinical --out benchmarks/results/note_line_ends.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time

import numpy as np

import crfner
from crfner.atomic import atomic_open
from crfner.benchmark.machine import git_state
from crfner.corpora.clinical import split_documents
from crfner.corpora.documents import Document, Mention
from crfner.evaluation.documents import evaluate_documents, strict_matches
from crfner.schemes import tags_to_spans
from crfner.tagging.annotate import tag_documents, tagged_split
from crfner.text.statements import full_stopped
from crfner.text.splitter import split_sentences

COPIES = ("written", "no_stops", "fragments", "measurements")
# What may stand between a test and its value for the two to make a measurement line.
_BETWEEN = re.compile(r"[\s:,]*(?:(?:of|was|were|is|at|showed|revealed)[\s:,]+)?")


def no_stops(text: str) -> str:
    """``text`` with each sentence-ending full stop after a letter or digit made a space and the
    space after it a line break (same length)."""
    out = list(text)
    for start, end in split_sentences(text):
        if text[end - 1] == "." and end - 2 >= start and text[end - 2].isalnum():
            out[end - 1] = " "
            if end < len(text) and text[end] == " ":
                out[end] = "\n"
    return "".join(out)


def fragments(text: str) -> str:
    """:func:`no_stops`, and each ", " not after a digit made " \\n" (same length)."""
    out = list(no_stops(text))
    for i in range(1, len(text) - 1):
        if text[i] == "," and text[i + 1] == " " and not text[i - 1].isdigit():
            out[i], out[i + 1] = " ", "\n"
    return "".join(out)


def measurements(document: Document) -> Document:
    """A document of measurement lines from ``document``'s gold mentions: each diagnostic
    procedure that a lab value follows ("hemoglobin of 10.1 g/dL", "heart rate: 118/min"),
    written ``TEST VALUE`` on a line of its own ("hemoglobin 10.1 g/dL"), both mentions gold."""
    ordered = sorted(document.mentions, key=lambda m: (m.start, m.end))
    lines, mentions, offset = [], [], 0
    for test, value in itertools.pairwise(ordered):
        if test.type != "Diagnostic_procedure" or value.type != "Lab_value":
            continue
        if _BETWEEN.fullmatch(document.text, test.end, value.start) is None:
            continue
        line = f"{test.text} {value.text}"
        mentions.append(Mention(offset, offset + len(test.text), test.type, test.text))
        start = offset + len(test.text) + 1
        mentions.append(Mention(start, start + len(value.text), value.type, value.text))
        lines.append(line)
        offset += len(line) + 1
    return Document(document.id, "\n".join(lines), mentions)


def tag_read(tagger, documents: list[Document], stopped: bool) -> tuple[list[Document], int, int]:
    """The documents tagged with the notes splitter's sentences, closed by :func:`full_stopped`
    or as they are (the reading before it), known headings reporting nothing as in tagging; and
    how many sentences there are and how many a stop closes."""
    out, sentences, closed = [], 0, 0
    for document in documents:
        split, skip = tagged_split(document.text, document.passages, splitter="notes")
        words = [[document.text[t.start:t.end] for t in sentence] for sentence in split]
        read = full_stopped(words) if stopped else words
        sentences += len(words)
        closed += sum(len(a) != len(b) for a, b in zip(words, full_stopped(words)))
        tagged = tagger.predict_scored(read, documents=[0] * len(read))
        mentions = []
        for index, (sentence, (tags, _)) in enumerate(zip(split, tagged)):
            if index in skip:
                continue
            for span in tags_to_spans(tags[: len(sentence)]):
                start, end = sentence[span.start].start, sentence[span.end - 1].end
                mentions.append(Mention(start, end, span.type, document.text[start:end]))
        out.append(Document(document.id, document.text, mentions, document.passages))
    return out, sentences, closed


def _counts(gold: list[Document], predicted: list[Document]) -> np.ndarray:
    """Per document: (strict matches, predicted mentions, gold mentions)."""
    by_id = {d.id: d for d in predicted}
    return np.array([(sum(strict_matches(g.mentions, by_id[g.id].mentions).values()), len(by_id[g.id].mentions), len(g.mentions))
                     for g in gold], dtype=np.float64)


def _f1(counts: np.ndarray) -> np.ndarray:
    correct, predicted, gold = counts[..., 0], counts[..., 1], counts[..., 2]
    return np.where(predicted + gold > 0, 2 * correct / np.maximum(predicted + gold, 1), 0.0)


def paired_p(a: np.ndarray, b: np.ndarray, rounds: int = 10000, seed: int = 0) -> float:
    """Two-sided approximate randomisation over documents of strict micro-F1 (A against B)."""
    observed = abs(_f1(a.sum(0)) - _f1(b.sum(0)))
    rng = np.random.default_rng(seed)
    swap = rng.random((rounds, len(a), 1)) < 0.5
    a_sums = np.where(swap, b, a).sum(1)
    b_sums = np.where(swap, a, b).sum(1)
    hits = int((np.abs(_f1(a_sums) - _f1(b_sums)) >= observed - 1e-12).sum())
    return (hits + 1) / (rounds + 1)


def run(corpus: str, model_dir: str, split: str, args) -> list[dict]:
    gold = split_documents(corpus, split, data_dir=args.data_dir)
    tagger = crfner.CRFTagger.load(model_dir, data_dir=args.data_dir)
    rows = []
    for copy in COPIES:
        if copy == "measurements":
            documents = [m for m in map(measurements, gold) if m.mentions]
            if not documents:  # PHEE annotates no lab values
                continue
        else:
            make = {"written": lambda t: t, "no_stops": no_stops, "fragments": fragments}[copy]
            documents = [Document(d.id, make(d.text), d.mentions, d.passages) for d in gold]
        started = time.perf_counter()
        tagged = tag_documents(tagger, documents, splitter="notes")  # tagging as it is: statements closed
        seconds = time.perf_counter() - started
        stopped, sentences, closed = tag_read(tagger, documents, stopped=True)
        # this script's reading with stops is tagging's own
        assert [[(m.start, m.end, m.type) for m in d.mentions] for d in stopped] == [
            [(m.start, m.end, m.type) for m in d.mentions] for d in tagged]
        plain, _, _ = tag_read(tagger, documents, stopped=False)
        a, b = _counts(documents, stopped), _counts(documents, plain)
        row = {"corpus": corpus, "split": split, "copy": copy, "documents": len(documents),
               "sentences": sentences, "sentences_closed": closed,
               "strict_f1_stopped": round(evaluate_documents(documents, stopped)["strict"]["f1"], 4),
               "strict_f1_as_read": round(evaluate_documents(documents, plain)["strict"]["f1"], 4),
               "p_value": round(paired_p(a, b), 4), "seconds_stopped": round(seconds, 2), "model": model_dir}
        row["difference"] = round(row["strict_f1_stopped"] - row["strict_f1_as_read"], 4)
        rows.append(row)
        print(f"{corpus:10} {split:6} {copy:10}: {closed} of {sentences} sentences closed; strict F1 {row['strict_f1_stopped']:.4f} closed, "
              f"{row['strict_f1_as_read']:.4f} as read ({row['difference']:+.4f}, p = {row['p_value']})", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    from corpus_models import add_corpus_models, corpus_models

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_models(parser)
    parser.add_argument("--split", action="append", choices=("devel", "test"), help="default: devel and test")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    command = "python " + " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    rows = []
    for corpus, model_dir in corpus_models(args):
        for split in args.split or ("devel", "test"):
            rows += run(corpus, model_dir, split, args)
    with atomic_open(args.out, "w") as handle:
        json.dump({"command": command, "code": (git_state()["commit"] or "unknown")[:7], "rows": rows}, handle, indent=1)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
