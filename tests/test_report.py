"""The benchmark report: both renderings from a small synthetic results dict, and the HTML in a real browser."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from conftest import load_benchmark
from crfner.report import build_report

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SECTIONS = ["setup", "comparison", "significance", "partial", "per-type", "learning-curve", "speed", "errors",
            "examples", "published"]
HEADINGS = ["Setup", "Comparison", "Significance", "Partial matches", "Per-type F1", "Learning curves",
            "Speed and cost", "Errors", "Examples", "Published results"]

# Two systems on one corpus, a third skipped; an outside tagger's predictions (no cost, no curve, no CI)
# on a second corpus. Rows: token, gold, biomedical, tutorial. Sentence 2 holds a <script> token;
# the systems disagree on sentences 1 and 2 only.
SENTENCES = [
    [("Cisplatin", "B-Chemical", "B-Chemical", "B-Chemical"), ("induced", "O", "O", "O"),
     ("nephrotoxicity", "B-Disease", "B-Disease", "O"), ("in", "O", "O", "O"), ("rats", "O", "O", "O"),
     (".", "O", "O", "O")],
    [("<script>alert(1)</script>", "B-Chemical", "B-Chemical", "O"), ("and", "O", "O", "O"),
     ("acute", "B-Disease", "B-Disease", "O"), ("renal", "I-Disease", "I-Disease", "B-Disease"),
     ("failure", "I-Disease", "I-Disease", "I-Disease"), ("were", "O", "O", "O"), ("seen", "O", "O", "O")],
    [("No", "O", "O", "O"), ("entity", "O", "O", "O"), ("here", "O", "O", "O"), ("at", "O", "O", "O"),
     ("all", "O", "O", "O"), (".", "O", "O", "O")],
]


def _write_predictions(path: Path, column: int) -> None:
    """A predictions file (token, gold, predicted) with the predictions of SENTENCES' ``column``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for sentence in SENTENCES:
        lines += [f"{row[0]}\t{row[1]}\t{row[column]}" for row in sentence] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _scores(f1: float, chemical: float, disease: float) -> dict:
    def prf(value: float, n: int) -> dict:
        return {"precision": value + 0.01, "recall": value - 0.01, "f1": value, "support": n, "predicted": n,
                "correct": int(n * value)}

    return {**prf(f1, 200), "macro_precision": f1, "macro_recall": f1, "macro_f1": f1 - 0.002,
            "per_type": {"Chemical": prf(chemical, 100), "Disease": prf(disease, 100)}}


def _ci(f1: float) -> dict:
    interval = [round(f1 - 0.0066, 4), round(f1 + 0.0063, 4)]
    return {"level": 0.95, "unit": "sentence", "resamples": 1000, "units": 3, "precision": interval,
            "recall": interval, "f1": interval, "macro_f1": interval,
            "per_type": {t: {"precision": interval, "recall": interval, "f1": interval}
                         for t in ("Chemical", "Disease")}}


def _partial(f1: float) -> dict:
    scheme = {"correct": 150, "incorrect": 10, "partial": 12, "missed": 20, "spurious": 8, "possible": 192,
              "actual": 180, "precision": f1, "recall": f1, "f1": f1}
    return {"strict": scheme, "exact": scheme, "partial": scheme, "type": scheme, "per_type": {}}


def _errors(missed_text: str) -> dict:
    return {"categories": {"correct": 150, "type_error": 3, "boundary_error": 12, "boundary_and_type_error": 1,
                           "missed": 20, "spurious": 8},
            "missed": [{"text": missed_text, "type": "Chemical", "count": 4}],
            "spurious": [{"text": "rats", "type": "Disease", "count": 2}],
            "boundary_errors": [{"gold": "acute renal failure", "predicted": "renal failure", "type": "Disease",
                                 "count": 3}],
            "confusion": {"labels": ["Chemical", "Disease", "(none)"], "matrix": [[90, 2, 8], [1, 85, 14], [3, 5, 0]]}}


