"""Gazetteer features: term tokenisation, matching rules, features, file errors and the cache."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest
from conftest import write

from crfner.errors import DataFormatError
from crfner.featurize import gazetteer as gz
from crfner.featurize.gazetteer import Gazetteer, Match, gazetteer_features, load_gazetteer
from crfner.featurize.gazetteer_terms import tokenize_term

REPO = Path(__file__).resolve().parent.parent


def spans(gazetteer: Gazetteer, sentence: str) -> list[Match]:
    """Matches in a sentence written with its tokens separated by spaces."""
    return gazetteer.match(sentence.split())


# --- tokenize_term ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("Parkinson's disease", ["Parkinson", "'", "s", "disease"]),
        ("5-FU", ["5", "-", "FU"]),
        ("FK506", ["FK506"]),
        ("non-Hodgkin  lymphoma", ["non", "-", "Hodgkin", "lymphoma"]),
        ("Na+", ["Na", "+"]),
        ("(+/-)-α-tocopherol", ["(", "+", "/", "-", ")", "-", "α", "-", "tocopherol"]),
        ("snake_case", ["snake", "_", "case"]),
        ("   ", []),
    ],
)
def test_tokenize_term_splits_like_the_corpora(text, tokens):
    assert tokenize_term(text) == tokens


# --- matching --------------------------------------------------------------------------------


def test_longest_multiword_match_beats_shorter_ones():
    g = Gazetteer.from_terms(["breast", "breast cancer", "cancer", "breast cancer cells line"], "disease")
    assert spans(g, "metastatic breast cancer cells were") == [Match(1, 3, True)]
    assert spans(g, "breast and cancer") == [Match(0, 1, True), Match(2, 3, True)]


def test_matches_are_greedy_left_to_right_and_do_not_overlap():
    g = Gazetteer.from_terms(["renal failure", "failure rate"], "disease")
    assert spans(g, "renal failure rate") == [Match(0, 2, True)]


def test_normalised_match_ignores_case_and_punctuation_tokens():
    g = Gazetteer.from_terms(["Parkinson's disease", "non-Hodgkin lymphoma"], "disease")
    assert spans(g, "Parkinson ' s disease") == [Match(0, 4, True)]
    assert spans(g, "parkinson ' s disease") == [Match(0, 4, False)]
    assert spans(g, "PARKINSON s DISEASE") == [Match(0, 3, False)]
    assert spans(g, "non - Hodgkin lymphoma") == [Match(0, 4, True)]
    assert spans(g, "non Hodgkin lymphoma") == [Match(0, 3, False)]
    assert spans(g, "Non - hodgkin Lymphoma") == [Match(0, 4, False)]
    assert spans(g, "Parkinson disease") == []


def test_exact_variant_is_preferred_on_the_same_span_and_the_longer_span_wins():
    g = Gazetteer.from_terms(["Diabetes Mellitus", "Type 2", "type 2 diabetes"], "disease")
    assert spans(g, "Diabetes Mellitus") == [Match(0, 2, True)]
    assert spans(g, "diabetes mellitus") == [Match(0, 2, False)]
    assert spans(g, "Type 2 Diabetes") == [Match(0, 3, False)]
    assert spans(g, "Type 2 patients") == [Match(0, 2, True)]


def test_short_all_caps_abbreviations_match_case_sensitively_only():
    g = Gazetteer.from_terms(["ALL", "CD4+", "acute lymphoblastic leukemia", "LEUKEMIA"], "disease")
    assert spans(g, "ALL patients") == [Match(0, 1, True)]
    assert spans(g, "all patients") == []
    assert spans(g, "All patients") == []
    assert spans(g, "CD4 + cells") == [Match(0, 1, True)]
    assert spans(g, "cd4 + cells") == []
    # Longer than 5 characters: an ordinary term again.
    assert spans(g, "leukemia") == [Match(0, 1, False)]


def test_two_character_symbols_with_a_capital_match_case_sensitively_only():
    g = Gazetteer.from_terms(["As", "In", "Mg", "zinc"], "chemical")
    assert spans(g, "As in Mg and Zinc") == [Match(0, 1, True), Match(2, 3, True), Match(4, 5, False)]
    assert spans(g, "as in mg") == []


def test_a_match_never_starts_or_ends_on_punctuation():
    g = Gazetteer.from_terms(["Na+", "(R)-warfarin", "breast cancer", "+/-"], "chemical")
    assert spans(g, "Na + ions") == [Match(0, 1, True)]
    assert spans(g, "( R ) - warfarin") == [Match(1, 5, True)]
    assert spans(g, "( breast cancer )") == [Match(1, 3, True)]
    # Normalisation steps over punctuation inside a match only.
    assert spans(g, "breast , cancer .") == [Match(0, 3, False)]
    assert spans(g, "+ / -") == []
    assert g.n_terms == 4 and g.n_compiled == 3


LETTER_TERMS = ["C#O", "2,4-D", "e-", "Na", "vitamin E", "H 7"]


def test_single_letter_terms_match_normalised_unless_strict():
    g = Gazetteer.from_terms(LETTER_TERMS, "chemical")
    assert spans(g, "Pt c / o SOB") == [Match(1, 4, False)]
    assert spans(g, "e . g . 2 , 4 - d") == [Match(0, 1, True), Match(4, 9, False)]


def test_strict_letters_keeps_single_letter_terms_as_written_and_drops_a_lone_lower_case_letter():
    g = Gazetteer.from_terms(LETTER_TERMS, "chemical", strict_letters=True)
    assert g.strict_letters and g.n_compiled == len(LETTER_TERMS) - 1  # "e-" is gone
    assert spans(g, "Pt c / o SOB") == []
    assert spans(g, "e . g . 2 , 4 - d") == []
    assert spans(g, "C # O and 2 , 4 - D") == [Match(0, 3, True), Match(4, 9, True)]
    assert spans(g, "H 7 and h 7") == [Match(0, 2, True)]
    # Terms with a word of two characters or more are untouched: normalised matches as before.
    assert spans(g, "VITAMIN E and na") == [Match(0, 2, False)]
    assert pickle.loads(pickle.dumps(g)).strict_letters


def test_load_gazetteer_compiles_each_letter_rule_apart(tmp_path, count_compiles):
    path = write(tmp_path / "chem.tsv", "C#O\tX\n")
    loose, strict = load_gazetteer(path), load_gazetteer(path, strict_letters=True)
    assert spans(loose, "c / o") == [Match(0, 3, False)] and spans(strict, "c / o") == []
    assert load_gazetteer(path, strict_letters=True) is strict and len(count_compiles) == 2
    assert pickle.loads(pickle.dumps(strict)) is strict and pickle.loads(pickle.dumps(loose)) is loose


def test_terms_longer_than_max_tokens_are_skipped():
    terms = ["acute renal failure", "acute - on - chronic renal failure"]
    assert spans(Gazetteer.from_terms(terms, "d", max_tokens=3), "acute - on - chronic renal failure") == []
    assert spans(Gazetteer.from_terms(terms, "d"), "acute - on - chronic renal failure") == [Match(0, 7, True)]


def test_from_terms_checksum_is_of_the_sorted_terms():
    a = Gazetteer.from_terms(["b", "a"], "x")
    assert a.sha256 == hashlib.sha256(b"a\nb").hexdigest()
    assert a.sha256 == Gazetteer.from_terms(["a", "b"], "x").sha256
    assert (a.path, a.n_terms) == ("", 2)


# --- features --------------------------------------------------------------------------------


def test_features_mark_begin_inside_exact_and_single():
    g = Gazetteer.from_terms(["Parkinson's disease", "tremor"], "disease")
    tokens = "parkinson ' s disease with Tremor and tremor".split()
    assert gazetteer_features(tokens, [g]) == [
        [("gaz:disease", "B")],
        [("gaz:disease", "I")],
        [("gaz:disease", "I")],
        [("gaz:disease", "I")],
        [],
        [("gaz:disease", "B"), ("gaz:disease:single", 1.0)],
        [],
        [("gaz:disease", "B"), ("gaz:disease:exact", 1.0), ("gaz:disease:single", 1.0)],
    ]


def test_two_lists_are_matched_independently_on_one_sentence():
    disease = Gazetteer.from_terms(["lithium toxicity", "toxicity"], "disease")
    chemical = Gazetteer.from_terms(["lithium", "CD"], "chemical")
    tokens = ["Lithium", "toxicity", "in", "CD"]
    assert gazetteer_features(tokens, [disease, chemical]) == [
        [("gaz:disease", "B"), ("gaz:chemical", "B"), ("gaz:chemical:single", 1.0)],
        [("gaz:disease", "I")],
        [],
        [("gaz:chemical", "B"), ("gaz:chemical:exact", 1.0), ("gaz:chemical:single", 1.0)],
    ]


def test_features_of_an_empty_sentence_or_no_lists():
    g = Gazetteer.from_terms(["tremor"], "disease")
    assert gazetteer_features([], [g]) == []
    assert gazetteer_features(["tremor"], []) == [[]]


# --- files and errors ------------------------------------------------------------------------


def test_from_tsv_reads_bom_crlf_and_blank_lines(tmp_path):
    path = write(tmp_path / "my-diseases.tsv", "Tremor\tMESH:D014202\r\n\r\nbreast cancer\tMESH:D001943\r\n", bom=True)
    g = Gazetteer.from_tsv(path)
    assert (g.name, g.path, g.n_terms) == ("my-diseases", str(path), 2)
    assert g.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert spans(g, "Tremor and breast cancer") == [Match(0, 1, True), Match(2, 4, True)]
    assert Gazetteer.from_tsv(path, name="d").name == "d"


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("tremor\tMESH:D1\nbreast cancer MESH:D2\n", 2, "no TAB"),
        ("tremor\tMESH:D1\n\n\tMESH:D2\n", 3, "empty"),
        ("tremor\tMESH:D1\n  \tMESH:D2\n", 2, "empty"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, text, line, problem):
    path = write(tmp_path / "bad.tsv", text)
    with pytest.raises(DataFormatError) as caught:
        Gazetteer.from_tsv(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert problem in caught.value.problem
    assert f"bad.tsv, line {line}:" in str(caught.value)


def test_bytes_that_are_not_utf8_name_their_line(tmp_path):
    path = tmp_path / "latin1.tsv"
    for bom in (b"", b"\xef\xbb\xbf"):  # with a BOM, the line was counted 3 bytes short: line 1
        path.write_bytes(bom + "tremor\tA\nMénière\tB\n".encode("latin-1"))
        with pytest.raises(DataFormatError, match="not UTF-8 text") as caught:
            Gazetteer.from_tsv(path)
        assert caught.value.line == 2, bom


def test_a_list_saved_as_unicode_text_reads_as_its_utf8_copy(tmp_path):
    """Excel's "Unicode Text" and Notepad's "Unicode" save UTF-16 with a byte-order mark, which
    the linker and the corpus readers took and a feature set's gazetteer refused as not UTF-8."""
    text = "Ménière's disease\tMESH:D008575\r\n\nhay fever\tMESH:D006255\r\n"
    plain = write(tmp_path / "plain.tsv", text)
    expected = gz.read_terms(plain)[0]
    assert expected == ["Ménière's disease", "hay fever"]
    for codec, bom in (("utf-16", b""), ("utf-16-be", b"\xfe\xff"), ("utf-32", b""), ("utf-32-be", b"\x00\x00\xfe\xff")):
        wide = tmp_path / f"{codec}.tsv"
        wide.write_bytes(bom + text.encode(codec))
        terms, data = gz.read_terms(wide)
        assert terms == expected and data == wide.read_bytes(), codec  # the checksum is of the file as stored
        assert spans(Gazetteer.from_tsv(wide, "d"), "hay fever and Ménière ' s disease") == spans(
            Gazetteer.from_tsv(plain, "d"), "hay fever and Ménière ' s disease")
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(text.encode("utf-16") + b"\x00\xd8")  # a lone high surrogate on line 4
    with pytest.raises(DataFormatError, match=r"broken\.tsv, line 4: not UTF-16 text, as its byte-order mark says"):
        gz.read_terms(broken)


