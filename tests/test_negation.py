"""Negation of found entities (``crfner.assertion``), its gold (MACCROBAT's polarity attributes)
and ``crfner tag --text --negation``."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crfner
from crfner.assertion import RULES, negations
from crfner.corpora.brat import read_brat_attributes
from crfner.corpora.polarity import maccrobat_polarity
from crfner.errors import DataFormatError


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def spans_of(text: str, *words: str) -> list[Span]:
    found, at = [], 0
    for word in words:
        at = text.index(word, at)
        found.append(Span(at, at + len(word)))
        at += len(word)
    return found


def negated(text: str, *words: str, **options) -> list[bool]:
    return [n.negated for n in negations(text, spans_of(text, *words), **options)]


def cues(text: str, *words: str, **options) -> list[str | None]:
    """Each word's negation cue as written, None where it is not negated; each cue's offsets checked."""
    found = negations(text, spans_of(text, *words), **options)
    assert all((n.cue is not None) == n.negated for n in found)
    assert all(text[n.cue_start:n.cue_end] == n.cue for n in found if n.negated)
    return [n.cue for n in found]


def test_cues_before_and_after_an_entity_negate_it_and_say_which_words_did():
    text = "Denies fever, chills or night sweats. Aspirin was discontinued. The rash resolved."
    found = negations(text, spans_of(text, "fever", "chills", "night sweats", "Aspirin", "rash"))
    assert [n.negated for n in found] == [True] * 5
    assert [n.cue for n in found] == ["Denies", "Denies", "Denies", "was discontinued", "resolved"]
    assert all(text[n.cue_start : n.cue_end] == n.cue for n in found)


@pytest.mark.parametrize(("text", "words", "expected"), [
    ("No nausea but reports vomiting.", ("nausea", "vomiting"), [True, False]),  # "but" ends the cue's reach
    ("Malignancy could not be excluded.", ("Malignancy",), [False]),  # a phrase that holds a cue but negates nothing
    ("There was no change in the rash.", ("rash",), [False]),
    ("There was no improvement in the rash.", ("rash",), [False]),
    ("Negative for pulmonary embolism.", ("pulmonary embolism",), [True]),
    ("He has pain. No fever.", ("pain", "fever"), [False, True]),  # a cue reaches within its sentence only
    ("No history of asthma, presented with cough and shortness of breath after a long walk", ("asthma", "walk"),
     [True, False]),  # nor past the window
    ("No fever and the patient was discharged home with antibiotics.", ("antibiotics",), [False]),
    ("Pulmonary embolism was ruled out.", ("Pulmonary embolism",), [True]),
    ("She didn't take her insulin.", ("insulin",), [True]),
    ("Denies CP.", ("Denies CP",), [True]),  # a model's span that took its cue in
    ("She developed no-reflow after PCI.", ("no-reflow",), [False]),  # a cue's word in a compound
    ("A not-for-profit clinic.", ("clinic",), [False]),
    ("No - fever, and smoke-free.", ("fever", "smoke"), [True, True]),  # but spaced, or a compound's cue after

    ("No.", ("No",), [False]),  # but not a span that is only the cue
    ("Denies: fever, chills or night sweats.", ("fever", "chills", "night sweats"), [True] * 3),  # a cue as a label
    ("Pt denies: fever; reports cough.", ("fever", "cough"), [True, False]),  # ";" still ends its reach
    ("No complaints: reports cough.", ("cough",), [False]),  # and a colon after other words
    ("She didn\u2019t take her insulin.", ("insulin",), [True]),  # a curly apostrophe
    ("No. of nodules: 3.", ("nodules",), [False]),  # "No." a number
    ("No nodules. No. of cysts: 2.", ("nodules", "cysts"), [True, False]),
])
def test_what_is_and_is_not_negated(text, words, expected):
    assert negated(text, *words) == expected


def test_the_longest_cue_at_a_word_is_the_one_read():
    text = "No evidence of metastasis. Did not improve with steroids; no longer able to walk."
    found = negations(text, spans_of(text, "metastasis", "steroids", "walk"))
    assert [(n.negated, n.cue) for n in found] == [(True, "No evidence of"), (False, None), (False, None)]
    own = {**RULES, "before": RULES["before"] | {("not", "seen", "for")}}  # longer than the after-cue "not seen"
    text = "Not seen for fever."
    assert [n.cue for n in negations(text, spans_of(text, "fever"), rules=own)] == ["Not seen for"]


def test_the_reaches_and_the_rules_can_be_set():
    text = "Today he denies fever, chills or night sweats."  # not opening its sentence: see list_openers
    assert negated(text, "fever", "chills", "night sweats", item=0) == [True, True, False]
    assert negated("No obvious large palpable mass.", "mass", window=2) == [False]
    assert negated("No obvious large palpable mass.", "mass", window=3) == [True]
    own = {**RULES, "before": RULES["before"] | {("absent",), ("nil",)}}
    assert negated("Nil chest pain.", "chest pain") == [False]
    assert negated("Nil chest pain.", "chest pain", rules=own) == [True]
    # plain sets too (the index of frozen ones is kept between calls; a set's is built each call)
    assert negated("Nil chest pain.", "chest pain", rules={k: set(v) for k, v in own.items()}) == [True]
    assert negated("Nil chest pain.", "chest pain") == [False]
    for name in ("window", "post_window", "item"):
        for bad in (-1, 1.5, True):
            with pytest.raises(ValueError, match=f"^{name} must be a whole number"):
                negations(text, [], **{name: bad})


@dataclass(frozen=True)
class Typed:
    start: int
    end: int
    type: str


def test_types_limit_negation_to_entities_of_those_types():
    text = "No CT or fever was seen."
    ct, fever = spans_of(text, "CT", "fever")
    entities = [Typed(ct.start, ct.end, "Diagnostic_procedure"), Typed(fever.start, fever.end, "Sign_symptom")]
    assert [n.negated for n in negations(text, entities)] == [True, True]
    assert [n.negated for n in negations(text, entities, types={"Sign_symptom"})] == [False, True]
    assert [n.negated for n in negations(text, entities, types=[])] == [False, False]
    assert [n.negated for n in negations(text, [ct], types={"Sign_symptom"})] == [False]  # an entity without a type
    for bad in ("Sign_symptom", [1]):
        with pytest.raises(ValueError, match="^types must be a collection of type names"):
            negations(text, entities, types=bad)


def test_a_cue_as_a_label_over_a_list_reaches_its_items_only():
    note = "Denies:\n- fever\n- chills but rash\n- the usual night sweats over weeks\nPLAN: aspirin\n"
    found = negations(note, spans_of(note, "fever", "chills", "rash", "weeks", "aspirin"), splitter="notes")
    assert [(n.negated, n.cue) for n in found] == [(True, "Denies"), (True, "Denies"), (False, None), (False, None),
                                                   (False, None)]  # a terminator, the window, the list's end
    assert (found[0].cue_start, found[0].cue_end) == (0, 6)
    numbered = "Negative for:\n1. fever\n2. chills\n\nReports:\n- cough\nfever"
    found = negations(numbered, spans_of(numbered, "fever", "chills", "cough") + [Span(
        numbered.rindex("fever"), len(numbered))], splitter="notes")
    assert [n.cue for n in found] == ["Negative for", "Negative for", None, None]
    # a label that is no cue, a cue over lines that are no list items, and the abstract splitter reach nothing
    for text in ("Pain:\n- fever\n", "Denies:\nfever\n"):
        assert [n.negated for n in negations(text, spans_of(text, "fever"), splitter="notes")] == [False]
    # an item's own cue is the closer one
    own = "Denies:\n- no fever\n"
    assert [n.cue for n in negations(own, spans_of(own, "fever"), splitter="notes")] == ["no"]
    # the label reads as if it stood at the item's start, its list included
    listed = "Negative for:\n- fever, chills, night sweats or weight loss\n"
    found = negations(listed, spans_of(listed, "fever", "chills", "night sweats", "weight loss"), splitter="notes")
    assert [n.cue for n in found] == ["Negative for"] * 4


def test_passages_are_split_apart_as_tagging_splits_them():
    text = "Outcome without lithium Renal failure was seen in two."  # a title without a full stop, then the abstract
    failure = spans_of(text, "Renal failure")
    assert [n.negated for n in negations(text, failure)] == [True]  # read as one sentence, "without" reaches it
    assert [n.negated for n in negations(text, failure, passages=[(0, 23), (24, len(text))])] == [False]


def test_notes_are_read_by_the_notes_splitter():
    note = "ROS:\n- no fever\n- cough\nPLAN: stopped metoprolol"
    found = negations(note, spans_of(note, "fever", "cough", "metoprolol"), splitter="notes")
    assert [n.negated for n in found] == [True, False, True]
    assert negations(note, [], splitter="notes") == []
    # a review of systems' label opening a line is the cue of its findings, not a heading cut off from them
    ros = "REVIEW OF SYSTEMS:\nNegative for: fever, chills.\nPositive for: headache.\n"
    found = negations(ros, spans_of(ros, "fever", "chills", "headache"), splitter="notes")
    assert [(n.negated, n.cue) for n in found] == [(True, "Negative for"), (True, "Negative for"), (False, None)]
    with pytest.raises(ValueError, match="splitter must be one of"):
        negations(note, [], splitter="lines")


def test_ward_shorthand_and_signs_of_a_review_of_systems_negate_as_their_words_do():
    ros = ("ROS:\nGI: + abd pain, + nausea, - diarrhea\nResp: (-) cough, (+) SOB\n"
           "Neuro: +dizziness, -syncope -seizure\nConstitutional: neg for fever, chills\n")
    words = ("abd pain", "nausea", "diarrhea", "cough", "SOB", "dizziness", "syncope", "seizure", "fever", "chills")
    found = negations(ros, spans_of(ros, *words), splitter="notes")
    assert [(n.negated, n.cue) for n in found] == [
        (False, None), (False, None), (True, "-"), (True, "(-)"), (False, None),  # a plus sign ends the reach of (-)
        (False, None), (True, "-"), (True, "-"), (True, "neg for"), (True, "neg for")]
    for n in found:
        if n.negated:
            assert ros[n.cue_start:n.cue_end] == n.cue
    plan = "CXR w/o infiltrate. Admit to r/o MI. No rash + itch. PE was ruled out."
    # since version 9, "r/o" (rule out) is a finding in question, no negation (crfner.uncertainties); "ruled out" negates
    assert negated(plan, "infiltrate", "MI", "rash", "itch", "PE") == [True, False, True, False, True]
    # a bullet opening its line, a hyphen inside a word and a range are no minus sign
    meds = "Meds:\n- aspirin 81 mg\n-metformin 500 mg\nChest x-ray, T-wave changes, pain 5-6/10, -fever\n(-) rash"
    assert negated(meds, "aspirin", "metformin", "x-ray", "T-wave", "pain", "fever", "rash", splitter="notes") == [
        False, False, False, False, False, True, True]
    assert negated("Abd soft, non-tender - no guarding", "non-tender", "guarding") == [False, True]
    # the signs are declared: rules without them (as written before version 4) read none
    line = "GI: -diarrhea, (-) melena"
    assert negated(line, "diarrhea", "melena") == [True, True]
    assert negated(line, "diarrhea", "melena", rules={**RULES, "minus_signs": frozenset()}) == [False, False]
    without = {key: value for key, value in RULES.items() if key != "minus_signs"}
    assert negated(line, "diarrhea", "melena", rules=without) == [False, False]
    with pytest.raises(ValueError, match=r"rules\['minus_signs'\] must be a set of words"):
        negated(line, "diarrhea", rules={**RULES, "minus_signs": "-"})
    # case reports write a result after its test: "(-)" there negates nothing that follows
    labs = "Markers were HBsAg (+), anti-HBs (-), anti-HBc (+), HBeAg (-), anti-HBe (+) and right -sided pain."
    assert negated(labs, "HBsAg", "anti-HBs", "anti-HBc", "HBeAg", "anti-HBe", "pain") == [False] * 6


def test_a_labels_whole_answer_negates_what_the_label_names():
    history = ("Social Hx:\nTobacco: former, quit 1998.\nEtOH: denies.\nIllicit drugs: none\nCocaine: never\n"
               "Chest pain: no. Palpitations: yes. Fever: denies chills. Alcohol: no longer\n")
    words = ("Tobacco", "EtOH", "Illicit drugs", "Cocaine", "Chest pain", "Palpitations", "Fever", "chills", "Alcohol")
    found = negations(history, spans_of(history, *words), splitter="notes")
    assert [(n.negated, n.cue) for n in found] == [
        (False, None), (True, "denies"), (True, "none"), (True, "never"), (True, "no"), (False, None),
        (False, None), (True, "denies"), (False, None)]  # only an answer that is the whole answer
    for n in found:
        if n.negated:
            assert history[n.cue_start:n.cue_end] == n.cue
    pathology = "- Lymphovascular invasion: not identified.\n- Perineural invasion: present."
    assert negated(pathology, "Lymphovascular invasion", "Perineural invasion", splitter="notes") == [True, False]
    # a label in capitals is a heading to the notes splitter, read apart from its answer, as the README says
    assert negated("HIV: negative", "HIV", splitter="notes") == [False]
    assert negated("HIV: negative", "HIV") == [True]  # one sentence to the abstract splitter
    # declared: rules without answers (as written before version 5) read none
    line = "EtOH: denies."
    assert negated(line, "EtOH") == [True]
    assert negated(line, "EtOH", rules={key: value for key, value in RULES.items() if key != "answers"}) == [False]
    with pytest.raises(ValueError, match=r"rules\['answers'\] must hold phrases as tuples"):
        negated(line, "EtOH", rules={**RULES, "answers": frozenset({"denies"})})


def test_a_table_rows_status_cell_negates_the_drug_of_its_first_cell():
    # before (rules version 5), a medication reconciliation's STOPPED row negated nothing
    table = ("Medication\tDose\tRoute\tFrequency\tStatus\nMetoprolol succinate\t50 mg\tPO\tdaily\tContinue\n"
             "Naproxen\t500 mg\tPO\tBID PRN\tSTOPPED - AKI\nLisinopril   10 mg   PO   daily   Held (AKI)\n"
             "Warfarin\t5 mg\tPO\tdaily\tD/C\nAspirin 81 mg daily, then stopped\n")
    words = ("Metoprolol succinate", "Naproxen", "500 mg", "AKI", "Lisinopril", "AKI", "Warfarin", "Aspirin")
    found = negations(table, spans_of(table, *words), splitter="notes")
    assert [(n.negated, n.cue) for n in found] == [
        (False, None), (True, "STOPPED"), (False, None), (False, None), (True, "Held"), (False, None), (True, "D/C"),
        (False, None)]  # only the first cell, and only in a table's row
    for n in found:
        if n.negated:
            assert table[n.cue_start:n.cue_end] == n.cue
    # declared: rules without statuses (as written before version 6) read none
    row = "Naproxen\t500 mg\tSTOPPED"
    assert negated(row, "Naproxen") == [True]
    assert negated(row, "Naproxen", rules={key: value for key, value in RULES.items() if key != "statuses"}) == [False]
    with pytest.raises(ValueError, match=r"rules\['statuses'\] must hold phrases as tuples"):
        negated(row, "Naproxen", rules={**RULES, "statuses": frozenset({"stopped"})})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["no", "fever", ",", "or", "but", "denies", "was", "ruled", "out", "resolved", ".",
                                 "\n", "- ", "cough", "not", "be", "excluded", "ASA", "-", "+", "(-)", "w/o",
                                 "STOP", ":", "held", "hold", "(", ")", "taking", "2", "\n- "]), max_size=30),
       st.data())
def test_any_text_gives_one_answer_an_entity_whose_cue_slices_back_apart_from_it(words, data):
    text = " ".join(words)
    spans = []
    for _ in range(data.draw(st.integers(0, 4))):
        start = data.draw(st.integers(0, max(len(text) - 1, 0)))
        end = data.draw(st.integers(start + 1, max(len(text), start + 1)))
        spans.append(Span(start, min(end, len(text)) or start + 1))
    found = negations(text, spans, splitter=data.draw(st.sampled_from(["abstract", "notes"])))  # notes: the status rules
    assert len(found) == len(spans)
    for span, n in zip(spans, found):
        if n.negated:
            assert text[n.cue_start : n.cue_end] == n.cue
            # apart from the entity, or opening it and not the whole of it
            assert n.cue_end <= span.start or n.cue_start >= span.end or (n.cue_start >= span.start and n.cue_end < span.end)


def test_a_sentence_of_many_cues_and_entities_is_read_in_time_that_grows_with_its_length():
    import time

    # each entity tried every cue of its sentence, each across all the words between: 1,000
    # "no fever" in one sentence (9,000 characters) took 186 s, and it grew with the cube
    text = "no fever " * 1000 + "but cough"
    entities = spans_of(text, *["fever"] * 1000, "cough")
    started = time.perf_counter()
    found = negations(text, entities)
    assert time.perf_counter() - started < 5
    assert [(n.negated, n.cue_start) for n in found] == [(True, 9 * k) for k in range(1000)] + [(False, None)]


def test_a_long_line_of_minus_signs_is_read_in_time_that_grows_with_its_length():
    import time

    # where each sign stands on its line is read from the sign back, not from the line's start
    text = "ROS: " + "fever, -cough, " * 200000 + "+rash"
    started = time.perf_counter()
    found = negated(text, *["cough"] * 300, "rash")
    assert time.perf_counter() - started < 10
    assert found == [True] * 300 + [False]


def test_a_long_list_after_one_cue_is_read_in_time_that_grows_with_its_length():
    import time

    # each item's walk went back over every item before it to the cue: 4,000 items took 8 to 11 s, and it grew
    # with the square; past a separator the walk's answer is the same for every item, and is kept
    text = "Denies fever" + "".join(f", pain{k}" for k in range(8000)) + " but cough."
    entities = spans_of(text, "fever", *[f"pain{k}" for k in range(8000)], "cough")
    started = time.perf_counter()
    found = negations(text, entities)
    assert time.perf_counter() - started < 5
    assert [n.cue_start for n in found] == [0] * 8001 + [None]
    # a long item cuts the list off for every item after it, and only for those
    text = "no fever, chills, pain in the left lower leg, rash, cough"
    found = negations(text, spans_of(text, "fever", "chills", "pain", "rash", "cough"))
    assert [n.negated for n in found] == [True, True, True, False, False]


def test_brat_attributes_are_read_onto_entities_and_events_triggers(tmp_path):
    ann = tmp_path / "a.ann"
    ann.write_text("T1\tSign_symptom 0 5\tfever\nE1\tSign_symptom:T1\nA1\tPOLARITY E1 NEG\nT2\tMedication 10 17\taspirin\n"
                   "A2\tNegated T2\nR1\tMODIFY Arg1:T1 Arg2:T2\n", encoding="utf-8")
    assert read_brat_attributes(ann) == {"T1": {"POLARITY": "NEG"}, "T2": {"Negated": "true"}}
    ann.write_text("T1\tSign_symptom 0 5\tfever\nA1\tPOLARITY\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"a\.ann, line 2: an attribute line must read"):
        read_brat_attributes(ann)
    ann.write_text("A1\tPOLARITY E7 NEG\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="refers to event E7, which is not defined"):
        read_brat_attributes(ann)


def test_on_maccrobat_devel_the_rules_find_more_negations_than_the_commonest_cues_alone(data_dir):
    documents = maccrobat_polarity("devel", data_dir, types=("Sign_symptom", "Disease_disorder", "Medication"))[:10]
    gold = [e.negated for d in documents for e in d.entities]
    assert sum(gold) >= 10  # the corpus's own negations are read
    few = {**RULES, "before": frozenset({("no",), ("not",), ("without",), ("denies",)}), "after": frozenset(),
           "pseudo": frozenset(), "minus_signs": frozenset(), "answers": frozenset()}
    results = {}
    for name, rules in (("rules", None), ("few", few)):
        found = [n.negated for d in documents for n in negations(d.text, d.entities, rules=rules)]
        tp = sum(f and g for f, g in zip(found, gold))
        results[name] = (tp / max(sum(found), 1), tp / sum(gold))
    precision, recall = results["rules"]
    assert recall > results["few"][1] and precision > 0.5 and recall > 0.5


def test_tag_text_negation_on_the_command_line(fitted, tmp_path, capsys):
    from crfner.cli import main

    model = fitted.save(tmp_path / "model")
    text = "No evidence of cisplatin toxicity. Patients received cisplatin."
    assert main(["tag", str(model), "--text", text, "--negation"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records and all(isinstance(r["negated"], bool) for r in records)
    expected = negations(text, crfner.CRFTagger.load(model).tag_text(text))
    assert [r["negated"] for r in records] == [n.negated for n in expected]
    for r in records:
        if r["negated"]:
            assert text[r["negation_cue_start"] : r["negation_cue_end"]] == r["negation_cue"] == "No evidence of"
    assert main(["tag", str(model), "--text", text]) == 0
    assert "negated" not in capsys.readouterr().out
    # documents: the same fields in JSON Lines and in the entity table, the rules' version in the resume fingerprint
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(text, encoding="utf-8")
    (notes / "b.txt").write_text("Denies fever.\nNo cisplatin given.", encoding="utf-8")
    out = tmp_path / "tagged.jsonl"
    assert main(["tag", str(model), str(notes), "--negation", "-o", str(out), "-q"]) == 0
    tagged = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert tagged[0]["entities"] == records
    for document in tagged:
        assert [e["negated"] for e in document["entities"]] == [
            n.negated for n in negations(document["text"], [Span(e["start"], e["end"]) for e in document["entities"]])]
    table = tmp_path / "tagged.csv"
    assert main(["tag", str(model), str(notes), "--negation", "--output-format", "csv", "-o", str(table), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert list(rows[0])[-4:] == ["negated", "negation_cue", "negation_cue_start", "negation_cue_end"]
    flat = [e for d in tagged for e in d["entities"]]
    assert [r["negated"] for r in rows] == [str(e["negated"]).lower() for e in flat]
    assert [r["negation_cue"] for r in rows] == [e.get("negation_cue", "") for e in flat]
    capsys.readouterr()
    for args, message in (([str(notes), "--output-format", "pubtator"], "--negation is written in jsonl or csv output"),
                          ([str(notes / "a.txt"), "--input-format", "conll"], "--negation applies to raw text")):
        assert main(["tag", str(model), *args, "--negation"]) == 2
        assert message in capsys.readouterr().err


def test_negation_types_on_the_command_line(fitted, tmp_path, capsys):
    from crfner.cli import main

    model = fitted.save(tmp_path / "model")
    text = "No cisplatin toxicity or nephrotoxicity. No evidence of cisplatin."
    assert main(["tag", str(model), "--text", text, "--negation"]) == 0
    everything = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["type"] for r in everything if r["negated"]} == {"Chemical", "Disease"}  # the fixture's model finds both
    assert main(["tag", str(model), "--text", text, "--negation", "--negation-types", "Disease"]) == 0
    diseases = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["negated"] for r in diseases] == [r["negated"] and r["type"] == "Disease" for r in everything]
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "tagged.jsonl"
    assert main(["tag", str(model), str(notes), "--negation", "--negation-types", " Disease ,", "-o", str(out), "-q"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["entities"] == diseases
    capsys.readouterr()
    for args, message in ((["--negation-types", "Disease"], "--negation-types applies with --negation"),
                          (["--negation", "--negation-types", "Disease,Gene"], "Gene is not among"),
                          (["--negation", "--negation-types", ","], "--negation-types names no type")):
        assert main(["tag", str(model), "--text", text, *args]) == 2
        assert message in capsys.readouterr().err


def test_negation_types_are_checked_and_enter_the_resume_fingerprint(fitted, tmp_path):
    from crfner.errors import CrfnerError
    from crfner.tagging.batch import tag_files
    from crfner.tagging.entity_fields import negation_setting
    from crfner.tagging.resume import fingerprint

    assert negation_setting(["Disease", "Chemical", "Disease"]) == ("Chemical", "Disease")
    assert negation_setting(True) is True and negation_setting(False) is False
    for bad in ("Disease", [], [""], ["a,b"], 3):
        with pytest.raises(CrfnerError, match="^negation"):
            negation_setting(bad)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("No fever.", encoding="utf-8")
    model = fitted.save(tmp_path / "model").resolve()
    prints = {fingerprint(notes, model, "text", "jsonl", negation=n) for n in (True, ("Disease",), ("Chemical", "Disease"))}
    assert len(prints) == 3
    with pytest.raises(CrfnerError, match="type names"):
        tag_files(model, notes, tmp_path / "out.jsonl", negation=[""], progress=False)
    assert not (tmp_path / "out.jsonl").exists()


def test_the_negation_rules_enter_the_resume_fingerprint(fitted, tmp_path, monkeypatch):
    from crfner.tagging.resume import fingerprint

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("No fever.", encoding="utf-8")
    model = fitted.save(tmp_path / "model").resolve()
    plain = fingerprint(notes, model, "text", "jsonl")
    assert fingerprint(notes, model, "text", "jsonl", negation=False) == plain != fingerprint(notes, model, "text", "jsonl",
                                                                                              negation=True)
    negated = fingerprint(notes, model, "text", "jsonl", negation=True)
    from crfner.assertion import RULES_VERSION

    monkeypatch.setattr("crfner.assertion.RULES_VERSION", RULES_VERSION + 1)  # new rules: an output of the old ones does not resume
    assert fingerprint(notes, model, "text", "jsonl", negation=True) != negated


def test_a_drug_held_and_an_order_declined_are_negated():
    # before (rules version 6), the "lisinopril held." and a declined referral negated nothing
    note = ("Pt stable.\nlisinopril held.\nMetformin held for AKI.\nColonoscopy was declined by the patient.\n"
            "Genetic counseling referral declined by patient.\nHeparin was continued.")
    found = negations(note, spans_of(note, "lisinopril", "Metformin", "AKI", "Colonoscopy", "Genetic counseling referral",
                                     "Heparin"), splitter="notes")
    assert [(n.negated, n.cue) for n in found] == [
        (True, "held"), (True, "held"), (False, None), (True, "was declined"), (True, "declined by"), (False, None)]


def test_a_label_that_ends_in_a_cue_and_a_few_words_reaches_the_list_below():
    # before (rules version 7), only a label that was wholly a cue ("Denies:") reached its list
    note = "Patient denies the following:\n- fever\n- chills\nPlan:\n- aspirin\nNo changes to the following:\n- lisinopril"
    assert negated(note, "fever", "chills", "aspirin", "lisinopril", splitter="notes") == [True, True, False, False]
    far = "Patient is not currently taking any of the following:\n- aspirin"  # the cue too far from the colon
    assert negated(far, "aspirin", splitter="notes") == [False]
    assert negated("Negative for the following:\n- rash", "rash", splitter="notes", window=1) == [False]  # the reach counts


def test_a_drug_stopped_for_a_reason_does_not_negate_the_reason():
    # before (rules version 9), "stopped for" negated the bleeding it was stopped for
    note = ("Plavix stopped for GI bleed. Clozapine must be stopped due to agranulocytosis. Aspirin was stopped.\n"
            "Stopped metformin.")
    found = negations(note, spans_of(note, "GI bleed", "agranulocytosis", "Aspirin", "metformin"), splitter="notes")
    assert [(n.negated, n.cue) for n in found] == [(False, None), (False, None), (True, "was stopped"), (True, "Stopped")]
    # before (rules version 22), the drug was not negated either, and "given" was no reason
    note = "Plavix stopped for GI bleed. Ketorolac discontinued given Cr bump. Clozapine must be stopped due to agranulocytosis."
    assert cues(note, "Plavix", "GI bleed", "Ketorolac", "Cr bump", "Clozapine", splitter="notes") == [
        "stopped for", None, "discontinued given", None, None]


def test_sentences_given_are_read_as_given_and_not_split_again():
    from crfner.text.splitters import split_text

    # one sentence to the abstract splitter ("No" reaches the rash), two to the notes splitter
    note = "No fever\nrash on arms"
    spans = spans_of(note, "fever", "rash")
    notes = split_text(note, None, "notes")
    assert [n.negated for n in negations(note, spans, splitter="notes")] == [True, False]
    assert [n.negated for n in negations(note, spans)] == [True, True]
    # the sentences given decide, whatever the splitter named: a caller reading several rule sets splits once
    assert negations(note, spans, sentences=notes) == negations(note, spans, splitter="notes")
    assert negations(note, spans, splitter="notes", sentences=split_text(note)) == negations(note, spans)


def test_a_status_that_ends_a_list_item_after_a_dash_or_in_brackets_negates_the_item():
    # before (rules version 10), a medication list's "- held today" negated nothing: the notes splitter cuts at the dash
    note = ("Current meds:\n- lisinopril 20 mg daily - held today\n- HCTZ 25 mg daily - discontinued\n"
            "- metoprolol 25 mg BID (held)\n- aspirin 81 mg \u2013 stopped 2 weeks ago\n- apixaban 5 mg BID - held for bleeding\n"
            "- atorvastatin 40 mg qhs - continued\n")
    words = ("lisinopril", "20 mg daily", "HCTZ", "metoprolol", "aspirin", "apixaban", "bleeding", "atorvastatin")
    assert cues(note, *words, splitter="notes") == [
        "held", "held", "discontinued", "held", "stopped", "held", None, None]  # the reason after the status is not what was held
    # a problem list's plan after a dash is no status of its problem, nor is a status on the next line
    plan = "# DM2 - hold metformin, SSI\n# HTN - stopped lisinopril\nWarfarin 5 mg -\nstopped yesterday"
    # (the metformin is held: negated by the order since rules version 19, not by the dash)
    assert negated(plan, "DM2", "metformin", "HTN", "Warfarin", splitter="notes") == [False, True, False, False]
    assert negated("Warfarin 5 mg - stopped", "Warfarin", splitter="abstract") == [True]  # one sentence: the same rule
    # an order negates only where it ends the item: the meloxicam is taken until a week before surgery
    orders = "meloxicam 15 mg daily - stop 7 days before surgery\nlisinopril 10 mg daily - hold\n"
    assert negated(orders, "meloxicam", "lisinopril", splitter="notes") == [False, True]
    # declared: rules without statuses read none
    assert negated(note, "lisinopril", splitter="notes", rules={k: v for k, v in RULES.items() if k != "statuses"}) == [False]


def test_a_drug_weaned_off_and_a_device_not_in_use_are_negated():
    # before (rules version 12), "weaned off" after a drug negated nothing; MACCROBAT's annotators negate it
    note = "Norepinephrine weaned off at 0600. Inotropic supports were weaned off. PCA not in use. O2 weaned to 2L."
    assert negated(note, "Norepinephrine", "Inotropic supports", "PCA", "O2") == [True, True, True, False]


def test_no_personal_or_family_history_reaches_as_far_as_no_history():
    # before (rules version 13), "No" reached only four words: the deficiency, six words on, was not negated
    note = "No personal or family history of malignant hyperthermia or pseudocholinesterase deficiency."
    assert negated(note, "malignant hyperthermia", "pseudocholinesterase deficiency") == [True, True]
    found = negations(note, spans_of(note, "pseudocholinesterase deficiency"))
    assert found[0].cue == "No personal or family history of"


def test_a_status_label_negates_the_drugs_it_reaches():
    # before (rules version 14), a discharge medication list's "STOP:" negated nothing
    note = ("Discharge Medications:\nNEW: cephalexin 500 mg PO QID\nSTOP: ibuprofen (took for abdominal pain at home)\n"
            "Stop: naproxen, aspirin\n- HOLD: lisinopril until Cr improves\nSTOP taking these medications:\n"
            "- ibuprofen 200 mg tablet (for pain)\n- naproxen\nContinue:\n- aspirin\nStop date: 12/1. Held: metoprolol.\n")
    words = ("cephalexin", "ibuprofen", "abdominal pain", "naproxen", "aspirin", "lisinopril", "Cr", "ibuprofen", "pain",
             "naproxen", "aspirin", "metoprolol")
    assert cues(note, *words, splitter="notes") == [
        None, "STOP", None, "Stop", "Stop", "HOLD", None, "STOP", None, "STOP", None, "Held"]
    # declared: rules without statuses read none
    fewer = {key: value for key, value in RULES.items() if key != "statuses"}
    assert negated(note, "cephalexin", "ibuprofen", splitter="notes", rules=fewer) == [False, False]


def test_a_lists_last_and_after_a_cue_separates_its_items():
    # before (rules version 15), "and" ended a review of systems' list: the weight change was not negated
    ros = ("Constitutional: Negative for fever, chills and unexpected weight change.\n"
           "Cardiovascular: Negative for chest pain, palpitations and leg swelling.\n")
    assert negated(ros, "fever", "chills", "weight change", "chest pain", "palpitations", "leg swelling",
                   splitter="notes") == [True] * 6
    # not in prose: ", and" joins clauses, and a list that goes on is no list's end
    prose = ("An ECG revealed no ischemic changes, and a coronary angiogram of normal coronary arteries was obtained. "
             "She denied adjuvant therapy, abdominal recurrence and hepatic metastases were found.")
    assert negated(prose, "ischemic changes", "angiogram", "hepatic metastases") == [True, False, False]


def test_epics_stop_taking_label_reaches_the_lines_indented_below_it():
    # before (rules version 16), a status label needed its colon and a marked list
    note = ("CONTINUE taking these medications\n    aspirin 81 MG tablet\n\nSTOP taking these medications\n"
            "    ibuprofen 200 MG tablet\n    lisinopril 10 MG tablet\nmetformin 500 mg\n\nStopped smoking\n    nicotine gum\n")
    assert negated(note, "aspirin", "ibuprofen", "lisinopril", "metformin", "nicotine", splitter="notes") == [
        False, True, True, False, False]  # not past a line that is not indented, nor under a label without "taking"


def test_a_cue_inside_brackets_and_one_before_by_reach_no_farther():
    # before (rules version 17), "(PE excluded)" negated the pleuritis after it, and "ruled out by" the tests
    note = "Ddx: CAP vs pulmonary infarct (PE excluded) vs viral pleuritis. ACS ruled out by serial troponins and ECG."
    assert negated(note, "CAP", "pleuritis", "ACS", "serial troponins", "ECG", splitter="notes") == [
        False, False, True, False, False]
    # a cue before a bracket still reaches past it, and "not accompanied by" is one cue
    assert negated("Denies fever (Tmax 37.2), chills or night sweats.", "fever", "chills", "night sweats") == [True] * 3
    assert negated("The tumor was not accompanied by other metastases.", "metastases") == [True]


def test_does_not_stop_is_no_cue():
    # before (rules version 18), "does not" of "bleeding that does not stop" reached the swelling after it
    note = "Call your doctor if you notice bleeding that does not stop, black stools, or swelling. Do not stop taking clopidogrel."
    assert negated(note, "bleeding", "swelling", "clopidogrel", splitter="notes") == [False, False, False]


def test_an_order_to_hold_a_drug_negates_the_entity_right_after_it():
    # before (rules version 19), "lisinopril held" was negated but "Hold warfarin" was not
    note = ("Hold warfarin tonight; resume tomorrow. Continue to hold home lisinopril. hold anticoagulation for now given "
            "thrombocytopenia.\n# DM2 - hold metformin, SSI\nmetoprolol 25 mg PO BID, hold for SBP < 90\n")
    words = ("warfarin", "lisinopril", "anticoagulation", "thrombocytopenia", "DM2", "metformin", "SSI", "metoprolol", "SBP")
    assert cues(note, *words, splitter="notes") == ["Hold", "Continue to hold", "hold", None, None, "hold", None, None, None]
    assert negated(note, "warfarin", rules={k: v for k, v in RULES.items() if k != "orders"}) == [False]  # declared
    with pytest.raises(ValueError, match=r"rules\['orders'\] must hold phrases as tuples"):
        negated(note, "warfarin", rules={**RULES, "orders": frozenset({"hold"})})


def test_a_clause_after_a_comma_with_with_or_normal_and_a_condition_end_a_reach():
    # before (rules version 20), each of these findings was negated by the cue before the comma or the condition
    note = ("Negative for PE, with LLL consolidation. RUQ US: no gallstones, no biliary ductal dilation, normal liver "
            "echotexture. Prednisone to be stopped if the synovitis settles. No reversal agent unless active bleeding.")
    words = ("PE", "consolidation", "gallstones", "dilation", "liver echotexture", "Prednisone", "synovitis", "bleeding")
    assert negated(note, *words, splitter="notes") == [True, False, True, True, False, False, False, False]
    # a list after a cue still reaches on, and "with" without a comma is no clause of its own
    assert negated("No fever, chills, night sweats. No lesion with enhancement.", "fever", "chills", "night sweats",
                   "enhancement") == [True] * 4


def test_drugs_discontinued_and_orders_to_stop_them_are_negated():
    # before (rules version 21), a drug "discontinued" with no "was" and an order to stop one were not negated, and a
    # bracket after a status negated the reason in it
    note = ("FOLFIRINOX, chemotherapy discontinued 3 weeks ago due to progression.\n- Stop ibuprofen and Excedrin.\n"
            "- D/C vancomycin today.\n- metformin 500 mg BID - discontinued (poor intake, risk of hypoglycemia)\n"
            "- Do not discontinue aspirin.\n- Stop bleeding precautions when platelets recover.\n")
    words = ("chemotherapy", "progression", "ibuprofen", "vancomycin", "metformin", "hypoglycemia", "aspirin")
    assert cues(note, *words, splitter="notes") == ["discontinued", None, "Stop", "D/C", "discontinued", None, None]
    # an order reaches the entity right after it, and since version 29 the items of a list that ends in "and" or "or"
    listed = "Stop ibuprofen, lisinopril and aspirin."
    assert negated(listed, "ibuprofen", "lisinopril", "aspirin", splitter="notes") == [True, True, True]


def test_a_status_negates_its_own_rows_drug_not_the_next_rows():
    # before the notes splitter read a medication list's rows apart however long the next drug's name,
    # "not" of "- not taking" negated the apixaban of the next row, and "not taking" its own row's drug not at all
    meds = "Medications:\nfurosemide 40 mg daily\nspironolactone 25 mg daily - not taking\napixaban 5 mg BID\n"
    assert cues(meds, "furosemide", "spironolactone", "apixaban", splitter="notes") == [None, "not taking", None]


def test_review_of_systems_lists_tables_and_spans_that_took_in_their_cue():
    # before (rules version 23), a three-word item ended "Negative for"'s reach, a status cell reached the PRN
    # indication beside it, "stopped" reached past "during", and "declines" and "not started" were no cues
    ros = "Gastrointestinal: Negative for abdominal pain, blood in stool, constipation and vomiting. Positive for nausea.\n"
    assert negated(ros, "abdominal pain", "blood in stool", "constipation", "vomiting", "nausea", splitter="notes") == [
        True] * 4 + [False]
    assert negated("Negative for fever, positive for cough, worsening dyspnea.", "fever", "cough", "dyspnea") == [
        True, False, False]
    row = "Ibuprofen      400 mg     PO     PRN pain     DISCONTINUED - AKI\n"
    assert negated(row, "Ibuprofen", "pain", "AKI", splitter="notes") == [True, False, False]
    note = ("Menses stopped during chemotherapy. She declines hormone therapy. Heparin drip not started yet.\n"
            "No signs of bleeding. No complications during surgery.")
    words = ("chemotherapy", "hormone therapy", "Heparin drip", "signs of bleeding", "complications", "surgery")
    assert cues(note, *words, splitter="notes") == [
        None, "declines", "not started", "No signs of", "No", None]


def test_tests_not_performed_drugs_contraindicated_and_pending_orders():
    # before (rules version 24), "LP not performed" and "naltrexone contraindicated" were not negated, and "Avoided"
    # reached the CTA that the NSAIDs were avoided pending
    note = "LP not performed. Naltrexone contraindicated given liver disease. Avoided NSAIDs pending CTA. CT not done."
    words = ("LP", "Naltrexone", "liver disease", "NSAIDs", "CTA", "CT")
    assert cues(note, *words, splitter="notes") == [
        "not performed", "contraindicated", None, "Avoided", None, "not done"]
    # the openers that reach a sentence's end are declared and may be left out
    ros = "Negative for abdominal pain, blood in stool, constipation and vomiting."
    assert negated(ros, "vomiting") == [True]
    assert negated(ros, "vomiting", rules={k: v for k, v in RULES.items() if k != "list_openers"}) == [False]


def test_an_empty_checkbox_negates_the_option_after_it():
    # before (rules version 25), a form's checkboxes negated nothing, and a cue reached past the next box
    form = ("Isolation: [ ] contact [ ] droplet [x] none\nSkin: [ ] pressure injury [x] intact\n"
            "Tobacco use: [ ] current [x] former\nIV site: no redness [x] patent\n")
    words = ("contact", "droplet", "none", "pressure injury", "intact", "current", "former", "redness", "patent")
    assert cues(form, *words, splitter="notes") == [
        "[ ]", "[ ]", None, "[ ]", None, "[ ]", None, "no", None]
    # the checkboxes are read with the minus signs, which rules= may leave out
    assert negated(form, "droplet", rules={k: v for k, v in RULES.items() if k != "minus_signs"}) == [False]


def test_not_suspected_deferred_and_orders_to_avoid_a_drug():
    # before (rules version 26), none of these was negated
    note = ("Pericarditis not suspected. Gait deferred. Avoid anticholinergics and NSAIDs. Chemical ppx deferred 24 h.\n"
            "Given in order to avoid nephrotoxicity.")
    words = ("Pericarditis", "Gait", "anticholinergics", "NSAIDs", "ppx", "nephrotoxicity")
    assert cues(note, *words, splitter="notes") == [
        "not suspected", "deferred", "Avoid", "Avoid", "deferred", None]


def test_an_order_with_a_limit_after_its_drug_is_a_ceiling_not_an_absence():
    # before (rules version 28), "Avoid" negated the drug and the dose after its limit
    note = ("- Hepatitis: Avoid acetaminophen > 2 g/day. Avoid NSAIDs. Hold metoprolol.\n"
            "- Avoid ibuprofen more than 1200 mg daily; avoid opioids over 3 days. Hold insulin >= 10 units.")
    words = ("acetaminophen", "2 g/day", "NSAIDs", "metoprolol", "ibuprofen", "1200 mg daily", "opioids", "insulin",
             "10 units")
    assert cues(note, *words, splitter="notes") == [None, None, "Avoid", "Hold", None, None, None, None, None]
    # a limit ends no other cue: "No acetaminophen > 2 g" is still no acetaminophen
    assert negated("No acetaminophen > 2 g today.", "acetaminophen") == [True]


def test_an_order_reaches_the_drugs_listed_after_its_first():
    # before (rules version 29), an order negated only the entity right after it
    note = ("# AKI: Holding lisinopril and furosemide. Stop ibuprofen, naproxen or Excedrin.\n"
            "Hold metformin and recheck BMP. Hold heparin 5000 units and aspirin. Hold lisinopril/HCTZ.\n"
            "# DM2 - hold metformin, SSI")
    words = ("lisinopril", "furosemide", "ibuprofen", "naproxen", "Excedrin", "metformin", "BMP", "heparin", "aspirin",
             "lisinopril", "HCTZ", "metformin", "SSI")
    assert cues(note, *words, splitter="notes") == (["Holding"] * 2 + ["Stop"] * 3 + ["Hold", None, "Hold", None]
                                                    + ["Hold"] * 2 + ["hold", None])  # commas alone: a plan's steps


def test_an_orders_list_holds_only_entities_of_its_drugs_type():
    note = "Hold warfarin and INR in the morning."
    entities = [Typed(5, 13, "Medication"), Typed(18, 21, "Lab_value")]
    assert [n.negated for n in negations(note, entities)] == [True, False]


def test_denies_opening_a_sentence_reaches_its_end():
    # before (rules version 27), the three words of "pleuritic chest pain" ended the reach of "denies"
    note = ("She denies Raynaud phenomenon, dry eyes, pleuritic chest pain, hair loss or fevers.\n"
            "Pt denies SI/HI, endorses low mood and poor sleep.\nDenies chest pain, reports palpitations at night.")
    words = ("dry eyes", "pleuritic chest pain", "hair loss", "fevers", "SI", "low mood", "poor sleep", "chest pain",
             "palpitations")
    assert negated(note, *words, splitter="notes") == [True] * 5 + [False, False, True, False]


def test_the_filter_before_the_orders_pass_finds_every_order():
    from crfner.assertion.cues import phrase_filter

    # the second pass is skipped where the filter finds nothing: it must find every order as notes write it
    found = phrase_filter(RULES["orders"])
    for phrase in RULES["orders"]:
        written = " ".join(phrase).replace(" / ", "/")
        assert found.search(f"Plan: {written.upper()} aspirin."), written
    assert not found.search("Continue aspirin; will recheck. Stopped smoking.")


def test_the_readme_names_the_rules_version_and_every_version_since_the_first():
    from pathlib import Path

    from crfner.assertion import RULES_VERSION

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Negation"):readme.index("```python", readme.index("### Negation"))]
    assert f"`RULES_VERSION`, now {RULES_VERSION};" in section
    said = {int(v) for v in re.findall(r"versions? (\d+)", section)}
    assert set(range(2, RULES_VERSION + 1)) <= said  # each version's change is described
