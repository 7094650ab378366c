"""``python -m crfner.cli``: the same as the ``crfner`` command, as before it became a package."""

import sys

from .parser import main

sys.exit(main())
