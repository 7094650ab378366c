"""IOB1/IOB2/IOBES conversions and span decoding."""

from __future__ import annotations

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from crfner.schemes import Span, convert, detect_scheme, spans_to_tags, split_tag, tags_to_spans

IOB2 = ["B-D", "I-D", "B-D", "O", "B-C", "B-D", "I-D", "I-D", "O", "B-C"]
IOB1 = ["I-D", "I-D", "B-D", "O", "I-C", "I-D", "I-D", "I-D", "O", "I-C"]
IOBES = ["B-D", "E-D", "S-D", "O", "S-C", "B-D", "I-D", "E-D", "O", "S-C"]
SPANS = [Span("D", 0, 2), Span("D", 2, 3), Span("C", 4, 5), Span("D", 5, 8), Span("C", 9, 10)]


@pytest.mark.parametrize("tags", [IOB1, IOB2, IOBES], ids=["iob1", "iob2", "iobes"])
def test_every_scheme_decodes_to_the_same_spans(tags):
    assert tags_to_spans(tags) == SPANS


@pytest.mark.parametrize("scheme,expected", [("iob1", IOB1), ("iob2", IOB2), ("iobes", IOBES)])
def test_encoding(scheme, expected):
    assert spans_to_tags(SPANS, len(IOB2), scheme) == expected
    for source in (IOB1, IOB2, IOBES):
        assert convert(source, scheme) == expected


def test_round_trips_on_the_real_corpus(bc5cdr_train):
    _, y = bc5cdr_train
    for tags in y[:2000]:
        for scheme in ("iob1", "iobes"):
            assert convert(convert(tags, scheme), "iob2") == tags


def test_decoder_agrees_with_seqeval_on_real_and_broken_tags(bc5cdr_train):
    _, y = bc5cdr_train
    broken = [["I-D", "I-C", "O", "I-D", "B-D", "I-D", "E-D", "I-D"], ["E-C", "S-C", "I-C"]]
    for tags in list(y[:2000]) + broken:
        ours = [(s.type, s.start, s.end - 1) for s in tags_to_spans(tags)]
        assert ours == get_entities(list(tags))


def test_detect_scheme():
    assert detect_scheme([IOB2]) == "iob2"
    assert detect_scheme([IOB2, IOB1]) == "iob1"
    assert detect_scheme([IOB1, IOBES]) == "iobes"


def test_bad_tags_and_spans():
    assert split_tag("B-Disease") == ("B", "Disease")
    assert split_tag("O") == ("O", None)
    for bad in ("B", "X-D", "b-D", "B-", "B- D", "Outside"):
        with pytest.raises(ValueError, match="fits no tagging scheme"):
            split_tag(bad)
    with pytest.raises(ValueError, match="overlaps"):
        spans_to_tags([("D", 0, 2), ("C", 1, 3)], 4)
    with pytest.raises(ValueError, match="outside"):
        spans_to_tags([("D", 3, 5)], 4)
    with pytest.raises(ValueError, match="unknown tagging scheme"):
        convert(["O"], "bilou")
