"""Explanations from a model's own weights (crfner.explanations): exact margins, the real top
features, inspect's figures, the command line's JSON, and the HTML page in a real browser."""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import crfner
from crfner.cli import main
from crfner.explanations import family, inspect_model
from crfner.explanations.html import render_html
from crfner.text import sentences

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TEXT = (
    "Mutations in BRCA1 cause hereditary breast and ovarian cancer.\n"
    "Duchenne muscular dystrophy (DMD) is an X-linked disease; DMD boys lose the ability to walk. "
    "No ataxia-telangiectasia <script>window.pwned = 1</script> was seen <img src=x onerror=\"window.pwned=2\">."
)
# An entity on the first and on the last token of a sentence (no transition in, no transition out).
EDGES = [["Duchenne", "muscular", "dystrophy"], ["Colorectal", "cancer", "in", "hereditary", "breast", "cancer"]]
EPS = 1e-9


@pytest.fixture(scope="module")
def tagger(data_dir):
    X, y = crfner.load_corpus("ncbi_disease", "train", data_dir=data_dir)
    return crfner.CRFTagger(features="biomedical", max_iterations=30, data_dir=data_dir).fit(X[:400], y[:400])


@pytest.fixture(scope="module")
def test_sentences(data_dir):
    X, _ = crfner.load_corpus("ncbi_disease", "test", data_dir=data_dir)
    return X[:80]


def _score(E: np.ndarray, T: np.ndarray, path: list[int]) -> float:
    """A path's score, the plain way: emissions plus transitions between neighbours."""
    return sum(E[t, k] for t, k in enumerate(path)) + sum(T[a, b] for a, b in itertools.pairwise(path))


def test_emissions_are_sums_of_the_tokens_attribute_weights(tagger, test_sentences):
    weights = tagger.weights_
    for attributes in tagger.token_attributes(test_sentences[:20]):
        by_hand = np.array([weights.state[[weights.attributes[a] for a in token]].sum(axis=0) for token in attributes])
        assert np.allclose(by_hand, weights.emissions(attributes), rtol=0, atol=1e-12)


def _check_exact(tagger, explanation, X, documents=None):
    """Every token's margin against an independent recomputation from weights_.emissions."""
    weights = tagger.weights_
    T = weights.transition
    tags = [tags for tags, _ in tagger.predict_scored(X, documents=documents)]
    attributes = tagger.token_attributes(X, documents=documents)
    seen = {"first": 0, "last": 0, "middle": 0}
    for entity in explanation.entities:
        i = entity.sentence
        E = weights.emissions(attributes[i])
        path = [weights.labels.index(tag) for tag in tags[i]]
        assert [tok.label for tok in entity.tokens] == tags[i][entity.token_start:entity.token_end]
        for token in entity.tokens:
            t = token.index
            alternatives = {}
            for k in range(len(weights.labels)):
                if k != path[t]:
                    alternatives[k] = _score(E, T, path[:t] + [k] + path[t + 1:])
            best = max(alternatives.values())
            competitor = weights.labels.index(token.competitor)
            assert alternatives[competitor] == pytest.approx(best, abs=EPS)
            margin = _score(E, T, path) - alternatives[competitor]
            assert abs(token.margin - margin) < EPS
            assert token.margin > -EPS  # the decoded path beats any one-token change
            emission = E[t, path[t]] - E[t, competitor]
            assert abs(token.emission - emission) < EPS
            terms = [c.contribution for c in token.features + token.against]
            assert abs(sum(terms) + token.rest - token.emission) < EPS
            assert abs(token.emission + token.transition_in + token.transition_out - margin) < EPS
            if t == 0:
                assert token.previous is None and token.transition_in == 0.0
                seen["first"] += 1
            else:
                assert token.previous == tags[i][t - 1]
                assert token.transition_in == pytest.approx(T[path[t - 1], path[t]] - T[path[t - 1], competitor], abs=EPS)
            if t == len(path) - 1:
                assert token.next is None and token.transition_out == 0.0
                seen["last"] += 1
            else:
                assert token.next == tags[i][t + 1]
                assert token.transition_out == pytest.approx(T[path[t], path[t + 1]] - T[competitor, path[t + 1]], abs=EPS)
            if 0 < t < len(path) - 1:
                seen["middle"] += 1
    return seen


