"""Tagging raw text and documents with a fitted tagger: ``annotate`` maps tags back onto the
text as character spans; ``batch`` streams files through a saved model (joblib or Dask,
resumable)."""
