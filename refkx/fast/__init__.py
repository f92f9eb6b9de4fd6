"""The optimised twins: one module per readable module that has one (aes, gcm, x25519, x448, dh,
rsa, primes, mlkem).

Each twin computes exactly what its readable module computes, faster on CPython, and imports
its constants and helpers from that readable module (never the reverse). Nothing imports these
modules directly except the registry: refkx.impl.fast("gcm") loads refkx.fast.gcm while the
fast implementation is selected. See docs/performance.md for the ideas and the numbers.
"""