def test_contributions_add_up_to_the_margin_exactly(tagger, test_sentences):
    explanation = crfner.explain(tagger, test_sentences + EDGES, top=5)
    assert len(explanation.entities) >= 20
    seen = _check_exact(tagger, explanation, test_sentences + EDGES)
    assert all(seen.values()), seen  # first, last and inner tokens were all checked

    raw = crfner.explain(tagger, TEXT, top=3)
    X = [[t.text for t in s] for s in sentences(TEXT)]
    assert raw.entities
    _check_exact(tagger, raw, X, [0] * len(X))


def test_listed_features_are_really_the_largest(tagger, test_sentences):
    weights = tagger.weights_
    top = 4
    explanation = crfner.explain(tagger, test_sentences, top=top)
    attributes = tagger.token_attributes(test_sentences)
    checked = 0
    for entity in explanation.entities:
        for token in entity.tokens:
            label, competitor = weights.labels.index(token.label), weights.labels.index(token.competitor)
            every = {}
            for a in attributes[entity.sentence][token.index]:
                row = weights.attributes[a]
                every[a.decode()] = every.get(a.decode(), 0.0) + weights.state[row, label] - weights.state[row, competitor]
            positive = sorted((v for v in every.values() if v > 0), reverse=True)
            negative = sorted(v for v in every.values() if v < 0)
            assert [c.contribution for c in token.features] == pytest.approx(positive[:top], abs=1e-12)
            assert [c.contribution for c in token.against] == pytest.approx(negative[:top], abs=1e-12)
            for c in token.features + token.against:
                row = weights.attributes[c.attribute.encode()]
                assert (c.weight, c.competitor_weight) == (weights.state[row, label], weights.state[row, competitor])
                assert c.contribution == pytest.approx(every[c.attribute], abs=1e-12)
                assert c.family == family(c.attribute)
            listed = {c.attribute for c in token.features + token.against}
            assert token.rest == pytest.approx(sum(v for a, v in every.items() if a not in listed), abs=1e-9)
            assert token.n_attributes == len(attributes[entity.sentence][token.index])
            checked += len(positive) > top
    assert checked > 0  # some tokens had more favourable features than were listed


def test_entities_and_offsets_are_those_of_tag_text(tagger):
    explanation = crfner.explain(tagger, TEXT)
    entities = [(e.start, e.end, e.type, e.text, e.score) for e in explanation.entities]
    assert entities == [(e.start, e.end, e.type, e.text, e.score) for e in crfner.tag_text(tagger, TEXT)]
    assert {"hereditary breast and ovarian cancer", "DMD"} <= {e.text for e in explanation.entities}
    for entity in explanation.entities:
        assert TEXT[entity.start:entity.end] == entity.text
        assert entity.tokens[0].start == entity.start and entity.tokens[-1].end == entity.end
        for token in entity.tokens:
            assert TEXT[token.start:token.end] == token.token
    first = json.loads(json.dumps(explanation.to_dict()))["entities"][0]["tokens"][0]
    assert first["features"][0]["contribution"] == explanation.entities[0].tokens[0].features[0].contribution
    assert first["margin"] == explanation.entities[0].tokens[0].margin
    assert "over" in str(explanation) and explanation.entities[0].text in str(explanation)


def test_the_estimator_method_gives_the_same_explanation(tagger):
    text = "Famotidine-associated delirium in a patient with renal failure."
    assert tagger.explain(text, top=4).to_dict() == crfner.explain(tagger, text, top=4).to_dict()
    assert tagger.explain(text).to_dict()["entities"], "the model finds entities here"


