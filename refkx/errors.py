"""The exception hierarchy of refkx (docs/architecture.md, "Errors").

Caller misuse (a str where bytes belong, a key of the wrong size) raises the
built-in TypeError / ValueError with a precise message. Failures that an
attacker can cause raise one of the deliberately vague classes below; the
library never reports failure by returning None or False.
"""


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
    """The session handshake or record layer saw a bad message; the session is dead.

    `.alert` names the RFC 8446 §6 alert description that fits, or is None.
    """

    def __init__(self, message: str = "", alert: "str | None" = None) -> None:
        super().__init__(message)
        self.alert = alert


class DERError(RefkxError, ValueError):
    """Input is not valid DER (X.690 §10) for the structure expected, or not valid PEM
    (RFC 7468) around it; the message has the offset."""


class UnsupportedAlgorithm(RefkxError, ValueError):
    """Well-formed input that refkx does not implement (an EC key, an encrypted key file)."""


class CertificateError(HandshakeError):
    """A certificate, chain or pin failed a check; the message names the check.

    `.alert` is the RFC 8446 §6 alert a TLS peer sends for it: "bad_certificate"
    (default), "certificate_expired", "unknown_ca", "unsupported_certificate".
    """

    def __init__(self, message: str = "", alert: str = "bad_certificate") -> None:
        super().__init__(message, alert)
