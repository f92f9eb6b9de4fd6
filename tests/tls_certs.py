"""Certificates for the TLS tests, made with `cryptography` (the `compare` extra): a CA, a
leaf for localhost signed by it, an expired leaf and a self-signed stranger. Each comes
with its RSA key as a refkx.rsa.RSAPrivateKey and as PEM, so that OpenSSL peers can use
the same files."""

from __future__ import annotations

import datetime
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache

import pytest

from refkx import rsa

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa as pyca_rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

DAY = datetime.timedelta(days=1)


@dataclass
class Identity:
    key: rsa.RSAPrivateKey          # refkx key
    key_pem: bytes
    cert_der: bytes
    cert_pem: bytes
    certfile: str                   # PEM chain, leaf first
    keyfile: str
    pin: str


def _refkx_key(key) -> rsa.RSAPrivateKey:
    n = key.private_numbers()
    return rsa.RSAPrivateKey(n.public_numbers.n, n.public_numbers.e, n.d, n.p, n.q)


@lru_cache(maxsize=None)
def _pyca_key(label: str):
    return pyca_rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _directory() -> str:
    return tempfile.mkdtemp(prefix="refkx-tls-")


def _write(directory, name, data) -> str:
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _identity(label, cert, key, chain_pem=b"") -> Identity:
    import base64
    import hashlib
    directory = _directory()
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    pin = "sha256//" + base64.b64encode(hashlib.sha256(spki).digest()).decode()
    return Identity(_refkx_key(key), key_pem, cert.public_bytes(serialization.Encoding.DER),
                    cert_pem, _write(directory, f"{label}.pem", cert_pem + chain_pem),
                    _write(directory, f"{label}-key.pem", key_pem), pin)


def _certificate(subject, issuer, public_key, signing_key, *, ca=False, names=(),
                 not_before=None, not_after=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(not_before or now - DAY)
               .not_valid_after(not_after or now + 30 * DAY)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        import ipaddress
        entries = []
        for name in names:
            try:
                entries.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                entries.append(x509.DNSName(name))
        builder = builder.add_extension(x509.SubjectAlternativeName(entries), critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    return builder.sign(signing_key, hashes.SHA256())


@lru_cache(maxsize=None)
def ca() -> Identity:
    key = _pyca_key("ca")
    return _identity("ca", _certificate("refkx test CA", "refkx test CA", key.public_key(), key,
                                        ca=True), key)


@lru_cache(maxsize=None)
def leaf(kind: str = "good") -> Identity:
    """kind: "good" (localhost, 127.0.0.1), "expired", or "stranger" (self-signed)."""
    key = _pyca_key("leaf")
    ca_key = _pyca_key("ca")
    now = datetime.datetime.now(datetime.timezone.utc)
    names = ("localhost", "127.0.0.1")
    if kind == "stranger":
        other = _pyca_key("stranger")
        cert = _certificate("stranger", "stranger", other.public_key(), other, names=names)
        return _identity(kind, cert, other)
    extra = {}
    if kind == "expired":
        extra = dict(not_before=now - 30 * DAY, not_after=now - DAY)
    cert = _certificate("localhost", "refkx test CA", key.public_key(), ca_key, names=names,
                        **extra)
    return _identity(kind, cert, key, ca().cert_pem)
