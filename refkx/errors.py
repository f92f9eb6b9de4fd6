"""The exception hierarchy of refkx.

Caller misuse (a str where bytes belong, a key of the wrong size) raises the
built-in TypeError / ValueError with a precise message. Failures that an
attacker can cause raise one of the deliberately vague classes below; the
library never reports failure by returning None or False.
"""

from __future__ import annotations


class RefkxError(Exception):
    """Base class of every refkx-specific failure."""


class InvalidKey(RefkxError, ValueError):
    """A key or public value failed validation.

    Wrong length, out of range, in a small subgroup, or an exchange whose
    shared secret is all zero / degenerate.
    """


class InvalidTag(RefkxError):
    """An AEAD open/decrypt failed authentication; no plaintext is released."""


class InvalidSignature(RefkxError):
    """A signature did not verify."""


class DecryptionError(RefkxError, ValueError):
    """RSA decryption failed. One message for every cause (Bleichenbacher, Manger)."""


class HandshakeError(RefkxError):
    """The handshake or record layer saw a bad message; the connection is dead.

    `alert` is the RFC 8446 §6 AlertDescription name that was (or would be) sent to the
    peer, e.g. "bad_record_mac", or the one the peer sent; None where no alert applies.
    """

    def __init__(self, message: str = "handshake failure", alert: str | None = None) -> None:
        super().__init__(message)
        self.alert = alert


class CertificateError(HandshakeError):
    """A certificate, its chain, its host name or a pin failed (alert as in HandshakeError)."""

    def __init__(self, message: str = "certificate verification failed",
                 alert: str | None = "bad_certificate") -> None:
        super().__init__(message, alert)
