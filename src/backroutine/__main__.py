"""`python -m backroutine`."""

import sys

from backroutine.cli import main

sys.exit(main())
