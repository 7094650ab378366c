"""The concept linker: normal forms, each stage, NIL, the files (no pickle, crafted ones refused)."""

from __future__ import annotations

import gzip
import json
import os
import shutil

import pytest
from conftest import rehash_listed_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crfner.corpora.documents import Document, Mention
from crfner.errors import DataFormatError, ModelFileError, NotFittedError, ParameterError
from crfner.link import NIL, Linker, Term, concept_id, concept_ids
from crfner.link.linker import Link
from crfner.corpora.abbreviation_senses import inventory_rows, inventory_spellings, read_senses, read_spellings, sense_table
from crfner.link.build import build_linker, vocabulary_terms
from crfner.link.composite import readings
from crfner.link.normalize import bag_form, normal_form
from crfner.link.vocabulary import read_medic, read_mesh, read_term_list

DISEASES = [
    Term("Myocardial Infarction", "MESH:D009203", True), Term("Heart Attack", "MESH:D009203"),
    Term("Breast Neoplasms", "MESH:D001943", True), Term("breast cancer", "MESH:D001943"),
    Term("Ovarian Neoplasms", "MESH:D010051", True), Term("ovarian cancer", "MESH:D010051"),
    Term("Muscular Dystrophy, Duchenne", "MESH:D020388", True),
    Term("Diabetes Mellitus, Type 2", "MESH:D003924", True),
    Term("Hepatitis B", "MESH:D006509", True), Term("Hepatitis C", "MESH:D006526", True),
    Term("Anemia, Hemolytic", "MESH:D000743", True),
    Term("Psychotic Disorders", "MESH:D011618", True), Term("Psychosis", "MESH:D011618", True), Term("Psychoses, Substance-Induced", "MESH:D011605", True),
    Term("psychosis", "MESH:D011605"),
]
CHEMICALS = [Term("Aspirin", "MESH:D001241", True), Term("Acetylsalicylic Acid", "MESH:D001241"), Term("Tumor Necrosis Factor-alpha", "MESH:D014409", True)]


def _document(text: str, *spans: tuple[str, str, str]) -> Document:
    """A document whose mentions are the first occurrence of each (string, type, id)."""
    mentions, start = [], 0
    for string, etype, identifier in spans:
        begin = text.index(string, start)
        mentions.append(Mention(begin, begin + len(string), etype, string, identifier))
        start = begin + len(string)
    return Document("doc", text, mentions)


@pytest.fixture(scope="module")
def linker() -> Linker:
    training = [_document("Substance-induced psychosis was seen.", ("psychosis", "Disease", "D011605"))]
    return Linker(threshold=0.6).fit({"Disease": DISEASES, "Chemical": CHEMICALS}, training)


# -- normal forms -----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Non-Hodgkin's lymphomas", "non hodgkin lymphoma"),  # possessive, hyphen, plural
    ("type II diabetes", "Type 2 Diabetes"),  # Roman numeral
    ("TNF-α", "TNF alpha"),  # Greek letter
    ("anaemia", "anemia"), ("oedema", "edema"), ("tumours", "tumor"),  # British spelling
    ("œdema", "edema"), ("diarrhœa", "diarrhea"), ("Senior-Løken syndrome", "Senior Loken syndrome"),  # letters NFKD keeps whole
    ("Mohr-Tranebjærg syndrome", "Mohr Tranebjaerg syndrome"), ("Straße", "Strasse"),
    ("factor V deficiency", "factor 5 deficiency"),  # a short numeral after a word that takes one
])
def test_normal_form_makes_spellings_equal(a, b):
    assert normal_form(a) == normal_form(b)


def test_normal_form_keeps_what_differs():
    assert normal_form("vitamin A") != normal_form("vitamin 1")  # "A" is no numeral
    assert normal_form("diabetes") == "diabetes"  # not a plural
    assert normal_form("hepatitis") != normal_form("hepatiti")


def test_bag_form_ignores_word_order_and_stopwords():
    assert bag_form("lymphoma, non-Hodgkin") == bag_form("non-Hodgkin lymphoma")
    assert bag_form("cancer of the breast") == bag_form("breast cancer")
    assert bag_form("breast cancer") != bag_form("breast")


def test_composite_readings_share_a_head_or_a_modifier():
    assert readings("breast and ovarian cancer")[0] == ["breast cancer", "ovarian cancer"]
    assert ["hepatitis B", "hepatitis C"] in readings("hepatitis B and C")
    assert readings("myocardial infarction") == []


# -- stages -----------------------------------------------------------------------------------

def test_exact_normalised_and_bag_lookups(linker):
    assert linker.link("heart attack", "Disease") == linker.link("Heart Attack", "Disease")
    assert linker.link("heart attack", "Disease").identifiers == ("MESH:D009203",)
    assert linker.link("heart attack", "Disease").method == "exact"
    found = linker.link("myocardial infarctions", "Disease")
    assert (found.identifiers, found.method) == (("MESH:D009203",), "normal")
    found = linker.link("type II diabetes mellitus", "Disease")
    assert (found.identifiers, found.method) == (("MESH:D003924",), "bag")
    assert linker.link("tumour necrosis factor-α", "Chemical").identifiers == ("MESH:D014409",)


def test_scores_fall_with_tolerance(linker):
    exact, normal, bag = (linker.link(s, "Disease").score for s in ("Heart Attack", "myocardial infarctions", "type II diabetes mellitus"))
    assert 1 >= exact > normal > bag > 0


def test_training_mentions_decide_an_ambiguous_name(linker):
    # "psychosis" names two descriptors; the one annotators chose in training wins
    found = linker.link("psychosis", "Disease")
    assert found.identifiers == ("MESH:D011605",)
    assert found.method == "training_exact"
    without = Linker(threshold=0.6).fit({"Disease": DISEASES})
    assert without.link("psychosis", "Disease").identifiers == ("MESH:D011618",)  # its own heading (preferred)


def test_a_defined_short_form_is_linked_through_its_long_form(linker):
    text = "Duchenne muscular dystrophy (DMD) is inherited. Boys with DMD lose strength."
    second = text.rindex("DMD")
    found = linker.link_spans(text, [(second, second + 3, "Disease")])[0]
    assert found.identifiers == ("MESH:D020388",)
    assert found.method == "abbreviation"
    assert linker.link("DMD", "Disease") == NIL  # alone, nothing defines it
    off = Linker(threshold=None, abbreviations=False).fit({"Disease": DISEASES})
    assert off.link_spans(text, [(second, second + 3, "Disease")])[0] == NIL


def test_each_short_form_gets_its_own_long_form_when_definitions_crowd():
    from crfner.link.abbreviations import DocumentAbbreviations

    # Both definitions fall in one window before "(CHD)"; each short form keeps its own.
    text = ("Plasma high density lipoprotein (HDL) levels show an inverse relationship with coronary heart "
            "disease (CHD). CHD and HDL were measured.")
    found = DocumentAbbreviations(text)
    assert found.get("CHD") == "coronary heart disease"
    assert found.get("HDL") == "high density lipoprotein"
    assert found.as_dict() == {"HDL": "high density lipoprotein", "CHD": "coronary heart disease"}


