"""How often the linker's concept ids are right on clinical text, by a hand audit: neither
MACCROBAT nor PHEE gives ids, so a seeded sample of the gold test mentions that the linker
(`crfner linker` with the clinical type aliases and the abbreviation senses, as
``clinical_linking.py`` builds it) gives an id is written out with each id's name and the
sentence around the mention, judged by a developer, and the judgements scored.

    python benchmarks/clinical_link_audit.py sample --data-dir ../shared/data --per-type 20 \\
        --out benchmarks/results/clinical_link_audit.tsv
    python benchmarks/clinical_link_audit.py show --data-dir ../shared/data --audit benchmarks/results/clinical_link_audit.tsv
    (read each link in its sentence; fill the judgement column: right, wrong or unclear, see
    JUDGEMENT, and say why for each one not right)
    python benchmarks/clinical_link_audit.py score --audit benchmarks/results/clinical_link_audit.tsv \\
        --out benchmarks/results/clinical_link_audit.json

The sample is, per corpus and type, the linked mentions that hash first with the seed
(:func:`drawn`), so after a change to the linker ``sample --carry OLD.tsv`` draws the same
mentions again but where newly linked ones hash before them, and keeps OLD's judgement of each
link whose id is unchanged; the links whose id changed, and the newly drawn ones, come back
blank, to be judged.

The audit file holds offsets, ids and judgements, not the corpora's text (which stays in the
data folder): ``show`` prints each link with the sentence around it. ``sample`` refuses to overwrite an audit that holds judgements. ``score`` gives the share of
right links per corpus and type, and over each corpus, with Wilson 95% intervals; ``unclear``
counts against neither side and is reported, as is how many ids neither MeSH 2024's descriptors
nor MEDIC (nor, for a ChEBI or DrugBank id, the chemical list) name (``retired_ids``: BC5CDR's 2015 annotations, which the linker learns from, use
supplementary ids that MeSH has since made descriptors), and, since 2026-12-05, how the judged
links fall in bands of the linker's own score (``by_concept_score``; the ``score`` column).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ("corpus", "type", "document", "start", "end", "mention", "identifier", "concept", "stage", "score", "judgement", "why")
#: Bands of the linker's score (``concept_score``) the judged links are counted in: whether a
#: threshold on it would keep the right links and drop the wrong ones.
SCORE_BANDS = (0.0, 0.5, 0.9, 0.98)
#: What a judgement means (the README quotes it).
JUDGEMENT = {
    "right": "the id's concept is what the mention, as annotated, means in its sentence, or the closest "
             "MeSH/MEDIC concept to it (MeSH 2024's entry terms decide: a drug class for a class name, a "
             "parent only where no narrower concept exists); words the annotators left outside the span "
             "(low molecular weight [heparin]) are not asked of it; an id MeSH 2024 no longer has is judged "
             "by its concept and counted apart (retired_ids)",
    "wrong": "another concept: a different disease, sign or drug, a wrong sense, or a parent concept where "
             "MeSH 2024 has a narrower one that the mention names",
    "unclear": "the sentence does not say which of the candidate concepts is meant",
}


def concept_names(data_dir: str) -> dict[str, str]:
    """Id -> name: MeSH descriptors' preferred terms, then MEDIC's disease names for the rest, then
    (since 2026-12-07) the chemical list's first name of each ChEBI or DrugBank id."""
    from itertools import chain
    from pathlib import Path

    from crfner.link.vocabulary import MESH_FILE, VOCABULARY_FOLDER, chemical_list_terms, medic_path, read_medic, read_mesh

    names: dict[str, str] = {}
    for term in chain(read_mesh(Path(data_dir) / VOCABULARY_FOLDER / MESH_FILE), read_medic(medic_path(data_dir))):
        if term.preferred:
            names.setdefault(term.identifier, term.name)
    for term in chemical_list_terms(data_dir):
        if not term.identifier.startswith("MESH:"):
            names.setdefault(term.identifier, term.name)
    return names


