"""CoNLL/IOB reading and writing, including every malformed case."""

from __future__ import annotations

import pytest
from conftest import write

from crfner import DataFormatError, read_conll
from crfner.corpora.conll import read_predictions, read_sentences, read_tokens, write_conll

EXPECTED_X = [["Aspirin", "induced", "asthma", "."], ["Nothing", "here"]]
EXPECTED_Y = [["B-Chemical", "O", "B-Disease", "O"], ["O", "O"]]


@pytest.mark.parametrize(
    "text",
    [
        "Aspirin\tB-Chemical\ninduced\tO\nasthma\tB-Disease\n.\tO\n\nNothing\tO\nhere\tO\n",
        "Aspirin B-Chemical\ninduced O\nasthma  B-Disease\n. O\n\nNothing O\nhere O",
        ("-DOCSTART- -X- O O\n\nAspirin\tNNP\tB-Chemical\ninduced\tVBN\tO\nasthma\tNN\tB-Disease\n.\t.\tO\n"
        "\n\n\n-DOCSTART-\nNothing\tO\nhere\tO\n\n"),
        "Aspirin\tB-Chemical\r\ninduced\tO\r\nasthma\tB-Disease\r\n.\tO\r\n\r\nNothing\tO\r\nhere\tO\r\n",
        "Aspirin\tB-Chemical\rinduced\tO\rasthma\tB-Disease\r.\tO\r\rNothing\tO\rhere\tO\r",
        "Aspirin B-Chemical\rinduced O\r\nasthma B-Disease\n. O\r\rNothing O\nhere O",
    ],
    ids=["tabs", "spaces-no-final-newline", "docstart-and-extra-columns", "crlf", "cr-only", "mixed-endings"],
)
def test_reads_the_usual_layouts(tmp_path, text):
    X, y = read_conll(write(tmp_path / "a.conll", text))
    assert X == EXPECTED_X
    assert y == EXPECTED_Y


def test_strips_a_utf8_bom_and_keeps_unicode(tmp_path):
    X, y = read_conll(write(tmp_path / "bom.tsv", "α-Tocopherol\tB-Chemical\n5-FU\tB-Chemical\n", bom=True))
    assert X == [["α-Tocopherol", "5-FU"]]
    assert y == [["B-Chemical", "B-Chemical"]]


def test_iob1_and_iobes_become_iob2(tmp_path):
    iob1 = "heart\tI-Disease\nfailure\tI-Disease\nliver\tB-Disease\n,\tO\nNaCl\tI-Chemical\n"
    iobes = "heart\tB-Disease\nfailure\tE-Disease\nliver\tS-Disease\n,\tO\nNaCl\tS-Chemical\n"
    expected = [["B-Disease", "I-Disease", "B-Disease", "O", "B-Chemical"]]
    assert read_conll(write(tmp_path / "iob1.tsv", iob1))[1] == expected
    assert read_conll(write(tmp_path / "iobes.tsv", iobes))[1] == expected


def test_line_without_a_tag_names_file_and_line(tmp_path):
    path = write(tmp_path / "notag.tsv", "Aspirin\tB-Chemical\ninduced\n")
    with pytest.raises(DataFormatError) as error:
        read_conll(path)
    assert error.value.path == str(path) and error.value.line == 2
    assert f"{path}, line 2" in str(error.value) and "no tag" in str(error.value)


def test_tag_fitting_no_scheme_names_file_and_line(tmp_path):
    path = write(tmp_path / "badtag.tsv", "Aspirin\tB-Chemical\n\ninduced\tX-Thing\n")
    with pytest.raises(DataFormatError, match=r"line 3: tag 'X-Thing' fits no tagging scheme"):
        read_conll(path)
    with pytest.raises(DataFormatError, match=r"line 1: tag 'B' fits no"):
        read_conll(write(tmp_path / "bare.tsv", "Aspirin\tB\n"))


