"""The concept hierarchy and the broader-concept rule of the linker's similarity fallback."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest
from conftest import rehash_listed_files

from crfner.errors import DataFormatError, ModelFileError
from crfner.link import Linker, Term
from crfner.link.build import build_linker, vocabulary_parents
from crfner.link.hierarchy import broader_concept, medic_parents, merged, tree_parents

CT, CT_4D, TOMOGRAPHY = "MESH:D014057", "MESH:D056973", "MESH:D014054"
PROCEDURES = [
    Term("Tomography", TOMOGRAPHY, True),
    Term("Tomography, X-Ray Computed", CT, True), Term("X-Ray Computed Tomography", CT),
    Term("Four-Dimensional Computed Tomography", CT_4D, True), Term("4D Computed Tomography", CT_4D),
    Term("Colonoscopy", "MESH:D003113", True),
]
HIERARCHY = {CT_4D: {CT}, CT: {TOMOGRAPHY}}


def _words(*names: str) -> list[frozenset[str]]:
    return [frozenset(name.split()) for name in names]


def test_tree_numbers_give_each_descriptor_its_parents():
    trees = {"A": ["E01.370"], "B": ["E01.370.350", "E02.100"], "C": ["E01.370.350.700"], "D": ["E02"], "E": ["E02.100.5"]}
    assert tree_parents(trees) == {"B": {"A", "D"}, "C": {"B"}, "E": {"B"}}  # B sits in two trees; a top level has no parent
    assert merged({"x": {"a"}}, {"x": ["b"], "y": ["c"]}) == {"x": {"a", "b"}, "y": {"c"}}


def test_medic_parents_are_read_and_bad_lines_named(tmp_path):
    path = tmp_path / "CTD_diseases.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("# c\nFactor XII Deficiency\tMESH:D005175\t\t\tMESH:D020147|D006474\t\t\t\n"
                     "Coagulation Protein Disorders\tMESH:D020147\t\t\t\t\t\t\n")
    assert medic_parents(path) == {"MESH:D005175": {"MESH:D020147", "MESH:D006474"}, "MESH:D020147": set()}
    broken = tmp_path / "medic.tsv"
    broken.write_text("a\tMESH:D1\t\t\tMESH:D2\n# c\nno parents\tMESH:D3\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"medic\.tsv, line 3: a MEDIC line needs its ParentIDs"):
        medic_parents(broken)


def test_broader_concept_is_the_nearest_ancestor_naming_every_word():
    names = {CT: _words("computed ray tomography x"), TOMOGRAPHY: _words("tomography")}
    assert broader_concept(CT_4D, frozenset({"computed", "tomography"}), HIERARCHY, names) == CT
    assert broader_concept(CT_4D, frozenset({"tomography"}), HIERARCHY, names) == CT  # the nearest, not the highest
    assert broader_concept(CT_4D, frozenset({"4d", "computed", "tomography"}), HIERARCHY, names) == CT_4D  # the qualifier is said
    assert broader_concept(CT_4D, frozenset(), HIERARCHY, names) == CT_4D
    assert broader_concept("MESH:D003113", frozenset({"colonoscopy"}), HIERARCHY, names) == "MESH:D003113"  # no parents
    cycle = {"a": {"b"}, "b": {"a"}}
    assert broader_concept("a", frozenset({"x"}), cycle, {}) == "a"  # a loop in a crafted hierarchy ends


@pytest.fixture(scope="module")
def procedures() -> Linker:
    return Linker(threshold=0.8).fit({"Procedure": PROCEDURES}, parents=HIERARCHY)


def test_a_similarity_link_gives_way_to_the_concept_the_mention_names(procedures):
    found = procedures.link("computed tomography", "Procedure")
    assert (found.identifier, found.method) == (CT, "tfidf_broader")
    assert procedures.link("4D computed tomographies", "Procedure").identifier == CT_4D  # found by key, untouched
    assert procedures.link("four dimensional computed tomogram", "Procedure").identifier == CT_4D  # the qualifier is said
    narrow = Linker(threshold=0.8, broader=False).fit({"Procedure": PROCEDURES}, parents=HIERARCHY)
    assert narrow.link("computed tomography", "Procedure").identifier == CT_4D  # the rule switched off
    assert narrow.link("computed tomography", "Procedure").score == found.score  # the score: the nearest name's similarity
    plain = Linker(threshold=0.8).fit({"Procedure": PROCEDURES})
    assert plain.link("computed tomography", "Procedure").identifier == CT_4D  # no hierarchy, no rule
    assert plain.parents_ == {}


def test_the_hierarchy_keeps_only_links_between_named_concepts():
    linker = Linker().fit({"Procedure": PROCEDURES}, parents={**HIERARCHY, "MESH:D003113": {"MESH:D999999"}, "MESH:D1": {CT}})
    assert linker.parents_ == {CT_4D: [CT], CT: [TOMOGRAPHY]}


def test_the_hierarchy_is_saved_and_checked_on_loading(procedures, tmp_path):
    saved = tmp_path / "linker"
    procedures.save(saved)
    loaded = Linker.load(saved)
    assert loaded.parents_ == procedures.parents_
    assert loaded.link("computed tomography", "Procedure") == procedures.link("computed tomography", "Procedure")
    for crafted, problem in (([1, 2], "parents.json must map"), ({CT: []}, "parents.json must map"), ({CT: [""]}, "parents.json must map"),
                             ({CT: "MESH:D1"}, "parents.json must map")):
        folder = tmp_path / f"crafted{len(list(tmp_path.iterdir()))}"
        shutil.copytree(saved, folder)
        (folder / "parents.json").write_text(json.dumps(crafted), encoding="utf-8")
        rehash_listed_files(folder)
        with pytest.raises(ModelFileError, match=problem) as error:
            Linker.load(folder)
        assert "\n" not in str(error.value)
    meta = json.loads((saved / "crfner.json").read_text(encoding="utf-8"))
    meta["parameters"]["broader"] = "yes"
    (saved / "crfner.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelFileError, match="broader must be True or False"):
        Linker.load(saved)


def test_a_linker_records_its_keys_version(procedures, tmp_path):
    """A linker saved before the lenient key's record and side rules (no keys_version) loads with
    a warning that says to rebuild it; a crafted or newer version is refused in one line."""
    from crfner.link.normalize import KEYS_VERSION

    folder = tmp_path / "linker"
    procedures.save(folder)
    meta = json.loads((folder / "crfner.json").read_text(encoding="utf-8"))
    assert meta["keys_version"] == KEYS_VERSION
    del meta["keys_version"]
    (folder / "crfner.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.warns(UserWarning, match="lenient keys are of version 1.*rebuild it"):
        old = Linker.load(folder)
    assert old.link("computed tomography", "Procedure") == procedures.link("computed tomography", "Procedure")
    for crafted in (KEYS_VERSION + 1, 0, "2", True, 1.5):
        meta["keys_version"] = crafted
        (folder / "crfner.json").write_text(json.dumps(meta), encoding="utf-8")
        with pytest.raises(ModelFileError, match="keys_version must be") as error:
            Linker.load(folder)
        assert "\n" not in str(error.value)


def test_a_linker_saved_without_a_hierarchy_still_loads(procedures, tmp_path):
    """Linkers written before the hierarchy was saved have no parents.json: they link as they did."""
    folder = tmp_path / "old"
    procedures.save(folder)
    (folder / "parents.json").unlink()
    meta = json.loads((folder / "crfner.json").read_text(encoding="utf-8"))
    del meta["files"]["parents.json"], meta["parameters"]["broader"]
    (folder / "crfner.json").write_text(json.dumps(meta), encoding="utf-8")
    old = Linker.load(folder)
    assert old.parents_ == {} and old.link("computed tomography", "Procedure").identifier == CT_4D


def test_the_real_hierarchies(data_dir):
    """MeSH's trees and MEDIC's parent ids from the data folder, as crfner linker reads them."""
    parents = vocabulary_parents(("medic", "mesh-procedures"), data_dir)
    assert CT in parents[CT_4D] and "MESH:D020147" in parents["MESH:D005175"]
    assert vocabulary_parents(("Procedure=x.tsv",), data_dir) == {}
    linker = build_linker(data_dir, corpora=(), vocabularies=("medic",))
    found = linker.link("coagulation factor deficiency", "Disease")  # nearest name: Factor XII's "coagulation factor 12 deficiency"
    assert (found.identifier, found.method) == ("MESH:D020147", "tfidf_broader")  # Coagulation Protein Disorders
