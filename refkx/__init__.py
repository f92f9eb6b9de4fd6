"""refkx: a pure-Python, from-scratch reference implementation of key exchange.

Finite-field Diffie-Hellman, RSA key transport, X25519/X448, HPKE and a small
hybrid session over a from-scratch AES-GCM, checked against published vectors.

CPython integers are not constant-time: this code teaches and cross-checks; it
does not protect production secrets.
"""

__version__ = "0.1.0"