def _run(system: str, f1: float, chemical: float, disease: float, speed: float) -> dict:
    return {"corpus": "bc5cdr", "system": system, "type": "crf", "status": "ok", "note": "", "from_cache": False,
            "description": f"CRF, feature set {system}", "predictions": f"predictions/bc5cdr/{system}.conll",
            "strict": _scores(f1, chemical, disease), "ci": _ci(f1), "partial": _partial(f1),
            "cost": {"device": "cpu", "train_seconds": 74.2, "train_sentences": 9141, "tag_seconds": 3.1,
                     "tag_tokens_per_second": speed, "peak_rss_mib": 757, "model_mib": 4.7},
            "learning_curve": [{"fraction": fr, "train_sentences": int(9141 * fr), "f1": f1 - (1 - fr) * 0.1,
                                "train_seconds": 74.2 * fr} for fr in (0.1, 0.25, 0.5, 1.0)],
            "errors": _errors("<script>evil()</script>")}


SKIP_NOTE = "transformer extra not installed (pip install 'crfner[transformer]')"
RESULTS = {
    "format": "crfner-benchmark/1",
    "command": "python benchmarks/run.py --config benchmarks/configs/default.toml",
    "config": {"path": "benchmarks/configs/default.toml", "name": "default", "hash": "ab12cd34",
               "corpora": ["bc5cdr", "ncbi_disease"],
               "systems": [{"name": "tutorial", "type": "crf", "features": "tutorial"},
                           {"name": "biomedical", "type": "crf", "features": "biomedical"},
                           {"name": "transformer", "type": "transformer"},
                           {"name": "outside & co", "type": "predictions"}],
               "train_split": "train+devel", "test_split": "test", "learning_curve": [0.1, 0.25, 0.5, 1.0],
               "bootstrap": 1000, "permutations": 10000, "seed": 0},
    "started": "2026-11-25T10:00:00+00:00", "finished": "2026-11-25T10:02:03+00:00", "seconds": 123.4,
    "machine": {"cpu": "AMD EPYC 7B13", "cores": 2, "memory_gib": 23.4, "platform": "Linux-6.1-x86_64",
                "python": "3.11.7", "gpu": None},
    "packages": {"crfner": "0.1.0", "sklearn-crfsuite": "0.5.2", "scikit-learn": "1.5.0"},
    "git": {"commit": "1321536abcdef0123456789", "dirty": False},
    "corpora": {
        "bc5cdr": {"train_sentences": 9141, "train_tokens": 227000, "test_sentences": 4797, "test_tokens": 124750,
                   "types": ["Chemical", "Disease"], "description": "BC5CDR chemicals and diseases"},
        "ncbi_disease": {"train_sentences": 6347, "train_tokens": 160000, "test_sentences": 940,
                         "test_tokens": 24000, "types": ["Disease"], "description": "NCBI Disease"},
    },
    "runs": [
        _run("tutorial", 0.78041, 0.8184, 0.7348, 40213.0),
        _run("biomedical", 0.86974, 0.9012, 0.8301, 21000.5),
        {"corpus": "bc5cdr", "system": "transformer", "type": "transformer", "status": "skipped", "note": SKIP_NOTE},
        {"corpus": "ncbi_disease", "system": "outside & co", "type": "predictions", "status": "ok", "note": "",
         "predictions": "predictions/ncbi_disease/outside.conll",
         "strict": {**_scores(0.8123, 0.0, 0.8123), "per_type": {"Disease": {"precision": 0.8, "recall": 0.82,
                                                                              "f1": 0.8123, "support": 90,
                                                                              "predicted": 92, "correct": 73}}},
         "ci": None, "partial": None, "cost": None, "learning_curve": None, "errors": None},
    ],
    "comparisons": [
        {"corpus": "bc5cdr", "a": "biomedical", "b": "tutorial", "method": "approximate randomization",
         "resamples": 10000, "units": 4797, "f1_a": 0.86974, "f1_b": 0.78041, "difference": 0.08933,
         "p_value": 1 / 10001,
         "bootstrap": {"method": "paired bootstrap", "level": 0.95, "resamples": 1000, "units": 4797, "difference": 0.08933,
                       "interval": [0.08011, 0.09874], "standard_error": 0.00471, "power": 0.8, "detectable": 0.013196}},
        {"corpus": "bc5cdr", "a": "tutorial", "b": "biomedical", "method": "approximate randomization",
         "resamples": 10000, "units": 4797, "f1_a": 0.78041, "f1_b": 0.86974, "difference": -0.08933,
         "p_value": 0.0123},
    ],
    "published": [
        {"corpus": "bc5cdr", "system": "BioBERT v1.1", "entity_type": "Chemical", "f1": 0.9347,
         "note": "single-type model", "citation": "Lee et al. 2020, Bioinformatics 36(4):1234-1240",
         "url": "https://doi.org/10.1093/bioinformatics/btz682"},
    ],
}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("bench")
    _write_predictions(out / "predictions/bc5cdr/tutorial.conll", 3)
    _write_predictions(out / "predictions/bc5cdr/biomedical.conll", 2)
    _write_predictions(out / "predictions/ncbi_disease/outside.conll", 2)
    return build_report(RESULTS, out)


