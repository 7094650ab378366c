"""crfner.text: tokens with offsets, sentence splitting, and agreement with the corpora."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crfner.text import Token, sentences, split_sentences, tokenize


def texts(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


def sentence_texts(text: str, passages=None) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, passages)]


# -- tokens -----------------------------------------------------------------------------------
def test_tokens_carry_offsets():
    assert tokenize("Famotidine-associated delirium.") == [
        Token("Famotidine", 0, 10),
        Token("-", 10, 11),
        Token("associated", 11, 21),
        Token("delirium", 22, 30),
        Token(".", 30, 31),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # as in the BC5CDR and NCBI IOB files: letter-digit runs whole, every other mark alone
        ("2.5 mg/kg i.v.", "2 . 5 mg / kg i . v ."),
        ("a 56-year-old woman (n=12)", "a 56 - year - old woman ( n = 12 )"),
        ("FK506 and 50mg of Ca2+", "FK506 and 50mg of Ca2 +"),
        ("[3H]-L-arginine", "[ 3H ] - L - arginine"),
        ("p<0.05; +/-", "p < 0 . 05 ; + / -"),
        ("5-HT(2A) receptor's", "5 - HT ( 2A ) receptor ' s"),
        ("BRCA1 185delAG, C282Y", "BRCA1 185delAG , C282Y"),
        ("under_score", "under _ score"),
    ],
)
def test_biomedical_tokens(text, expected):
    assert texts(text) == expected.split()


def test_unicode_tokens():
    assert texts("cafe\u0301 \u03b1-tocopherol TNF\u03b1 10\u00b5g m\u00b2") == [
        "cafe\u0301", "\u03b1", "-", "tocopherol", "TNF\u03b1", "10\u00b5g", "m\u00b2"
    ]
    # no-break space and zero-width space separate; control characters are skipped
    assert texts("a\u00a0b\u200bc\x00d") == ["a", "b", "c", "d"]
    assert texts("ok \u2764\ufe0f \U0001f44d\U0001f3fd") == ["ok", "\u2764\ufe0f", "\U0001f44d\U0001f3fd"]


def test_tokenize_a_slice_keeps_offsets_into_the_text():
    assert tokenize("xx aspirin yy", 3, 10) == [Token("aspirin", 3, 10)]


# -- sentences --------------------------------------------------------------------------------
def test_abbreviations_brackets_and_names_do_not_end_sentences():
    text = (
        "Rats received 0.5 mg/kg i.v. twice daily (see Fig. 2). Blood pressure fell, e.g. in SHR. "
        "Smith et al. reported p53 loss. p53 was mutated in 3 vs. 5 cases (P < 0. 05). "
        "J. B. Smith agreed."
    )
    assert sentence_texts(text) == [
        "Rats received 0.5 mg/kg i.v. twice daily (see Fig. 2).",
        "Blood pressure fell, e.g. in SHR.",
        "Smith et al. reported p53 loss.",
        "p53 was mutated in 3 vs. 5 cases (P < 0. 05).",
        "J. B. Smith agreed.",
    ]


def test_sentence_ends():
    assert sentence_texts("Is it toxic? Yes! It is.") == ["Is it toxic?", "Yes!", "It is."]
    assert sentence_texts('He said "stop." Then he left.') == ['He said "stop."', "Then he left."]
    assert sentence_texts("The mice were treated. 2. Controls were not.") == [
        "The mice were treated.", "2.", "Controls were not."
    ]
    # no space after the full stop: one sentence, as in the corpora
    assert sentence_texts("an adverse drug reaction.A week later") == ["an adverse drug reaction.A week later"]
    # an ordinary lower-case word after a full stop continues the sentence
    assert sentence_texts("given 5 mg b.d. to 10 mg b.d. at 4 weeks") == ["given 5 mg b.d. to 10 mg b.d. at 4 weeks"]


def test_line_breaks():
    text = "Title without a stop\r\n\r\nFirst sentence goes on\nover a line. Second.\n"
    assert sentence_texts(text) == ["Title without a stop", "First sentence goes on\nover a line.", "Second."]
    note = "Medications:\n- aspirin 81 mg daily\n- metoprolol\n1. follow up in clinic"
    assert sentence_texts(note) == ["Medications:", "- aspirin 81 mg daily", "- metoprolol", "1. follow up in clinic"]


def test_passages_are_split_separately():
    text = "Cisplatin nephrotoxicity in rats Cisplatin was given. It hurt."
    passages = [(0, 32), (33, len(text))]
    assert sentence_texts(text, passages) == ["Cisplatin nephrotoxicity in rats", "Cisplatin was given.", "It hurt."]
    assert sentence_texts(text, [(33, 999), (-5, 9)]) == ["Cisplatin", "Cisplatin was given.", "It hurt."]


def test_brackets_that_never_match_are_read_in_linear_time():
    import time

    # each closer searched the whole stack of open brackets for its own kind: 40,000 "(" then
    # 40,000 "]" took 46 s, growing with the square
    for text in ("(" * 40000 + "]" * 40000, "[ " * 40000 + ") " * 40000 + ". A"):
        started = time.perf_counter()
        assert [t for s in sentences(text) for t in s] == tokenize(text)
        assert time.perf_counter() - started < 5
    # the pairs are still matched as before: a ")" closes its "(" across an unmatched "[" ...
    assert sentence_texts("(a [b. C) d. E") == ["(a [b. C) d.", "E"]
    # ... and a "]" with no "[" open is passed over
    assert sentence_texts("(a ] b. C) d. E") == ["(a ] b. C) d.", "E"]


def test_empty_and_blank_text():
    for text in ("", "   ", "\n\n", "\u200b\x00"):
        assert tokenize(text) == []
        assert sentences(text) == []
        assert split_sentences(text) == []


# -- properties on any text -------------------------------------------------------------------
SPECIAL = [
    "\r\n", "\r", "\n", "\n\n", "\t", " ", "\u00a0", "\u200b", "\u200d", "\u2028", "\u2029", "\x0c", "\x00",
    "\x85", "\ufeff", "\u0301", "\u0308", "\u05d0\u05b8", "\u0627\u064e", "\u200f", "\u202e", "\U0001f600",
    "\U0001f44d\U0001f3fd", "\ufe0f", "\ud800", ".", ". ", "?", "!", "(", ")", "[", "]", '"', "e.g.", "i.v.",
    "Fig.", "al.", "5.", "J.", " A", " p53", "\u2026",
]
ANY_TEXT = st.lists(st.one_of(st.text(max_size=4), st.sampled_from(SPECIAL)), max_size=25).map("".join)


def check_tokens(text: str, tokens: list[Token]) -> None:
    previous_end = 0
    for token in tokens:
        assert token.text and text[token.start : token.end] == token.text
        assert token.start >= previous_end
        assert not any(c.isspace() for c in token.text)
        previous_end = token.end


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_tokenizes_and_splits_cleanly(text):
    tokens = tokenize(text)
    check_tokens(text, tokens)
    found = sentences(text)
    assert all(found)
    assert [t for s in found for t in s] == tokens  # splitting never loses or changes a token
    assert split_sentences(text) == [(s[0].start, s[-1].end) for s in found]


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, st.lists(st.tuples(st.integers(-5, 90), st.integers(-5, 90)), max_size=4))
def test_any_passages_keep_sentences_inside_them(text, passages):
    found = sentences(text, passages)
    tokens = [t for s in found for t in s]
    check_tokens(text, tokens)
    for sentence in found:
        assert any(a <= sentence[0].start and sentence[-1].end <= b for a, b in passages)


# -- the corpora ------------------------------------------------------------------------------
def iob_sentences_by_document(documents, X):
    """The IOB sentences of each document: the IOB file holds the documents in PMID order."""
    by_id, k = {}, 0
    for document in sorted(documents, key=lambda d: d.id):
        wanted, got, count = len(tokenize(document.text)), [], 0
        while count < wanted:
            got.append(X[k])
            count += len(X[k])
            k += 1
        assert count == wanted, f"document {document.id} does not line up with the IOB file"
        by_id[document.id] = got
    return by_id


def test_bc5cdr_test_documents_are_tokenised_as_the_iob_file(data_dir):
    import crfner
    from crfner.corpora.pubtator import read_pubtator

    documents = list(read_pubtator(data_dir / "pubtator" / "CDR_TestSet.PubTator.txt"))
    X, _ = crfner.load_corpus("bc5cdr", "test", data_dir=data_dir)
    by_id = iob_sentences_by_document(documents, X)
    first = documents[:100]
    gold = Counter(tuple(s) for d in first for s in by_id[d.id])
    ours = Counter(tuple(t.text for t in s) for d in first for s in sentences(d.text, d.passages))
    # measured: 1,018 of 1,024 IOB sentences (0.994); the whole test set: 4,773 of 4,797 (0.995)
    assert sum((gold & ours).values()) / sum(gold.values()) >= 0.98
    boundaries = on_tokens = 0
    for d in first:
        tokens = [t for s in sentences(d.text, d.passages) for t in s]
        starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
        for m in d.mentions:
            boundaries += 2
            on_tokens += (m.start in starts) + (m.end in ends)
    assert on_tokens / boundaries >= 0.999


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab A.B(x)\n\n1.-#:;") + ["e.g.", "Dr.", " et al."]), max_size=60).map("".join),
       st.lists(st.tuples(st.integers(0, 130), st.integers(0, 130)), max_size=3))
def test_sentence_columns_hold_the_same_tokens_and_sentences(text, passages):
    from crfner.text import SentenceColumns, note_sentences, sentence_columns

    columns = sentence_columns(text, passages or None)
    expected = sentences(text, passages or None)
    assert columns.token_sentences() == expected
    assert [columns.words[a:b] for a, b in columns.sentences] == [[t.text for t in s] for s in expected]
    assert SentenceColumns.of(expected) == columns
    notes = note_sentences(text)
    assert SentenceColumns.of(notes).token_sentences() == notes