def test_token_lists_are_joined_into_a_text_the_offsets_point_into(tagger):
    explanation = crfner.explain(tagger, EDGES)
    assert explanation.text == "Duchenne muscular dystrophy\nColorectal cancer in hereditary breast cancer"
    for entity in explanation.entities:
        tokens = EDGES[entity.sentence][entity.token_start:entity.token_end]
        assert explanation.text[entity.start:entity.end] == " ".join(tokens) == entity.text
    with pytest.raises(crfner.DataFormatError):
        crfner.explain(tagger, [["fine"], "not a token list"])
    with pytest.raises(ValueError):
        crfner.explain(tagger, TEXT, top=0)


def test_inspect_model_reports_the_weights(tagger):
    weights, top = tagger.weights_, 7
    inspection = inspect_model(tagger, top=top)
    assert inspection.labels == weights.labels
    assert np.array_equal(np.array(inspection.transition), weights.transition)
    assert inspection.feature_set == {"name": "biomedical", "version": tagger.feature_set_.version}
    shares = [row["share"] for row in inspection.families]
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)
    assert shares == sorted(shares, reverse=True)
    assert sum(row["weight"] for row in inspection.families) == pytest.approx(np.abs(weights.state).sum(), rel=1e-12)
    names = {row["family"] for row in inspection.families}
    assert {"context", "affixes", "gazetteers", "clusters", "conjunctions", "word"} <= names
    assert "other" not in names  # every attribute of the biomedical set has a family
    counts = inspection.counts
    assert counts["state_features"] == np.count_nonzero(weights.state)
    assert counts["transition_features"] == np.count_nonzero(weights.transition)
    assert counts["attributes"] == len(weights.attributes)
    assert counts["active_attributes"] == np.count_nonzero(np.abs(weights.state).sum(axis=1))
    assert sum(row["features"] for row in inspection.families) == counts["state_features"]
    by_row = {row: name.decode() for name, row in weights.attributes.items()}
    for k, label in enumerate(weights.labels):
        column = weights.state[:, k]
        positive, negative = inspection.top[label]["positive"], inspection.top[label]["negative"]
        assert len(positive) == len(negative) == top
        assert [w for _, w in positive] == sorted(column, reverse=True)[:top]
        assert [w for _, w in negative] == sorted(column)[:top]
        for name, weight in positive + negative:
            assert column[weights.attributes[name.encode()]] == weight
        assert by_row[int(np.argmax(column))] == positive[0][0] or positive[0][1] == positive[1][1]
    text = str(inspection)
    assert "transitions" in text and positive[0][0] in text and "context" in text
    json.dumps(inspection.to_dict())


def test_families_of_real_attribute_names():
    expected = {
        b"-1|+0:norm:of|breast": "conjunctions", b"+0|+1:norm:a|b": "conjunctions", b"-2:gaz:disease:B": "context",
        b"+1:title": "context", b"gaz:disease:exact": "gazetteers", b"gazhead:disease:10-99": "gazetteers",
        b"suf3:ine": "affixes", b"pre5::": "affixes", b"title": "orthography", b"has_digit": "orthography",
        b"case:upper": "orthography", b"len:3-4": "orthography", b"shape_short:Xx": "shape", b"shape:Xxx": "shape",
        b"clu128:5": "clusters", b"abbr": "abbreviations", b"abbr:last:dystrophy": "abbreviations",
        b"abbr:gaz:disease:whole": "abbreviations", b"BOS": "boundaries", b"EOS": "boundaries", b"bias": "bias",
        b"norm:il-0b": "word", b"lower:aspirin": "word", b"pos:NN": "other", b"clin:dose": "clinical",
        b"clin:lsuf3": "clinical", b"section:allergies": "sections", b"heading": "sections", b"-1:clin:unit": "context",
    }
    assert {name: family(name) for name in expected} == expected


