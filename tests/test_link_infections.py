"""Organisms read as their infections (``mesh-infections``), and an acronym that ends in S."""

from __future__ import annotations

import pytest

from crfner.corpora.documents import Document, Mention
from crfner.link import NIL, Linker, Term
from crfner.link.infections import infection_terms
from crfner.link.normalize import bag_form, normal_form

# A small MeSH: a genus with its infection, a species under it, a virus named for its disease,
# an organism two diseases are named for, and one no infection is named for.
TERMS = [
    Term("Helicobacter", "MESH:D1", True), Term("Helicobacter pylori", "MESH:D2", True), Term("H. pylori", "MESH:D2"),
    Term("Helicobacter Infections", "MESH:D3", True),
    Term("Hepacivirus", "MESH:D4", True), Term("Hepatitis C virus", "MESH:D4"), Term("Flaviviridae", "MESH:D5", True),
    Term("Flaviviridae Infections", "MESH:D6", True), Term("Hepatitis C", "MESH:D7", True),
    Term("Twofold", "MESH:D8", True), Term("Twofold Infections", "MESH:D9", True), Term("Twofold Infection", "MESH:D10", True),
    Term("Mice", "MESH:D11", True),
]
TREES = {"MESH:D1": ["B03.440.400"], "MESH:D2": ["B03.440.400.425"], "MESH:D3": ["C01.150.252.400.402"],
         "MESH:D4": ["B04.820.250.350"], "MESH:D5": ["B04.820.250"], "MESH:D6": ["C01.925.782.350"],
         "MESH:D7": ["C01.925.440.440"], "MESH:D8": ["B03.900"], "MESH:D9": ["C01.100"], "MESH:D10": ["C01.200"],
         "MESH:D11": ["B01.050.150"]}


def _ids(terms) -> dict[str, str]:
    return {term.name: term.identifier for term in terms}


def test_an_organism_is_read_as_its_own_infection_else_its_nearest_ancestors():
    found = _ids(infection_terms(TERMS, TREES))
    assert found["Helicobacter"] == "MESH:D3"  # "Helicobacter Infections"
    assert found["Helicobacter pylori"] == found["H. pylori"] == "MESH:D3"  # no infection of its own: its genus's
    assert found["H. pylori infection"] == "MESH:D3"  # each name followed by "infection" too
    assert found["Hepatitis C virus"] == "MESH:D7"  # a virus named for its disease
    assert found["Hepacivirus"] == found["Flaviviridae"] == "MESH:D6"  # the rest of its names: the family's infections
    assert "Twofold" not in found and "Mice" not in found  # two diseases; none
    assert "Helicobacter Infections" not in found and "Hepatitis C" not in found  # a disease's names are no organism's
    assert infection_terms(TERMS, {}) == []  # without tree numbers, no organism


# A second small MeSH: infections MeSH names with an adjective ("Streptococcal"), an organism
# filed under two branches, and species whose clipped names ("S. aureus") notes write.
GROUP = [
    ("Gram-Positive Bacteria", "E1", "B03.510"), ("Gram-Positive Bacterial Infections", "E2", "C01.150.252.410"),
    ("Streptococcus", "E3", "B03.510.400.872"), ("Streptococcal Infections", "E4", "C01.150.252.410.890"),
    ("Streptococcus pyogenes", "E5", "B03.510.400.872.600"), ("Enterococcus", "E6", "B03.353.750.250|B03.510.550.250"),
    ("Actinomyces", "E7", "B03.510.024.049|B03.050.010.049"), ("Actinomycetales", "E8", "B03.050.010"),
    ("Actinomycetales Infections", "E9", "C01.150.252.410.040"), ("Staphylococcus", "E10", "B03.510.400.790"),
    ("Staphylococcus aureus", "E11", "B03.510.400.790.100"), ("Staphylococcal Infections", "E12", "C01.150.252.410.868"),
    ("Klebsiella", "E13", "B03.440.450.425"), ("Klebsiella pneumoniae", "E14", "B03.440.450.425.500"),
    ("Klebsiella Infections", "E15", "C01.150.252.400.310.500"), ("Streptococcus pneumoniae", "E16", "B03.510.400.872.700"),
    ("Pneumococcus", "E16", ""), ("Pneumococcal Infections", "E17", "C01.150.252.410.890.700"),
    ("Methicillin-Resistant Staphylococcus aureus", "E18", "B03.510.400.790.100.500"), ("Oxacillin-Resistant Bacillus", "E19", "B03.510.400.872.900"),
]
GROUP_TERMS = [Term(name, f"MESH:{identifier}", bool(numbers)) for name, identifier, numbers in GROUP]
GROUP_TREES = {f"MESH:{identifier}": numbers.split("|") for _, identifier, numbers in GROUP if numbers}


