"""Section context: each token of a note learns the heading it falls under, read across the
document's sentences; a CRF can then tell the same word apart by its section."""

from __future__ import annotations

import pytest

import crfner
from crfner import CRFTagger
from crfner.featurize.sections import section_features, section_name
from crfner.text import note_sentences

NOTE = "Pt seen today.\nALLERGIES:\nPenicillin\nDISCHARGE MEDICATIONS:\n1. Aspirin 81 mg\nCARDIOLOGY FOLLOW UP\nin 2 weeks"


def _sentences(text: str) -> list[list[str]]:
    return [[t.text for t in s] for s in note_sentences(text, markers=False)]


def test_each_token_gets_the_heading_above_it():
    sentences = _sentences(NOTE)
    found = section_features(sentences)
    by_word = {w: dict(p) for s, f in zip(sentences, found) for w, p in zip(s, f)}
    assert by_word["Pt"] == {} and by_word["today"] == {}  # above the first heading
    assert by_word["ALLERGIES"] == {"heading": 1.0, "section": "allergies"}
    assert by_word["Penicillin"] == {"section": "allergies"}
    assert by_word["Aspirin"] == by_word["mg"] == {"section": "discharge_medications"}
    assert by_word["weeks"] == {"section": "other"}  # an ALL-CAPS heading the splitter does not know by name
    assert [len(f) for f in found] == [len(s) for s in sentences]


def test_heading_names_fold_case_spaces_and_the_colon():
    assert section_name(["Discharge", "Medications", ":"]) == "discharge_medications"
    assert section_name(["A", "/", "P", ":"]) == "a/p"
    assert section_name(["WOUND", "CARE"]) == "other"


def test_names_the_splitter_learned_later_leave_a_saved_models_features_as_they_were():
    from crfner.text.section_names import ADDED_SECTION_NAMES, FEATURE_SECTION_NAMES, SECTION_NAMES

    assert SECTION_NAMES == FEATURE_SECTION_NAMES | ADDED_SECTION_NAMES
    assert not ADDED_SECTION_NAMES & FEATURE_SECTION_NAMES
    assert section_name(["TECHNIQUE", ":"]) == section_name(["S", ":"]) == "other"  # known to the splitter only
    assert section_name(["Allergies", ":"]) == "allergies"
    # the splitter now cuts "Technique" off as a heading; as a sentence of its own it was no heading to the features
    sentences = [["Technique"], ["Axial", "images"]]
    assert section_features(sentences) == [[[]], [[], []]]
    assert [t.text for t in note_sentences("Technique\nAxial images")[0]] == ["Technique"]
    # nor when it learns a list marker: to the features a checkbox line in capitals is still a heading
    from crfner.text.notes import is_heading_line

    assert is_heading_line("[ ] FEVER CHILLS", names=FEATURE_SECTION_NAMES)
    assert not is_heading_line("[ ] FEVER CHILLS")


def _set(sections: bool) -> dict:
    spec = crfner.load_feature_set("tutorial").to_dict()
    spec["name"] = "sections" if sections else "plain"
    if sections:
        spec["sections"] = {"context": True}
    return spec


def _notes(n: int) -> tuple[list, list, list]:
    """Notes where the drug under ALLERGIES is an allergen and under MEDICATIONS a medication."""
    X, y, ids = [], [], []
    for k in range(n):
        drug = ["Penicillin", "Aspirin", "Heparin", "Codeine"][k % 4]
        for tokens, tags in ((["ALLERGIES", ":"], ["O", "O"]), ([drug], ["B-Allergen"]),
                             (["MEDICATIONS", ":"], ["O", "O"]), ([drug], ["B-Medication"])):
            X.append(tokens)
            y.append(tags)
            ids.append(f"note{k}")
    return X, y, ids


def test_a_crf_tells_a_word_apart_by_its_section():
    X, y, ids = _notes(40)
    with_sections = CRFTagger(features=_set(True), max_iterations=50).fit(X, y, documents=ids)
    without = CRFTagger(features=_set(False), max_iterations=50).fit(X, y, documents=ids)
    note = "ALLERGIES:\nCodeine\nMEDICATIONS:\nCodeine"
    kinds = [(e.text, e.type) for e in with_sections.tag_text(note, splitter="notes")]
    assert kinds == [("Codeine", "Allergen"), ("Codeine", "Medication")]
    assert len({e.type for e in without.tag_text(note, splitter="notes")}) == 1  # the word alone cannot tell
    assert with_sections.predict(X[:4], documents=ids[:4]) == y[:4]
    # the explanation names the section and shows the heading's feature among those that chose the type
    explanation = crfner.explain(with_sections, note, splitter="notes", sections=True)
    assert [e.section for e in explanation.entities] == [{"section": "ALLERGIES"}, {"section": "MEDICATIONS"}]
    for entity in explanation.entities:
        assert "sections" in {c.family for c in entity.tokens[0].features}


def test_an_all_caps_heading_is_found_before_truecasing_hides_it():
    spec = _set(True)
    spec["casing"] = {"truecase": True}
    X, y, ids = _notes(8)
    tagger = CRFTagger(features=spec, max_iterations=20).fit(X, y, documents=ids)
    featurizer = tagger.feature_set_.featurizer(tagger.resources_)
    (heading, item) = featurizer.document([["WOUND", "CARE", ":"], ["daily"]])
    assert heading[0]["heading"] == 1.0 and item[0]["section"] == "other"


def test_the_clinical_corpora_have_no_headings_so_the_clinical_set_tags_them_as_without(data_dir):
    from crfner.text.notes import is_heading_line
    from crfner.text.section_names import FEATURE_SECTION_NAMES

    assert crfner.load_feature_set("clinical").sections == {"context": True}
    if not (data_dir / "clinical" / "MACCROBAT2020").is_dir():
        pytest.skip("MACCROBAT2020 is not in the data folder")
    for corpus in ("maccrobat", "phee"):
        X, _ = crfner.load_corpus(corpus, "train+devel+test", data_dir=data_dir)
        assert not any(is_heading_line(" ".join(s)) or is_heading_line(" ".join(s), names=FEATURE_SECTION_NAMES)
                       for s in X if s)
