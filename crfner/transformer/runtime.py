"""torch and transformers at run time: imported only when needed, quietened, and placed on a
device (CUDA when there is one, else the CPU with a sensible thread count)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from ..errors import CrfnerError
from .params import TransformerParameterError

EXTRA_HINT = "pip install 'crfner[transformer]'"


def require_extra() -> tuple[Any, Any]:
    """Import torch and transformers, or raise a one-line CrfnerError naming the extra."""
    try:
        import torch
        import transformers
    except ImportError as error:
        raise CrfnerError(
            f"the transformer tagger needs torch and transformers ({error.name or error} is missing); {EXTRA_HINT}"
        ) from None
    return torch, transformers


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' load reports and progress bars for the block, then restore them."""
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@contextlib.contextmanager
def cpu_threads(device) -> Iterator[None]:
    """On CPU, cap torch's threads at the cores this process may run on (its default can count
    cores a container or CPU affinity does not grant), then restore; a lower setting is kept."""
    import torch

    before = torch.get_num_threads()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if device.type == "cpu" and before > cores:
        torch.set_num_threads(max(1, cores))
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def resolve_device(device: str | None):
    """The torch device to use: ``device`` as given, else CUDA when available, else the CPU."""
    import torch

    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise TransformerParameterError(f"device {device!r} is not a torch device ({error})") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise TransformerParameterError(f"device {device!r} asked for, but CUDA is not available here")
    return resolved


def device_name(device) -> str:
    """``cpu``, or the CUDA device's marketing name, for reports."""
    import torch

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type