def test_composite_mentions_get_one_id_per_name(linker):
    found = linker.link("breast and ovarian cancer", "Disease")
    assert found.identifiers == ("MESH:D001943", "MESH:D010051")
    assert found.identifier == "MESH:D001943|MESH:D010051"
    assert found.method == "composite"
    assert linker.link("hepatitis B and C", "Disease").identifiers == ("MESH:D006509", "MESH:D006526")
    assert Linker(threshold=None, composites=False).fit({"Disease": DISEASES}).link("breast and ovarian cancer", "Disease") == NIL


def test_tfidf_fallback_links_near_names_and_leaves_far_ones_nil(linker):
    near = linker.link("hemolytic anaemias, acquired", "Disease")
    assert near.identifiers == ("MESH:D000743",)
    assert near.method == "tfidf"
    assert 0.6 <= near.score < 1
    assert linker.link("zzqx wobble", "Disease") == NIL
    strict = Linker(threshold=0.999).fit({"Disease": DISEASES})
    assert strict.link("hemolytic anaemias, acquired", "Disease") == NIL
    assert Linker(threshold=None).fit({"Disease": DISEASES}).link("hemolytic anaemias, acquired", "Disease") == NIL


def test_a_type_the_linker_does_not_know_is_nil(linker):
    assert linker.link("aspirin", "Gene") == NIL
    assert linker.link("aspirin", "Chemical").identifiers == ("MESH:D001241",)


def test_link_document_sets_identifier_and_link_score(linker):
    text = "Aspirin after a heart attack; no zzqx wobble."
    document = Document("d1", text, [Mention(0, 7, "Chemical", "Aspirin"), Mention(16, 28, "Disease", "heart attack"),
                                     Mention(33, 44, "Disease", "zzqx wobble")])
    linked = linker.link_document(document)
    assert [m.identifier for m in linked.mentions] == ["MESH:D001241", "MESH:D009203", None]
    assert linked.mentions[0].link_score == pytest.approx(0.98)
    assert linked.mentions[2].link_score is None
    assert [(m.start, m.end, m.type, m.text) for m in linked.mentions] == [(m.start, m.end, m.type, m.text) for m in document.mentions]


def test_link_spans_answers_every_span_in_order(linker):
    text = "heart attack and heart attack, then aspirin"
    spans = [(0, 12, "Disease"), (17, 29, "Disease"), (36, 43, "Chemical"), (36, 43, "Gene")]
    links = linker.link_spans(text, spans)
    assert [link.identifier for link in links] == ["MESH:D009203", "MESH:D009203", "MESH:D001241", None]


def test_ids_are_split_and_prefixed():
    assert concept_id(" D009203 ") == "MESH:D009203"
    assert concept_id("OMIM:164400") == "OMIM:164400"
    assert concept_ids("D001943|D010051") == ["MESH:D001943", "MESH:D010051"]
    assert concept_ids("D007674+D006222") == ["MESH:D007674", "MESH:D006222"]
    assert concept_ids("-1") == [] and concept_ids(None) == []


def test_parameters_follow_scikit_learn():
    linker = Linker(threshold=0.7)
    assert linker.get_params()["threshold"] == 0.7
    assert linker.set_params(threshold=0.9).threshold == 0.9
    with pytest.raises(ValueError):
        linker.set_params(nonsense=1)
    assert not hasattr(Linker(), "tables_")  # nothing learned in __init__


@pytest.mark.parametrize("params", [{"threshold": -1}, {"threshold": 1.5}, {"threshold": "0.5"}, {"broader": None},
                                    {"heads": "no"}, {"type_aliases": {"Medication": "Drug"}}])
def test_set_params_refuses_what_fit_refuses(params):
    """A fitted linker links with what set_params gives it at once: a threshold of -1 linked "zzz
    heart" to Heart Attack, "0.5" raised a TypeError at linking, an unknown alias type went NIL."""
    fitted = Linker(threshold=0.6).fit({"Disease": DISEASES})
    with pytest.raises(ParameterError, match=next(iter(params))):
        fitted.set_params(**params)
    assert fitted.get_params()["threshold"] == 0.6 and fitted.link("zzz heart", "Disease") == NIL


# -- vocabularies -----------------------------------------------------------------------------

def test_medic_reader_gives_names_and_synonyms(tmp_path):
    path = tmp_path / "CTD_diseases.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("# comment\nHeart Attack X\tMESH:D009203\t\t\t\t\t\tMI|myocardial infarct\tslim\n")
    terms = list(read_medic(path))
    assert terms == [Term("Heart Attack X", "MESH:D009203", True), Term("MI", "MESH:D009203"), Term("myocardial infarct", "MESH:D009203")]