def test_an_infection_named_with_an_adjective_and_the_narrower_of_two_branches():
    found = _ids(infection_terms(GROUP_TERMS, GROUP_TREES))
    assert found["Streptococcus"] == found["Streptococcus pyogenes"] == "MESH:E4"  # "Streptococcal Infections"
    assert found["Gram-Positive Bacteria"] == found["Enterococcus"] == "MESH:E2"  # "Bacterial"; the other branch has none
    assert found["Pneumococcus"] == found["Streptococcus pneumoniae"] == "MESH:E17"  # its own before its genus's
    # filed under Gram-Positive Bacteria and under a family with an infection that falls under that group's
    assert found["Actinomyces"] == "MESH:E9"


def test_a_species_clipped_as_notes_write_it():
    found = _ids(infection_terms(GROUP_TERMS, GROUP_TREES))
    assert found["S. aureus"] == found["S. aureus infection"] == "MESH:E12"
    assert found["K. pneumoniae"] == "MESH:E15" and found["S. pyogenes"] == "MESH:E4"
    # "S." is a stopword's letter, so "S. pneumoniae" would be looked up as "pneumoniae", which
    # Klebsiella pneumoniae shares: that clipped form is not given
    assert "S. pneumoniae" not in found
    assert "G. bacteria" not in found and "E. pylori" not in _ids(infection_terms(TERMS, TREES))  # genus and species only


def test_a_resistant_strains_susceptible_strain_is_the_species_infection():
    """MeSH has "Methicillin-Resistant Staphylococcus aureus" (MRSA) but no susceptible strain,
    the inventories' sense of "MSSA"."""
    found = _ids(infection_terms(GROUP_TERMS, GROUP_TREES))
    assert found["Methicillin-Resistant Staphylococcus aureus"] == "MESH:E12"  # its species' infection, by the tree
    assert found["Methicillin-Sensitive Staphylococcus aureus"] == found["Methicillin-Susceptible Staphylococcus aureus"] == "MESH:E12"
    assert found["Methicillin-Sensitive Staphylococcus aureus infection"] == "MESH:E12"
    # a strain of an organism that is not read as an infection gives no susceptible strain
    assert found["Oxacillin-Resistant Bacillus"] == "MESH:E4" and "Oxacillin-Sensitive Bacillus" not in found


def test_a_sense_gives_way_to_a_further_types_commoner_sense():
    """"GBS" in a disease's place is group B streptococcus (93% of its uses in the inventories),
    not Guillain-Barré syndrome (2%), which the diseases' names alone could give."""
    diseases = [Term("Guillain-Barre Syndrome", "MESH:D20", True), Term("Gout", "MESH:D21", True)]
    infections = [Term("Streptococcus Group B", "MESH:E4"), Term("Gout bacillus", "MESH:E9")]
    senses = {"gbs": [("group b streptococcus", 0.93), ("guillain-barre syndrome", 0.02)],
              "gt": [("gout", 0.6), ("gout bacillus", 0.3)]}
    linker = Linker(type_aliases={"Disease_disorder": ["Disease", "Infection"]}).fit(
        {"Disease": diseases, "Infection": infections}, senses=senses)
    found = linker.link("GBS", "Disease_disorder")
    assert (found.identifiers, found.method) == (("MESH:E4",), "sense:Infection") and found.score == pytest.approx(0.9 * 0.93 / 0.95, abs=1e-4)
    assert linker.link("GBS", "Disease").identifiers == ("MESH:D20",)  # with no further type, the only sense there is
    assert linker.link("GT", "Disease_disorder").identifiers == ("MESH:D21",)  # the commoner sense is the first type's
    assert linker.link("gout", "Disease_disorder").method == "exact"  # a name beats any later sense
    assert linker.link("Gout bacillus", "Disease_disorder").method == "exact:Infection"


