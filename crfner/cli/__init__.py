"""The ``crfner`` command line: one module per verb over a thin parser (``parser.py``)."""

from .benchmark import DEFAULT_BENCHMARK
from .parser import build_parser, main

__all__ = ["DEFAULT_BENCHMARK", "build_parser", "main"]
