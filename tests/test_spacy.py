"""crfner.spacy: the "crfner" spaCy pipeline component (the optional ``crfner[spacy]`` extra)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

import crfner
from crfner.spacy import CrfnerComponent

TEXT = (
    "Mutations in BRCA1 cause hereditary breast and ovarian cancer.\n"
    "No ataxia-telangiectasia was seen. Duchenne-type dystrophy and early-onset Alzheimer disease (AD) "
    "were described, as was G6PD-deficiency in  two   families with colon cancer."
)
# crfner splits "cancer-2" and "HNPCC-1" at the hyphen; spaCy keeps each as one token
UNALIGNED = "Patients with breast cancer-2 and colon cancer were seen. Families with HNPCC-1 were studied."


@pytest.fixture(scope="module")
def model_dir(data_dir, tmp_path_factory):
    """A CRF fitted on a slice of NCBI Disease, saved as a model directory."""
    X, y = crfner.load_corpus("ncbi_disease", "train", data_dir=data_dir)
    path = tmp_path_factory.mktemp("spacy") / "ncbi"
    crfner.CRFTagger(max_iterations=50).fit(X[:1500], y[:1500]).save(path)
    return str(path)


@pytest.fixture(scope="module")
def tagger(model_dir):
    return crfner.CRFTagger.load(model_dir)


def pipeline(model_dir, before=None, **config):
    nlp = spacy.blank("en")
    if before:
        nlp.add_pipe(before)
    nlp.add_pipe("crfner", config={"model": model_dir, **config})
    return nlp


def ents(doc):
    return [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]


def token_boundaries(doc):
    return {t.idx for t in doc}, {t.idx + len(t) for t in doc}


def test_the_factory_comes_from_the_entry_point_without_importing_crfner_or_scikit_learn(model_dir):
    assert any(ep.name == "crfner" and ep.value.startswith("crfner.spacy:") for ep in entry_points(group="spacy_factories"))
    code = (
        "import sys, spacy\n"
        "assert 'crfner' not in sys.modules\n"
        "sys.modules['sklearn'] = None  # the factory's model tags without scikit-learn\n"
        "nlp = spacy.blank('en')\n"
        f"nlp.add_pipe('crfner', config={{'model': {model_dir!r}}})\n"
        "doc = nlp('Mutations in BRCA1 cause hereditary breast and ovarian cancer.')\n"
        "print([(e.text, e.label_) for e in doc.ents])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "('hereditary breast and ovarian cancer', 'Disease')" in result.stdout


def test_import_crfner_does_not_import_spacy():
    code = "import sys, crfner\ncrfner.CRFTagger, crfner.tag_text, crfner.tag_documents\nassert 'spacy' not in sys.modules, 'spacy'\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_entities_keep_crfner_offsets_labels_and_scores(model_dir, tagger):
    doc = pipeline(model_dir)(TEXT)
    expected = crfner.tag_text(tagger, TEXT)
    starts, ends = token_boundaries(doc)
    aligned = [e for e in expected if e.start in starts and e.end in ends]
    assert len(aligned) >= 5, expected
    got = {(e.start_char, e.end_char): e for e in doc.ents}
    for entity in aligned:
        span = got[(entity.start, entity.end)]
        assert (span.text, span.label_) == (entity.text, entity.type)
        assert span._.crfner_score == pytest.approx(entity.score)
    # every entity of the doc is one of crfner's (all align here, so nothing expanded)
    assert sorted(got) == sorted((e.start, e.end) for e in expected)
    assert all(0.0 < e._.crfner_score <= 1.0 + 1e-9 for e in doc.ents)


def test_spacy_tokenisation_is_untouched(model_dir):
    tokens = lambda doc: [(t.text, t.idx, t.whitespace_) for t in doc]
    for text in (TEXT, UNALIGNED, "", "   "):
        assert tokens(pipeline(model_dir)(text)) == tokens(spacy.blank("en")(text))


def test_a_span_ending_inside_a_spacy_token_follows_the_alignment_mode(model_dir, tagger):
    entities = {e.text: e for e in crfner.tag_text(tagger, UNALIGNED)}
    # the setting: crfner's entity ends inside spaCy's token "cancer-2" / "HNPCC-1"
    assert {"breast cancer", "HNPCC", "colon cancer"} <= set(entities), entities
    starts, ends = token_boundaries(spacy.blank("en")(UNALIGNED))
    breast, hnpcc, colon = entities["breast cancer"], entities["HNPCC"], entities["colon cancer"]
    assert breast.start in starts and breast.end not in ends
    assert hnpcc.start in starts and hnpcc.end not in ends

    expand = pipeline(model_dir)(UNALIGNED)
    assert [e.text for e in expand.ents] == ["breast cancer-2", "colon cancer", "HNPCC-1"]
    assert [e._.crfner_score for e in expand.ents] == pytest.approx([breast.score, colon.score, hnpcc.score])

    contract = pipeline(model_dir, alignment_mode="contract")(UNALIGNED)
    assert [e.text for e in contract.ents] == ["breast", "colon cancer"]  # no whole token inside "HNPCC"
    assert contract.ents[0]._.crfner_score == pytest.approx(breast.score)

    strict = pipeline(model_dir, alignment_mode="strict")(UNALIGNED)
    assert ents(strict) == [(colon.start, colon.end, "Disease", "colon cancer")]


class Scripted:
    """A tagger seen through predict and predict_marginals: fixed tags and probabilities per token."""

    def __init__(self, tags):
        self.tags = tags  # token -> (tag, probability)

    def predict(self, X):
        return [[self.tags.get(t, ("O", 1.0))[0] for t in s] for s in X]

    def predict_marginals(self, X):
        return [[{self.tags.get(t, ("O", 1.0))[0]: self.tags.get(t, ("O", 1.0))[1]} for t in s] for s in X]


@pytest.mark.parametrize("gene, disease, winner", [(0.6, 0.9, "Disease"), (0.9, 0.6, "Gene"), (0.7, 0.7, "Gene")])
def test_entities_that_overlap_once_expanded_keep_the_higher_score(model_dir, gene, disease, winner):
    nlp = pipeline(model_dir)
    # crfner: "IL" (Gene) and "2 deficiency" (Disease); spaCy: "IL-2" is one token
    tags = {"IL": ("B-Gene", gene), "2": ("B-Disease", disease), "deficiency": ("I-Disease", disease)}
    nlp.get_pipe("crfner").tagger = Scripted(tags)
    text = "IL-2 deficiency"
    assert [(e.text, e.type) for e in crfner.tag_text(Scripted(tags), text)] == [("IL", "Gene"), ("2 deficiency", "Disease")]
    doc = nlp(text)
    expected = {"Disease": ("IL-2 deficiency", disease), "Gene": ("IL-2", gene)}[winner]
    assert [(e.text, e.label_, e._.crfner_score) for e in doc.ents] == [(expected[0], winner, pytest.approx(expected[1]))]


@spacy.language.Language.component("test_crfner_earlier_ents")
def earlier_ents(doc):
    """Sets "ovarian cancer" (inside crfner's "hereditary breast and ovarian cancer") and "BRCA1"."""
    doc.ents = [doc.char_span(13, 18, label="GENE"), doc.char_span(47, 61, label="EARLIER")]
    return doc


@pytest.mark.parametrize("existing", ["keep", "override", "replace"])
def test_entities_set_by_an_earlier_component(model_dir, existing):
    text = TEXT.splitlines()[0] + " No ataxia-telangiectasia was seen."
    nlp = pipeline(model_dir, before="test_crfner_earlier_ents", existing=existing)
    doc = nlp(text)
    found = {(e.text, e.label_): e._.crfner_score for e in doc.ents}
    theirs = {("BRCA1", "GENE"): None, ("ovarian cancer", "EARLIER"): None}
    ours = {("hereditary breast and ovarian cancer", "Disease"), ("ataxia-telangiectasia", "Disease")}
    expected = {
        "keep": set(theirs) | {("ataxia-telangiectasia", "Disease")},
        "override": {("BRCA1", "GENE")} | ours,
        "replace": ours,
    }[existing]
    assert set(found) == expected
    assert all(found[key] is None for key in found if key in theirs)
    assert all(0.5 < found[key] <= 1.0 + 1e-9 for key in found if key in ours)
    assert all(t.ent_iob_ in "BIO" for t in doc)  # every token's state is known once crfner has run


def test_pipe_tags_in_batches_and_agrees_with_one_doc_at_a_time(model_dir, monkeypatch):
    texts = [TEXT, UNALIGNED, "", "No entities here.", "Colon cancer and HNPCC-1.", TEXT.upper()]
    nlp = pipeline(model_dir)
    one_by_one = [[(*x, e._.crfner_score) for x, e in zip(ents(d), d.ents)] for d in map(nlp, texts)]
    calls = []
    original = crfner.spacy.tag_documents
    monkeypatch.setattr(crfner.spacy, "tag_documents", lambda tagger, docs, **kw: calls.append(len(docs)) or original(tagger, docs, **kw))
    batched = list(nlp.pipe(texts, batch_size=4))
    assert calls == [4, 2]
    assert [[(*x, e._.crfner_score) for x, e in zip(ents(d), d.ents)] for d in batched] == [
        [(*x[:4], pytest.approx(x[4])) for x in doc] for doc in one_by_one
    ]


def test_displacy_shows_the_entities(model_dir):
    from spacy import displacy

    doc = pipeline(model_dir)(TEXT)
    html = displacy.render(doc, style="ent", jupyter=False)
    assert len(doc.ents) >= 5
    for ent in doc.ents:
        assert ent.text in html
    assert html.count(">Disease</span>") == len(doc.ents)


def test_a_bad_model_path_is_crfners_one_line_error(tmp_path):
    missing = tmp_path / "no-model"
    with pytest.raises(crfner.ModelFileError) as caught:
        pipeline(str(missing))
    assert str(caught.value) == f"{missing}: no such model directory (expected a CRF model)"
    (tmp_path / "empty").mkdir()
    with pytest.raises(crfner.ModelFileError, match="empty") as caught:
        pipeline(str(tmp_path / "empty"))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("option", [{"alignment_mode": "loose"}, {"existing": "merge"}, {"batch_size": 0}])
def test_unknown_options_are_refused_before_the_model_is_read(tmp_path, option):
    with pytest.raises(ValueError, match=next(iter(option))):
        pipeline(str(tmp_path / "no-model"), **option)


def test_labels_and_direct_construction(tagger):
    component = CrfnerComponent(tagger)
    assert component.labels == ("Disease",)
    doc = component(spacy.blank("en")("Patients with colon cancer."))
    assert ents(doc) == [(14, 26, "Disease", "colon cancer")]


DISEASES = {"Disease": [("colon cancer", "MESH:D003110"), ("alzheimer disease", "MESH:D000544"), ("ovarian cancer", "MESH:D010051"),
                        ("breast cancer", "MESH:D001943"), ("ataxia telangiectasia", "MESH:D001260")]}


@pytest.fixture(scope="module")
def disease_linker(tmp_path_factory):
    """A linker fitted on five disease names, and where it is saved."""
    from crfner.link import Linker

    linker = Linker().fit(vocabularies=DISEASES)
    path = tmp_path_factory.mktemp("spacy-linker") / "diseases"
    linker.save(path)
    return linker, str(path)


def test_a_linker_sets_each_entitys_concept(model_dir, tagger, disease_linker):
    linker, path = disease_linker
    nlp = pipeline(model_dir, linker=path)
    doc = nlp(TEXT)
    expected = {(e.start, e.end): e for e in crfner.tag_text(tagger, TEXT, linker=linker)}
    assert any(e.identifier for e in expected.values()), "the linker found none of the five diseases"
    for span in doc.ents:
        entity = expected[span.start_char, span.end_char]
        assert span._.crfner_concept == entity.identifier
        assert span._.crfner_concept_score == entity.link_score
        assert span._.crfner_score == pytest.approx(entity.score)
    colon = [s for s in doc.ents if s.text == "colon cancer"]
    assert [s._.crfner_concept for s in colon] in ([], ["MESH:D003110"])
    # nlp.pipe links too, in its batches; and without a linker no span has a concept
    assert [[(s.start_char, s._.crfner_concept, s._.crfner_concept_score) for s in d.ents] for d in nlp.pipe([TEXT, UNALIGNED])] == [
        [(s.start_char, s._.crfner_concept, s._.crfner_concept_score) for s in d.ents] for d in map(nlp, [TEXT, UNALIGNED])]
    assert all(s._.crfner_concept is None and s._.crfner_concept_score is None for s in pipeline(model_dir)(TEXT).ents)


def test_a_bad_linker_path_is_crfners_one_line_error(model_dir, tmp_path):
    with pytest.raises(crfner.ModelFileError) as caught:
        pipeline(model_dir, linker=str(tmp_path / "no-linker"))
    assert "\n" not in str(caught.value) and "no-linker" in str(caught.value)


def test_negation_sets_each_entitys_negated_and_cue(model_dir, tagger):
    from crfner.assertion import negations

    text = "No evidence of breast cancer was found. Her sister had ovarian cancer and no colon cancer."
    doc = pipeline(model_dir, negation=True)(text)
    found = crfner.tag_text(tagger, text)
    expected = {(e.start, e.end): n for e, n in zip(found, negations(text, found))}
    assert doc.ents and any(n.negated for n in expected.values()) and not all(n.negated for n in expected.values())
    for span in doc.ents:
        negation = expected[(span.start_char, span.end_char)]
        assert (span._.crfner_negated, span._.crfner_negation_cue) == (negation.negated, negation.cue)
    assert all(span._.crfner_negated is None for span in pipeline(model_dir)(text).ents)
    only = pipeline(model_dir, negation=["Disease"])(text)  # the types to negate: the model's one
    assert [(s.start_char, s._.crfner_negated) for s in only.ents] == [(s.start_char, s._.crfner_negated) for s in doc.ents]
    with pytest.raises(ValueError, match=r"negation types: Chemical is not among the model's types \(Disease\)"):
        pipeline(model_dir, negation=["Chemical"])
    from thinc.api import ConfigValidationError

    for bad in ("Chemical", [], [3]):  # spaCy's config check, or the component's
        with pytest.raises((ValueError, ConfigValidationError), match="negation"):
            pipeline(model_dir, negation=bad)


def test_sections_set_each_entitys_note_section(model_dir, tagger):
    from crfner.assertion import entity_sections

    text = "HPI: breast cancer and colon cancer .\nHTN: ovarian cancer .\nFAMILY HISTORY: colon cancer .\n"
    doc = pipeline(model_dir, sections=True, splitter="notes")(text)
    found = crfner.tag_text(tagger, text, splitter="notes")
    expected = dict(zip(((e.start, e.end) for e in found), entity_sections(text, found)))
    assert doc.ents and {"HPI", "FAMILY HISTORY"} <= set(expected.values())
    for span in doc.ents:
        assert span._.crfner_section == expected[(span.start_char, span.end_char)]
    assert all(span._.crfner_section is None for span in pipeline(model_dir, splitter="notes")(text).ents)
    from thinc.api import ConfigValidationError

    with pytest.raises((ValueError, ConfigValidationError), match="sections"):
        pipeline(model_dir, sections="yes")


def test_a_saved_pipeline_refers_to_the_model_by_its_path(model_dir, tmp_path):
    """``nlp.to_disk`` writes the model's path into the pipeline's config and copies none of its files;
    ``spacy.load`` reads the model from that path again."""
    nlp = pipeline(model_dir)
    nlp.to_disk(tmp_path / "pipeline")
    saved = {p.name for p in (tmp_path / "pipeline").rglob("*") if p.is_file()}
    model_files = {p.name for p in Path(model_dir).iterdir()}
    assert "crfner.json" in model_files and not saved & model_files
    assert f"model = \"{model_dir}\"" in (tmp_path / "pipeline" / "config.cfg").read_text(encoding="utf-8")
    assert ents(spacy.load(tmp_path / "pipeline")(TEXT)) == ents(nlp(TEXT))


def test_keep_adds_each_entity_that_overlaps_no_earlier_one(tagger):
    """Two of crfner's entities that overlap once grown to spaCy's tokens: the higher-scored one meets an earlier
    entity and is left out; the other, which overlaps nothing earlier, is added (it was lost with the first)."""
    from spacy.tokens import Doc, Span

    from crfner.corpora.documents import Mention

    doc = Doc(spacy.blank("en").vocab, words=["breast", "cancer and colon", "cancer", "."], spaces=[True, True, False, False])
    doc.ents = [Span(doc, 0, 1, label="EARLIER")]
    entities = [Mention(0, 13, "Disease", "breast cancer", score=0.8), Mention(18, 30, "Disease", "colon cancer", score=0.6)]
    CrfnerComponent(tagger).set_entities(doc, entities)
    assert [(e.text, e.label_) for e in doc.ents] == [("breast", "EARLIER"), ("cancer and colon cancer", "Disease")]


def test_labels_of_a_model_fitted_on_iobes_tags():
    """labels read only B- and I- tags: a type an IOBES model gives only as S- (one token) was missing."""
    X = [["aspirin", "helps", "colon", "cancer"], ["no", "aspirin", "given"]] * 2
    y = [["S-Chemical", "O", "B-Disease", "E-Disease"], ["O", "S-Chemical", "O"]] * 2
    component = CrfnerComponent(crfner.CRFTagger(max_iterations=30).fit(X, y))
    assert component.labels == ("Chemical", "Disease")
    assert {e.label_ for e in component(spacy.blank("en")("aspirin helps colon cancer")).ents} <= set(component.labels)


def test_a_tie_keeps_the_entity_that_starts_first_in_any_order():
    """The tie rule leaned on the entities coming in text order: set_entities given them in reverse kept the later one."""
    from crfner.corpora.documents import Mention

    nlp = spacy.blank("en")
    component = CrfnerComponent(Scripted({}))
    entities = [Mention(0, 2, "Gene", "IL", score=0.7), Mention(3, 15, "Disease", "2 deficiency", score=0.7)]
    for order in (entities, entities[::-1]):
        assert [(e.text, e.label_) for e in component.set_entities(nlp("IL-2 deficiency"), order).ents] == [("IL-2", "Gene")]


def test_hypothetical_says_which_entities_are_only_conditions(model_dir, tagger):
    from crfner.assertion import hypotheticals

    text = "Return if breast cancer or colon cancer recurs .\nShe had ovarian cancer .\n"
    doc = pipeline(model_dir, hypothetical=True, splitter="notes")(text)
    found = crfner.tag_text(tagger, text, splitter="notes")
    expected = dict(zip(((e.start, e.end) for e in found), hypotheticals(text, found, splitter="notes")))
    assert doc.ents and {h.hypothetical for h in expected.values()} == {True, False}
    for span in doc.ents:
        condition = expected[(span.start_char, span.end_char)]
        assert (span._.crfner_hypothetical, span._.crfner_hypothetical_cue) == (condition.hypothetical, condition.cue)
    assert all(span._.crfner_hypothetical is None for span in pipeline(model_dir, splitter="notes")(text).ents)
    from thinc.api import ConfigValidationError

    with pytest.raises((ValueError, ConfigValidationError), match="hypothetical"):
        pipeline(model_dir, hypothetical="yes")
