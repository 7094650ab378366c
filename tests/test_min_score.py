"""``min_score``: only the entities scored at least a threshold, in the Python API, ``crfner
tag --min-score`` (text and document input, a resumable run's fingerprint) and the spaCy
component; the same entities, with the same fields, as filtering the full output by score."""

from __future__ import annotations

import json
import math

import pytest

from crfner.cli import main
from crfner.corpora.documents import Document
from crfner.tagging.annotate import tag_documents, tag_text
from crfner.tagging.batch import tag_files
from crfner.tagging.resume import fingerprint

TEXT = ("Cisplatin-induced nephrotoxicity and ototoxicity were seen after carboplatin. Naloxone reversed the "
        "hypotension and bradycardia caused by clonidine. Lithium toxicity and tremor followed haloperidol, and "
        "doxorubicin caused cardiomyopathy in two patients with breast cancer.")


@pytest.fixture(scope="module")
def threshold(fitted):
    """The median score of the entities the model finds in TEXT: some fall below it, some do not."""
    scores = sorted(e.score for e in tag_text(fitted, TEXT))
    assert len(set(scores)) > 2
    return scores[len(scores) // 2]


def _spans(entities):
    return [(e.start, e.end, e.type, e.score) for e in entities]


def test_the_api_keeps_exactly_the_entities_scored_at_least_the_threshold(fitted, threshold):
    every = tag_text(fitted, TEXT)
    kept = tag_text(fitted, TEXT, min_score=threshold)
    assert _spans(kept) == _spans([e for e in every if e.score >= threshold])
    assert 0 < len(kept) < len(every)
    assert _spans(fitted.tag_text(TEXT, min_score=threshold)) == _spans(kept)
    (document,) = tag_documents(fitted, [Document("d", TEXT)], min_score=threshold)
    assert _spans(document.mentions) == _spans(kept)
    assert _spans(tag_text(fitted, TEXT, min_score=0)) == _spans(every)
    assert all(e.score < 1 for e in every) and tag_text(fitted, TEXT, min_score=1) == []


@pytest.mark.parametrize("bad", [-0.1, 1.01, math.nan, math.inf, True, "0.5"])
def test_a_threshold_outside_0_to_1_is_refused(fitted, bad):
    with pytest.raises(ValueError, match="min_score must be a number from 0 to 1"):
        tag_text(fitted, TEXT, min_score=bad)
    with pytest.raises(ValueError, match="min_score must be a number from 0 to 1"):
        tag_documents(fitted, [Document("d", TEXT)], min_score=bad)


def test_the_command_line_filters_text_and_documents(model, threshold, tmp_path, capsys):
    assert main(["tag", str(model), "--text", TEXT]) == 0
    every = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["tag", str(model), "--text", TEXT, "--min-score", repr(threshold)]) == 0
    kept = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert kept == [e for e in every if e["score"] >= threshold] and 0 < len(kept) < len(every)
    source = tmp_path / "notes.jsonl"
    source.write_text(json.dumps({"id": "d", "text": TEXT}) + "\n", encoding="utf-8")
    assert main(["tag", str(model), str(source), "--input-format", "jsonl", "--min-score", repr(threshold), "-o",
                 str(tmp_path / "out.jsonl"), "-q"]) == 0
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["entities"] == kept


def test_the_threshold_enters_a_runs_fingerprint(model, tmp_path):
    source = tmp_path / "notes.jsonl"
    source.write_text(json.dumps({"id": "d", "text": TEXT}) + "\n", encoding="utf-8")
    prints = {fingerprint(source, model, "jsonl", "jsonl", min_score=value) for value in (None, 0.5, 0.9)}
    assert len(prints) == 3
    assert fingerprint(source, model, "jsonl", "jsonl", min_score=1) == fingerprint(source, model, "jsonl", "jsonl", min_score=1.0)
    tag_files(model, source, tmp_path / "all.jsonl", progress=False)
    tag_files(model, source, tmp_path / "some.jsonl", min_score=0.99, progress=False)
    assert (tmp_path / "all.jsonl").read_bytes() != (tmp_path / "some.jsonl").read_bytes()


@pytest.mark.parametrize("args, message", [
    (["--min-score", "1.5"], "must be from 0 to 1, not 1.5"),
    (["--min-score", "high"], "'high' is not a number"),
])
def test_bad_thresholds_on_the_command_line_are_one_line_errors(model, args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["tag", str(model), "--text", TEXT, *args])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_token_input_refuses_a_threshold(model, tmp_path, capsys):
    tokens = tmp_path / "tokens.conll"
    tokens.write_text("Cisplatin\nnephrotoxicity\n", encoding="utf-8")
    assert main(["tag", str(model), str(tokens), "--min-score", "0.5"]) == 2
    assert "--min-score applies to raw text" in capsys.readouterr().err


def test_the_spacy_component_keeps_the_same_entities(model, fitted, threshold):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("crfner", config={"model": str(model), "min_score": threshold})
    kept = tag_text(fitted, TEXT, min_score=threshold)
    doc = nlp(TEXT)
    assert [(s.start_char, s.end_char, s.label_) for s in doc.ents] == [(e.start, e.end, e.type) for e in kept]
    (piped,) = nlp.pipe([TEXT])
    assert [(s.start_char, s.end_char) for s in piped.ents] == [(s.start_char, s.end_char) for s in doc.ents]
    with pytest.raises(ValueError, match="min_score must be a number from 0 to 1"):
        spacy.blank("en").add_pipe("crfner", config={"model": str(model), "min_score": 2.0})