def _section(html_text: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html_text, re.DOTALL)
    assert match, f"no section {section_id}"
    return match.group(1)


def test_report_content(report):
    md_path, html_path = report
    assert md_path.is_file() and html_path.is_file()
    md, page = md_path.read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")
    for section_id in SECTIONS:
        assert f'<section id="{section_id}">' in page
    for heading in HEADINGS:
        assert f"\n## {heading}\n" in md
    assert [m for m in re.findall(r"\n## (.+)\n", md)] == HEADINGS  # same order in both
    assert re.findall(r'<section id="([^"]+)"', page) == SECTIONS

    # strict F1 as in results, with its CI, the best one bold
    comparison = _section(page, "comparison")
    assert "0.8697 [0.8631, 0.8760]" in comparison and "0.7804 [0.7738, 0.7867]" in comparison
    assert "<strong>0.8697 [0.8631, 0.8760]</strong>" in comparison
    assert "<strong>0.7804" not in comparison
    assert "0.8123" in comparison  # a run without CI: the value alone
    assert "**0.8697 [0.8631, 0.8760]**" in md and "| 0.7804 [0.7738, 0.7867] |" in md

    # p-values: the smallest possible as a bound, the other as it is
    significance = _section(page, "significance")
    assert "&lt; 0.0001" in significance and "0.0123" in significance and "approximate randomization" in significance
    assert "< 0.0001" in md and "0.0123" in md
    # the difference's interval and the detectable difference; a comparison made without them shows dashes
    assert "95% CI of A − B" in significance and "Detectable (80% power)" in significance
    row = next(line for line in md.splitlines() if line.startswith("| bc5cdr | biomedical | tutorial |"))
    assert "| +0.0893 | [+0.0801, +0.0987] | < 0.0001 | 0.0132 |" in row
    row = next(line for line in md.splitlines() if line.startswith("| bc5cdr | tutorial | biomedical |"))
    assert "| −0.0893 |" not in row and "| -0.0893 | — | 0.0123 | — |" in row
    assert "1,000 resamples of the same units for both systems" in md

    # the skipped run and its note; missing measurements named, not crashing
    assert "Not run: transformer (skipped)" in page and "transformer extra not installed" in page
    assert "transformer extra not installed" in md
    assert "not measured" in _section(page, "speed") and "not measured" in _section(page, "partial")
    assert "no tagging speed measured): ncbi_disease/outside &amp; co" in page

    # published rows: reported, not measured, with the caption and the link
    published = _section(page, "published")
    assert "reported in the literature, not measured here" in published.lower()
    assert '<tr class="reported">' in published and "reported, not measured" in published
    assert 'href="https://doi.org/10.1093/bioinformatics/btz682"' in published and "0.9347" in published
    assert "reported, not measured" in md and "Reported in the literature, not measured here" in md

    # text from the data is escaped; the page has no script at all
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _section(page, "examples")
    assert "&lt;script&gt;evil()&lt;/script&gt;" in _section(page, "errors")
    assert "outside &amp; co" in page
    assert "<script>" not in md and r"\<script\>" in md

    # examples: gold and each system highlighted; Markdown bracket notation
    examples = _section(page, "examples")
    assert '<mark class="ent"' in examples and '<span class="etype">Disease</span>' in examples
    assert "- gold: [Cisplatin]{Chemical} induced [nephrotoxicity]{Disease} in rats ." in md
    assert "- tutorial: [Cisplatin]{Chemical} induced nephrotoxicity in rats ." in md
    assert "test sentence 3" not in page  # nobody disagrees there

    # the plots: embedded in HTML, PNG files beside the Markdown
    assert page.count('src="data:image/png;base64,') == 3
    for name in ("per_type", "learning_curve", "speed"):
        assert f"](report_files/{name}.png)" in md
        assert (md_path.parent / "report_files" / f"{name}.png").read_bytes().startswith(b"\x89PNG")


