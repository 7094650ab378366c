"""MACCROBAT2020 and PHEE on the real files: every document loads, the splits, IOB2 tags of the
selected types, offsets, document ids, loss counts, types= and policy=; and the lenient BRAT rule."""

from __future__ import annotations

import re
import warnings
from collections import Counter

import pytest

import crfner
from crfner.corpora.brat import read_brat_document, read_brat_fragments
from crfner.corpora.clinical import PHEE_FOLDERS, SPECS, losses, split_documents
from crfner.corpora.flatten import INFO, LOSSES, POLICIES, CorpusOptionError, flatten
from crfner.errors import CorpusNotFoundError, DataFormatError


@pytest.fixture(scope="module")
def clinical(data_dir):
    if not (data_dir / "clinical" / "MACCROBAT2020").is_dir() or not (data_dir / "clinical" / "PHEE").is_dir():
        pytest.skip(f"no clinical corpora under {data_dir}")
    return data_dir


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _valid_iob2(tags, types):
    previous = "O"
    for tag in tags:
        if tag != "O":
            prefix, etype = tag.split("-", 1)
            assert etype in types, tag
            assert prefix in ("B", "I"), tag
            if prefix == "I":
                assert previous in (f"B-{etype}", f"I-{etype}"), (previous, tag)
        previous = tag


def _phee_sentences(data_dir, split):
    return len(list((data_dir / "clinical" / "PHEE" / PHEE_FOLDERS[split]).glob("*.txt")))


@pytest.mark.parametrize("name", ["maccrobat", "phee"])
def test_every_document_loads_and_splits_are_disjoint(clinical, name):
    ids = {split: {d.id for d in _quiet(split_documents, name, split, clinical)} for split in ("train", "devel", "test")}
    assert not (ids["train"] & ids["devel"]) and not (ids["train"] & ids["test"]) and not (ids["devel"] & ids["test"])
    if name == "maccrobat":
        assert [len(ids[s]) for s in ("train", "devel", "test")] == [160, 20, 20]
    else:  # SOURCES.md: train 2,898, dev 961, test 968 sentences, one file pair each
        assert [len(ids[s]) for s in ("train", "devel", "test")] == [2898, 961, 968]
        assert [_phee_sentences(clinical, s) for s in ("train", "devel", "test")] == [2898, 961, 968]


@pytest.mark.parametrize("name", ["maccrobat", "phee"])
def test_a_split_by_another_name_is_refused_by_name(clinical, name):
    # PHEE's folder for devel is called dev: the folder's name is no split's name
    with pytest.raises(crfner.CorpusNotFoundError, match=rf"{name} has no split 'dev'; choose one of train, devel, test"):
        split_documents(name, "dev", clinical)


def test_stray_text_after_a_tab_in_the_real_files_warns(clinical):
    for path, line in [(clinical / "clinical" / "MACCROBAT2020" / "25661749.txt", 318),
                       (clinical / "clinical" / "PHEE" / "dev" / "19047493_2.txt", 3)]:
        with pytest.warns(UserWarning, match=rf"{path.stem}\.ann, line {line}: ignored"):
            document = read_brat_document(path)
        assert document.mentions


@pytest.mark.parametrize("name", ["maccrobat", "phee"])
@pytest.mark.parametrize("split", ["train", "devel", "test"])
def test_tags_offsets_and_document_ids(clinical, name, split):
    types = SPECS[name].default_types
    X, y = _quiet(crfner.load_corpus, name, split, data_dir=clinical)
    ids = _quiet(crfner.load_document_ids, name, split, data_dir=clinical)
    documents = _quiet(split_documents, name, split, clinical)
    assert len(X) == len(y) == len(ids) >= len(documents)
    assert all(len(tokens) == len(tags) for tokens, tags in zip(X, y))
    for tags in y:
        _valid_iob2(tags, types)
    # the sentences of each document come together, in document order
    assert list(dict.fromkeys(ids)) == [d.id for d in documents]
    by_document = Counter()
    for document in documents:
        for mention in document.mentions:
            assert document.text[mention.start:mention.end] == mention.text and mention.type in types
        by_document[document.id] = sum(1 for m in document.mentions)
    # every kept mention begins exactly one entity (no mention crosses a sentence here)
    begins = Counter(i for i, tags in zip(ids, y) for t in tags if t.startswith("B-"))
    counts = _quiet(losses, name, split, clinical)
    assert sum(begins.values()) == counts["kept"] + counts["crosses_sentence"]
    assert sum(by_document.values()) == counts["kept"] + counts["token_clash"] + counts["no_tokens"]


