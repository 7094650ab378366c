"""Hostile inputs give crfner's own one-line error naming the file (or work): bytes that are not
UTF-8, a BOM, nesting 100,000 deep, offsets of thousands of digits, a document id too long for
a file name, wrong-typed fields in crfner.json, lone surrogates in tokens, megabyte tokens,
hundreds of thousands of trailing spaces."""

from __future__ import annotations

import copy
import json
import shutil

import pytest

from crfner import CRFTagger, read_brat, read_conll, read_jsonl, write_brat
from crfner.corpora.documents import Document, Mention
from crfner.errors import DataFormatError, FeatureSetError, ModelFileError, excerpt
from crfner.featurize.featureset import load_feature_set

DEEP = 100_000
X = [["Aspirin", "helps", "."], ["Ibuprofen", "too", "."]]
y = [["B-Drug", "O", "O"], ["B-Drug", "O", "O"]]


def one_line(error) -> str:
    message = str(error.value)
    assert "\n" not in message and len(message) < 400, message[:500]
    return message


# -- feature-set TOML ------------------------------------------------------------------------
def test_feature_set_file_not_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b'name = "x"\nversion = 1\ndescription = "caf\xe9"\n')
    with pytest.raises(FeatureSetError) as error:
        load_feature_set(path)
    assert one_line(error) == f"{path}, line 3: not UTF-8 text"


