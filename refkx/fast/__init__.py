"""The optimised twins of refkx's readable modules, chosen only through refkx.impl.

Each module here computes exactly what its readable twin computes (every published vector runs
through both); readable modules never import this package. CPython is not constant-time: these
modules teach and cross-check; they do not protect production secrets.
"""
