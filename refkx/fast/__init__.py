"""Optimised twins of the readable modules, chosen only through refkx.impl (never imported by them)."""
