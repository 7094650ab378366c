"""The CRF model: the estimator (``tagger``), the trained model it tags with (``model``), its
decoder (``decoding``), its files on disk (``modelfile``) and the devel search of its parameters
(``tuning``)."""