def test_missing_file(tmp_path):
    for load in (Gazetteer.from_tsv, load_gazetteer):
        with pytest.raises(DataFormatError, match="no such file") as caught:
            load(tmp_path / "absent.tsv")
        assert caught.value.path == str(tmp_path / "absent.tsv")


def test_from_terms_rejects_an_empty_term():
    with pytest.raises(DataFormatError, match="empty"):
        Gazetteer.from_terms(["tremor", " "], "d")


# --- cache and pickling ----------------------------------------------------------------------


@pytest.fixture
def count_compiles(monkeypatch):
    """Compiles counted with the disk cache off: these tests are of the per-process cache (the disk
    cache has its own, tests/test_gazetteer_cache.py)."""
    monkeypatch.setenv("CRFNER_CACHE_DIR", "off")
    calls = []
    compile_terms = gz.compile_terms
    monkeypatch.setattr(gz, "compile_terms", lambda *a, **k: calls.append(a) or compile_terms(*a, **k))
    return calls


def test_load_gazetteer_compiles_once_per_file(tmp_path, count_compiles):
    path = write(tmp_path / "d.tsv", "tremor\tX\n")
    first = load_gazetteer(path)
    assert load_gazetteer(str(path)) is first
    renamed = load_gazetteer(path, name="other")
    assert renamed.name == "other" and renamed._keys is first._keys
    assert len(count_compiles) == 1
    write(path, "tremor\tX\nataxia\tY\n")  # a new size: the file changed, so compile again
    again = load_gazetteer(path)
    assert again is not first and spans(again, "ataxia") == [Match(0, 1, True)]
    assert first not in gz._CACHE.values() and renamed not in gz._CACHE.values()
    assert len(count_compiles) == 2


