"""`python -m refkx.tools.lessons NAME`: the lessons without the rest of the CLI."""

import argparse
import sys

from . import add_arguments, run_cli

parser = argparse.ArgumentParser(prog="python -m refkx.tools.lessons")
add_arguments(parser)
sys.exit(run_cli(parser.parse_args()))