@pytest.mark.parametrize("text", ["", "\n\n  \n", "-DOCSTART- -X- O O\n\n"], ids=["empty", "blank", "docstart-only"])
def test_empty_file_is_an_error(tmp_path, text):
    path = write(tmp_path / "empty.tsv", text)
    with pytest.raises(DataFormatError, match="holds no sentences") as error:
        read_conll(path)
    assert str(path) in str(error.value)


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(DataFormatError, match="no such file"):
        read_conll(tmp_path / "absent.tsv")
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes("caf\u00e9\tO\n".encode("utf-8") + "na\u00efve\tO\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match="line 2: not UTF-8"):
        read_conll(bad)


def test_cr_line_endings_are_line_breaks_with_their_own_numbers(tmp_path):
    text = "".join(f"w{i}\tO\tO\r" for i in range(2000))
    X, gold, pred = read_predictions(write(tmp_path / "cr.tsv", text))
    assert len(X) == 1 and len(X[0]) == 2000 and X[0][-1] == "w1999" and set(gold[0]) == set(pred[0]) == {"O"}
    with pytest.raises(DataFormatError, match=r"line 3: tag 'X-Thing'"):
        read_conll(write(tmp_path / "bad.tsv", "Aspirin\tB-Chemical\rkills\tO\rus\tX-Thing\r"))


def test_only_tabs_and_ascii_spaces_split_columns(tmp_path):
    nbsp = "\u00a0"
    X, y = read_conll(write(tmp_path / "nbsp.tsv", f"10{nbsp}mg O\nof O\nAspirin{nbsp}B B-Chemical\n"))
    assert X == [[f"10{nbsp}mg", "of", f"Aspirin{nbsp}B"]] and y == [["O", "O", "B-Chemical"]]
    X, y = read_conll(write(tmp_path / "nbsp-tab.tsv", f"10{nbsp}mg\tO\n{nbsp}x{nbsp}\tO\n"))
    assert X == [[f"10{nbsp}mg", f"{nbsp}x{nbsp}"]]
    with pytest.raises(DataFormatError, match=r"line 1: token '10\\u2009mg' has no tag"):
        read_conll(write(tmp_path / "thin.tsv", "10\u2009mg\n"))


def test_predictions_and_optional_tags(tmp_path):
    X, gold, pred = read_predictions(write(tmp_path / "p.tsv", "Aspirin\tB-Chemical\tO\nkills\tO\tO\n"))
    assert X == [["Aspirin", "kills"]] and gold == [["B-Chemical", "O"]] and pred == [["O", "O"]]
    with pytest.raises(DataFormatError, match="line 2: 2 column.s.; a predictions file needs token, gold and predicted"):
        read_predictions(write(tmp_path / "short.tsv", "Aspirin\tB-Chemical\tO\nkills\tO\n"))
    assert read_tokens(write(tmp_path / "t.txt", "Aspirin\nkills\n\nus\n")) == ([["Aspirin", "kills"], ["us"]], None)
    with pytest.raises(DataFormatError, match="line 3: this line has a tag column"):
        read_tokens(write(tmp_path / "mixed.txt", "Aspirin\nkills\nus\tO\n"))


def test_a_predictions_line_with_a_column_more_or_less_is_refused(tmp_path):
    """Lines that differ in column count are not all in one layout, yet each line's last two columns were read as its
    gold and predicted tags: a line with a trailing extra column (here a second prediction) was scored with its
    predicted tag as gold, without a word. It is refused, naming the line and the line it differs from."""
    ragged = "Aspirin\tB-Chemical\tB-Chemical\n\nkills\tO\tB-Disease\tO\n"
    with pytest.raises(DataFormatError, match=r"line 3: 4 columns where line 1 has 3: every line of a predictions file"):
        read_predictions(write(tmp_path / "ragged.tsv", ragged))
    _, gold, pred = read_predictions(write(tmp_path / "pos.tsv", "Aspirin\tNN\tB-Chemical\tO\nkills\tVBZ\tO\tO\n"))
    assert gold == [["B-Chemical", "O"]] and pred == [["O", "O"]]


def test_sentences_file(tmp_path):
    assert read_sentences(write(tmp_path / "s.txt", "Aspirin  kills .\n\n  pain relief\n")) == [
        ["Aspirin", "kills", "."],
        ["pain", "relief"],
    ]


def test_write_then_read_round_trip(tmp_path):
    path = tmp_path / "out" / "round.conll"
    write_conll(path, EXPECTED_X, EXPECTED_Y)
    assert read_conll(path) == (EXPECTED_X, EXPECTED_Y)
    assert not [p for p in path.parent.iterdir() if p.name != "round.conll"], "temporary files left behind"


def test_reads_the_real_corpus(data_dir):
    X, y = read_conll(data_dir / "NCBI-disease-IOB" / "test.tsv")
    # Figures from ../shared/data/README.md.
    assert len(X) == 940
    assert sum(map(len, X)) == 24_497
    assert all(len(a) == len(b) for a, b in zip(X, y))


def test_written_files_get_the_usual_permissions(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        path = tmp_path / "perm.conll"
        write_conll(path, EXPECTED_X, EXPECTED_Y)
        assert path.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(mask)