def test_negation_says_which_entities_the_text_negates_and_by_which_cue(tagger):
    from crfner.assertion import negations

    text = "No evidence of breast cancer or cisplatin toxicity was found. Her sister had ovarian cancer."
    explanation = crfner.explain(tagger, text, negation=True)
    assert all(e.negation is not None for e in explanation.entities)
    expected = negations(text, crfner.tag_text(tagger, text))
    assert [e.negation for e in explanation.entities] == expected
    assert any(n.negated for n in expected) and not all(n.negated for n in expected)
    rendered = str(explanation)
    for entity in explanation.entities:
        line = next(line for line in rendered.splitlines() if line.startswith(f"{entity.type} {entity.text!r} "))
        assert line.endswith(f"negated by {entity.negation.cue!r} [{entity.negation.cue_start}:{entity.negation.cue_end}]"
                             if entity.negation.negated else ", not negated")
    record = explanation.to_dict()["entities"]
    assert [r["negated"] for r in record] == [n.negated for n in expected]
    assert [r.get("negation_cue") for r in record] == [n.cue for n in expected]
    assert "negated by" in render_html(explanation)
    # limited to types, and off by default (no negation fields at all)
    # the model's one type: every entity negated as before; a type it lacks is an error, not a silent no-op
    assert crfner.explain(tagger, text, negation=["Disease"]).to_dict() == explanation.to_dict()
    with pytest.raises(ValueError, match=r"negation types: Chemical is not among the tagger's types \(Disease\)"):
        crfner.explain(tagger, text, negation=["Chemical"])
    assert all(e.negation is None for e in crfner.explain(tagger, text).entities)
    assert "negated" not in json.dumps(crfner.explain(tagger, text).to_dict()["entities"][0])
    assert tagger.explain(text, negation=True).to_dict() == explanation.to_dict()
    with pytest.raises(ValueError, match="types must be"):
        crfner.explain(tagger, text, negation="Chemical")
    # token lists: each sentence read apart, as the text they are joined into
    joined = crfner.explain(tagger, [["No", "fever"], ["Ovarian", "cancer", "was", "found"]], negation=True)
    second = [e for e in joined.entities if e.sentence == 1]
    assert second and not any(e.negation.negated for e in second)  # read as one sentence, "No" would reach them
    assert any(n.negated for n in negations(joined.text, second))


NOTE = ("Referred for breast cancer.\nHISTORY OF PRESENT ILLNESS: ovarian cancer, treated with cisplatin.\n"
        "FAMILY HISTORY:\nHer sister had colorectal cancer.\n")


def test_sections_say_which_section_of_the_note_each_entity_falls_under(tagger):
    from crfner.assertion import entity_sections

    explanation = crfner.explain(tagger, NOTE, sections=True)
    expected = entity_sections(NOTE, crfner.tag_text(tagger, NOTE))
    assert [e.section for e in explanation.entities] == [{"section": name} for name in expected]
    # the note's three parts each hold an entity: above the first heading, under each heading
    assert {None, "HISTORY OF PRESENT ILLNESS", "FAMILY HISTORY"} <= set(expected)
    record = explanation.to_dict()["entities"]
    assert [r["section"] for r in record] == expected
    rendered = str(explanation)
    for entity, name in zip(explanation.entities, expected):
        line = next(line for line in rendered.splitlines() if line.startswith(f"{entity.type} {entity.text!r} "))
        assert line.endswith(", above any section heading" if name is None else f", in section {name!r}")
    assert "in section &#x27;FAMILY HISTORY&#x27;" in render_html(explanation)
    # with negation, both notes; off by default (no section field at all)
    both = crfner.explain(tagger, NOTE, sections=True, negation=True)
    assert all(e.negation is not None and e.section is not None for e in both.entities)
    assert all(e.section is None for e in crfner.explain(tagger, NOTE).entities)
    assert "section" not in crfner.explain(tagger, NOTE).to_dict()["entities"][0]
    assert "section" not in str(crfner.explain(tagger, NOTE))
    with pytest.raises(ValueError, match="sections must be True or False"):
        crfner.explain(tagger, NOTE, sections="yes")


