"""Spellings the linker reads as one: a combining form joined by a hyphen ("angio-oedema",
"anti-nuclear"), and British "oe" only where American writes "e" (keys version 9)."""

from __future__ import annotations

import pytest

from crfner.link import NIL, Linker, Term
from crfner.link.abbreviations import joined_form
from crfner.link.normalize import normal_form


@pytest.mark.parametrize("british, american", [("angiooedema", "angioedema"), ("lymphoedema", "lymphedema"), ("myxoedema", "myxedema"),
                                                ("diarrhoea", "diarrhea"), ("oesophagus", "esophagus"), ("coeliac", "celiac"),
                                                ("foetal", "fetal"), ("dyspnoea", "dyspnea")])
def test_a_british_oe_is_read_as_the_american_e(british, american):
    assert normal_form(british) == normal_form(american)


def test_an_oe_after_a_vowel_is_american():
    """Keys version 8 and before read "angioedema" as "angiedema", so the British form, which
    joins "angio" and "oedema", could never find it."""
    assert normal_form("angioedema") == "angioedema"


def test_a_hyphen_after_a_combining_form_is_joined():
    assert joined_form("angio-oedema") == "angiooedema"
    assert joined_form("anti-nuclear antibody") == "antinuclear antibody"
    assert joined_form("Acute non-lymphocytic leukemia") == "Acute nonlymphocytic leukemia"
    for kept in ("L-AMB", "T-cell", "X-ray", "COVID-19", "non-Hodgkin lymphoma", "5-FU"):  # short, a capital, a digit
        assert joined_form(kept) == kept, kept


def test_the_linker_tries_the_joined_form_when_nothing_else_answers():
    diseases = [Term("Angioedema", "MESH:D000799", True), Term("Psychotic Disorders", "MESH:D011618", True),
                Term("Schizoaffective Disorder", "MESH:D011618"), Term("Leukemia, Myeloid, Acute", "MESH:D015470", True),
                Term("acute nonlymphocytic leukemia", "MESH:D015470"), Term("Precursor Cell Lymphoblastic Leukemia-Lymphoma", "MESH:D054198", True),
                Term("acute lymphocytic leukemia", "MESH:D054198")]
    linker = Linker(threshold=0.5).fit({"Disease": diseases})
    for mention, identifier in [("angio-oedema", "MESH:D000799"), ("Angio-oedema", "MESH:D000799"), ("schizo-affective disorder", "MESH:D011618"),
                                ("acute non-lymphocytic leukemia", "MESH:D015470")]:
        assert linker.link(mention, "Disease").identifier == identifier, mention
    # a name the mention matches as written comes first; the joined form is a last dictionary resort
    assert linker.link("acute lymphocytic leukemia", "Disease").identifier == "MESH:D054198"
    assert Linker(threshold=None).fit({"Disease": diseases}).link("angio-oedema", "Disease").identifier == "MESH:D000799"
    assert Linker(threshold=None).fit({"Disease": diseases}).link("angio oedema", "Disease") == NIL  # a space is no hyphen