def write_listing(doc: str, script: str, build) -> dict:
    """The command line of a script that lists links for a developer to judge: parse
    ``--data-dir`` and ``--out``, and write ``build(data_dir, names)`` (a dict; ``names`` from
    :func:`concept_names`) with the command and the git state, atomically, to ``--out``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", required=True, help="JSON file (written atomically)")
    args = parser.parse_args()
    from crfner.atomic import atomic_open
    from crfner.benchmark.machine import git_state

    result = {"command": " ".join(["python", f"benchmarks/{script}", *sys.argv[1:]]), "git": git_state(HERE),
              **build(args.data_dir, concept_names(args.data_dir))}
    with atomic_open(args.out) as handle:
        handle.write(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return result


def context(text: str, start: int, end: int, width: int = 70) -> str:
    """The mention in [brackets] with up to ``width`` characters either side, on one line."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return " ".join(f"{left}[{text[start:end]}]{right}".split())


def sample(data_dir: str, per_type: int, seed: int) -> list[dict]:
    """``per_type`` linked gold test mentions per corpus and aliased type, drawn with ``seed``."""
    from clinical_linking import ALIASES, clinical_linker

    from crfner.corpora.clinical import split_documents

    names = concept_names(data_dir)
    rows = []
    for corpus, aliases in ALIASES.items():
        linker = clinical_linker(corpus, data_dir)
        documents = split_documents(corpus, "test", data_dir)
        links = linker.link_batch([(d.text, [(m.start, m.end, m.type) for m in d.mentions]) for d in documents])
        linked: dict[str, list[dict]] = {etype: [] for etype in aliases}
        for document, found in zip(documents, links):
            for mention, link in zip(document.mentions, found):
                if mention.type in aliases and link.identifiers:
                    linked[mention.type].append({
                        "corpus": corpus, "type": mention.type, "document": document.id, "start": mention.start,
                        "end": mention.end, "mention": mention.text, "identifier": link.identifier,
                        "concept": " | ".join(names.get(i, "?") for i in link.identifier.split("|")),
                        "stage": link.method, "score": round(link.score, 4), "judgement": "", "why": "",
                    })
        for found in linked.values():
            rows += sorted(drawn(found, per_type, seed), key=lambda r: (r["document"], r["start"]))
    return rows


def drawn(links: list[dict], per_type: int, seed: int) -> list[dict]:
    """The ``per_type`` links of one type whose mentions (corpus, type, document, offsets; not
    the id) hash first with ``seed``: a link added to the type takes a drawn one's place only if
    it hashes before it, and no other type's draw moves (since 2026-12-05; a random draw per
    corpus redrew every later type whenever one type gained links)."""
    def place(row: dict) -> str:
        mention = f"{seed}:{row['corpus']}:{row['type']}:{row['document']}:{row['start']}:{row['end']}"
        return hashlib.sha256(mention.encode("utf-8")).hexdigest()

    return sorted(links, key=place)[:per_type]


def carried(rows: list[dict], path: str) -> list[dict]:
    """``rows`` with the judgement and why of the audit ``path``'s row for the same mention and id."""
    key = ("corpus", "document", "start", "end", "identifier")
    with open(path, encoding="utf-8", newline="") as handle:
        old = {tuple(row[k] for k in key): row for row in csv.DictReader(handle, delimiter="\t")}
    out = []
    for row in rows:
        before = old.get(tuple(str(row[k]) for k in key))
        out.append({**row, "judgement": before["judgement"], "why": before["why"]} if before else row)
    kept = sum(1 for row in out if row["judgement"])
    print(f"kept {kept} judgements of {path}; {len(out) - kept} links to judge", file=sys.stderr)
    return out