def test_feature_set_file_with_a_bom_is_read(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfname = "bom"\nversion = 3\n[token]\nlower = true\n')
    feature_set = load_feature_set(path)
    assert (feature_set.name, feature_set.version, feature_set.token) == ("bom", 3, {"lower": True})


@pytest.mark.parametrize("value", ["[" * DEEP + "]" * DEEP, "{a=" * DEEP + "}" * DEEP])
def test_feature_set_nested_too_deeply(tmp_path, value):
    path = tmp_path / "deep.toml"
    path.write_text(f'name = "x"\nversion = 1\nx = {value}\n', encoding="utf-8")
    with pytest.raises(FeatureSetError) as error:
        load_feature_set(path)
    assert one_line(error).startswith(f"{path}: not a usable TOML file (nested too deeply")


# -- JSON Lines and crfner.json --------------------------------------------------------------
def test_jsonl_nested_too_deeply_names_file_and_line(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"id": "b", "text": "x", "entities": ' + "[" * DEEP + "]" * DEEP + "}\n")
    with pytest.raises(DataFormatError) as error:
        list(read_jsonl(path))
    assert one_line(error) == f"{path}, line 2: not usable JSON (nested too deeply, or too large)"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m"
    CRFTagger(features="tutorial", max_iterations=3).fit(X, y).save(path)
    return path


def test_model_metadata_nested_too_deeply(model_dir, tmp_path):
    work = tmp_path / "m"
    shutil.copytree(model_dir, work)
    meta = json.loads((work / "crfner.json").read_text())
    text = json.dumps(meta).replace('"metrics": {}', '"metrics": ' + "[" * DEEP + "]" * DEEP)
    (work / "crfner.json").write_text(text)
    with pytest.raises(ModelFileError) as error:
        CRFTagger.load(work)
    assert one_line(error) == f"{work / 'crfner.json'}: damaged metadata (JSON nested too deeply, or too large)"


FIELDS = [
    ("labels",), ("files",), ("feature_set",), ("parameters",), ("parameters", "n_jobs"), ("parameters", "c1"),
    ("training",), ("training", "seconds"), ("training", "corpus"), ("training", "splitter"), ("resources",), ("metrics",), ("weights",),
    ("weights", "labels"), ("format_version",), ("feature_set", "token"), ("feature_set", "name"),
]
VALUES = [5, "x", [], {}, None, True, 1.5, [{}], {"a": [1]}, -1]


def test_wrong_typed_metadata_fields_give_a_model_file_error_or_a_working_model(model_dir, tmp_path):
    """A small fuzz over the field types of crfner.json: each load either fails with one
    line of ModelFileError or gives a model that tags and saves again."""
    meta = json.loads((model_dir / "crfner.json").read_text())
    work = tmp_path / "m"
    shutil.copytree(model_dir, work)
    refused = {}
    for field in FIELDS:
        for value in [*VALUES, "missing"]:
            damaged = copy.deepcopy(meta)
            parent = damaged
            for key in field[:-1]:
                parent = parent[key]
            if value == "missing":
                parent.pop(field[-1], None)
            else:
                parent[field[-1]] = value
            (work / "crfner.json").write_text(json.dumps(damaged))
            try:
                tagger = CRFTagger.load(work)
                tagger.predict(X)
                tagger.save(tmp_path / "again", overwrite=True)
            except ModelFileError as error:
                assert "\n" not in str(error)
                refused[field, repr(value)] = str(error)
    for field, value in [(("labels",), "5"), (("files",), "[]"), (("feature_set",), "'x'"), (("training", "seconds"), "'x'"),
                         (("training", "seconds"), "None"), (("training", "corpus"), "5"), (("training", "splitter"), "'x'"),
                         (("labels",), "'missing'")]:
        assert (field, value) in refused, (field, value)
    assert "damaged metadata (training.seconds must be a number" in refused[("training", "seconds"), "[]"]


# -- BRAT --------------------------------------------------------------------------------------
def test_brat_offsets_of_thousands_of_digits(tmp_path):
    (tmp_path / "d.txt").write_text("hello world")
    (tmp_path / "d.ann").write_text("T1\tX 0 5\thello\nT2\tX " + "1" * 5000 + " 3\thel\n")
    with pytest.raises(DataFormatError) as error:
        list(read_brat(tmp_path))
    message = one_line(error)
    assert message.startswith(f"{tmp_path / 'd.ann'}, line 2: offsets '1111") and "are far larger than any text" in message


def test_brat_document_id_too_long_for_a_file_name(tmp_path):
    with pytest.raises(DataFormatError) as error:
        write_brat([Document("a" * 300, "some text", [Mention(0, 4, "X", "some")], None)], tmp_path)
    assert one_line(error).startswith(f"{tmp_path}: document id 'aaaa")
    assert "is too long for a file name (300 bytes)" in str(error.value)
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


# -- tokens ----------------------------------------------------------------------------------
def test_lone_surrogates_in_tokens_are_tagged_as_u_fffd(model_dir):
    tagger = CRFTagger.load(model_dir)
    assert tagger.predict([["\ud800"], ["a\udfffb", "helps"]]) == tagger.predict([["\ufffd"], ["a\ufffdb", "helps"]])
    marginals = tagger.predict_marginals([["\udc80"]])
    assert marginals == tagger.predict_marginals([["\ufffd"]])
    trained = CRFTagger(features="tutorial", max_iterations=3).fit([["\ud83d", "x"], *X], [["B-Drug", "O"], *y])
    assert len(trained.predict([["\ud83d"]])[0]) == 1


def test_an_error_quotes_a_short_excerpt_of_a_huge_token(tmp_path):
    path = tmp_path / "big.conll"
    path.write_text("Aspirin\tO\n" + "x" * 1_000_000 + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as error:
        read_conll(path)
    message = one_line(error)
    assert message.startswith(f"{path}, line 2: token 'xxxx") and "\u2026 (1000000 characters)" in message
    path.write_text("x" * 1_000_000 + "\tQ" + "q" * 1_000_000 + "\n", encoding="utf-8")  # a huge token, its tag invalid
    with pytest.raises(DataFormatError) as error:
        read_conll(path)
    assert one_line(error).startswith(f"{path}, line 1: tag 'Qqqq")


def test_excerpt_keeps_short_values_and_cuts_long_ones():
    assert excerpt("abc") == "'abc'"
    assert excerpt("x" * 1000) == "'" + "x" * 200 + "'\u2026 (1000 characters)"
    assert len(excerpt(list(range(1000)))) <= 201
    assert len(str(DataFormatError("y" * 10**6, "f.txt", 3))) < 2100


def test_a_data_format_error_survives_pickling_as_raised():
    """A worker process's error comes back pickled; rebuilt from its message it read
    '<input>: f.txt, line 3: bad tag' and lost its line in the message."""
    import pickle

    for error in (DataFormatError("bad tag", "f.txt", 3), DataFormatError("empty"), DataFormatError("no tokens", "g.tsv")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is DataFormatError and str(copy) == str(error)
        assert (copy.problem, copy.path, copy.line) == (error.problem, error.path, error.line)


def test_benchmark_config_with_a_bom_is_read_and_deep_nesting_is_one_line(tmp_path):
    from pathlib import Path

    from crfner.benchmark.config import ConfigError, load_config

    smoke = Path(__file__).resolve().parent.parent / "benchmarks" / "configs" / "smoke.toml"
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + smoke.read_bytes())
    assert load_config(bom)["name"] == "smoke"
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="deep.toml: not a usable TOML file"):
        load_config(deep)


@pytest.mark.parametrize("data", [b"\x1f\x8b\x08\x00garbage", b"not gzip at all\n"])
def test_a_damaged_gzip_file_is_one_line_naming_it(tmp_path, data):
    import gzip

    from crfner.corpora.conll import read_conll
    from crfner.errors import DataFormatError

    path = tmp_path / "train.tsv.gz"
    path.write_bytes(data)
    with pytest.raises(DataFormatError, match=r"train\.tsv\.gz.*cannot be read as gzip"):
        read_conll(path)
    truncated = tmp_path / "cut.tsv.gz"
    lines = "".join(f"w{k * 7919 % 100003}\tO\n" for k in range(5000)).encode()
    whole = gzip.compress(lines)
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataFormatError, match=r"cut\.tsv\.gz.*cannot be read as gzip"):
        read_conll(truncated)


def test_an_empty_passage_list_is_the_whole_text(fitted):
    from crfner.tagging.annotate import tag_text

    text = "Aspirin induced asthma in patients. Cocaine abuse caused seizures."
    entities = tag_text(fitted, text)
    assert entities and tag_text(fitted, text, []) == entities


@pytest.mark.parametrize("tail", [" " * 100_000, "\n" * 100_000, "\x00\u200b " * 30_000])
def test_a_long_run_of_trailing_separators_is_split_in_linear_time(tail):
    import time

    from crfner.text import note_sentences, sentences, tokenize

    # each trailing separator used to start a scan to the end: 100,000 spaces took minutes
    started = time.perf_counter()
    assert tokenize(tail) == [] and sentences(tail) == [] and note_sentences(tail) == []
    text = "Aspirin helps." + tail
    assert [t.text for t in tokenize(text)] == ["Aspirin", "helps", "."]
    assert len(sentences(text)) == len(note_sentences(text)) == 1
    assert time.perf_counter() - started < 10


def test_a_list_saved_as_unicode_text_is_read_by_the_line_readers(tmp_path):
    """Excel's "Unicode Text" and Notepad's "Unicode" save UTF-16 with a byte-order mark; the
    line readers (term lists, gazetteers, vocabularies) refused such a file as 'not UTF-8 text'."""
    import gzip

    from crfner.corpora.lines import numbered_lines
    from crfner.link.vocabulary import read_term_list

    lines = "heart attack\tMESH:D009203\r\nmyocardial infarction\tMESH:D009203\r\n"
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        path = tmp_path / f"{codec}.tsv"
        data = lines.encode(codec)
        path.write_bytes(data if codec != "utf-16-be" else b"\xfe\xff" + data)
        assert [(t.name, t.identifier) for t in read_term_list(path)] == [
            ("heart attack", "MESH:D009203"), ("myocardial infarction", "MESH:D009203")]
    packed = tmp_path / "list.tsv.gz"
    packed.write_bytes(gzip.compress(lines.encode("utf-16")))
    assert [n for n, _ in numbered_lines(packed)] == [1, 2]
    # the corpus readers on the same line reader: a UTF-16 copy reads as the UTF-8 file does
    from crfner.corpora.pubtator import read_pubtator

    samples = {"conll": ("a.conll", "Naloxone\tB-Chemical\nreverses\tO\n\nTé\tO\n", read_conll),
               "pubtator": ("a.txt", "1|t|Naloxone reverses.\n1|a|Té.\n1\t0\t8\tNaloxone\tChemical\tD009270\n\n",
                            lambda path: [(d.text, d.mentions) for d in read_pubtator(path)]),
               "jsonl": ("a.jsonl", '{"id": "1", "text": "Té naloxone", "entities": []}\n',
                         lambda path: [(d.id, d.text) for d in read_jsonl(path)])}
    for kind, (name, content, read) in samples.items():
        plain, wide = tmp_path / f"utf8-{name}", tmp_path / f"utf16-{name}"
        plain.write_text(content, encoding="utf-8")
        wide.write_bytes(content.encode("utf-16"))
        assert read(wide) == read(plain), kind
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(lines.encode("utf-16") + b"\x00\xd8")  # a lone high surrogate at the end
    with pytest.raises(DataFormatError, match=r"broken\.tsv: not UTF-16 text, as its byte-order mark says, after line 2"):
        list(numbered_lines(broken))
