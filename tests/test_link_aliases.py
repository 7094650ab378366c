"""Type aliases that name several types: a test named by what it measures ("creatinine", "sodium
level") is linked to that when no procedure's name matches it, by name only."""

from __future__ import annotations

import json
import shutil

import pytest

from crfner.cli import main
from crfner.errors import ModelFileError, ParameterError
from crfner.link import Linker, Term
from crfner.link.build import build_linker, vocabulary_terms
from crfner.link.normalize import lenient_form

PROCEDURES = [Term("Colonoscopy", "MESH:D003113", True), Term("Blood Glucose Self-Monitoring", "MESH:D015190", True),
              Term("Kidney Function Tests", "MESH:D007678", True)]
MEASURES = [Term("Oxygen Saturation", "MESH:D000089382", True), Term("Blood Pressure", "MESH:D001794", True)]
CHEMICALS = [Term("Creatinine", "MESH:D003404", True), Term("Sodium", "MESH:D012964", True), Term("Blood Glucose", "MESH:D001786", True),
             Term("Aspirin", "MESH:D001241", True)]
CHAIN = {"Diagnostic_procedure": ["Procedure", "Measure", "Chemical"], "Therapeutic_procedure": "Procedure"}


@pytest.fixture(scope="module")
def chained() -> Linker:
    return Linker(threshold=0.6, type_aliases=CHAIN).fit({"Procedure": PROCEDURES, "Measure": MEASURES, "Chemical": CHEMICALS})


def test_a_test_no_procedure_names_gets_what_it_measures(chained):
    assert chained.link("colonoscopy", "Diagnostic_procedure").identifier == "MESH:D003113"  # its own type first
    found = chained.link("creatinine", "Diagnostic_procedure")
    assert (found.identifier, found.method) == ("MESH:D003404", "exact:Chemical")  # says where it was found
    assert chained.link("oxygen saturation", "Diagnostic_procedure").method == "exact:Measure"
    assert chained.link("serum sodium level", "Diagnostic_procedure").identifier == "MESH:D012964"  # the lenient key
    # a name in a later type beats the first type's n-gram similarity: "blood glucose" is not
    # Blood Glucose Self-Monitoring, its nearest procedure name
    assert Linker(threshold=0.6).fit({"Procedure": PROCEDURES}).link("blood glucose", "Procedure").identifier == "MESH:D015190"
    assert chained.link("blood glucose", "Diagnostic_procedure").identifier == "MESH:D001786"


def test_later_types_are_read_by_name_only(chained):
    # "creatinin" is near Creatinine's name, but similarity runs under the first type alone
    assert chained.link("creatinin", "Diagnostic_procedure").identifier is None
    assert Linker(threshold=0.6).fit({"Chemical": CHEMICALS}).link("creatinin", "Chemical").identifier == "MESH:D003404"


def test_each_tagger_type_keeps_its_own_chain(chained):
    text = "Creatinine was 1.2 mg/dL; creatinine was then given."
    diagnostic, therapeutic = chained.link_spans(text, [(0, 10, "Diagnostic_procedure"), (26, 36, "Therapeutic_procedure")])
    assert diagnostic.identifier == "MESH:D003404" and therapeutic.identifier is None  # no cache shared between them
    assert chained.link("aspirin", "Therapeutic_procedure").identifier is None


def test_a_chained_linker_is_saved_and_read_back(chained, tmp_path):
    chained.save(tmp_path / "chained")
    loaded = Linker.load(tmp_path / "chained")
    assert loaded.type_aliases == CHAIN
    text = "Colonoscopy, creatinine and oxygen saturation were normal."
    spans = [(0, 11, "Diagnostic_procedure"), (13, 23, "Diagnostic_procedure"), (28, 45, "Diagnostic_procedure")]
    assert loaded.link_spans(text, spans) == chained.link_spans(text, spans)
    assert [link.identifier for link in loaded.link_spans(text, spans)] == ["MESH:D003113", "MESH:D003404", "MESH:D000089382"]


@pytest.mark.parametrize("aliases", [{"Diagnostic_procedure": []}, {"Diagnostic_procedure": ["Procedure", "Procedure"]},
                                     {"Diagnostic_procedure": ["Procedure", 3]}, {"Diagnostic_procedure": ["Procedure", "Drug"]},
                                     {"Diagnostic_procedure": {"Procedure": 1}}])
