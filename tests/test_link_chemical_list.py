"""The ``chemicals`` vocabulary: the data folder's chemical list, whose ChEBI and DrugBank names
give ids to drugs MeSH's descriptors lack, looked up by name after MeSH for a medication."""

from __future__ import annotations

import pytest

from crfner.errors import DataFormatError
from crfner.link import Linker, Term
from crfner.link.build import build_linker, vocabulary_table, vocabulary_terms
from crfner.link.vocabulary import SHORTEST_LIST_NAME, chemical_list_terms

LIST = """\
Apatinib\tDRUGBANK:DB14765
Aspirin\tMESH:D001241
TCA\tCHEBI:30956
Pi\tCHEBI:35780
6-MP\tDRUGBANK:DB01033
"""
MESH = [Term("Aspirin", "MESH:D001241", True), Term("Acetylsalicylic Acid", "MESH:D001241"), Term("Tretinoin", "MESH:D014212", True)]
CHAIN = {"Medication": ["Chemical", "ChemicalName"]}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "gazetteers").mkdir()
    (tmp_path / "gazetteers" / "chemical.tsv").write_text(LIST, encoding="utf-8")
    return tmp_path


def test_the_list_is_read_less_its_short_names(folder):
    etype, terms = vocabulary_terms("chemicals", folder)
    assert etype == "Chemical"
    assert [(t.name, t.identifier) for t in terms] == [("Apatinib", "DRUGBANK:DB14765"), ("Aspirin", "MESH:D001241"),
                                                      ("6-MP", "DRUGBANK:DB01033")]
    assert all(len(t.name) >= SHORTEST_LIST_NAME for t in chemical_list_terms(folder))
    assert vocabulary_terms("ChemicalName=chemicals", folder) == ("ChemicalName", terms)  # under a type of one's own
    assert vocabulary_table(["ChemicalName=chemicals"], folder) == {"ChemicalName": terms}


def test_a_missing_list_is_named(tmp_path):
    with pytest.raises(DataFormatError, match="chemical.tsv"):
        vocabulary_terms("chemicals", tmp_path)


def test_a_drug_mesh_lacks_gets_the_lists_id_after_meshs_names(folder):
    linker = Linker(threshold=0.9, type_aliases=CHAIN).fit({"Chemical": MESH, "ChemicalName": chemical_list_terms(folder)})
    found = linker.link("apatinib", "Medication")
    assert (found.identifier, found.method) == ("DRUGBANK:DB14765", "exact:ChemicalName")
    assert linker.link("6-mp", "Medication").identifier == "DRUGBANK:DB01033"
    assert linker.link("aspirin", "Medication").method == "exact"  # MeSH's name first
    for short in ("TCA", "Pi"):  # left out of the list: no id rather than another drug's
        assert linker.link(short, "Medication").identifier is None
    # by name only: without the alias, a Chemical's similarity search does not read the list
    assert linker.link("apatinibs", "Chemical").identifier is None


def test_the_real_list_names_drugs_mesh_lacks(data_dir):
    aliases = {"Medication": ["Chemical", "Procedure", "ChemicalName"]}
    plain = build_linker(data_dir, corpora=(), vocabularies=("mesh", "mesh-procedures"),
                         type_aliases={"Medication": ["Chemical", "Procedure"]})
    linker = build_linker(data_dir, corpora=(), vocabularies=("mesh", "mesh-procedures", "ChemicalName=chemicals"), type_aliases=aliases)
    for mention, identifier in [("apatinib", "DRUGBANK:DB14765"), ("fludarabine", "DRUGBANK:DB01073"), ("empagliflozin", "DRUGBANK:DB09038")]:
        assert plain.link(mention, "Medication").identifier is None, mention
        assert linker.link(mention, "Medication").identifier == identifier, mention
    for mention in ("aspirin", "chemotherapy", "TCA", "AMD"):  # MeSH's and the procedures' as before; short forms none
        assert linker.link(mention, "Medication") == plain.link(mention, "Medication"), mention
    # by name before the chemicals' n-gram similarity search, as the README says: the same drug under
    # DrugBank's id, and 5-ASA as mesalazine
    assert plain.link("L-asparaginase", "Medication").method == "tfidf"
    assert linker.link("L-asparaginase", "Medication").identifier == "DRUGBANK:DB00023"
    assert linker.link("5-ASA", "Medication").identifier == "DRUGBANK:DB00244"
