"""The CRF model: the estimator (``tagger``), its decoder (``decoding``), its files on disk
(``modelfile``) and the devel search of its parameters (``tuning``)."""
