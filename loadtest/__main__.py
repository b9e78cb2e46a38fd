"""``python -m loadtest``: see :mod:`loadtest.loadtest`."""

import sys

from .loadtest import main

sys.exit(main())