def show(path: str, data_dir: str) -> None:
    """Print each audited link with its id's name and the text around the mention."""
    from crfner.corpora.clinical import split_documents

    texts: dict[tuple[str, str], str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            if (row["corpus"], row["document"]) not in texts:
                for document in split_documents(row["corpus"], "test", data_dir):
                    texts[(row["corpus"], document.id)] = document.text
            text = texts[(row["corpus"], row["document"])]
            start, end = int(row["start"]), int(row["end"])
            print(f"{number}\t{row['type']}\t{row['identifier']} {row['concept']}\t{row['judgement'] or '-'}\t"
                  f"{context(text, start, end)}")


def score(path: str) -> dict:
    """Precision of the judged links per corpus and type and per corpus, with Wilson 95%
    intervals (none where no link was judged right or wrong); a missing or unknown judgement is
    an error naming the line."""
    from score_calibration import wilson

    groups: dict[tuple[str, str], list[str]] = {}
    retired: dict[tuple[str, str], int] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for number, row in enumerate(rows, start=2):
        if row["judgement"] not in JUDGEMENT:
            raise SystemExit(f"{path}, line {number}: judgement {row['judgement']!r} is not one of {', '.join(JUDGEMENT)}")
        for key in ((row["corpus"], row["type"]), (row["corpus"], "all")):
            groups.setdefault(key, []).append(row["judgement"])
            retired[key] = retired.get(key, 0) + ("?" in row["concept"].split(" | "))
    out = []
    for (corpus, etype), judged in sorted(groups.items()):
        right, wrong = judged.count("right"), judged.count("wrong")
        out.append({"corpus": corpus, "type": etype, "judged": len(judged), "right": right, "wrong": wrong,
                    "unclear": judged.count("unclear"), "retired_ids": retired[(corpus, etype)],
                    "precision": round(right / (right + wrong), 3) if right + wrong else None,
                    "ci95": wilson(right, right + wrong) if right + wrong else None})
    return {"rows": out, "by_concept_score": by_score(rows)}


def by_score(rows: list[dict]) -> list[dict] | None:
    """Per corpus and over both, the judged audit ``rows`` (as :func:`score` reads them) in each
    :data:`SCORE_BANDS` band of the linker's score; None for an audit drawn before the score was
    written (no ``score`` column)."""
    if not rows or any(not row.get("score") for row in rows):
        return None
    counts: dict[tuple[str, float], list[str]] = {}
    for row in rows:
        low = max(band for band in SCORE_BANDS if band <= float(row["score"]))
        for corpus in (row["corpus"], "all"):
            counts.setdefault((corpus, low), []).append(row["judgement"])
    return [{"corpus": corpus, "score_from": low, "judged": len(judged), "right": judged.count("right"),
             "wrong": judged.count("wrong"), "unclear": judged.count("unclear")} for (corpus, low), judged in sorted(counts.items())]


def main() -> int:
    from crfner.atomic import atomic_open

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    make = verbs.add_parser("sample")
    make.add_argument("--data-dir", default="../shared/data")
    make.add_argument("--per-type", type=int, default=20)
    make.add_argument("--seed", type=int, default=0)
    make.add_argument("--out", required=True)
    make.add_argument("--carry", metavar="OLD", help="an earlier audit whose judgements of unchanged links are kept")
    read = verbs.add_parser("show")
    read.add_argument("--data-dir", default="../shared/data")
    read.add_argument("--audit", required=True)
    judge = verbs.add_parser("score")
    judge.add_argument("--audit", required=True)
    judge.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.verb == "show":
        warnings.simplefilter("ignore")
        show(args.audit, args.data_dir)
        return 0
    if args.verb == "sample":
        if os.path.exists(args.out):
            with open(args.out, encoding="utf-8", newline="") as handle:
                if any(row.get("judgement") for row in csv.DictReader(handle, delimiter="\t")):
                    raise SystemExit(f"{args.out} holds judgements; move it away to draw a new sample")
        warnings.simplefilter("ignore")  # MACCROBAT's known stray-tab warning
        rows = sample(args.data_dir, args.per_type, args.seed)
        if args.carry:
            rows = carried(rows, args.carry)
        with atomic_open(args.out) as handle:
            writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {len(rows)} links to judge into {args.out}", file=sys.stderr)
        return 0
    result = {"what": __doc__.split("\n\n")[0].replace("\n", " "), "judgement": JUDGEMENT,
              "command": " ".join(["python", "benchmarks/clinical_link_audit.py", *sys.argv[1:]]),
              "audit": args.audit, "finished": time.strftime("%Y-%m-%d %H:%M:%S"), **score(args.audit)}
    with atomic_open(args.out) as handle:
        json.dump(result, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    for row in result["rows"]:
        print(row, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    raise SystemExit(main())
