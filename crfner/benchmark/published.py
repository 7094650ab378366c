"""Published results on the registered corpora, for the report's reference table.

Every figure is quoted from the paper cited beside it (test-set F1, as the authors report it),
not measured here; the training regimes differ from ours, and the per-type rows of BC5CDR
come from models trained on one entity type at a time.
"""

from __future__ import annotations

_BIOBERT = ("Lee et al. 2020, BioBERT: a pre-trained biomedical language representation model for biomedical "
            "text mining, Bioinformatics 36(4):1234-1240 (BioBERT v1.1)", "https://doi.org/10.1093/bioinformatics/btz682")
_PUBMEDBERT = ("Gu et al. 2021, Domain-specific language model pretraining for biomedical natural language "
               "processing, ACM Transactions on Computing for Healthcare 3(1), BLURB results", "https://doi.org/10.1145/3458754")
_SCISPACY = ("Neumann et al. 2019, ScispaCy: fast and robust models for biomedical natural language processing, "
             "BioNLP Workshop, ACL", "https://doi.org/10.18653/v1/W19-5034")
_TAGGERONE = ("Leaman and Lu 2016, TaggerOne: joint named entity recognition and normalization with semi-Markov "
              "models, Bioinformatics 32(18):2839-2846 (abstract)", "https://doi.org/10.1093/bioinformatics/btw343")

PUBLISHED = [
    ("bc5cdr", "BioBERT v1.1", "Chemical", 0.9347, "fine-tuned on the chemical annotations only", _BIOBERT),
    ("bc5cdr", "BioBERT v1.1", "Disease", 0.8715, "fine-tuned on the disease annotations only", _BIOBERT),
    ("bc5cdr", "PubMedBERT", "Chemical", 0.9333, "BLURB BC5-chem", _PUBMEDBERT),
    ("bc5cdr", "PubMedBERT", "Disease", 0.8562, "BLURB BC5-disease", _PUBMEDBERT),
    ("bc5cdr", "scispaCy", "all", 0.8392, "NER model trained on BC5CDR, both types", _SCISPACY),
    ("bc5cdr", "TaggerOne", "Chemical", 0.914, "semi-Markov model, NER f-score", _TAGGERONE),
    ("ncbi_disease", "BioBERT v1.1", "Disease", 0.8971, "", _BIOBERT),
    ("ncbi_disease", "PubMedBERT", "Disease", 0.8782, "BLURB NCBI-disease", _PUBMEDBERT),
    ("ncbi_disease", "scispaCy", "Disease", 0.8165, "", _SCISPACY),
    ("ncbi_disease", "TaggerOne", "Disease", 0.829, "semi-Markov model, NER f-score", _TAGGERONE),
]


def published_results(corpora) -> list[dict]:
    """The published rows for the given corpus names, in table order."""
    wanted = set(corpora)
    return [
        {"corpus": corpus, "system": system, "entity_type": etype, "f1": f1, "note": note,
         "citation": citation, "url": url, "source": "reported in the literature, not measured here"}
        for corpus, system, etype, f1, note, (citation, url) in PUBLISHED
        if corpus in wanted
    ]
