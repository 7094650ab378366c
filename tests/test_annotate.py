"""crfner.tagging.annotate: tagging raw text and documents with a fitted CRFTagger."""

from __future__ import annotations

import pytest
from conftest import LINKER_TERMS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crfner.corpora.documents import Document, Mention
from crfner.schemes import tags_to_spans
from crfner.tagging.annotate import Entity, tag_documents, tag_text
from crfner.text import sentences

TEXT = (
    "Cisplatin-induced nephrotoxicity in rats. Famotidine is a histamine H2-receptor antagonist; "
    "it has been associated with delirium.\n\nHypotension developed after 4 mg/kg indomethacin i.v. "
    "in sodium-depleted rats (p < 0.05)."
)


class PublicOnly:
    """A tagger seen only through its public methods, as any estimator would be."""

    def __init__(self, tagger):
        self.tagger = tagger

    def predict(self, X):
        return self.tagger.predict(X)

    def predict_marginals(self, X):
        return self.tagger.predict_marginals(X)


def test_entities_slice_back_and_are_found(fitted):
    entities = tag_text(fitted, TEXT)
    assert entities, "the model found nothing in a text full of chemicals and diseases"
    for e in entities:
        assert isinstance(e, Entity)
        assert TEXT[e.start : e.end] == e.text
        assert e.type in ("Chemical", "Disease")
        assert 0.0 < e.score <= 1.0 + 1e-9
    assert [e.start for e in entities] == sorted(e.start for e in entities)
    assert any(e.text == "Cisplatin" and e.type == "Chemical" for e in entities)


def test_one_pass_agrees_with_predict_and_predict_scored(fitted):
    """A CRFTagger's entity scores are its entities' probabilities (predict_scored); an
    estimator with only predict and predict_marginals gets the mean of its tags' marginals."""
    token_sentences = sentences(TEXT)
    X = [[t.text for t in s] for s in token_sentences]
    tags, marginals, scored = fitted.predict(X), fitted.predict_marginals(X), fitted.predict_scored(X)
    expected = []
    for tokens, sentence_tags, sentence_marginals, (_, scores) in zip(token_sentences, tags, marginals, scored):
        for span in tags_to_spans(sentence_tags):
            probabilities = [sentence_marginals[i][sentence_tags[i]] for i in range(span.start, span.end)]
            start, end = tokens[span.start].start, tokens[span.end - 1].end
            expected.append((start, end, span.type, scores[span.start], sum(probabilities) / len(probabilities)))
    got = tag_text(fitted, TEXT)
    assert [(e.start, e.end, e.type) for e in got] == [x[:3] for x in expected]
    assert [e.score for e in got] == pytest.approx([x[3] for x in expected])
    public = tag_text(PublicOnly(fitted), TEXT)
    assert [(e.start, e.end, e.type, e.text) for e in public] == [(e.start, e.end, e.type, e.text) for e in got]
    assert [e.score for e in public] == pytest.approx([x[4] for x in expected])
    assert [e.score for e in public] != pytest.approx([e.score for e in got])  # two different scores


def test_blank_text_has_no_entities(fitted):
    assert tag_text(fitted, "") == []
    assert tag_text(fitted, " \n\t\u200b") == []


def test_unfitted_tagger_is_refused():
    import crfner
    from crfner.errors import NotFittedError

    with pytest.raises(NotFittedError):
        tag_text(crfner.CRFTagger(), "aspirin")


def test_tag_documents_replaces_mentions_and_respects_passages(fitted):
    title = "Famotidine-associated delirium"
    abstract = "Famotidine caused delirium in six patients."
    text = f"{title} {abstract}"
    gold = Mention(0, 10, "Chemical", "Famotidine", "D015738")
    documents = [
        Document("1", text, [gold], [(0, len(title)), (len(title) + 1, len(text))]),
        Document("2", "No entities here at all.", []),
        Document("3", "", []),
    ]
    tagged = tag_documents(fitted, documents)
    assert [d.id for d in tagged] == ["1", "2", "3"]
    assert [d.text for d in tagged] == [d.text for d in documents]
    assert tagged[0].passages == documents[0].passages
    assert documents[0].mentions == [gold]  # the input is not changed
    for document in tagged:
        for m in document.mentions:
            assert document.text[m.start : m.end] == m.text
            assert m.identifier is None and 0.0 < m.score <= 1.0 + 1e-9
            assert not (m.start < len(title) < m.end)  # no entity crosses from title into abstract
    assert [(m.start, m.end, m.type) for m in tagged[0].mentions] == [
        (e.start, e.end, e.type) for e in tag_text(fitted, text, documents[0].passages)
    ]


