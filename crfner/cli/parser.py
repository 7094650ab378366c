"""The thin parser: one sub-command per verb module, dispatch, and crfner's errors as one line, exit 2."""

from __future__ import annotations

import argparse
import sys
import warnings

from . import benchmark, calibrate, convert, corpora, evaluate, explain, inspect, linker, tag, train, tune
from .common import EXIT_USAGE, UsageError

# In the order ``crfner --help`` lists them; each module adds its own sub-parser with ``run`` as default.
VERBS = (corpora, train, tune, evaluate, calibrate, tag, linker, benchmark, convert, inspect, explain)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit status 2, and no abbreviated options: a prefix
    would silently pick another option (``--split notes`` taken as ``--splitter notes``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _VerbParser(_Parser):
    """A verb's parser, which takes its positional arguments anywhere among the options
    (``crfner tag MODEL --sections note.txt``): plain argparse gives the first positional all
    the arguments it can take at once, so an optional ``input`` after an option was refused."""

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):
        if self._intermixing:  # parse_known_intermixed_args parses through this method twice
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(prog="crfner", description="Biomedical named-entity recognition with a linear-chain CRF.")
    parser.add_argument("--version", action="version", version=f"crfner {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_VerbParser)
    for verb in VERBS:
        verb.add_parser(verbs)
    return parser


def _fix_split(args) -> None:
    """A corpus given as a file has no splits; a registered name is the corpus, whatever file of
    that name the current folder holds (the readers look the name up first)."""
    from pathlib import Path

    corpus = getattr(args, "corpus", None)
    if corpus is None or not hasattr(args, "split") or not Path(corpus).is_file():
        return
    from ..corpora.registry import REGISTRY

    if corpus not in REGISTRY:
        args.split = None


def main(argv: list[str] | None = None) -> int:
    """The ``crfner`` console script: parse, run the verb, and return its exit status."""
    from ..errors import CrfnerError

    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.verb is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _fix_split(args)
    try:
        with warnings.catch_warnings():  # restores the caller's display when the verb ends
            warnings.showwarning = _warning_printer(args.verb)
            return args.run(args)
    except (CrfnerError, UsageError) as error:
        print(f"crfner {args.verb}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return _reader_gone()
    except OSError as error:
        print(f"crfner {args.verb}: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"crfner {args.verb}: interrupted", file=sys.stderr)
        return 130


def _warning_printer(verb: str):
    """Warnings as one line each, ``crfner VERB: warning: MESSAGE``, like the errors (Python's own
    display adds the source file and line of crfner's code, which say nothing to a user)."""
    def show(message, category, filename, lineno, file=None, line=None):
        print(f"crfner {verb}: warning: {message}", file=sys.stderr if file is None else file)

    return show


def _reader_gone() -> int:
    """Standard output's reader went away (``crfner tag ... | head``): stop quietly, as Unix tools
    do, with the status of a death by SIGPIPE; what is left unflushed goes nowhere instead of
    raising again when Python exits."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13