def test_vocabulary_readers_name_the_file_and_line(tmp_path):
    medic = tmp_path / "medic.tsv"
    medic.write_text("ok\tMESH:D1\t\t\t\t\t\t\n# c\nbroken line\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"medic\.tsv, line 3: a MEDIC line needs 8"):
        list(read_medic(medic))
    terms = tmp_path / "terms.tsv"
    terms.write_text("aspirin\tD001241\nno tab here\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"terms\.tsv, line 2"):
        list(read_term_list(terms))
    with pytest.raises(ParameterError, match="unknown vocabulary"):
        vocabulary_terms("nonsense", tmp_path)


def test_mesh_reader_keeps_the_branches_asked_for(tmp_path):
    path = tmp_path / "mesh.tsv"
    path.write_text("MESH:D001241\tAspirin\tY\tN\nMESH:D009203\tMyocardial Infarction\tY\tN\nMESH:D009203\tHeart Attack\tN\tN\n", encoding="utf-8")
    trees = {"MESH:D001241": ["D02.455"], "MESH:D009203": ["C14.280"]}
    assert [t.name for t in read_mesh(path, ("D",), trees)] == ["Aspirin"]
    assert [t.name for t in read_mesh(path, ("C",), trees)] == ["Myocardial Infarction", "Heart Attack"]
    assert [t.preferred for t in read_mesh(path)] == [True, True, False]


def test_mesh_branches_read_together_are_those_read_apart(tmp_path):
    """vocabulary_table reads MeSH's term file once for all its branches: each type gets the
    terms, in the file's order, that reading its branch alone gives."""
    from crfner.link.build import vocabulary_table
    from crfner.link.vocabulary import mesh_terms, mesh_terms_by_type

    (tmp_path / "vocabularies").mkdir()
    (tmp_path / "gazetteers").mkdir()
    (tmp_path / "vocabularies" / "mesh2024_descriptor_terms.tsv").write_text(
        "MESH:D001241\tAspirin\tY\tN\nMESH:D009203\tMyocardial Infarction\tY\tN\nMESH:D014057\tCT X Ray\tN\tN\n"
        "MESH:D009203\tHeart Attack\tN\tN\nMESH:D001132\tArm\tY\tN\n", encoding="utf-8")
    (tmp_path / "gazetteers" / "mesh_tree_numbers.tsv").write_text(
        "MESH:D001241\tD02.455\nMESH:D009203\tC14.280\nMESH:D014057\tE01.370.350\nMESH:D001132\tA01.378.800.075\n", encoding="utf-8")
    types = ["Chemical", "Disease", "Procedure", "Anatomy"]
    together = mesh_terms_by_type(tmp_path, types)
    assert together == {etype: list(mesh_terms(tmp_path, etype)) for etype in types}
    assert [t.name for t in together["Disease"]] == ["Myocardial Infarction", "Heart Attack"]
    table = vocabulary_table(["mesh-procedures", "clinical-procedures", "mesh"], tmp_path)
    assert [t.name for t in table["Procedure"]][:2] == ["CT X Ray", "computed tomography"]  # in the order the specs name them
    assert [t.name for t in table["Chemical"]] == ["Aspirin"]


def test_build_linker_from_a_data_folder(tmp_path):
    (tmp_path / "vocabularies").mkdir()
    (tmp_path / "gazetteers").mkdir()
    (tmp_path / "vocabularies" / "mesh2024_descriptor_terms.tsv").write_text("MESH:D001241\tAspirin\tY\tN\n", encoding="utf-8")
    (tmp_path / "gazetteers" / "mesh_tree_numbers.tsv").write_text("MESH:D001241\tD02.455\n", encoding="utf-8")
    extra = tmp_path / "genes.tsv"
    extra.write_text("BRCA1\tNCBIGene:672\n", encoding="utf-8")
    linker = build_linker(tmp_path, corpora=(), vocabularies=("mesh", f"Gene={extra}"))
    assert linker.link("aspirin", "Chemical").identifier == "MESH:D001241"
    assert linker.link("BRCA1", "Gene").identifier == "NCBIGene:672"


# -- files ------------------------------------------------------------------------------------

CASES = [("heart attack", "Disease"), ("breast and ovarian cancer", "Disease"), ("hemolytic anaemias, acquired", "Disease"),
         ("psychosis", "Disease"), ("TNF-α", "Chemical"), ("zzqx", "Disease")]


def test_save_and_load_give_the_same_links(linker, tmp_path):
    linker.save(tmp_path / "linker")
    loaded = Linker.load(tmp_path / "linker")
    assert loaded.get_params() == linker.get_params()
    assert [loaded.link(s, t) for s, t in CASES] == [linker.link(s, t) for s, t in CASES]
    assert not any(name.endswith((".pkl", ".pickle", ".joblib")) for name in os.listdir(tmp_path / "linker"))
    with pytest.raises(ModelFileError):
        linker.save(tmp_path / "linker")  # no silent overwrite
    linker.save(tmp_path / "linker", overwrite=True)


def test_an_unfitted_linker_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError):
        Linker().save(tmp_path / "x")


def test_damaged_linkers_are_refused_in_one_line(linker, tmp_path):
    saved = tmp_path / "linker"
    linker.save(saved)
    with pytest.raises(ModelFileError, match=r"no such model directory \(expected a concept linker\)"):
        Linker.load(tmp_path / "missing")
    (saved / "tables.json").write_bytes(b"[]" + (saved / "tables.json").read_bytes()[2:])
    with pytest.raises(ModelFileError, match="tables.json"):
        Linker.load(saved)


@pytest.fixture(scope="module")
def saved_linker(linker, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "linker"
    small = Linker(threshold=0.6, type_aliases={"Medication": "Chemical", "Sign_symptom": "Disease"})
    procedures = [Term("X-Ray Computed Tomography", "MESH:D014057", True), Term("4D Computed Tomography", "MESH:D056973", True)]
    small = small.fit({"Disease": DISEASES[:6], "Chemical": CHEMICALS[:1], "Procedure": procedures}, senses={"mi": [("myocardial infarction", 1.0)]},
                      parents={"MESH:D056973": ["MESH:D014057"], "MESH:D001943": ["MESH:D009203"]})
    assert small.link("computed tomography", "Procedure").method == "tfidf_broader"  # the fuzzing reaches the hierarchy
    small.save(path)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_crafted_linker_files_load_or_fail_cleanly(saved_linker, tmp_path, data):
    folder = tmp_path / "crafted"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(saved_linker, folder)
    names = sorted(os.listdir(folder))
    name = data.draw(st.sampled_from(names))
    raw = bytearray((folder / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        if raw and data.draw(st.booleans()):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        else:
            cut = data.draw(st.integers(0, len(raw)))
            raw = raw[:cut] + bytearray(data.draw(st.binary(max_size=8))) + raw[cut:]
    (folder / name).write_bytes(bytes(raw))
    if name != "crfner.json" and data.draw(st.booleans()):
        rehash_listed_files(folder)  # past the hash check: the content checks must hold on their own
    try:
        loaded = Linker.load(folder)
    except ModelFileError as error:
        assert "\n" not in str(error)
        return
    for mention, etype in [*CASES, ("aspirin", "Medication"), ("MI", "Disease"), ("computed tomography", "Procedure")]:  # whatever loads must link
        found = loaded.link(mention, etype)
        assert all(isinstance(i, str) for i in found.identifiers)


@pytest.mark.parametrize("aliases", [["Medication", "Chemical"], {"Medication": 3}, {"Medication": "Drug"}, "Chemical"])
def test_crafted_type_aliases_are_refused_in_one_line(saved_linker, tmp_path, aliases):
    folder = tmp_path / "crafted"
    shutil.copytree(saved_linker, folder)
    meta = json.loads((folder / "crfner.json").read_text(encoding="utf-8"))
    meta["parameters"]["type_aliases"] = aliases
    (folder / "crfner.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelFileError, match="type_aliases") as error:
        Linker.load(folder)
    assert "\n" not in str(error.value) and str(folder) in str(error.value)


def _scaled(folder, suffix: str, factor: float) -> None:
    """Every index's ``suffix`` array (``data``, ``idf``) multiplied by ``factor``."""
    import numpy as np

    for path in folder.glob(f"index-*.{suffix}"):
        path.write_bytes((np.frombuffer(path.read_bytes(), dtype="<f4") * factor).astype("<f4").tobytes())


def _empty_ids(folder) -> None:
    for path in folder.glob("index-*.json"):
        strings = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**strings, "ids": [""] * len(strings["ids"])}), encoding="utf-8")


@pytest.mark.parametrize("fit, message", [
    ({"vocabularies": {None: DISEASES}}, "vocabularies: a type is a name"),  # saved, then refused by its own load
    ({"vocabularies": {1: DISEASES, "Chemical": CHEMICALS}}, "vocabularies: a type is a name"),  # TypeError at save
    ({"vocabularies": {"": DISEASES}}, "vocabularies: a type is a name"),
    ({"vocabularies": [("heart attack", "MESH:D009203")]}, "vocabularies must map"),  # AttributeError
    ({"documents": [_document("A heart attack.", ("heart attack", "Disease", "D009203"))], "type_map": {"Disease": ("Disease",)}},
     "type_map: a type is a name"),  # TypeError at save
    # a parent given as a string was read as its characters and dropped, so the broader rule had no hierarchy
    ({"vocabularies": {"Disease": DISEASES}, "parents": {"MESH:D009203": "MESH:D006331"}},
     "parents: the parents of 'MESH:D009203' must be a list of ids, not 'MESH:D006331'"),
    ({"vocabularies": {"Disease": DISEASES}, "senses": {"htn": [("hypertension", "x")]}},
     r"senses: 'htn': each sense is a \(name, share\) pair"),  # "could not convert string to float: 'x'"
    ({"vocabularies": {"Disease": DISEASES}, "senses": {"htn": ("hypertension", 0.9)}}, "senses: 'htn'"),
    ({"vocabularies": {"Disease": DISEASES}, "senses": {"htn": [("hypertension", -1.0)]}}, "senses: 'htn'"),
])
def test_fit_refuses_types_that_are_no_names(tmp_path, fit, message):
    with pytest.raises(ValueError, match=message):
        Linker().fit(**fit).save(tmp_path / "linker")
    assert not (tmp_path / "linker").exists()


@pytest.mark.parametrize("craft, problem", [
    (lambda folder: _scaled(folder, "data", 50.0), "name matrix"),  # linked "computed tomography" with a score of 40
    (lambda folder: _scaled(folder, "data", -1.0), "name matrix"),
    (lambda folder: _scaled(folder, "idf", 1e38), "idf"),
    (lambda folder: _scaled(folder, "idf", 0.0), "idf"),
    (_empty_ids, "ids"),  # linked with a score but no identifier
])
def test_crafted_index_values_are_refused_in_one_line(saved_linker, tmp_path, craft, problem):
    """A saved index whose numbers are no TF-IDF of names (rows longer than one, negative weights,
    an idf scikit-learn never gives) would give similarities, and link scores, outside 0 to 1."""
    folder = tmp_path / "crafted"
    shutil.copytree(saved_linker, folder)
    craft(folder)
    rehash_listed_files(folder)
    with pytest.raises(ModelFileError, match=problem) as error:
        Linker.load(folder)
    assert "\n" not in str(error.value) and str(folder) in str(error.value)


def test_type_aliases_link_a_taggers_types_under_the_linkers_own(tmp_path):
    aliases = {"Medication": "Chemical", "Sign_symptom": "Disease", "Disease_disorder": "Disease"}
    plain = Linker().fit({"Disease": DISEASES, "Chemical": CHEMICALS})
    aliased = Linker(type_aliases=aliases).fit({"Disease": DISEASES, "Chemical": CHEMICALS})
    text = "Aspirin was stopped after a heart attack; breast cancer was found."
    spans = [(0, 7, "Medication"), (28, 40, "Disease_disorder"), (28, 40, "Disease"), (42, 55, "Sign_symptom"), (0, 7, "Dosage")]
    linked = aliased.link_spans(text, spans)
    expected = plain.link_spans(text, [(0, 7, "Chemical"), (28, 40, "Disease"), (28, 40, "Disease"), (42, 55, "Disease"), (0, 7, "Dosage")])
    assert linked == expected
    assert linked[0].identifiers == ("MESH:D001241",) and linked[1].identifiers and linked[-1] == NIL  # an unaliased type stays NIL
    assert plain.link_spans(text, spans)[0] == NIL  # without the alias, Medication is a type it has no names for
    aliased.save(tmp_path / "aliased")
    loaded = Linker.load(tmp_path / "aliased")
    assert loaded.type_aliases == aliases and loaded.link_spans(text, spans) == linked


def test_type_aliases_must_name_the_linkers_types():
    with pytest.raises(ValueError, match="type_aliases name Drug, which the linker has no names for"):
        Linker(type_aliases={"Medication": "Drug"}).fit({"Chemical": CHEMICALS})
    with pytest.raises(ValueError, match="must map type names to a type name or a list"):
        Linker(type_aliases=[("Medication", "Chemical")]).fit({"Chemical": CHEMICALS})


def test_query_ngrams_are_scikit_learns():
    from sklearn.feature_extraction.text import CountVectorizer

    from crfner.link.tfidf import char_ngrams

    for ngram_range in [(3, 4), (2, 3), (1, 6)]:
        analyse = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False).build_analyzer()
        for text in ["a", "ab abc", "heart attack", "x  yz", "tnf alpha 2"]:
            assert char_ngrams(text, ngram_range) == analyse(text)


def test_lenient_form_unites_neoplasm_words_organs_and_generic_heads():
    from crfner.link.normalize import lenient_form

    assert lenient_form("prostate carcinomas") == lenient_form("Prostatic Neoplasms")
    assert lenient_form("pancreatic tumour") == lenient_form("Pancreatic Neoplasms")
    assert lenient_form("Addison's disease") == lenient_form("Addison syndrome")
    assert lenient_form("breast cancer") != lenient_form("ovarian cancer")


def test_lenient_form_reads_a_tests_record_as_the_test():
    from crfner.link.normalize import as_test, bag_form, lenient_form

    assert [as_test(w) for w in ("radiograph", "angiogram", "echocardiography")] == ["radiography", "angiography", "echocardiography"]
    assert lenient_form("echocardiograms") == lenient_form("Echocardiography") == "echocardiography"
    assert lenient_form("chest radiograph") == lenient_form("Radiography, chest")
    assert bag_form("echocardiogram") != bag_form("Echocardiography")  # only the lenient key
    for word in ["program", "diagram", "grammar", "graphite", "telegraphy"]:  # not a record: left as it is
        assert lenient_form(word) == word


def test_lenient_form_leaves_out_the_side():
    from crfner.link.normalize import bag_form, lenient_form

    assert lenient_form("left arm") == lenient_form("Arm") == "arm"
    assert lenient_form("both lungs") == lenient_form("bilateral lung") == lenient_form("Lung")
    assert bag_form("left arm") != bag_form("Arm")  # only the lenient key
    linker = Linker(threshold=None).fit({"Anatomy": [Term("Arm", "MESH:D001132", True), Term("Left Ventricle", "MESH:D006352")]})
    assert linker.link("right arm", "Anatomy") == Link(("MESH:D001132",), 0.83, "lenient")
    assert linker.link("left ventricle", "Anatomy").method == "exact"  # a name that says the side is found first


def test_lenient_form_reads_a_body_parts_adjective_as_the_part():
    from crfner.link.normalize import bag_form, lenient_form

    for adjective, organ in [("abdominal", "Abdomen"), ("oesophageal", "Esophagus"), ("jugular venous", "Jugular Veins"), ("right thoracic", "Thorax")]:
        assert lenient_form(adjective) == lenient_form(organ), adjective
    assert bag_form("abdominal") != bag_form("Abdomen")  # only the lenient key
    # "cervical" stays apart from "neck": a cervical neoplasm is not a head and neck neoplasm
    assert lenient_form("cervical neoplasm") != lenient_form("Head and Neck Neoplasms")
    linker = Linker(threshold=None).fit({"Anatomy": [Term("Abdomen", "MESH:D000005", True), Term("Abdominal Wall", "MESH:D034861", True)]})
    assert linker.link("abdominal", "Anatomy") == Link(("MESH:D000005",), 0.83, "lenient")
    assert linker.link("abdominal wall", "Anatomy").method == "exact"


def test_an_acronyms_syndrome_is_no_english_word():
    from crfner.link.normalize import lenient_form

    # dropping "syndrome" would leave the word a clinical report uses for a lump
    assert lenient_form("MASS syndrome") == "" and lenient_form("CHARGE Syndrome") == ""
    assert lenient_form("mass") == "mass" and lenient_form("Addison disease") == "addison"  # eponyms keep theirs
    assert lenient_form("Down Syndrome, NOS") == "down"  # the acronym must be the word left
    assert lenient_form("H SYNDROME") == "" and lenient_form("22) SYNDROME") == "22"  # a letter is one, a number not
    # two letters are a short form in any case: MACCROBAT's "SC" (sclerosing cholangitis) was Roberts syndrome's "Sc Syndrome"
    assert lenient_form("Sc Syndrome") == "" and lenient_form("Tn syndrome") == "" and lenient_form("5p Syndrome") == "5p"
    assert lenient_form("Ito Syndrome") == "ito" and lenient_form("SC") == "sc"  # three letters keep theirs; a mention keeps its key
    linker = Linker(threshold=None).fit({"Disease": [Term("MASS syndrome", "MESH:C536030", True), Term("Addison Disease", "MESH:D000224", True)]})
    assert linker.link("mass", "Disease") == NIL
    roberts = Linker(threshold=None).fit({"Disease": [Term("Roberts Syndrome", "MESH:C535687", True), Term("Sc Syndrome", "MESH:C535687", False)]})
    assert roberts.link("SC", "Disease") == NIL and roberts.link("Sc syndrome", "Disease").identifier == "MESH:C535687"
    assert linker.link("MASS syndrome", "Disease").identifier == "MESH:C536030"  # the name itself is still found
    assert linker.link("Addison's syndrome", "Disease").identifier == "MESH:D000224"


def test_the_lenient_key_comes_after_the_strict_ones():
    linker = Linker(threshold=None).fit({"Disease": [Term("Pancreatic Neoplasms", "MESH:D010190", True), Term("Pancreatic tumor of islets", "MESH:D007516")]})
    found = linker.link("pancreatic carcinoma", "Disease")
    assert (found.identifiers, found.method) == (("MESH:D010190",), "lenient")
    assert found.score < linker.link("pancreatic neoplasms", "Disease").score


# -- the corpora's documents and the real vocabularies ----------------------------------------

def test_load_documents_gives_gold_ids_with_the_iob_types(data_dir):
    from crfner.corpora.pubtator_splits import load_documents
    from crfner.errors import CorpusNotFoundError

    ncbi = load_documents("ncbi_disease", "test", data_dir)
    assert len(ncbi) == 100
    assert {m.type for d in ncbi for m in d.mentions} == {"Disease"}  # SpecificDisease, Modifier... as the IOB files type them
    assert all(d.text[m.start:m.end] == m.text for d in ncbi for m in d.mentions)
    bc5cdr = load_documents("bc5cdr", "devel", data_dir)
    assert {m.type for d in bc5cdr for m in d.mentions} == {"Chemical", "Disease"}
    assert sum(1 for d in bc5cdr for m in d.mentions if concept_ids(m.identifier)) > 0.95 * sum(len(d.mentions) for d in bc5cdr)
    with pytest.raises(CorpusNotFoundError, match=r"maccrobat has no PubTator documents \(text, mentions by offset, concept ids\) "
                                                   "for the split 'train' \\(splits with them: none\\)"):
        load_documents("maccrobat", "train", data_dir)


def test_the_real_vocabularies_link_well_known_names(data_dir):
    """MEDIC and MeSH's chemical descriptors, read from the data folder, without training mentions."""
    linker = build_linker(data_dir, corpora=(), vocabularies=("medic", "mesh"))
    assert linker.link("myocardial infarction", "Disease").identifier == "MESH:D009203"
    assert linker.link("heart attacks", "Disease").identifier == "MESH:D009203"
    assert linker.link("acetylsalicylic acid", "Chemical").identifier == "MESH:D001241"
    assert linker.link("breast and ovarian cancers", "Disease").identifiers == ("MESH:D001943", "MESH:D010051")
    text = "Famotidine-associated delirium. Famotidine (FAM) was given; FAM was stopped."
    assert linker.link_spans(text, [(60, 63, "Chemical")])[0].identifier == "MESH:D015738"


def test_ward_shorthand_for_a_sided_limb_gets_meshs_limb(data_dir):
    """What the README says of the real vocabularies and inventories: RLE and LUE, whose senses name a
    side, get MeSH's Lower and Upper Extremity."""
    linker = build_linker(data_dir, corpora=(), vocabularies=("mesh-anatomy",), type_aliases={"Biological_structure": "Anatomy"},
                          senses=("clinical",))
    assert linker.link("RLE", "Biological_structure").identifier == "MESH:D035002"
    assert linker.link("LUE", "Biological_structure").identifier == "MESH:D034941"


def test_cells_and_fluids_are_looked_up_by_name_after_the_anatomy(data_dir):
    """MeSH's cells, fluids and secretions (A11, A12), a type of their own named second in a body
    structure's alias: found by name, never by the similarity search, which in the anatomy itself
    took an organ's "walls" for Cell Wall; before, "CSF" and "cytoplasm" were linked to nothing."""
    aliases = {"Biological_structure": ["Anatomy", "CellsFluids"]}
    linker = build_linker(data_dir, corpora=(), vocabularies=("mesh-anatomy", "mesh-cells-fluids"), type_aliases=aliases)
    for mention, identifier in [("cytoplasm", "MESH:D003593"), ("cerebrospinal fluid", "MESH:D002555"),
                                ("urine", "MESH:D014556"), ("hepatocyte", "MESH:D022781")]:
        link = linker.link(mention, "Biological_structure")
        assert (link.identifier, link.method) == (identifier, "exact:CellsFluids"), mention
    with_senses = build_linker(data_dir, corpora=(), vocabularies=("mesh-anatomy", "mesh-cells-fluids"), type_aliases=aliases,
                               senses=("clinical",))
    assert with_senses.link("CSF", "Biological_structure").identifier == "MESH:D002555"  # through its sense
    assert linker.link("walls", "Biological_structure").identifier != "MESH:D002473"  # not Cell Wall
    assert linker.link("left ventricle", "Biological_structure").identifier == "MESH:D006352"  # the anatomy comes first


def test_mesh_anatomy_and_procedures_link_a_clinical_models_types(data_dir, tmp_path):
    """MeSH's anatomy (A) and procedure (E) branches, for MACCROBAT's structures and procedures
    linked under them; each type reaches only its own branch's concepts."""
    aliases = {"Biological_structure": "Anatomy", "Diagnostic_procedure": "Procedure", "Therapeutic_procedure": "Procedure"}
    linker = build_linker(data_dir, corpora=(), vocabularies=("mesh-anatomy", "mesh-procedures"), type_aliases=aliases)
    assert linker.types_ == ["Anatomy", "Procedure"]
    assert linker.link("left ventricle", "Biological_structure").identifier == "MESH:D006352"  # Heart Ventricles
    assert linker.link("oral cavity", "Anatomy").identifier == "MESH:D009055"  # Mouth
    assert linker.link("colonoscopy", "Diagnostic_procedure").identifier == "MESH:D003113"
    assert linker.link("mechanical ventilation", "Therapeutic_procedure").identifier == "MESH:D012121"  # Respiration, Artificial
    assert linker.link("lymphocytes", "Biological_structure").identifier == "MESH:D008214"  # A15, hemic and immune
    assert linker.link("colonoscopy", "Biological_structure").identifier is None  # a procedure is no body part
    assert linker.link("aspirin", "Therapeutic_procedure").identifier is None  # nor a drug, which neither branch holds
    assert linker.link("heart", "Medication").identifier is None  # a type with no alias is not linked
    # MeSH 2024 has no entry term "computed tomography": the nearest name is 4D CT's, and the
    # broader rule climbs to X-ray CT, whose names hold both words (what the README says)
    found = linker.link("computed tomography", "Diagnostic_procedure")
    assert (found.identifier, found.method) == ("MESH:D014057", "tfidf_broader")
    assert linker.link("4D computed tomography", "Diagnostic_procedure").identifier == "MESH:D056973"  # the mention says 4D
    assert linker.set_params(broader=False).link("computed tomography", "Diagnostic_procedure").identifier == "MESH:D056973"
    # MeSH has "Angiogram" but no "Echocardiogram" or "Radiograph": the lenient key reads them as the test
    for mention, identifier in [("echocardiogram", "MESH:D004452"), ("radiographs", "MESH:D011859"), ("angiogram", "MESH:D000792")]:
        found = linker.link(mention, "Diagnostic_procedure")
        assert found.identifier == identifier, mention
    assert linker.link("echocardiogram", "Diagnostic_procedure").method == "lenient"
    # a term list of one's own under the type names what the vocabularies do not
    terms = tmp_path / "procedures.tsv"
    terms.write_text("CT scan\tMESH:D014057\n", encoding="utf-8")
    procedures = {k: v for k, v in aliases.items() if v == "Procedure"}
    fixed = build_linker(data_dir, corpora=(), vocabularies=("mesh-procedures", f"Procedure={terms}"), type_aliases=procedures)
    assert linker.link("CT scan", "Diagnostic_procedure").identifier is None
    assert fixed.link("CT scans", "Diagnostic_procedure").identifier == "MESH:D014057"
    assert fixed.link("colonoscopy", "Diagnostic_procedure").identifier == "MESH:D003113"


# -- clinical abbreviation senses -------------------------------------------------------------

SENSES = {
    "htn": [("hypertension", 1.0)],
    "ms": [("miss", 0.9), ("morphine sulfate", 0.05), ("multiple sclerosis", 0.01)],
    "dm2": [("diabetes mellitus type 2", 1.0)],
    "asa": [("aspirin", 0.97), ("American Society of Anesthesiologists", 0.03)],
}
SENSE_TERMS = {
    "Disease": [Term("Hypertension", "MESH:D006973", True), Term("Multiple Sclerosis", "MESH:D009103", True),
                Term("Diabetes Mellitus, Type 2", "MESH:D003924", True), Term("Myotonic Dystrophy", "MESH:D009223", True),
                Term("DM2", "MESH:D009223")],
    "Chemical": [Term("Morphine", "MESH:D009020", True), Term("morphine sulfate", "MESH:D009020"), *CHEMICALS],
}


def test_clinical_procedure_names_fill_meshs_gaps(data_dir):
    """The names of imaging and laboratory tests MeSH 2024 lacks or files outside E01-E04
    (crfner/link/clinical_procedures.tsv): each id is a descriptor of MeSH's techniques (E), and a
    bare CT is linked through its sense now that "computed tomography" is a name, but not where
    the document defines CT otherwise."""
    from crfner.link.build import CLINICAL_PROCEDURES, vocabulary_terms
    from crfner.link.vocabulary import MESH_BRANCHES, MESH_FILE, MESH_TREES, VOCABULARY_FOLDER, read_mesh, read_term_list, read_tree_numbers

    trees = read_tree_numbers(data_dir / MESH_TREES)
    descriptors = {term.identifier for term in read_mesh(data_dir / VOCABULARY_FOLDER / MESH_FILE)}
    listed = list(read_term_list(CLINICAL_PROCEDURES))
    assert listed and {term.identifier for term in listed} <= descriptors
    # under E where the tree file places it (Surgical Procedures, Operative, the root of E04, has no number there)
    assert all(any(n.startswith("E") for n in trees[term.identifier]) for term in listed if term.identifier in trees)
    names = [normal_form(term.name) for term in listed]
    assert len(names) == len(set(names))  # a name given twice would be a slip
    # nor a name MeSH already gives a descriptor of E01-E04, which `mesh-procedures` loads: it would
    # compete with that descriptor ("comprehensive metabolic panel", a descriptor since MeSH 2024)
    loaded = {normal_form(term.name) for term in read_mesh(data_dir / VOCABULARY_FOLDER / MESH_FILE, branches=MESH_BRANCHES["Procedure"],
                                                        trees=trees)}
    assert not [term.name for term in listed if normal_form(term.name) in loaded]
    assert vocabulary_terms("clinical-procedures", "/nonexistent")[0] == "Procedure"  # needs no data folder
    aliases = {"Diagnostic_procedure": "Procedure", "Therapeutic_procedure": "Procedure"}
    without = build_linker(data_dir, corpora=(), vocabularies=("mesh-procedures",), type_aliases=aliases, senses=("clinical",))
    linker = build_linker(data_dir, corpora=(), vocabularies=("mesh-procedures", "clinical-procedures"), type_aliases=aliases,
                          senses=("clinical",))
    for mention, identifier in [("CT scan", "MESH:D014057"), ("ultrasound", "MESH:D014463"), ("chest X-ray", "MESH:D013902"),
                                ("chest radiographs", "MESH:D013902"), ("X-ray", "MESH:D011859"), ("CT", "MESH:D014057")]:
        assert without.link(mention, "Diagnostic_procedure").identifier != identifier, mention
        assert linker.link(mention, "Diagnostic_procedure").identifier == identifier, mention
    text = "The clotting time (CT) was 12 minutes. CT was repeated."
    assert linker.link_spans(text, [(text.rindex("CT"), text.rindex("CT") + 2, "Diagnostic_procedure")])[0].identifier != "MESH:D014057"
    # laboratory tests and what MeSH files under investigative techniques (E05): PCR, the Glasgow Coma Scale
    for mention, identifier in [("laboratory tests", "MESH:D019411"), ("histopathological examination", "MESH:D006652"),
                                ("renal function", "MESH:D007677"), ("PCR", "MESH:D016133"), ("GCS", "MESH:D015600")]:
        assert without.link(mention, "Diagnostic_procedure").identifier != identifier, mention
        assert linker.link(mention, "Diagnostic_procedure").identifier == identifier, mention
    # tests notes name by short forms whose senses MeSH names otherwise or files under E05 (ABG, BAL,
    # TEE, BMP), and short forms no inventory here knows (CTPA, HRCT)
    for mention, identifier in [("ABG", "MESH:D001784"), ("arterial blood gas analysis", "MESH:D001784"),
                                ("BAL", "MESH:D018893"), ("TEE", "MESH:D017548"), ("BMP", "MESH:D001774"),
                                ("CTPA", "MESH:D000072226"), ("CT pulmonary angiogram", "MESH:D000072226"),
                                ("HRCT", "MESH:D014057"), ("high resolution CT", "MESH:D014057")]:
        assert without.link(mention, "Diagnostic_procedure").identifier != identifier, mention
        assert linker.link(mention, "Diagnostic_procedure").identifier == identifier, mention
    assert linker.link("PEG", "Therapeutic_procedure").identifier == "MESH:D005774"  # percutaneous endoscopic gastrostomy
    # and therapies: surgery, which MeSH 2024 files as a discipline, and verbs case reports annotate
    for mention, identifier in [("surgery", "MESH:D013514"), ("dialysis", "MESH:D006435"), ("extubated", "MESH:D060666"),
                                ("TACE", "MESH:D016461")]:
        assert without.link(mention, "Therapeutic_procedure").identifier != identifier, mention
        assert linker.link(mention, "Therapeutic_procedure").identifier == identifier, mention


def test_clinical_sign_names_fill_medics_gaps(data_dir):
    """The names of signs MEDIC lacks (crfner/link/clinical_signs.tsv), type Disease: each id is a
    MEDIC concept, and a sign aliased under Disease gets it."""
    from crfner.link.build import CLINICAL_SIGNS
    from crfner.link.vocabulary import medic_path

    medic = {term.identifier for term in read_medic(medic_path(data_dir))}
    listed = list(read_term_list(CLINICAL_SIGNS))
    assert listed and {term.identifier for term in listed} <= medic
    assert vocabulary_terms("clinical-signs", "/nonexistent")[0] == "Disease"  # needs no data folder
    aliases = {"Sign_symptom": "Disease"}
    without = build_linker(data_dir, corpora=(), vocabularies=("medic",), type_aliases=aliases)
    linker = build_linker(data_dir, corpora=(), vocabularies=("medic", "clinical-signs"), type_aliases=aliases)
    for mention, identifier in [("murmur", "MESH:D006337"), ("dilated", "MESH:D004108"), ("orthopnoea", "MESH:D004417"),
                                ("diaphoresis", "MESH:D006945")]:
        assert without.link(mention, "Sign_symptom").identifier != identifier, mention
        assert linker.link(mention, "Sign_symptom").identifier == identifier, mention


def test_clinical_anatomy_names_fill_meshs_gaps(data_dir):
    """The names of body structures MeSH 2024 names with other words (crfner/link/clinical_anatomy.tsv),
    type Anatomy: each id is a descriptor of the branches `mesh-anatomy` loads, and a body structure
    gets it, a disease of the same letters ("LAD" tagged as a disease) does not."""
    from crfner.link.build import CLINICAL_ANATOMY
    from crfner.link.vocabulary import MESH_FILE, MESH_TREES, VOCABULARY_FOLDER, read_tree_numbers

    trees = read_tree_numbers(data_dir / MESH_TREES)
    listed = list(read_term_list(CLINICAL_ANATOMY))
    loaded = tuple(f"A{n:02d}" for n in (*range(1, 11), 14, 15, 16, 17))
    descriptors = {term.identifier for term in read_mesh(data_dir / VOCABULARY_FOLDER / MESH_FILE)}
    assert listed and {term.identifier for term in listed} <= descriptors
    # under those branches where the tree file places it (Respiratory System, the root of A04, has no number there)
    assert all(any(n.startswith(loaded) for n in trees[term.identifier]) for term in listed if term.identifier in trees)
    names = [normal_form(term.name) for term in listed]
    assert len(names) == len(set(names))
    assert vocabulary_terms("clinical-anatomy", "/nonexistent")[0] == "Anatomy"  # needs no data folder
    aliases = {"Biological_structure": "Anatomy", "Disease_disorder": "Disease"}
    without = build_linker(data_dir, corpora=(), vocabularies=("medic", "mesh-anatomy"), type_aliases=aliases)
    linker = build_linker(data_dir, corpora=(), vocabularies=("medic", "mesh-anatomy", "clinical-anatomy"), type_aliases=aliases)
    for mention, identifier in [("LAD", "MESH:D003331"), ("left anterior descending artery", "MESH:D003331"),
                                ("mitral", "MESH:D008943"), ("left ventricular", "MESH:D006352"), ("gall bladder", "MESH:D005704")]:
        assert without.link(mention, "Biological_structure").identifier != identifier, mention
        assert linker.link(mention, "Biological_structure").identifier == identifier, mention
    assert linker.link("LAD", "Disease_disorder").identifier != "MESH:D003331"


def test_clinical_measure_names_are_reached_by_a_diagnostic_procedure_alone(data_dir):
    """The names of measures MeSH 2024 lacks (crfner/link/clinical_measures.tsv), type Measure: each
    id is a MeSH descriptor; a diagnostic procedure whose chain names Measure gets them ("EF" through
    its sense; a "chlorine level" is the chloride a laboratory measures, never the
    element), a therapeutic one ("platelets" transfused) does not."""
    from crfner.link.build import CLINICAL_MEASURES, vocabulary_terms
    from crfner.link.vocabulary import MESH_TREES, read_term_list, read_tree_numbers

    trees = read_tree_numbers(data_dir / MESH_TREES)
    listed = list(read_term_list(CLINICAL_MEASURES))
    assert listed and all(term.identifier in trees for term in listed)
    assert vocabulary_terms("clinical-measures", "/nonexistent")[0] == "Measure"  # needs no data folder
    aliases = {"Diagnostic_procedure": ["Procedure", "Measure"], "Therapeutic_procedure": "Procedure"}
    linker = build_linker(data_dir, corpora=(), vocabularies=("mesh-procedures", "mesh-measures", "clinical-measures"),
                          type_aliases=aliases, senses=("clinical",))
    # LVEF's sense without its side, "ventricular ejection fraction", is a procedure's name of the same id
    assert linker.link("LVEF", "Diagnostic_procedure") == Link(("MESH:D013318",), 0.9, "sense")
    for mention, identifier in [("ejection fraction", "MESH:D013318"), ("EF", "MESH:D013318"),
                                ("platelets", "MESH:D010976"), ("white blood cells", "MESH:D007958"), ("PaO2", "MESH:D010100"),
                                ("HbA1c", "MESH:D006442"), ("chlorine level", "MESH:D002712")]:
        link = linker.link(mention, "Diagnostic_procedure")
        assert link.identifier == identifier and link.method.endswith(":Measure"), mention
    assert linker.link("platelets", "Therapeutic_procedure").identifier != "MESH:D010976"


def test_a_clinical_abbreviation_is_linked_through_its_senses(tmp_path):
    linker = Linker().fit(SENSE_TERMS, senses=SENSES)
    assert linker.link("HTN", "Disease") == Link(("MESH:D006973",), 0.9, "sense")
    assert linker.link("htn", "Disease").identifiers == ("MESH:D006973",)
    # the type chooses among the senses: the rare senses still serve the type that names them
    assert linker.link("MS", "Disease").identifiers == ("MESH:D009103",)
    assert linker.link("MS", "Chemical").identifiers == ("MESH:D009020",)
    assert linker.link("ASA", "Chemical").identifiers == ("MESH:D001241",)
    # the score is the stage's 0.9 times the sense's share of all the short form's senses (total 0.96 for "ms")
    assert linker.link("MS", "Disease").score == pytest.approx(0.9 * 0.01 / 0.96, abs=0.001)  # shares kept in thousandths
    assert linker.link("ASA", "Chemical").score == pytest.approx(0.9 * 0.97, abs=0.001)
    # the senses of notes come before a vocabulary's own short name: DM2 is diabetes, not myotonic dystrophy
    assert linker.link("DM2", "Disease").identifiers == ("MESH:D003924",)
    assert Linker().fit(SENSE_TERMS).link("DM2", "Disease").identifiers == ("MESH:D009223",)
    assert Linker(threshold=None).fit(SENSE_TERMS).link("HTN", "Disease") == NIL  # without senses, nothing
    assert linker.link("hypertension", "Disease").method == "exact"  # full names are looked up as before
    # a training mention still comes first
    trained = Linker().fit(SENSE_TERMS, [_document("MS relapsed.", ("MS", "Disease", "MESH:D020529"))], senses=SENSES)
    assert trained.link("MS", "Disease").identifiers == ("MESH:D020529",)
    linker.save(tmp_path / "senses")
    loaded = Linker.load(tmp_path / "senses")
    assert [loaded.link(m, t) for m, t in (("HTN", "Disease"), ("MS", "Chemical"))] == [
        linker.link(m, t) for m, t in (("HTN", "Disease"), ("MS", "Chemical"))]


def test_a_short_form_in_capitals_written_as_a_plural_is_read_through_its_senses():
    """Notes write tests as plurals ("ABGs", "PFTs") where the inventories list the singular; such
    a form, capitals and a final "s", was left without an id."""
    linker = Linker(threshold=None).fit(SENSE_TERMS, senses=SENSES)
    assert linker.link("HTNs", "Disease") == linker.link("HTN", "Disease") == Link(("MESH:D006973",), 0.9, "sense")
    assert linker.link("MSs", "Chemical").identifiers == ("MESH:D009020",)  # the type still chooses among the senses
    # only capitals and a final "s": not a word, nor a short form in capitals throughout
    for text in ("htns", "Htns", "HTNS", "Hs"):
        assert linker.link(text, "Disease") == NIL, text


def test_a_sense_must_agree_with_the_documents_own_definition():
    """A short form the document defines, with a long form the dictionary does not know, is linked
    through a clinical sense only when the name nearest the long form is that sense's concept."""
    terms = {"Disease": [*SENSE_TERMS["Disease"], Term("Mitral Valve Stenosis", "MESH:D008946", True)]}
    linker = Linker().fit(terms, senses=SENSES)
    assert linker.link("MS", "Disease").identifiers == ("MESH:D009103",)  # undefined: its usual sense
    text = "She had mitral stenosis (MS). MS was severe."
    span = [(text.rindex("MS"), text.rindex("MS") + 2, "Disease")]
    assert linker.link_spans(text, span)[0] == NIL  # not multiple sclerosis; no name near enough at 0.9
    assert Linker(threshold=0.8).fit(terms, senses=SENSES).link_spans(text, span)[0] == Link(("MESH:D008946",), 0.8598, "tfidf")
    agreeing = "She had multiple sclerotic plaques (MS). MS was active."  # nearest name: Multiple Sclerosis
    assert linker.link_spans(agreeing, [(agreeing.rindex("MS"), agreeing.rindex("MS") + 2, "Disease")])[0] == linker.link("MS", "Disease")


def test_a_sense_that_names_a_side_is_linked_to_its_body_part():
    """MeSH names a body part, not its side: RLE's sense, "right lower extremity", was linked to nothing."""
    senses = {"rle": [("right lower extremity", 1.0)], "ble": [("bilateral lower extremity", 1.0)],
              "lv": [("left ventricle", 0.5), ("left ventricular", 0.5)], "rca": [("right coronary artery", 1.0)]}
    terms = {"Anatomy": [Term("Lower Extremity", "MESH:D035002", True), Term("Heart Ventricles", "MESH:D006352", True),
                         Term("Left Ventricle", "MESH:D006352"), Term("Right Coronary Artery", "MESH:D003331"),
                         Term("Coronary Artery", "MESH:D003331")]}
    linker = Linker(threshold=None).fit(terms, senses=senses)
    assert linker.link("RLE", "Anatomy") == linker.link("BLE", "Anatomy") == Link(("MESH:D035002",), 0.9, "sense")
    # a name the dictionary has whole is still looked up whole, and a sense without its side is no new concept
    assert linker.link("RCA", "Anatomy").identifiers == ("MESH:D003331",)
    assert linker.link("LV", "Anatomy").identifiers == ("MESH:D006352",)
    assert Linker(threshold=None).fit(terms, senses={"rl": [("right", 1.0)]}).link("RL", "Anatomy") == NIL


def test_sense_inventories_are_read_with_or_without_a_header(tmp_path):
    vanderbilt = tmp_path / "v.tsv"
    vanderbilt.write_text("abbreviation\tsense\tvariation\tCUI\tfrequency\nhtn\thypertension\tHTN_19\tc0020538\t1\n"
                          "ms\tmiss\tMs_6\tc2349206\t0.9011\nms\tMiss\tMS_1\tc1\t0.43\nms\tmultiple sclerosis\tMS_2\tc0026769\t0.0114\n"
                          "ms\tmasters\tM.S_2\tc0444649\t0\n", encoding="utf-8")
    stetson = tmp_path / "s.tsv"
    stetson.write_text("po\tby mouth\t1\nhtn\thypertension\t0.8\nsob\tshortness of breath\n", encoding="utf-8")
    assert list(read_senses(stetson)) == [("po", "by mouth", 1.0), ("htn", "hypertension", 0.8), ("sob", "shortness of breath", 1.0)]
    table = sense_table([*read_senses(vanderbilt), *read_senses(stetson)])
    assert table["htn"] == [("hypertension", 1.0)]  # the largest share of the two
    assert table["ms"] == [("miss", 0.9011), ("multiple sclerosis", 0.0114)]  # "Miss" is "miss"; a 0 share is left out
    assert inventory_rows(str(stetson), tmp_path)[0] == ("po", "by mouth", 1.0)
    # how notes spelled each sense, where a file records it (Vanderbilt's variation column)
    assert list(read_spellings(vanderbilt))[1] == ("ms", "miss", {"Ms": 6})
    assert list(read_spellings(stetson)) == [] and inventory_spellings(str(stetson), tmp_path) is None
    assert inventory_spellings(str(vanderbilt), tmp_path)[("ms", "miss")] == {"Ms": 6, "MS": 1}  # "Miss" is "miss"
    with pytest.raises(ParameterError, match="unknown sense inventory 'nope'"):
        inventory_rows("nope", tmp_path)


@pytest.mark.parametrize("line,problem", [("htn\n", "needs an abbreviation and a sense"), ("\thypertension\t1\n", "needs an abbreviation"),
                                          ("htn\thypertension\tmany\n", "'many' is not a number"),
                                          ("htn\thypertension\t1.5\n", "'1.5' is not between 0 and 1")])
def test_a_bad_inventory_line_is_named(tmp_path, line, problem):
    path = tmp_path / "bad.tsv"
    path.write_text("po\tby mouth\t1\n" + line, encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"bad.tsv, line 2: .*{problem}"):
        list(read_senses(path))


def test_a_bad_spelling_count_is_named(tmp_path):
    path = tmp_path / "v.tsv"
    path.write_text("abbreviation\tsense\tvariation\tCUI\tfrequency\nhtn\thypertension\tHTN_19\tc1\t1\n"
                    "neg\tnegative\tNeg_12|NEG\tc2\t1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"v.tsv, line 3: .*'NEG' is not SPELLING_COUNT"):
        list(read_senses(path))
