"""`python -m refkx ...`: see refkx/tools/cli.py."""

import sys

from .tools.cli import main

sys.exit(main())