@pytest.mark.parametrize("name", ["maccrobat", "phee"])
@pytest.mark.parametrize("policy", POLICIES)
def test_losses_add_up_to_the_annotations(clinical, name, policy):
    totals = {"maccrobat": 25189, "phee": 18044 + 6098 + 6168}  # SOURCES.md and the files
    counts = [_quiet(losses, name, split, clinical, policy=policy) for split in ("train", "devel", "test")]
    for c in counts:
        assert c["kept"] + sum(c[k] for k in LOSSES) == c["annotations"]
        assert set(c) == {"annotations", "kept", *LOSSES, *INFO}
    assert sum(c["annotations"] for c in counts) == totals[name]
    if name == "maccrobat":  # SOURCES.md: 20,086 / 2,294 / 2,809 annotations
        assert [c["annotations"] for c in counts] == [20086, 2294, 2809]
    if policy.endswith(":drop"):
        assert sum(c["discontinuous"] for c in counts) == sum(c["discontinuous_in_types"] for c in counts)
    else:
        assert sum(c["discontinuous"] for c in counts) == 0


def test_all_types_lose_none_to_selection(clinical):
    counts = _quiet(losses, "maccrobat", "devel", clinical, types=SPECS["maccrobat"].types)
    assert counts["unselected_type"] == 0 and counts["kept"] > _quiet(losses, "maccrobat", "devel", clinical)["kept"]


def test_types_select_the_tags(clinical):
    X, y = _quiet(crfner.load_corpus, "phee", "devel", data_dir=clinical, types=["Drug"])
    assert {t for tags in y for t in tags} == {"O", "B-Drug", "I-Drug"}
    X2, y2 = _quiet(crfner.load_corpus, "phee", "devel", data_dir=clinical, types="Drug,Effect")
    assert X2 == X and {t[2:] for tags in y2 for t in tags if t != "O"} == {"Drug", "Effect"}
    _, both = _quiet(crfner.load_corpus, "phee", "train+devel", data_dir=clinical, types=["Drug"])
    assert both[-len(y):] == y


def test_policy_changes_nested_choice(clinical):
    # PHEE nests Drug inside Treatment: outermost keeps Treatment, innermost the Drug
    outer = _quiet(split_documents, "phee", "devel", clinical, types=["Drug", "Treatment"], policy="outermost")
    inner = _quiet(split_documents, "phee", "devel", clinical, types=["Drug", "Treatment"], policy="innermost")
    count = lambda docs, t: sum(m.type == t for d in docs for m in d.mentions)
    assert count(outer, "Treatment") > count(inner, "Treatment")
    assert count(inner, "Drug") > count(outer, "Drug")
    for document in outer + inner:  # either way one flat layer: no two mentions overlap
        assert all(a.end <= b.start for a, b in zip(document.mentions, document.mentions[1:]))