def test_hypothetical_says_which_entities_are_only_conditions(tagger, data_dir, tmp_path, capsys):
    from crfner.assertion import hypotheticals

    note = "Return if breast cancer or colon cancer recurs.\nShe had ovarian cancer treated with cisplatin.\n"
    explanation = crfner.explain(tagger, note, hypothetical=True)
    expected = hypotheticals(note, crfner.tag_text(tagger, note))
    assert [e.hypothetical for e in explanation.entities] == expected
    assert {h.hypothetical for h in expected} == {True, False}  # the note holds both kinds
    records = explanation.to_dict()["entities"]
    assert [r["hypothetical"] for r in records] == [h.hypothetical for h in expected]
    assert [r.get("hypothetical_cue") for r in records] == [h.cue for h in expected]
    rendered = str(explanation)
    for entity, condition in zip(explanation.entities, expected):
        line = next(line for line in rendered.splitlines() if line.startswith(f"{entity.type} {entity.text!r} "))
        assert line.endswith(f", hypothetical by {condition.cue!r} [{condition.cue_start}:{condition.cue_end}]")  \
            if condition.hypothetical else "hypothetical" not in line
    assert "hypothetical by &#x27;Return if&#x27;" in render_html(explanation)
    assert all(e.hypothetical is None for e in crfner.explain(tagger, note).entities)
    assert "hypothetical" not in crfner.explain(tagger, note).to_dict()["entities"][0]
    with pytest.raises(ValueError, match="hypothetical must be True or False"):
        crfner.explain(tagger, note, hypothetical="yes")
    model = tmp_path / "model"
    tagger.save(model)
    loaded = crfner.CRFTagger.load(model, data_dir=data_dir)
    assert main(["explain", str(model), "--text", note, "--top", "2", "--json", "--hypothetical",
                 "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == loaded.explain(note, top=2, hypothetical=True).to_dict()


@pytest.fixture(scope="module")
def model_dir(tagger, tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "model"
    tagger.save(path)
    return path


def test_command_line_json_matches_the_python_api(model_dir, data_dir, tmp_path, capsys):
    loaded = crfner.CRFTagger.load(model_dir, data_dir=data_dir)
    assert main(["inspect", str(model_dir), "--top", "5", "--json", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == inspect_model(loaded, top=5).to_dict()

    assert main(["explain", str(model_dir), "--text", TEXT, "--top", "3", "--json", "--data-dir", str(data_dir)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == crfner.explain(loaded, TEXT, top=3).to_dict()
    assert printed["entities"] and printed["text"] == TEXT

    source = tmp_path / "note.txt"
    source.write_text(TEXT, encoding="utf-8")
    page = tmp_path / "out" / "why.html"
    assert main(["explain", str(model_dir), "--input", str(source), "--top", "3", "--json", "--html", str(page),
                 "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == printed
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page.read_text(encoding="utf-8")
    assert [p.name for p in page.parent.iterdir()] == ["why.html"]  # no temporary file left beside it

    assert main(["inspect", str(model_dir), "--data-dir", str(data_dir)]) == 0
    assert "share of absolute state weight" in capsys.readouterr().out

    assert main(["explain", str(model_dir), "--text", TEXT, "--top", "3", "--json", "--negation", "--negation-types",
                 "Disease", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out) == crfner.explain(loaded, TEXT, top=3, negation=("Disease",)).to_dict()

    assert main(["explain", str(model_dir), "--text", NOTE, "--top", "2", "--json", "--sections",
                 "--data-dir", str(data_dir)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == crfner.explain(loaded, NOTE, top=2, sections=True).to_dict()
    assert "FAMILY HISTORY" in [e["section"] for e in printed["entities"]]


@pytest.mark.parametrize("verb", ["inspect", "explain"])
def test_help_on_the_verbs(verb):
    result = subprocess.run([sys.executable, "-m", "crfner", verb, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and f"usage: crfner {verb}" in result.stdout and "--top" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["explain", "{model}"], "give the text to explain with --text TEXT or --input FILE"),
    (["explain", "{model}", "--text", "x", "--top", "0"], "--top must be at least 1"),
    (["explain", "{model}", "--input", "{tmp}/absent.txt"], "absent.txt"),
    (["explain", "{model}", "--input", "{tmp}/latin1.txt"], r"latin1\.txt: not UTF-8 text"),
    (["inspect", "{tmp}/no-model"], "no-model"),
    (["explain", "{model}", "--text", "x", "--negation-types", "Disease"], "--negation-types applies with --negation"),
    (["explain", "{model}", "--text", "x", "--negation", "--negation-types", "Gene"], "Gene is not among"),
])
def test_command_line_errors_are_one_line_exit_2(model_dir, data_dir, tmp_path, capsys, args, message):
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    args = [a.format(model=model_dir, tmp=tmp_path) for a in args] + ["--data-dir", str(data_dir)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(message, err[0]) and err[0].startswith(f"crfner {args[0]}: error:"), err


def test_html_escapes_the_text_and_links_entities_to_explanations(tagger):
    explanation = crfner.explain(tagger, TEXT, top=3)
    page = render_html(explanation)
    assert page.count("<script") == 1  # the page's own script, and nothing from the text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    n = len(explanation.entities)
    assert len(re.findall(r'<mark class="ent t\d+" id="mark-\d+"', page)) == n
    assert len(re.findall(r'<details class="explanation" id="entity-\d+"', page)) == n
    for k, entity in enumerate(explanation.entities):
        assert f'data-entity="{k}"' in page and f"{entity.score:.2f}</span></mark>" in page


def _need(condition: bool, reason: str) -> None:
    """Skip when a browser prerequisite is missing, but fail on CI, where Chromium is installed
    (as tests/test_report.py does)."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)")
        pytest.skip(reason)


def test_the_page_renders_in_chromium_and_a_click_shows_the_explanation(tagger, tmp_path):
    _need(importlib.util.find_spec("playwright") is not None, "playwright is not installed (pip install playwright)")
    _need(CHROMIUM.is_file(), f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    explanation = crfner.explain(tagger, TEXT, top=3)
    path = tmp_path / "why.html"
    path.write_text(render_html(explanation), encoding="utf-8")
    url = path.resolve().as_uri()
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(headless=True, executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 800})
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("data:", url)) else None)
            page.goto(url, wait_until="load")
            assert page.evaluate("() => window.pwned") is None  # nothing from the text ran
            assert "<script>window.pwned = 1</script>" in page.inner_text("#text")  # shown as text
            marks = page.locator("mark.ent")
            assert marks.count() == len(explanation.entities)
            legend = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('.legend .ent'))
                .map(e => [e.textContent, getComputedStyle(e).backgroundColor]))""")
            for k, entity in enumerate(explanation.entities):
                mark = marks.nth(k)
                assert mark.is_visible()
                assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == legend[entity.type]
                assert legend[entity.type] not in ("rgba(0, 0, 0, 0)", "transparent")
            assert page.locator("details.explanation[open]").count() == 0
            target = len(explanation.entities) - 1
            panel = page.locator(f"#entity-{target}")
            assert not panel.locator("table.terms").first.is_visible()
            marks.nth(target).click()
            assert panel.evaluate("d => d.open") is True
            table = panel.locator("table.terms").first
            assert table.is_visible() and table.bounding_box()["height"] > 0
            assert explanation.entities[target].tokens[0].features[0].attribute in table.inner_text()
            assert "selected" in marks.nth(target).get_attribute("class")
            assert page.locator("details.explanation[open]").count() == 1
        finally:
            browser.close()
    assert outside == []
