"""IOB1/IOB2/IOBES conversions and span decoding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


# Property tests: random tag sequences, ill-formed ones included (I- after O or after another
# type, E- without B-, types holding hyphens and underscores, empty sentences).
TYPES = ["D", "C-x", "a_b", "_", "O", "B-I"]
TAG = st.one_of(st.just("O"), st.builds("{}-{}".format, st.sampled_from("BIES"), st.sampled_from(TYPES)))
BIO_TAG = st.one_of(st.just("O"), st.builds("{}-{}".format, st.sampled_from("BI"), st.sampled_from(TYPES)))


def _conlleval_chunks(tags):
    """Entities as conlleval.pl (2004) reads them: its endOfChunk and startOfChunk, verbatim."""
    ends = {("B", "B"), ("B", "O"), ("I", "B"), ("I", "O"), ("E", "E"), ("E", "I"), ("E", "O")}
    starts = {("B", "B"), ("I", "B"), ("O", "B"), ("O", "I"), ("E", "E"), ("E", "I"), ("O", "E")}
    chunks, start, previous, previous_type = [], None, "O", ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, etype = tag.partition("-")
        if start is not None and ((previous, prefix) in ends or (previous not in ("O", ".") and previous_type != etype)):
            chunks.append((previous_type, start, i))
            start = None
        if (previous, prefix) in starts or (prefix not in ("O", ".") and previous_type != etype):
            start = i
        previous, previous_type = prefix, etype
    return chunks


@settings(max_examples=300, deadline=None)
@given(st.lists(TAG, max_size=10))
def test_decoder_agrees_with_seqeval_on_random_tags(tags):
    assert [(s.type, s.start, s.end - 1) for s in tags_to_spans(tags)] == get_entities(list(tags))


@settings(max_examples=300, deadline=None)
@given(st.lists(BIO_TAG, max_size=10))
def test_decoder_agrees_with_conlleval_on_iob_tags(tags):
    assert [tuple(s) for s in tags_to_spans(tags)] == _conlleval_chunks(tags)


def test_conlleval_reads_iobes_otherwise():
    # What the module docstring says: conlleval.pl has no S- and no end at E- before B-.
    assert _conlleval_chunks(["B-D", "E-D", "B-D", "E-D"]) == [("D", 0, 4)]
    assert tags_to_spans(["B-D", "E-D", "B-D", "E-D"]) == [Span("D", 0, 2), Span("D", 2, 4)]
    assert _conlleval_chunks(["S-D", "S-D"]) == [("D", 0, 2)]
    assert tags_to_spans(["S-D", "S-D"]) == [Span("D", 0, 1), Span("D", 1, 2)]


@settings(max_examples=300, deadline=None)
@given(st.lists(TAG, max_size=10))
def test_conversions_keep_the_entities_and_round_trip(tags):
    spans = tags_to_spans(tags)
    encoded = {scheme: convert(tags, scheme) for scheme in ("iob1", "iob2", "iobes")}
    for scheme, converted in encoded.items():
        assert tags_to_spans(converted) == spans
        assert spans_to_tags(spans, len(tags), scheme) == converted
        for other in ("iob1", "iob2", "iobes"):
            assert convert(converted, other) == encoded[other]
    if spans:
        assert [detect_scheme([encoded[s]]) for s in ("iob1", "iob2", "iobes")] == ["iob1", "iob2", "iobes"]
