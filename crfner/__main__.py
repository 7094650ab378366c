"""``python -m crfner``: the same as the ``crfner`` command."""

import sys

from .cli import main

sys.exit(main())