def test_a_sense_gives_way_to_a_further_types_commoner_sense_where_that_type_has_the_short_form_as_a_name():
    """"Cr" as a test is creatinine (its commonest sense) under Chemical, though BC5CDR's training
    names it chromium there, not a rare sense's procedure (complete remission) under Procedure."""
    procedures = [Term("Complete Remission", "MESH:E1", True)]
    chemicals = [Term("Creatinine", "MESH:D3404", True), Term("Chromium", "MESH:D2857", True)]
    chromium = Document("d", "Cr was found.", [Mention(0, 2, "Chemical", "Cr", "MESH:D2857")])
    senses = {"cr": [("creatinine", 1.0), ("complete remission", 0.005)]}
    linker = Linker(type_aliases={"Diagnostic_procedure": ["Procedure", "Chemical"]}).fit(
        {"Procedure": procedures, "Chemical": chemicals}, [chromium], senses=senses)
    assert linker.link("Cr", "Chemical").identifiers == ("MESH:D2857",)  # as a chemical, the training name comes first
    found = linker.link("Cr", "Diagnostic_procedure")
    assert (found.identifiers, found.method) == (("MESH:D3404",), "sense:Chemical")
    assert linker.link("Cr", "Procedure").identifiers == ("MESH:E1",)  # with no further type, the only sense there is
    assert linker.link("creatinine", "Diagnostic_procedure").identifiers == ("MESH:D3404",)


def test_a_disease_mention_naming_its_pathogen_gets_the_infections_id_by_name_only():
    """The infections are a type of their own, second in a disease type's alias: a mention a
    disease's name matches keeps that, and the diseases' similarity search is as it was."""
    diseases = [Term("Hepatitis C", "MESH:D7", True), Term("Peptic Ulcer", "MESH:D12", True)]
    plain = Linker(threshold=0.5).fit({"Disease": diseases}, type_map=None)
    linker = Linker(threshold=0.5, type_aliases={"Disease_disorder": ["Disease", "Infection"]}).fit(
        {"Disease": diseases, "Infection": infection_terms(TERMS, TREES)})
    found = linker.link("H. pylori", "Disease_disorder")
    assert (found.identifiers, found.method) == (("MESH:D3",), "exact:Infection")
    assert linker.link("Helicobacter pylori infections", "Disease_disorder").identifiers == ("MESH:D3",)
    assert linker.link("hepatitis C", "Disease_disorder").method == "exact"  # a disease's own name first
    for mention in ("peptic ulcers disease", "hepatitis"):  # the similarity search reads the diseases' names alone
        assert linker.link(mention, "Disease_disorder") == plain.link(mention, "Disease")
    assert Linker().fit({"Disease": diseases, "Infection": infection_terms(TERMS, TREES)}).link("H. pylori", "Disease") == NIL


