"""The server's signature over the handshake: RFC 8446 §4.4.3 (CertificateVerify) with the
RSASSA-PSS schemes of §4.2.3 (rsa_pss_rsae_*), computed by refkx.pkcs1 (RFC 8017 §8.1).

    signed content = 0x20 * 64 || "TLS 1.3, server CertificateVerify" || 0x00
                     || Transcript-Hash(ClientHello .. Certificate)

rsa_pss_rsae_sha256/384/512: RSASSA-PSS with MGF1 over the same hash and a salt as long
as the hash (§4.2.3), under an RSA key from an rsaEncryption certificate.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from .. import rsa
from ..errors import HandshakeError, InvalidSignature

# RFC 8446 §4.2.3 SignatureScheme.
RSA_PSS_RSAE_SHA256 = 0x0804
RSA_PSS_RSAE_SHA384 = 0x0805
RSA_PSS_RSAE_SHA512 = 0x0806
RSA_PKCS1_SHA256 = 0x0401
RSA_PKCS1_SHA384 = 0x0501
RSA_PKCS1_SHA512 = 0x0601
RSA_PSS_PSS_SHA256 = 0x0809
ECDSA_SECP256R1_SHA256 = 0x0403
ED25519 = 0x0807

SCHEME_HASHES = {RSA_PSS_RSAE_SHA256: "sha256", RSA_PSS_RSAE_SHA384: "sha384",
                 RSA_PSS_RSAE_SHA512: "sha512"}
SCHEME_NAMES = {RSA_PSS_RSAE_SHA256: "rsa_pss_rsae_sha256",
                RSA_PSS_RSAE_SHA384: "rsa_pss_rsae_sha384",
                RSA_PSS_RSAE_SHA512: "rsa_pss_rsae_sha512"}
# What refkx can verify in CertificateVerify (signature_algorithms) ...
SIGNATURE_ALGORITHMS = (RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA384, RSA_PSS_RSAE_SHA512)
# ... and the certificate signatures it offers to accept (signature_algorithms_cert).
SIGNATURE_ALGORITHMS_CERT = (RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA384, RSA_PSS_RSAE_SHA512,
                             RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512)

SIGNATURE_PAD = b"\x20" * 64                                # §4.4.3: 64 spaces
SERVER_CONTEXT = b"TLS 1.3, server CertificateVerify"       # §4.4.3 context string
CLIENT_CONTEXT = b"TLS 1.3, client CertificateVerify"


def signed_content(transcript_hash: bytes, context: bytes = SERVER_CONTEXT) -> bytes:
    """RFC 8446 §4.4.3: the bytes the CertificateVerify signature covers."""
    return SIGNATURE_PAD + context + b"\x00" + transcript_hash


def pss(scheme: int, rng=None) -> rsa.PSS:
    """RFC 8446 §4.2.3: PSS with MGF1(same hash) and salt length = hash length."""
    hash_name = SCHEME_HASHES[scheme]
    return rsa.PSS(hash_name, rng=rng)          # salt_length defaults to hLen


def sign(private_key: rsa.RSAPrivateKey, scheme: int, transcript_hash: bytes, rng=None) -> bytes:
    return private_key.sign(signed_content(transcript_hash), pss(scheme, rng))


def verify(public_key: rsa.RSAPublicKey, scheme: int, signature: bytes,
           transcript_hash: bytes) -> None:
    """Raise HandshakeError(decrypt_error) unless the signature verifies (§4.4.3)."""
    if scheme not in SCHEME_HASHES:
        raise HandshakeError("unsupported signature scheme", "illegal_parameter")
    try:
        public_key.verify(signature, signed_content(transcript_hash), pss(scheme))
    except (InvalidSignature, ValueError):
        raise HandshakeError("bad CertificateVerify signature", "decrypt_error") from None
