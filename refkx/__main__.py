"""`python -m refkx ...`: see refkx/cli.py."""

import sys

from .cli import main

sys.exit(main())
