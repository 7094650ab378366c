"""``crfner convert``: rewrite a format-1 model directory (CRFsuite's binary) in the current
format, which loads without native code. Only for models you trust."""

from __future__ import annotations

import sys

from .common import check_new_folder


def add_parser(verbs) -> None:
    p = verbs.add_parser(
        "convert", help="convert an old model directory (model.crfsuite) to the current format; trusted files only",
        description="Convert a model directory saved by crfner before format 2 (CRFsuite's binary model.crfsuite) "
                    "into the current format (plain arrays and JSON, loaded without native code). The conversion "
                    "reads the old binary with CRFsuite's native parser, which a crafted file can crash: run it "
                    "only on model files you trust.",
    )
    p.add_argument("model", help="the old model directory")
    p.add_argument("out", help="the new model directory to write")
    p.add_argument("--force", action="store_true", help="replace an existing directory at OUT")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..crf.convert import TRUST_WARNING, convert_model_dir

    check_new_folder(args.out, args.force)
    print(f"warning: {TRUST_WARNING}", file=sys.stderr)
    path = convert_model_dir(args.model, args.out, overwrite=args.force)
    print(f"wrote {path} (model format 2)")
    return 0
