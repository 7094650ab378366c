"""Registered corpora from the Hugging Face hub, for a data folder that lacks them: a quick probe
of the hub first, so that an offline machine fails at once with one line instead of retrying."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CorpusNotFoundError
from .hf_datasets import read_hf_split

HUB_PROBE_SECONDS = 3.0


def hub_unreachable(seconds: float = HUB_PROBE_SECONDS) -> str | None:
    """Why the Hugging Face hub cannot be reached (offline mode set, or no connection to it
    within ``seconds``), or None when it can. Unreachable and ``datasets`` not yet imported:
    sets ``HF_HUB_OFFLINE=1``, so that ``datasets`` uses only its cache and fails at once
    instead of retrying for half a minute."""
    import socket
    import sys
    import threading
    from urllib.parse import urlsplit

    if any(os.environ.get(v, "").upper() in ("1", "ON", "YES", "TRUE") for v in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")):
        return "offline mode is set (HF_HUB_OFFLINE)"
    endpoint = urlsplit(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    address = (endpoint.hostname or "huggingface.co", endpoint.port or (80 if endpoint.scheme == "http" else 443))
    outcome: list[str] = [f"no connection to {address[0]} within {seconds:g} s"]

    def probe() -> None:  # in a thread: a name lookup takes no timeout of its own
        try:
            socket.create_connection(address, timeout=seconds).close()
            outcome[0] = ""
        except OSError as error:
            outcome[0] = f"cannot connect to {address[0]}: {error.strerror or error}"

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome[0]:
        return None
    if "huggingface_hub" not in sys.modules:
        os.environ["HF_HUB_OFFLINE"] = "1"
    return outcome[0]


def load_from_hub(corpus, split: str, searched: str | Path | None = None) -> tuple[list[list[str]], list[list[str]]]:
    """Load one split of a registered corpus (a registry ``Corpus``) from the Hugging Face hub with ``datasets``
    (only from its cache when the hub cannot be reached; see :func:`hub_unreachable`)."""
    unreachable = hub_unreachable()
    try:
        import datasets

        dataset = datasets.load_dataset(corpus.hub_id, split=corpus.hub_splits[split])
    except Exception as error:  # datasets raises many types for an unreachable hub
        where = f"no local copy at {searched}, and " if searched is not None else ""
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if unreachable:
            reason = f"{unreachable}; {reason}"
        raise CorpusNotFoundError(
            f"{corpus.name}: {where}the hub copy {corpus.hub_id!r} could not be loaded ({reason}); "
            f"set --data-dir or $CRFNER_DATA_DIR to a folder holding {corpus.folder}/"
        ) from None
    return read_hf_split(dataset, label_names=corpus.hub_label_names, source=f"{corpus.hub_id} [{split}]")