def test_pickling_a_file_backed_list_reloads_it_by_path(tmp_path, count_compiles):
    g = load_gazetteer(write(tmp_path / "d.tsv", "tremor\tX\n"))
    assert pickle.loads(pickle.dumps(g)) is g
    assert len(pickle.dumps(g)) < 1000
    in_memory = Gazetteer.from_terms(["tremor"], "d")
    copy = pickle.loads(pickle.dumps(in_memory))
    assert spans(copy, "tremor") == [Match(0, 1, True)] and copy.sha256 == in_memory.sha256
    assert len(count_compiles) == 2


# --- the shipped list ------------------------------------------------------------------------


def _gazetteer_dir() -> Path:
    data = Path(os.environ.get("CRFNER_DATA_DIR") or REPO.parent / "shared" / "data")
    folder = data / "gazetteers"
    if not (folder / "disease.tsv").is_file():
        message = f"the gazetteers are not at {folder}; set CRFNER_DATA_DIR"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


def test_real_disease_list_matches_whole_spans():
    path = _gazetteer_dir() / "disease.tsv"
    g = load_gazetteer(path)
    assert g.name == "disease" and g.n_terms > 200_000 and len(g.sha256) == 64
    assert g.match(["Parkinson", "'", "s", "disease"]) == [Match(0, 4, True)]
    assert g.match(["patients", "with", "breast", "cancer", "."]) == [Match(2, 4, True)]
    assert g.match(["ALL"]) == [Match(0, 1, True)]
    assert g.match(["all"]) == []
    assert load_gazetteer(path) is g


def test_head_words_count_multi_word_terms_ending_in_a_word():
    gazetteer = Gazetteer.from_terms(
        ["Rett syndrome", "Down syndrome", "Alport Syndrome", "syndrome", "liver disease", "Leigh disease"], "dis"
    )
    assert gazetteer.heads == {"syndrome": 3, "disease": 2}
    assert gazetteer.head_features("Syndrome") == [("gazhead:dis", "2-9")]
    assert gazetteer.head_features("liver") == []
    assert pickle.loads(pickle.dumps(gazetteer)).heads == gazetteer.heads
    assert Gazetteer.from_terms([f"kind {i} tumour" for i in range(150)], "t").head_features("tumour") == [("gazhead:t", "100+")]