def test_discontinuous_policies_on_a_small_file(tmp_path):
    text = "pain in the left and right knee"
    entities = [("Sign_symptom", [(0, 4)]), ("Biological_structure", [(12, 16), (27, 31)]),
                ("Biological_structure", [(21, 31)])]
    got = {}
    for policy in ("outermost:span", "outermost:first", "outermost:drop", "innermost:span"):
        stats = Counter()
        got[policy] = [(m.start, m.end) for m in flatten(text, entities, ["Sign_symptom", "Biological_structure"], policy, stats)]
        assert stats["annotations"] == 3
    assert got["outermost:span"] == [(0, 4), (12, 31)]          # the spanned one contains "right knee"
    assert got["outermost:first"] == [(0, 4), (12, 16), (21, 31)]
    assert got["outermost:drop"] == [(0, 4), (21, 31)]
    assert got["innermost:span"] == [(0, 4), (21, 31)]


def test_ties_are_broken_by_start_then_type():
    text = "acute renal failure"
    entities = [("Disease_disorder", [(0, 19)]), ("Sign_symptom", [(0, 19)]), ("Severity", [(0, 5)])]
    stats = Counter()
    kept = flatten(text, entities, ["Disease_disorder", "Sign_symptom", "Severity"], "outermost", stats)
    assert [(m.type, m.text) for m in kept] == [("Disease_disorder", "acute renal failure")]
    assert stats["duplicate"] == 1 and stats["nested"] == 1


@pytest.mark.parametrize("kwargs, pattern", [
    ({"types": ["Symptom"]}, "unknown entity type"),
    ({"policy": "longest"}, "unknown flattening policy"),
    ({"policy": "outermost:merge"}, "unknown flattening policy"),
])
def test_bad_options_are_one_line_errors(clinical, kwargs, pattern):
    with pytest.raises(CorpusOptionError, match=pattern) as error:
        crfner.load_corpus("maccrobat", "devel", data_dir=clinical, **kwargs)
    assert "\n" not in str(error.value) and isinstance(error.value, crfner.CrfnerError)


def test_other_corpora_refuse_the_options(data_dir):
    with pytest.raises(TypeError, match="takes no option types"):
        crfner.load_corpus("bc5cdr", "devel", data_dir=data_dir, types=["Chemical"])


def test_registry_lists_the_default_types(clinical):
    assert crfner.corpora.corpus_info("maccrobat").entity_types == SPECS["maccrobat"].default_types
    assert len(SPECS["maccrobat"].default_types) == 12
    assert crfner.corpora.corpus_info("phee").entity_types == SPECS["phee"].default_types
    for name in ("maccrobat", "phee"):
        assert set(SPECS[name].default_types) <= set(SPECS[name].types)
    seen = {m.type for d in _quiet(split_documents, "maccrobat", "train", clinical, types=SPECS["maccrobat"].types)
            for m in d.mentions}
    assert seen == set(SPECS["maccrobat"].types)


def test_models_of_the_clinical_corpora_read_raw_text_as_notes():
    from crfner.corpora.registry import text_splitter

    assert text_splitter("maccrobat") == text_splitter("phee") == "notes"
    assert text_splitter("bc5cdr") == text_splitter("ncbi_disease") == "abstract"
    assert text_splitter("corpora/my_notes.conll") is None  # a CoNLL file: nothing is recorded


def test_corpora_cli_reports_losses(clinical, capsys):
    from crfner.cli import main

    assert main(["corpora", "--data-dir", str(clinical), "--losses"]) == 0
    out = capsys.readouterr().out
    assert "maccrobat (policy" in out and "phee (policy" in out and "unselected_type" in out
    for line in (line for line in out.splitlines() if "annotations," in line):  # what is listed as lost adds up
        annotations, kept = (int(n) for n in re.findall(r"(\d+) (?:annotations|kept)", line))
        lost = line.split("lost: ")[1].split("; also")[0]
        assert annotations - kept == sum(int(n) for n in re.findall(r" (\d+)", " " + lost))
    assert main(["corpora", "--data-dir", str(clinical), "--losses", "--policy", "bogus"]) == 2
    assert "(policy bogus)" not in capsys.readouterr().out  # refused before any header


