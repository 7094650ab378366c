"""i2b2 2010 concepts, i2b2 2009 medication entries and n2c2 2018 track 2: small samples in the
published formats, exact character offsets, token-level IOB2, and one-line errors."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crfner
from crfner.corpora.i2b2 import read_i2b2_concepts, read_i2b2_concepts_iob
from crfner.corpora.i2b2_medication import read_i2b2_medications
from crfner.corpora.n2c2 import read_n2c2
from crfner.errors import DataFormatError, ParameterError

RECORD = (
    "Admission Date :\n"
    "2012-03-14\n"
    "HISTORY OF PRESENT ILLNESS :\n"
    "The patient is a 63 year old man with Coronary Artery Disease and chest pain .\n"
    "He underwent a cardiac catheterization which showed severe three vessel disease .\n"
    "He was started on Aspirin and Lopressor 25 mg\n"
)
CONCEPTS = (
    'c="coronary artery disease" 4:9 4:11||t="problem"\n'
    'c="chest pain" 4:13 4:14||t="problem"\n'
    'c="a cardiac catheterization" 5:2 5:4||t="test"\n'
    'c="severe three vessel disease" 5:7 5:10||t="problem"\n'
    'c="aspirin" 6:4 6:4||t="treatment"\n'
    'c="lopressor 25 mg" 6:6 6:8||t="treatment"\n'
)


def write_record(folder, name="record-13", text=RECORD, con=CONCEPTS):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.con").write_text(con, encoding="utf-8")
    return folder / f"{name}.txt", folder / f"{name}.con"


def test_concepts_become_mentions_at_exact_character_offsets(tmp_path):
    txt, _ = write_record(tmp_path)
    (document,) = read_i2b2_concepts(tmp_path)
    assert document.id == "record-13" and document.text == RECORD
    found = [(m.start, m.end, m.type, m.text) for m in document.mentions]
    assert found == [
        (RECORD.index("Coronary"), RECORD.index("Coronary") + 23, "problem", "Coronary Artery Disease"),
        (RECORD.index("chest pain"), RECORD.index("chest pain") + 10, "problem", "chest pain"),
        (RECORD.index("a cardiac"), RECORD.index("a cardiac") + 25, "test", "a cardiac catheterization"),
        (RECORD.index("severe"), RECORD.index("severe") + 27, "problem", "severe three vessel disease"),
        (RECORD.index("Aspirin"), RECORD.index("Aspirin") + 7, "treatment", "Aspirin"),
        (RECORD.index("Lopressor"), len(RECORD) - 1, "treatment", "Lopressor 25 mg"),
    ]
    assert found[0][:2] == (95, 118)  # by hand: lines 1-3 are 17+11+29 characters, 'The patient ... with ' 38
    for mention in document.mentions:
        assert document.text[mention.start:mention.end] == mention.text
    # the pair of paths reads the same, and so does the public name
    assert list(read_i2b2_concepts(txt, tmp_path / "record-13.con")) == [document]
    assert list(crfner.read_i2b2_concepts(txt)) == [document]


def test_concepts_as_token_level_iob2(tmp_path):
    write_record(tmp_path)
    X, y = crfner.read_i2b2_concepts_iob(tmp_path)
    assert len(X) == 6 and X[0] == ["Admission", "Date", ":"] and X[1] == ["2012-03-14"]
    assert y[:3] == [["O"] * 3, ["O"], ["O"] * 5]
    assert list(zip(X[3], y[3]))[9:] == [
        ("Coronary", "B-problem"), ("Artery", "I-problem"), ("Disease", "I-problem"), ("and", "O"),
        ("chest", "B-problem"), ("pain", "I-problem"), (".", "O"),
    ]
    assert y[4] == ["O", "O", "B-test", "I-test", "I-test", "O", "O", "B-problem", "I-problem", "I-problem", "I-problem", "O"]
    assert y[5] == ["O", "O", "O", "O", "B-treatment", "O", "B-treatment", "I-treatment", "I-treatment"]


def test_a_concept_across_a_line_break_and_runs_of_spaces(tmp_path):
    text = "He has  chest\r\npain at rest .\n\nNo fever .\n"
    con = 'c="chest pain" 1:2 2:0||t="problem"\nc="fever" 4:1 4:1||t="problem"\nc="fever" 4:1 4:1||t="problem"\n'
    write_record(tmp_path, "r1", text, con)
    (document,) = read_i2b2_concepts(tmp_path)
    assert [(m.start, m.end, m.text) for m in document.mentions] == [(8, 19, "chest\r\npain"), (34, 39, "fever")]
    stats = Counter()
    X, y = read_i2b2_concepts_iob(tmp_path, stats=stats)
    assert X == [["He", "has", "chest"], ["pain", "at", "rest", "."], ["No", "fever", "."]]
    assert y == [["O", "O", "B-problem"], ["B-problem", "O", "O", "O"], ["O", "B-problem", "O"]]
    assert stats == Counter(concepts=2)


def test_old_mac_line_ends_count_as_lines(tmp_path):
    # a lone CR ends a line in the record as it does in the .con file, which numbered_lines reads
    text = RECORD.replace("\n", "\r")
    write_record(tmp_path, "mac", text, CONCEPTS.replace("\n", "\r"))
    (document,) = read_i2b2_concepts(tmp_path)
    write_record(tmp_path / "unix", "lf")
    (unix,) = read_i2b2_concepts(tmp_path / "unix")
    assert [(m.start, m.end, m.type) for m in document.mentions] == [(m.start, m.end, m.type) for m in unix.mentions]
    assert [m.text for m in document.mentions][:2] == ["Coronary Artery Disease", "chest pain"]
    assert read_i2b2_concepts_iob(tmp_path) == read_i2b2_concepts_iob(tmp_path / "unix")


def test_overlapping_concepts_in_iob_keep_the_first_and_longest(tmp_path):
    con = CONCEPTS + 'c="artery disease" 4:10 4:11||t="problem"\n'
    write_record(tmp_path, con=con)
    stats = Counter()
    _, y = read_i2b2_concepts_iob(tmp_path, stats=stats)
    assert y[3][9:12] == ["B-problem", "I-problem", "I-problem"]
    assert stats == Counter(concepts=6, overlapping=1)
    (document,) = read_i2b2_concepts(tmp_path)
    assert len(document.mentions) == 7


def test_the_release_layout_and_records_without_concepts(tmp_path):
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "record-13.txt").write_text(RECORD, encoding="utf-8")
    (tmp_path / "concept").mkdir()
    (tmp_path / "concept" / "record-13.con").write_text(CONCEPTS, encoding="utf-8")
    (tmp_path / "txt" / "record-14.txt").write_text("No concepts here .\n", encoding="utf-8")
    documents = list(read_i2b2_concepts(tmp_path))
    assert [d.id for d in documents] == ["record-13", "record-14"]
    assert len(documents[0].mentions) == 6 and documents[1].mentions == []
    (tmp_path / "concept" / "record-99.con").write_text(CONCEPTS, encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"record-99\.con: annotations without a record"):
        list(read_i2b2_concepts(tmp_path))


def assert_one_line_error(error, path, line, words):
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{path}, line {line}: "), message
    assert words in message, message
    assert error.value.path == str(path) and error.value.line == line


@pytest.mark.parametrize(
    "bad, words",
    [
        ('c="chest pain" 4:13 4:14 t="problem"', "not an i2b2 concept line"),
        ('c="chest pain" 4:13-4:14||t="problem"', "not an i2b2 concept line"),
        ('c="chest pain" 40:0 40:1||t="problem"', "line 40 lies outside the record record-13.txt, which has 6 lines"),
        ('c="mg" 6:9 6:9||t="treatment"', "token 9 lies outside line 6 of record-13.txt, which has 9 tokens"),
        ('c="chest pain" 4:14 4:13||t="problem"', "ends at 4:13, before it starts at 4:14"),
        ('c="chest pains" 4:13 4:14||t="problem"', "concept text 'chest pains' differs from the record's tokens 'chest pain'"),
        ('c="chest pain" 4:13 4:14||t="drug"', "concept type 'drug' is not one of problem, test, treatment"),
    ],
)
def test_each_malformed_concept_line_is_a_one_line_error(tmp_path, bad, words):
    lines = CONCEPTS.splitlines()
    lines.insert(2, bad)
    _, con = write_record(tmp_path, con="\n".join(lines) + "\n")
    with pytest.raises(DataFormatError) as error:
        list(read_i2b2_concepts(tmp_path))
    assert_one_line_error(error, con, 3, words)
    with pytest.raises(DataFormatError):
        read_i2b2_concepts_iob(tmp_path)


def test_check_text_false_trusts_the_positions(tmp_path):
    write_record(tmp_path, con='c="chest pains" 4:13 4:14||t="problem"\n')
    (document,) = read_i2b2_concepts(tmp_path, check_text=False)
    assert [m.text for m in document.mentions] == ["chest pain"]


MED_RECORD = (
    "DISCHARGE MEDICATIONS :\n"
    "1. Levofloxacin 500 mg p.o. daily for 7 days for pneumonia .\n"
    "2. Coumadin 5 mg p.o.\n"
    "q.h.s. to keep INR 2-3 .\n"
    "She was given Lasix and potassium chloride for fluid\n"
    "overload .\n"
    "Nephrocaps one tab Monday , Wednesday and Friday after dialysis .\n"
)
ENTRIES = (
    'm="levofloxacin" 2:1 2:1||do="500 mg" 2:2 2:3||mo="p.o." 2:4 2:4||f="daily" 2:5 2:5||du="for 7 days" 2:6 2:8||r="pneumonia" 2:10 2:10||ln="list"\n'
    'm="coumadin" 3:1 3:1||do="5 mg" 3:2 3:3||mo="p.o." 3:4 3:4||f="q.h.s." 4:0 4:0||du="nm"||r="nm"||ln="list"\n'
    'm="lasix" 5:3 5:3||do="nm"||mo="nm"||f="nm"||du="nm"||r="fluid overload" 5:8 6:0||ln="narrative"\n'
    'm="potassium chloride" 5:5 5:6 ||do="nm" ||mo="nm" ||f="nm" ||du="nm" ||r="fluid overload" 5:8 6:0 ||ln="narrative"\n'
    'm="nephrocaps" 7:0 7:0||do="one tab" 7:1 7:2||mo="nm"||f="monday ... wednesday and friday after dialysis" 7:3 7:3,7:5 7:9'
    '||du="nm"||r="nm"||e="start"||t="present"||c="factual"||ln="list"\n'
)


def write_medications(folder, entries=ENTRIES):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "379569.txt").write_text(MED_RECORD, encoding="utf-8")
    (folder / "379569.m").write_text(entries, encoding="utf-8")
    return folder / "379569.m"


def test_medication_entries_become_one_mention_per_field_present(tmp_path):
    write_medications(tmp_path)
    (document,) = crfner.read_i2b2_medications(tmp_path)
    found = [(m.type, m.text) for m in document.mentions]
    assert found == [
        ("Medication", "Levofloxacin"), ("Dosage", "500 mg"), ("Mode", "p.o."), ("Frequency", "daily"),
        ("Duration", "for 7 days"), ("Reason", "pneumonia"),
        ("Medication", "Coumadin"), ("Dosage", "5 mg"), ("Mode", "p.o."), ("Frequency", "q.h.s."),
        ("Medication", "Lasix"), ("Medication", "potassium chloride"), ("Reason", "fluid\noverload"),
        ("Medication", "Nephrocaps"), ("Dosage", "one tab"), ("Frequency", "Monday , Wednesday and Friday after dialysis"),
    ]
    for mention in document.mentions:
        assert document.text[mention.start:mention.end] == mention.text
    starts = {m.text: m.start for m in document.mentions}
    assert starts["Levofloxacin"] == 27 and starts["q.h.s."] == MED_RECORD.index("q.h.s.")
    assert starts["fluid\noverload"] == MED_RECORD.index("fluid")
    # a field left out of ``types`` is skipped
    (only,) = read_i2b2_medications(tmp_path / "379569.txt", tmp_path / "379569.m", types={"m": "Drug"})
    assert [m.text for m in only.mentions] == ["Levofloxacin", "Coumadin", "Lasix", "potassium chloride", "Nephrocaps"]
    # field names, as a list or one comma-separated string, keep their usual types
    for names in ("m,do", ["m", "do"]):
        (named,) = read_i2b2_medications(tmp_path / "379569.txt", tmp_path / "379569.m", types=names)
        assert {m.type for m in named.mentions} == {"Medication", "Dosage"}
        assert ("Dosage", "5 mg") in [(m.type, m.text) for m in named.mentions]
    with pytest.raises(ParameterError, match="'Drug' is not a medication field"):
        list(read_i2b2_medications(tmp_path, types="m,Drug"))


@pytest.mark.parametrize(
    "bad, words",
    [
        ('m="lasix" 5:3 5:3||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"', "the entry lacks the field(s) ln"),
        ('m="lasix" 5:3 5:3||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||x="1"||ln="list"', "unknown medication field 'x'"),
        ('m="lasix" 5:3 5:3||do="nm"||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "field 'do' appears twice"),
        ('m="lasix" 5:3 5:3||do="20 mg"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "field 'do' has text '20 mg' but no LINE:TOKEN"),
        ('m="nm"||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "field 'm' has text 'nm' but no LINE:TOKEN"),
        ('m="lasix" 5:3 5:3||do=20 mg 5:4 5:5||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "not an i2b2 medication field"),
        ('m="lasix" 5:3 5:3||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="table"', "ln must be"),
        ('m="lasix" 5:3 5:30||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "token 30 lies outside line 5"),
        ('m="lasix" 9:0 9:0||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "line 9 lies outside the record"),
        ('m="furosemide" 5:3 5:3||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "'furosemide' differs from the record's tokens 'Lasix'"),
        ('m="n ... x" 7:0 7:0,7:3 7:3||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="list"', "'n ... x' differs"),
    ],
)
def test_each_malformed_medication_entry_is_a_one_line_error(tmp_path, bad, words):
    lines = ENTRIES.splitlines()
    lines.insert(1, bad)
    path = write_medications(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(DataFormatError) as error:
        list(read_i2b2_medications(tmp_path))
    assert_one_line_error(error, path, 2, words)


def test_medication_text_mismatches_pass_with_check_text_false(tmp_path):
    write_medications(tmp_path, 'm="lasix." 5:3 5:3||do="nm"||mo="nm"||f="nm"||du="nm"||r="nm"||ln="narrative"\n')
    with pytest.raises(DataFormatError):
        list(read_i2b2_medications(tmp_path))
    (document,) = read_i2b2_medications(tmp_path, check_text=False)
    assert [(m.type, m.text) for m in document.mentions] == [("Medication", "Lasix")]


N2C2_TEXT = (
    "Discharge Medications:\n"
    "1. Lisinopril 10 mg tablet by mouth daily.\n"
    "Developed a rash on chest and arms after vancomycin.\n"
)


def n2c2_ann(text=N2C2_TEXT):
    def at(phrase, nth=0):
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        return f"{start} {start + len(phrase)}"

    rash, arms = text.index("rash"), text.index("arms")
    return (
        f"T1\tDrug {at('Lisinopril')}\tLisinopril\n"
        f"T2\tStrength {at('10 mg')}\t10 mg\n"
        f"T3\tForm {at('tablet')}\ttablet\n"
        f"T4\tRoute {at('by mouth')}\tby mouth\n"
        f"T5\tFrequency {at('daily')}\tdaily\n"
        "R1\tStrength-Drug Arg1:T2 Arg2:T1\n"
        "R2\tForm-Drug Arg1:T3 Arg2:T1\n"
        f"T6\tADE {at('rash on chest')}\trash on chest\n"
        f"T7\tADE {rash} {rash + 4};{arms} {arms + 4}\trash arms\n"
        f"T8\tDrug {at('vancomycin')}\tvancomycin\n"
        "R3\tADE-Drug Arg1:T6 Arg2:T8\n"
        f"T9\tProblem {at('rash')}\trash\n"
        "#1\tAnnotatorNotes T8\tantibiotic\n"
    )


def test_n2c2_keeps_the_track_types_and_reads_a_discontinuous_span_as_its_extent(tmp_path):
    (tmp_path / "100035.txt").write_text(N2C2_TEXT, encoding="utf-8")
    (tmp_path / "100035.ann").write_text(n2c2_ann(), encoding="utf-8")
    (document,) = crfner.read_n2c2(tmp_path)
    found = [(m.start, m.end, m.type, m.text) for m in document.mentions]
    rash = N2C2_TEXT.index("rash")
    assert found == [
        (26, 36, "Drug", "Lisinopril"), (37, 42, "Strength", "10 mg"), (43, 49, "Form", "tablet"),
        (50, 58, "Route", "by mouth"), (59, 64, "Frequency", "daily"),
        (rash, rash + 13, "ADE", "rash on chest"), (rash, rash + 22, "ADE", "rash on chest and arms"),
        (N2C2_TEXT.index("vancomycin"), N2C2_TEXT.index("vancomycin") + 10, "Drug", "vancomycin"),
    ]
    assert all(document.text[m.start:m.end] == m.text for m in document.mentions)
    (drugs,) = read_n2c2(tmp_path / "100035.txt", types=("Drug",))
    assert [m.text for m in drugs.mentions] == ["Lisinopril", "vancomycin"]


def test_n2c2_errors_name_the_ann_file_and_line(tmp_path):
    (tmp_path / "100035.txt").write_text(N2C2_TEXT, encoding="utf-8")
    ann = n2c2_ann().replace("\t10 mg\n", "\t10 mcg\n")
    (tmp_path / "100035.ann").write_text(ann, encoding="utf-8")
    with pytest.raises(DataFormatError) as error:
        list(read_n2c2(tmp_path))
    assert_one_line_error(error, tmp_path / "100035.ann", 2, "'10 mcg'")


ASSERTIONS = (
    'c="coronary artery disease" 4:9 4:11||t="problem"||a="present"\n'
    'c="chest pain" 4:13 4:14||t="problem"||a="absent"\n'
    'c="severe three vessel disease" 5:7 5:10||t="problem" || a="possible"\n'
)


def test_assertions_put_each_problem_at_its_offsets_with_its_assertion(tmp_path):
    from crfner.corpora.i2b2_assertions import read_i2b2_assertions

    write_record(tmp_path / "txt", con="")
    (tmp_path / "ast").mkdir()
    (tmp_path / "ast" / "record-13.ast").write_text(ASSERTIONS + ASSERTIONS.splitlines()[1] + "\n", encoding="utf-8")
    (document,) = crfner.read_i2b2_assertions(tmp_path)  # the release's txt/ and ast/ folders; a repeat read once
    assert [(e.text, e.type, e.assertion, e.negated) for e in document.entities] == [
        ("Coronary Artery Disease", "problem", "present", False), ("chest pain", "problem", "absent", True),
        ("severe three vessel disease", "problem", "possible", False)]
    assert all(document.text[e.start:e.end] == e.text for e in document.entities)
    assert [document.text[a:b] for a, b in document.passages] == RECORD.splitlines()  # a sentence a line
    write_record(tmp_path / "bare", con="")
    (bare,) = read_i2b2_assertions(tmp_path / "bare")  # a record without an .ast
    assert bare.entities == () and bare.text == RECORD


@pytest.mark.parametrize(("line", "message"), [
    ('c="chest pain" 4:13 4:14||t="problem"', "line 2: not an i2b2 assertion line"),
    ('c="chest pain" 4:13 4:14||t="problem"||a="negated"', "line 2: assertion 'negated' is not one of present, absent"),
    ('c="chest pain" 4:13 4:14||t="finding"||a="absent"', "line 2: concept type 'finding' is not one of"),
    ('c="chest ache" 4:13 4:14||t="problem"||a="absent"', "line 2: concept text 'chest ache' differs"),
    ('c="chest pain" 9:0 9:1||t="problem"||a="absent"', "line 2: line 9 lies outside the record"),
    ('c="coronary artery disease" 4:9 4:11||t="problem"||a="absent"',
     "line 2: concept 'Coronary Artery Disease' is asserted present on an earlier line and absent"),
])
def test_a_malformed_assertion_line_is_a_one_line_error_naming_file_and_line(tmp_path, line, message):
    from crfner.corpora.i2b2_assertions import read_i2b2_assertions

    write_record(tmp_path, con="")
    (tmp_path / "record-13.ast").write_text(ASSERTIONS.splitlines()[0] + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as caught:
        list(read_i2b2_assertions(tmp_path))
    assert "record-13.ast" in str(caught.value) and message in str(caught.value) and "\n" not in str(caught.value)


def test_the_negation_benchmark_scores_the_rules_on_i2b2_assertions(tmp_path):
    import json

    from conftest import load_benchmark

    benchmark = load_benchmark("negation")
    text = "Chest pain .\nNo fever or chills .\nDenies nausea\nvomiting and cough .\nPneumonia was ruled out .\n"
    ast = ('c="chest pain" 1:0 1:1||t="problem"||a="present"\nc="fever" 2:1 2:1||t="problem"||a="absent"\n'
           'c="chills" 2:3 2:3||t="problem"||a="absent"\nc="nausea" 3:1 3:1||t="problem"||a="absent"\n'
           'c="vomiting" 4:0 4:0||t="problem"||a="present"\nc="cough" 4:2 4:2||t="problem"||a="present"\n'
           'c="pneumonia" 5:0 5:0||t="problem"||a="absent"\n')
    (tmp_path / "note.txt").write_text(text, encoding="utf-8")
    (tmp_path / "note.ast").write_text(ast, encoding="utf-8")
    out = tmp_path / "i2b2.json"
    assert benchmark.main(["--i2b2", str(tmp_path), "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["assertions"] == {"absent": 4, "present": 3} and result["negated"] == 4
    # a line is a sentence: "Denies" on line 3 does not reach "vomiting" on line 4
    assert (result["rules"]["tp"], result["rules"]["fp"], result["rules"]["fn"]) == (4, 0, 0)
    assert (result["few_cues"]["tp"], result["few_cues"]["fn"]) == (3, 1)  # no "was ruled out" among the few


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(ASSERTIONS.splitlines()), st.text(max_size=60),
                          st.builds(lambda a, b, c, d, t, v: f'c="x" {a}:{b} {c}:{d}||t="{t}"||a="{v}"',
                                    *[st.integers(0, 12)] * 4, st.sampled_from(["problem", "test", "x"]),
                                    st.sampled_from(["absent", "present", "maybe"]))), max_size=6))
def test_any_assertion_file_reads_or_fails_with_a_one_line_error(tmp_path, lines):
    from crfner.corpora.i2b2_assertions import read_i2b2_assertions

    folder = tmp_path / "fuzz"
    write_record(folder, con="")
    (folder / "record-13.ast").write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        (document,) = read_i2b2_assertions(folder, check_text=False)
    except DataFormatError as error:
        assert "record-13.ast, line " in str(error) and "\n" not in str(error)
    else:
        assert all(document.text[e.start:e.end] == e.text for e in document.entities)


@pytest.mark.parametrize(("files", "unread"), [
    ({"r.txt": RECORD, "concept/r.con": CONCEPTS}, "concept/r.con"),  # a record beside its folder's concept/
    ({"txt/r.txt": RECORD, "r.con": CONCEPTS}, "r.con"),  # the release's txt/, its annotations above it
    ({"txt/r.txt": RECORD, "txt/r.con": CONCEPTS, "concept/r.con": CONCEPTS}, "concept/r.con"),  # two files
])
def test_annotations_that_would_not_be_read_are_an_error(tmp_path, files, unread):
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(DataFormatError, match="not read") as error:
        list(read_i2b2_concepts(tmp_path))
    assert error.value.path == str(tmp_path / unread)


def test_a_record_with_both_medication_files_is_an_error(tmp_path):
    write_medications(tmp_path)
    (tmp_path / "379569.entries").write_text(ENTRIES.splitlines()[0] + "\n", encoding="utf-8")
    for args in [(tmp_path,), (tmp_path / "379569.txt",)]:
        with pytest.raises(DataFormatError, match="379569.entries.*not read"):
            list(read_i2b2_medications(*args))


def test_n2c2_refuses_an_annotation_file_given_with_a_folder(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "100035.txt").write_text(N2C2_TEXT, encoding="utf-8")
    (tmp_path / "100035.ann").write_text("T1\tDrug 26 36\tLisinopril\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="not with a folder"):  # was read without it, as if it had no entities
        list(read_n2c2(tmp_path / "notes", tmp_path / "100035.ann"))


def test_types_given_as_one_string_are_type_names_not_letters(tmp_path):
    from crfner.corpora.i2b2_assertions import read_i2b2_assertions

    write_record(tmp_path / "c", con='c="chest pain" 4:13 4:14||t="prob"\n')  # 'prob' is a substring of 'problem'
    with pytest.raises(DataFormatError, match="concept type 'prob' is not one of problem$"):
        list(read_i2b2_concepts(tmp_path / "c", types="problem"))
    write_record(tmp_path / "a", con="")
    (tmp_path / "a" / "record-13.ast").write_text('c="chest pain" 4:13 4:14||t=""||a="absent"\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="concept type '' is not one of problem, test$"):
        list(read_i2b2_assertions(tmp_path / "a", types="problem,test"))
    (tmp_path / "100035.txt").write_text(N2C2_TEXT, encoding="utf-8")
    (tmp_path / "100035.ann").write_text(n2c2_ann(), encoding="utf-8")
    (drugs,) = read_n2c2(tmp_path / "100035.txt", types="Drug")  # was a set of letters, so no mention at all
    assert [m.text for m in drugs.mentions] == ["Lisinopril", "vancomycin"]


def test_n2c2_refuses_a_folder_without_documents(tmp_path):
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "100035.txt").write_text(N2C2_TEXT, encoding="utf-8")
    # was read as no documents at all
    with pytest.raises(DataFormatError, match="holds no documents, only the split folders train: give one of them"):
        list(read_n2c2(tmp_path))
    assert [d.id for d in read_n2c2(tmp_path / "train")] == ["100035"]