def test_report_without_optional_data(tmp_path):
    """Only the bare minimum per run: every section still renders, plots say why they are missing."""
    results = {"format": "crfner-benchmark/1", "runs": [
        {"corpus": "c", "system": "s", "status": "ok", "strict": {"precision": 0.5, "recall": 0.5, "f1": 0.5}},
        {"corpus": "c", "system": "t", "status": "failed"}], "comparisons": [], "published": []}
    md_path, html_path = build_report(results, tmp_path)
    page = html_path.read_text(encoding="utf-8")
    assert all(f'<section id="{s}">' in page for s in SECTIONS)
    assert "no run of a named corpus has a learning curve" in page and "no scored run of a named corpus has a tagging speed" in page
    assert "0.5000" in md_path.read_text(encoding="utf-8")
    assert not (tmp_path / "report_files" / "speed.png").exists()


def test_report_with_corpus_names_that_are_not_strings(tmp_path):
    """A hand-edited or older results.json may hold a run's corpus as a number, a list or null, which crashed
    the plots (learning curves and speed: no panel for the number or null; per-type bars: a list is unhashable).
    results.py tolerates such entries: such a corpus is shown as text, one corpus with the same name written as a
    string, and a run with none is left out of every per-corpus part (its cost row shows "—")."""
    runs = [{**_run("tutorial", 0.78, 0.81, 0.73, 40000.0), "corpus": 2010},
            {**_run("biomedical", 0.86, 0.90, 0.83, 21000.0), "corpus": "2010"},
            {**_run("listed", 0.5, 0.5, 0.5, 100.0), "corpus": ["x"]},
            {**_run("nameless", 0.6, 0.6, 0.6, 100.0), "corpus": None}]
    md_path, _ = build_report({"format": "crfner-benchmark/1", "runs": runs}, tmp_path)
    assert all((tmp_path / "report_files" / f"{name}.png").is_file() for name in ("per_type", "learning_curve", "speed"))
    comparison = md_path.read_text(encoding="utf-8").split("## Comparison")[1].split("\n## ")[0]
    assert comparison.count("### 2010\n") == 1 and comparison.count(r"### \['x'\]") == 1
    assert "| tutorial |" in comparison and "| biomedical |" in comparison and "nameless" not in comparison
    assert "| — | nameless | cpu |" in md_path.read_text(encoding="utf-8")


def test_systems_named_by_numbers_keep_their_bars_and_row(tmp_path):
    """A system named by a number (hand-edited results.json) lost its bars and colour: the plots matched the
    runs' names, shown as text, against the raw number. Both are text now, in the plots and the Systems table."""
    from crfner.report.plots import per_type_bars, system_colours, speed_points

    runs = [{**_run("tutorial", 0.78, 0.81, 0.73, 40000.0), "system": 7}, _run("biomedical", 0.86, 0.90, 0.83, 21000.0)]
    results = {"format": "crfner-benchmark/1", "runs": runs, "config": {"systems": [{"name": 7, "type": "crf"}]}}
    colours = system_colours(results)
    assert list(colours) == ["7", "biomedical"]
    assert {b.system for b in per_type_bars(results)} == {"7", "biomedical"} and all(p.system in colours for p in speed_points(results))
    md_path, _ = build_report(results, tmp_path)
    systems = md_path.read_text(encoding="utf-8").split("## Systems")[1].split("\n## ")[0]
    assert "| 7 | crf | CRF, feature set tutorial |" in systems


def test_a_speed_without_a_corpus_is_not_drawn_and_says_why(tmp_path):
    results = {"format": "crfner-benchmark/1", "runs": [{**_run("tutorial", 0.78, 0.81, 0.73, 40000.0), "corpus": None}]}
    _, html_path = build_report(results, tmp_path)
    assert "no scored run of a named corpus has a tagging speed" in html_path.read_text(encoding="utf-8")