def _write(folder, ann, text="Took 8 mg daily."):
    (folder / "d.txt").write_text(text, encoding="utf-8")
    (folder / "d.ann").write_text(ann, encoding="utf-8")
    return folder / "d.txt"


def test_lenient_rule_ignores_what_follows_a_tab(tmp_path):
    path = _write(tmp_path, "T1\tDosage 5 9\t8 mg\t\u2005\nT2\tFrequency 10 15\tdaily\n")
    with pytest.warns(UserWarning, match=r"d\.ann, line 1: ignored '\\t\\u2005'"):
        document = read_brat_document(path)
    assert [(m.type, m.text) for m in document.mentions] == [("Dosage", "8 mg"), ("Frequency", "daily")]
    with pytest.warns(UserWarning):
        _, entities = read_brat_fragments(path)
    assert entities[0] == ("T1", "Dosage", ((5, 9),))


def test_a_real_mismatch_is_still_an_error(tmp_path):
    path = _write(tmp_path, "T1\tDosage 5 9\t8 mg\nT2\tFrequency 10 15\tdialy\textra\n")
    with pytest.raises(DataFormatError, match=r"line 2: entity text 'dialy' differs") as error:
        read_brat_document(path)
    assert "\n" not in str(error.value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_brat_document(_write(tmp_path, "T1\tDosage 5 9\t8 mg\n"))  # no tab, no warning


@pytest.mark.parametrize("again", ["101\ttrain", "101\ttest"])
def test_a_maccrobat_id_listed_twice_is_refused_by_line(tmp_path, again):
    """A document the split file lists twice loaded twice (or into two splits); the file is now
    refused, naming its line and the first one."""
    folder = tmp_path / "clinical" / "MACCROBAT2020"
    folder.mkdir(parents=True)
    for name in ("101", "102"):
        (folder / f"{name}.txt").write_text("Fever.", encoding="utf-8")
        (folder / f"{name}.ann").write_text("T1\tSign_symptom 0 5\tFever\n", encoding="utf-8")
    splits = tmp_path / "clinical" / "MACCROBAT2020.splits.tsv"
    splits.write_text("101\ttrain\n102\tdevel\n", encoding="utf-8")
    assert [d.id for d in split_documents("maccrobat", "train", tmp_path)] == ["101"]
    splits.write_text(f"101\ttrain\n102\tdevel\n\n{again}\n", encoding="utf-8")
    for split in ("train", "devel"):
        with pytest.raises(DataFormatError, match="document '101' is listed twice .first on line 1, for train.") as error:
            split_documents("maccrobat", split, tmp_path)
        assert error.value.path == str(splits) and error.value.line == 4
        assert str(error.value).startswith(f"{splits}, line 4: ")


def test_a_document_without_its_annotations_is_missing_not_empty(clinical, tmp_path):
    """A PHEE or MACCROBAT text whose .ann is gone loaded with no entity (its annotations out of the loss counts
    too); the split is refused, naming the file."""
    import shutil

    for split in ("train", "dev", "test"):
        (tmp_path / "clinical" / "PHEE" / split).mkdir(parents=True)
        for path in sorted((clinical / "clinical" / "PHEE" / split).glob("*"))[:4]:
            shutil.copy(path, tmp_path / "clinical" / "PHEE" / split / path.name)
    gone = min((tmp_path / "clinical" / "PHEE" / "dev").glob("*.ann"))
    gone.unlink()
    with pytest.raises(CorpusNotFoundError, match=rf"phee: split 'devel' lacks {gone}"):
        crfner.load_corpus("phee", "devel", data_dir=tmp_path)
    assert crfner.load_corpus("phee", "train", data_dir=tmp_path)[0]


@pytest.mark.parametrize("types", [5, b"Drug", ["Drug", 3]])
def test_types_that_are_no_type_names_are_refused(clinical, types):
    with pytest.raises(CorpusOptionError, match="types must be type names"):
        crfner.load_corpus("phee", "devel", data_dir=clinical, types=types)
