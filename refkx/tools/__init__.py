"""The command-line tools behind `python -m refkx`: cli (argument parsing and dispatch), demo,
bench, trace and net (the socket adapter for `serve` / `connect`).

The library never imports refkx.tools; these modules sit on top of it.
"""