def test_significance_table_with_a_unit_that_is_not_a_string(tmp_path):
    """A comparison's unit written as a number (hand-edited results.json) crashed the table on ``unit + ' '``;
    it is shown as text, as the paragraph above the table already showed it."""
    runs = [_run("tutorial", 0.78, 0.81, 0.73, 40000.0), _run("biomedical", 0.86, 0.90, 0.83, 21000.0)]
    comparison = {"corpus": "bc5cdr", "a": "biomedical", "b": "tutorial", "f1_a": 0.86, "f1_b": 0.78, "difference": 0.08,
                  "p_value": 0.001, "method": "approximate randomization", "resamples": 999, "units": 20}
    results = {"format": "crfner-benchmark/1", "runs": runs, "comparisons": [{**comparison, "unit": 7}, {**comparison, "unit": None}]}
    md_path, _ = build_report(results, tmp_path)
    text = md_path.read_text(encoding="utf-8")
    assert "20 7 units" in text and "resamples, 20 units" in text


def _render_checker():
    return load_benchmark("check_report_render")


def _need(condition: bool, reason: str) -> None:
    """Skip when a browser prerequisite is missing, but fail on CI, where Chromium is installed."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)")
        pytest.skip(reason)


def test_report_renders_in_chromium(report, tmp_path):
    _need(importlib.util.find_spec("playwright") is not None, "playwright is not installed (pip install playwright)")
    _need(CHROMIUM.is_file(), f"no Chromium at {CHROMIUM}")
    checker = _render_checker()
    images, outside = checker.check_report(report[1], tmp_path / "shot.png", executable_path=str(CHROMIUM))
    assert len(images) >= 3
    for image in images:
        assert image.complete and image.width > 0, image
    assert outside == []  # nothing fetched from outside the file
    assert (tmp_path / "shot.png").stat().st_size > 0


def test_p_value_format():
    """The smallest p a resampling test can give, 1/(R+1), is shown as a bound, not as a value."""
    from crfner.report.formatting import fmt_p

    assert fmt_p(1 / 10001, 10000) == "< 0.0001"
    assert fmt_p(1 / 2001, 2000) == "< 0.001"
    assert fmt_p(1 / 1000, 999) == "≤ 0.001"
    assert fmt_p(0.0123, 10000) == "0.0123"
    assert fmt_p(None, 10000) == "—"


# ---------------------------------------------------------------------------------------------
# Concept-level scores: a results dict with [linking] figures on bc5cdr


def _concepts(f1: float, chemical: float, disease: float, link_over_tag: float) -> dict:
    scores = _scores(f1, chemical, disease)
    ci = {**_ci(f1), "unit": "document", "units": 500}
    return {"status": "ok", "note": "", "scores": scores, "ci": ci, "documents": 500, "mentions": 9000,
            "tag_seconds": 4.25, "link_seconds": round(4.25 * link_over_tag, 3), "link_over_tag": link_over_tag,
            "tagged_from_cache": False}


def _linked_results() -> dict:
    import copy

    results = copy.deepcopy(RESULTS)
    results["runs"][0]["concepts"] = _concepts(0.7123, 0.8011, 0.6402, 0.0812)
    results["runs"][1]["concepts"] = {"status": "skipped", "note": "not linked: the transformer system tags tokens only"}
    results["linking"] = {"bc5cdr": {
        "vocabularies": ["medic", "mesh", "Chemical=/some/folder/extra.tsv"], "train_split": "train+devel",
        "params": {"threshold": 0.8, "ngram_range": [4, 4], "abbreviations": True, "composites": True, "heads": False},
        "train_documents": 1000, "test_documents": 500, "fit_seconds": 41.37,
        "accuracy_at_1": {"accuracy": 0.90413, "mentions": 9809, "correct": 8869, "nil": 12, "nil_agreed": 3, "without_id": 0,
                          "per_type": {"Chemical": {"accuracy": 0.93125}, "Disease": {"accuracy": 0.87654}}}}}
    return results


def test_concept_section(tmp_path):
    import html

    from crfner.report.formatting import fmt, fmt_interval

    results = _linked_results()
    md_path, html_path = build_report(results, tmp_path)
    md, page = md_path.read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")
    sections = [*SECTIONS[:5], "concepts", *SECTIONS[5:]]
    assert re.findall(r'<section id="([^"]+)"', page) == sections
    assert [m for m in re.findall(r"\n## (.+)\n", md)] == [*HEADINGS[:5], "Concept-level scores", *HEADINGS[5:]]

    concepts, linker = results["runs"][0]["concepts"], results["linking"]["bc5cdr"]
    section = _section(page, "concepts")
    md_section = md.split("## Concept-level scores")[1].split("\n## ")[0]
    scores, ci = concepts["scores"], concepts["ci"]
    expected = [fmt_interval(scores[k], ci[k]) for k in ("precision", "recall", "f1")]
    expected += [fmt_interval(scores["per_type"][t]["f1"], ci["per_type"][t]["f1"]) for t in ("Chemical", "Disease")]
    expected += [fmt(concepts["tag_seconds"], 2), fmt(concepts["link_seconds"], 2), f"{concepts['link_over_tag'] * 100:.1f}%"]
    assert "| tutorial | " + " | ".join(expected) + " |" in md_section
    for cell in expected:
        assert f'<td class="num">{cell}</td>' in section
    assert "F1 Chemical (95% CI)" in section and "F1 Disease (95% CI)" in section
    # the system that was not linked, with its reason; the system without concept results is not listed
    assert "not linked: the transformer system tags tokens only" in section and "not linked" in md_section
    assert "outside &amp; co" not in section
    # the caption: the measure and the resampling unit
    for text in ("(document, concept id) pairs", "NCBI Disease's four mention types are counted as Disease",
                 "1,000 resamples of the 500 test documents", "resampling unit: documents"):
        assert html.escape(text) in section and text in md_section
    # the linker's accuracy@1 on the gold mentions, and how it was fit
    accuracy = linker["accuracy_at_1"]
    line = f"accuracy@1 on the gold test mentions (no tagging errors; the predicted id set equals the gold one): {fmt(accuracy['accuracy'])}"
    assert line in section and line in md_section
    assert f"{accuracy['correct']:,} of {accuracy['mentions']:,} mentions" in section
    assert f"Chemical {fmt(accuracy['per_type']['Chemical']['accuracy'])}" in section
    assert "Fit in 41.4 s on the vocabularies medic, mesh, Chemical=extra.tsv" in section  # folders left out
    assert "1,000 train+devel documents (threshold = 0.8, ngram_range = [4, 4])" in section
    # the [linking] table in the Setup section's configuration
    results["config"]["linking"] = {"vocabularies": {"bc5cdr": ["medic", "mesh"]}, "threshold": 0.8}
    md_path, html_path = build_report(results, tmp_path)
    assert "<td>Concept linking</td><td>bc5cdr: medic, mesh (threshold = 0.8)</td>" in _section(html_path.read_text(), "setup")


def test_no_concept_section_without_linking(report):
    page = report[1].read_text(encoding="utf-8")
    assert '<section id="concepts">' not in page and "Concept-level" not in report[0].read_text(encoding="utf-8")


def test_markdown_escape_shows_data_literally():
    """Names and texts from the data read as written in report.md: no visible backslash before a number
    that looks like a list item, no heading, rule or strikethrough made of them, no entity decoded."""
    from crfner.report.markdown import escape

    # an ordered-list marker escapes its punctuation: a backslash before a digit is shown as is
    assert escape("1. first") == r"1\. first"
    assert escape("2)") == r"2\)"
    assert escape("1986. a year") == r"1986\. a year"
    assert escape("0.5 of it") == "0.5 of it"
    # more than one # or - opens a heading or a rule as surely as one does
    assert escape("## not a heading") == r"\## not a heading"
    assert escape("---") == r"\---"
    assert escape("- x") == r"\- x"
    assert escape("-x") == "-x"
    # &amp; would be shown as &, ~~x~~ struck through
    assert escape("A&amp;B") == r"A\&amp;B"
    assert escape("~~x~~") == r"\~\~x\~\~"


def test_maccrobats_twelve_types_each_have_their_own_colour():
    """The examples' legend had eight colours, so four of MACCROBAT's twelve default types shared one."""
    from crfner.corpora.clinical_types import MACCROBAT_DEFAULT
    from crfner.report.examples import TYPE_COLOURS, type_colours

    assert len(MACCROBAT_DEFAULT) == 12
    for types in (sorted(MACCROBAT_DEFAULT), [f"T{i}" for i in range(16)]):
        colours = type_colours(types)
        assert list(colours) == types and len(set(colours.values())) == len(types)
    assert type_colours(["Chemical", "Disease"]) == {"Chemical": TYPE_COLOURS[0], "Disease": TYPE_COLOURS[1]}  # as before
