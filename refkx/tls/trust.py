"""How a refkx client decides to trust the server's certificate chain (RFC 8446 §4.4.2.4
leaves the policy to the application): by a pin, by a CA file with host name checks, or -
only when told insecure - by nothing.

* pin: RFC 7469 §2.4 / curl's --pinnedpubkey: "sha256//" + base64(SHA-256(the leaf's
  SubjectPublicKeyInfo DER)). Any one of several pins may match.
* anchors: refkx.x509.verify_chain(leaf, intermediates, anchors, hostname, now) (RFC 5280
  path validation, RFC 6125 host names).
* insecure: the chain is parsed and the CertificateVerify still checked against the leaf's
  key, but nothing ties that key to the server's name: `authenticated` is False.

Alerts (RFC 8446 §6.2): a pin or host name that does not match -> bad_certificate; an
expired certificate -> certificate_expired; an unknown issuer -> unknown_ca.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field

from .. import rsa, x509
from ..errors import CertificateError, HandshakeError

PIN_PREFIX = "sha256//"
PIN_DIGEST_SIZE = 32


def check_pin(pin: str) -> str:
    """A pin in curl's form "sha256//BASE64" (ValueError otherwise)."""
    if not isinstance(pin, str):
        raise TypeError(f"pin must be a str, not {type(pin).__name__}")
    if not pin.startswith(PIN_PREFIX):
        raise ValueError(f"pin must look like sha256//BASE64, got {pin!r}")
    try:
        digest = base64.b64decode(pin[len(PIN_PREFIX):], validate=True)
    except ValueError:
        raise ValueError(f"pin {pin!r} is not valid base64") from None
    if len(digest) != PIN_DIGEST_SIZE:
        raise ValueError(f"pin must hold a 32-byte SHA-256, got {len(digest)} bytes")
    return pin


def load_certificate(der: bytes):
    """A refkx.x509.Certificate from the peer's DER; a malformed one is bad_certificate."""
    try:
        return x509.load_der_x509_certificate(der)
    except HandshakeError:
        raise
    except (ValueError, TypeError):
        raise CertificateError("malformed certificate", "bad_certificate") from None


def load_anchors(cafile: str):
    """The Certificates of a PEM file (caller's file: errors are ValueError)."""
    with open(cafile, "rb") as f:
        data = f.read()
    anchors = x509.load_pem_x509_certificates(data)
    if not anchors:
        raise ValueError(f"{cafile}: no certificate in the file")
    return list(anchors)


def rsa_public_key(certificate) -> rsa.RSAPublicKey:
    """The leaf's RSA key; any other kind of key cannot sign rsa_pss_rsae_* (§4.2.3)."""
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise CertificateError("unsupported certificate key", "unsupported_certificate")
    return key


@dataclass
class TrustPolicy:
    """What the client accepts: pins, or anchors (+ the host name), or insecure."""
    pins: tuple[str, ...] = ()
    anchors: list = field(default_factory=list)
    hostname: str | None = None
    insecure: bool = False
    now: datetime.datetime | None = None

    def __post_init__(self) -> None:
        if isinstance(self.pins, str):
            self.pins = (self.pins,)
        self.pins = tuple(check_pin(p) for p in self.pins)
        if not isinstance(self.insecure, bool):
            raise TypeError("insecure must be a bool")
        if not (self.pins or self.anchors or self.insecure):
            raise ValueError("say how to trust the server: pins=, cafile=/trust= or insecure=True")

    def check(self, chain: list) -> bool:
        """Raise CertificateError unless trusted; True when authenticated, False (insecure
        only) when nothing was checked."""
        leaf = chain[0]
        if self.pins:
            if leaf.spki_pin() not in self.pins:
                raise CertificateError("server key does not match the pin", "bad_certificate")
            return True
        if self.anchors:
            now = self.now or datetime.datetime.now(datetime.timezone.utc)
            x509.verify_chain(leaf, chain[1:], self.anchors, hostname=self.hostname, now=now)
            return True
        return False
