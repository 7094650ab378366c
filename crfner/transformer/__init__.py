"""TransformerTagger: fine-tunes a pretrained transformer encoder for token classification,
with the same estimator API as CRFTagger on token lists.

The optional extra (``pip install 'crfner[transformer]'``) provides torch and transformers;
they are imported inside the functions that need them, so ``import crfner`` stays fast.

Sentences longer than the model's window are cut, at word boundaries, into overlapping
windows of at most ``max_length`` sub-word pieces; every word is labelled and predicted
exactly once, in the window where it sits furthest from an edge. Nothing is truncated
silently; the two exceptions are explicit:

- a word longer than a whole window keeps only its first ``max_length - 2`` pieces (its
  tag comes from the first piece anyway);
- a word the tokenizer maps to no piece at all (zero-width or control characters, an empty
  string) cannot be seen by the model: it is tagged ``I-X`` when it sits inside an entity of
  type X (the word before is ``B-X``/``I-X`` and the next word with pieces is ``I-X``),
  otherwise ``O``.

A model directory holds the Hugging Face ``save_pretrained`` files (safetensors weights,
config, tokenizer) and ``crfner.json``, which records labels, parameters and the size and
SHA-256 of every file; it is written atomically and verified before anything is loaded.
Nothing is pickled.

The modules: ``tagger`` (the estimator), ``params`` (its parameter checks), ``pretrained``
(the base model and tokenizer), ``windows`` (sentences as windows of pieces, and batches),
``tags`` (IOB2 checks and repairs), ``modelfiles`` (``crfner.json``), ``runtime`` (the
optional imports, logging, device and threads). The benchmark runs this tagger through
``crfner.benchmark.systems.run_transformer``.
"""

from .modelfiles import FORMAT, FORMAT_VERSION, METADATA_FILE, read_metadata
from .params import TransformerParameterError
from .pretrained import DEFAULT_MODEL, PACKAGED_MODELS, packaged_model_folder, resolve_model
from .runtime import device_name, resolve_device
from .tagger import TransformerTagger
from .tags import fill_unseen, repair_iob2
from .windows import Window, assign_words, encode, plan_windows, special_tokens, word_pieces

__all__ = [
    "DEFAULT_MODEL",
    "FORMAT",
    "FORMAT_VERSION",
    "METADATA_FILE",
    "PACKAGED_MODELS",
    "TransformerParameterError",
    "TransformerTagger",
    "Window",
    "assign_words",
    "device_name",
    "encode",
    "fill_unseen",
    "packaged_model_folder",
    "plan_windows",
    "read_metadata",
    "repair_iob2",
    "resolve_device",
    "resolve_model",
    "special_tokens",
    "word_pieces",
]