def test_mesh_infections_links_pathogens_of_the_data_folder(data_dir):
    from crfner.link.build import build_linker

    aliases = {"Disease_disorder": ["Disease", "Infection"]}
    linker = build_linker(data_dir, corpora=(), vocabularies=("medic", "mesh-infections"), type_aliases=aliases, senses=("clinical",))
    for mention, identifier in [("HIV", "MESH:D015658"), ("Helicobacter pylori", "MESH:D016481"), ("hepatitis C virus", "MESH:D006526"),
                                ("MRSA", "MESH:D013203"), ("Cytomegalovirus", "MESH:D003586"), ("EBV", "MESH:D020031"),
                                ("methicillin-resistant Staphylococcus aureus infection", "MESH:D013203"), ("HCV", "MESH:D006526"),
                                ("H. pylori", "MESH:D016481"), ("S. aureus", "MESH:D013203"), ("GBS", "MESH:D013290"),
                                ("Enterococcus faecalis", "MESH:D016908"), ("VRE", "MESH:D016908"), ("streptococcus", "MESH:D013290"), ("MSSA", "MESH:D013203")]:
        assert linker.link(mention, "Disease_disorder").identifier == identifier, mention
    assert linker.link("Mice", "Disease_disorder") == NIL


@pytest.mark.parametrize("acronym, other", [("HCVS", "HCV"), ("EBVS", "EBV"), ("CRPS", "CRP"), ("HLHS", "HLH")])
def test_an_acronym_that_ends_in_s_is_no_plural(acronym, other):
    """MEDIC lists "HCVS" and "EBVS" (susceptibilities), "CRPS" and "HLHS" (syndromes); read as
    plurals they made "HCV" Coronaviridae Infections and "HLH" hypoplastic left heart syndrome."""
    assert normal_form(acronym) != normal_form(other) and bag_form(acronym) != bag_form(other)
    assert normal_form(f" {acronym} ") == normal_form(acronym) == acronym.lower()
    assert normal_form(acronym.lower()) == other.lower()  # in lower case, a word's plural, as before


def test_plurals_are_still_singular_around_the_acronym_rule():
    assert normal_form("PCBs") == normal_form("PCB")  # a plural written with a small s
    assert normal_form("KIDNEY STONES") == normal_form("kidney stone")  # a name in capitals throughout
    assert normal_form("severe ARDS") == normal_form("severe ARD")  # inside a longer name, as before


def test_medic_acronyms_no_longer_link_other_short_forms(data_dir):
    from crfner.link.build import build_linker

    linker = build_linker(data_dir, corpora=(), vocabularies=("medic",))
    for mention, wrong in [("HCV", "MESH:D003333"), ("HLH", "MESH:D018636"), ("EBV", "MESH:D008232")]:
        assert linker.link(mention, "Disease").identifier != wrong, mention
    assert linker.link("HLHS", "Disease").identifier == "MESH:D018636"  # the acronym itself still links


def test_a_clipped_species_is_read_through_the_inventorys_one_word_key(data_dir):
    """Notes write "C. diff" and "E coli" where the inventories list "cdiff" and "ecoli"; the
    exact key keeps the dot and the space, so such a form had no sense."""
    from crfner.link.abbreviations import sense_keys
    from crfner.link.build import build_linker

    assert sense_keys("C. diff") == sense_keys("C diff") == sense_keys("c.diff") == ["cdiff"]
    assert sense_keys("a fib") == ["afib"] and sense_keys("ABGs") == ["abg"]
    for text in ("Cdiff", "Fever", "b.i.d.", "on IV", "C. difficile colitis"):  # one word, dotted letters, two words, longer
        assert sense_keys(text) == [], text
    aliases = {"Disease_disorder": ["Disease", "Infection"]}
    linker = build_linker(data_dir, corpora=(), vocabularies=("medic", "mesh-infections"), type_aliases=aliases, senses=("clinical",))
    found = linker.link("C. diff", "Disease_disorder")
    assert (found.identifier, found.method) == ("MESH:D003015", "sense:Infection")  # Clostridium Infections
    assert linker.link("a fib", "Disease_disorder").identifier == "MESH:D001281"  # atrial fibrillation
    assert linker.link("C. diff", "Disease_disorder") == linker.link("cdiff", "Disease_disorder")