def test_crafted_chains_are_refused_in_one_line(chained, tmp_path, aliases):
    folder = tmp_path / "crafted"
    chained.save(folder)
    meta = json.loads((folder / "crfner.json").read_text(encoding="utf-8"))
    meta["parameters"]["type_aliases"] = aliases
    (folder / "crfner.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelFileError, match="type_aliases") as error:
        Linker.load(folder)
    assert "\n" not in str(error.value)
    with pytest.raises(ValueError, match="type_aliases"):
        Linker(type_aliases=aliases).fit({"Procedure": PROCEDURES, "Chemical": CHEMICALS})


def test_a_bad_chain_is_named_in_the_message():
    # "(a dict was given)" named no alias, and --alias Foo=Disease,Disease is a dict of the parser's making
    with pytest.raises(ValueError, match=r"distinct type names, not 'Foo' to \['Procedure', 'Procedure'\]$"):
        Linker(type_aliases={"Foo": ["Procedure", "Procedure"]}).fit({"Procedure": PROCEDURES})
    with pytest.raises(ValueError, match=r"\(a list was given\)"):
        Linker(type_aliases=[("Foo", "Procedure")]).fit({"Procedure": PROCEDURES})


def test_the_lenient_key_leaves_out_a_measurements_words():
    assert lenient_form("serum sodium level") == lenient_form("Sodium") == "sodium"
    assert lenient_form("ferritin concentrations") == lenient_form("Ferritins")
    assert lenient_form("plasma cells") != lenient_form("cells")  # "Plasma Cells" are cells of a kind


def _exit_code(args) -> int:
    """What ``crfner ARGS`` exits with: its return value, or argparse's exit for a bad argument."""
    try:
        return main(args)
    except SystemExit as stop:
        return stop.code


def test_the_command_line_takes_types_in_order(data_dir, tmp_path, capsys):
    procedures, chemicals = tmp_path / "procedures.tsv", tmp_path / "chemicals.tsv"
    procedures.write_text("colonoscopy\tMESH:D003113\n", encoding="utf-8")
    chemicals.write_text("creatinine\tMESH:D003404\n", encoding="utf-8")
    out = tmp_path / "linker"
    assert main(["linker", str(out), "--data-dir", str(data_dir), "--corpus", "bc5cdr", "--vocabulary", f"Procedure={procedures}",
                 "--vocabulary", f"Chemical={chemicals}", "--alias", "Diagnostic_procedure=Procedure, Chemical"]) == 0
    assert "Diagnostic_procedure as Procedure then Chemical" in capsys.readouterr().err
    loaded = Linker.load(out)
    assert loaded.type_aliases == {"Diagnostic_procedure": ["Procedure", "Chemical"]}
    assert loaded.link("creatinine", "Diagnostic_procedure").identifier == "MESH:D003404"
    shutil.rmtree(out)
    assert _exit_code(["linker", str(out), "--data-dir", str(data_dir), "--vocabulary", f"Procedure={procedures}",
                       "--alias", "Diagnostic_procedure=Procedure", "--alias", "Diagnostic_procedure=Chemical"]) == 2
    assert "more than once; name its types in one --alias" in capsys.readouterr().err
    assert _exit_code(["linker", str(out), "--alias", "Diagnostic_procedure=Procedure,"]) == 2
    assert "give TAGGER_TYPE=TYPE" in capsys.readouterr().err
    assert not out.exists()


def test_mesh_measures_and_chemicals_name_a_clinical_models_tests(data_dir):
    """On the real vocabularies: MACCROBAT annotates analytes and measures as diagnostic procedures."""
    aliases = {"Diagnostic_procedure": ["Procedure", "Measure", "Chemical"]}
    linker = build_linker(data_dir, corpora=(), vocabularies=("mesh", "mesh-procedures", "mesh-measures"), type_aliases=aliases)
    for mention, identifier in [("colonoscopy", "MESH:D003113"), ("oxygen saturation", "MESH:D000089382"), ("pH", "MESH:D006863"),
                                ("blood pressure", "MESH:D001794"), ("creatinine", "MESH:D003404"), ("C-reactive protein", "MESH:D002097"),
                                ("serum sodium level", "MESH:D012964"), ("troponin", "MESH:D014336")]:
        assert linker.link(mention, "Diagnostic_procedure").identifier == identifier, mention
    assert linker.link("heart rate", "Measure").identifier == "MESH:D006339"


def test_a_named_vocabulary_under_a_type_of_ones_own_is_read_by_name_only(data_dir, tmp_path):
    """``TYPE=NAME`` files a named vocabulary's terms under TYPE: MeSH 2024's disease names after
    MEDIC's (``MeSHDisease=mesh-diseases``), for names MEDIC lacks ("hair loss", "STEMI"),
    without their words shifting the diseases' similarity search."""
    from crfner.link.build import vocabulary_name, vocabulary_parents

    etype, terms = vocabulary_terms("Sign=clinical-signs", "/nonexistent")  # a shipped list: no data folder needed
    assert etype == "Sign" and terms == vocabulary_terms("clinical-signs", "/nonexistent")[1]
    assert vocabulary_name("MeSHDisease=mesh-diseases") == "mesh-diseases" and vocabulary_name(f"Procedure={tmp_path}") == f"Procedure={tmp_path}"
    with pytest.raises(ParameterError, match="TYPE=NAME"):
        vocabulary_terms("=mesh-diseases", data_dir)
    assert vocabulary_parents(["MeSHDisease=mesh-diseases"], data_dir) == vocabulary_parents(["mesh-diseases"], data_dir)
    aliases = {"Effect": ["Disease", "MeSHDisease"]}
    plain = build_linker(data_dir, corpora=(), vocabularies=("medic",), senses=("clinical",))
    linker = build_linker(data_dir, corpora=(), vocabularies=("medic", "MeSHDisease=mesh-diseases"), type_aliases=aliases, senses=("clinical",))
    assert plain.link("hair loss", "Disease").identifier is None  # MEDIC lacks the name
    found = linker.link("hair loss", "Effect")
    assert (found.identifier, found.method) == ("MESH:D000505", "exact:MeSHDisease")  # Alopecia
    assert linker.link("acute ischemic stroke", "Effect").identifier == "MESH:D000083242"  # Ischemic Stroke, new in MeSH 2024
    assert plain.link("STEMI", "Disease").identifier is None
    found = linker.link("STEMI", "Effect")  # through its sense, a name MEDIC lacks
    assert (found.identifier, found.method) == ("MESH:D000072657", "sense:MeSHDisease")  # ST Elevation Myocardial Infarction
    assert linker.link("hypertension", "Effect").method == "exact"  # MEDIC's name first
    for mention in ("peptic ulcers disease", "hepatitis"):  # the similarity search reads MEDIC's names alone
        assert linker.link(mention, "Effect") == plain.link(mention, "Disease")
