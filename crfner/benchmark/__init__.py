"""The benchmark harness: configs of corpora × systems, run with one scorer, cached, reported."""

from .config import load_config, validate_config
from .runner import run_benchmark

__all__ = ["load_config", "validate_config", "run_benchmark"]
