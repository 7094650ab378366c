"""Scores: strict entity metrics (``metrics``), partial matches (``partial_match``),
confidence intervals and paired tests (``significance``), error analysis
(``error_analysis``) and scores by character offsets (``documents``)."""