def test_tag_documents_on_real_abstracts(fitted, data_dir):
    from crfner.corpora.pubtator import read_pubtator

    documents = list(read_pubtator(data_dir / "pubtator" / "CDR_TestSet.PubTator.txt"))[:5]
    tagged = tag_documents(fitted, documents)
    assert sum(len(d.mentions) for d in tagged) > 10
    for document in tagged:
        assert all(document.text[m.start : m.end] == m.text for m in document.mentions)


class CountingLinker:
    """A linker that records each ``link_documents`` call and passes it on."""

    def __init__(self, linker):
        self.linker, self.calls = linker, []

    def link_documents(self, documents):
        self.calls.append(list(documents))
        return self.linker.link_documents(documents)


def test_tag_text_links_entities_to_concepts(fitted, tiny_linker):
    plain, linked = tag_text(fitted, TEXT), tag_text(fitted, TEXT, linker=tiny_linker)
    assert [(e.start, e.end, e.type, e.score) for e in linked] == [(e.start, e.end, e.type, e.score) for e in plain]
    assert all(e.identifier is None and e.link_score is None for e in plain)
    (cisplatin,) = [e for e in linked if e.text == "Cisplatin"]
    assert cisplatin.identifier == "MESH:D002945" and 0.5 < cisplatin.link_score <= 1.0
    links = tiny_linker.link_spans(TEXT, [(e.start, e.end, e.type) for e in linked])
    assert [e.identifier for e in linked] == [link.identifier for link in links]
    for e in linked:  # NIL: neither an id nor a link score
        assert (e.identifier is None) == (e.link_score is None)
    assert fitted.tag_text(TEXT, linker=tiny_linker) == linked


def test_tag_documents_links_a_batch_in_one_call(fitted, tiny_linker):
    from crfner.tagging.annotate import iter_tag_documents

    documents = [Document("1", TEXT), Document("2", "No entities here at all."), Document("3", "Famotidine caused delirium.")]
    counting = CountingLinker(tiny_linker)
    tagged = tag_documents(fitted, documents, linker=counting)
    assert len(counting.calls) == 1  # the whole batch: one similarity search per type
    assert [[(m.start, m.end, m.type) for m in d.mentions] for d in counting.calls[0]] == [[(m.start, m.end, m.type) for m in d.mentions] for d in tagged]
    counting = CountingLinker(tiny_linker)
    list(iter_tag_documents(fitted, documents, batch_size=2, linker=counting))
    assert [len(call) for call in counting.calls] == [2, 1]
    by_text = {m.text: m for d in tagged for m in d.mentions}
    assert by_text["Cisplatin"].identifier == "MESH:D002945"
    known = {(term, etype): cid for etype, terms in LINKER_TERMS.items() for term, cid in terms}
    for m in (m for d in tagged for m in d.mentions if (m.text.lower(), m.type) in known):  # a term of its type: its id
        assert m.identifier == known[m.text.lower(), m.type]
    plain = tag_documents(fitted, documents)
    assert [[(m.start, m.end, m.type, m.score) for m in d.mentions] for d in tagged] == [
        [(m.start, m.end, m.type, m.score) for m in d.mentions] for d in plain]
    assert list(iter_tag_documents(fitted, documents, batch_size=1, linker=tiny_linker)) == tagged
    for document in tagged:
        for m in document.mentions:
            assert (m.identifier is None) == (m.link_score is None)


SPECIAL = ["\r\n", "\n\n", " ", "\u00a0", "\u200b", "\u0301", "\U0001f600", "\ud800", "\x00", ".", "(", ")",
           "aspirin", "cisplatin", " nephrotoxicity", "Delirium. ", "i.v.", "5 mg/kg"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(max_size=5), st.sampled_from(SPECIAL)), max_size=20).map("".join))
def test_any_text_tags_without_crashing(fitted, text):
    entities = tag_text(fitted, text)
    previous_end = 0
    for e in entities:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text
        assert e.start >= previous_end
        previous_end = e.end


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["O", "B-A", "I-A", "E-A", "S-A", "B-B", "I-B", "E-B", "S-B"]), min_size=1, max_size=20))
def test_entity_spans_read_only_the_runs_of_non_o_tags_but_match_the_full_decoder(tags):
    from crfner.schemes import tags_to_spans
    from crfner.tagging.annotate import _entity_spans

    assert _entity_spans(tags) == tags_to_spans(tags)
