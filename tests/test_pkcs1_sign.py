"""RSASSA-PKCS1-v1_5 (RFC 8017 §8.2, EMSA-PKCS1-v1_5 §9.2): self-consistency, DigestInfo
prefixes, tampering and a differential check against cryptography (OpenSSL).

The published vectors (Wycheproof, CAVP SigGen15/SigVer15, RSA Labs) run in
refkx.kat.rsa_pkcs1 through tests/test_kat_rsa_pkcs1.py.
"""

import pytest

from refkx import asn1, pkcs1
from refkx.errors import InvalidSignature
from refkx.rsa import OAEP, PKCS1v15

from rsa_keys import cached_key

# Object identifiers of the hashes (RFC 8017 Appendix B.1 / NIST CSOR).
HASH_OIDS = {
    "sha1": "1.3.14.3.2.26",
    "sha224": "2.16.840.1.101.3.4.2.4", "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2", "sha512": "2.16.840.1.101.3.4.2.3",
    "sha512_224": "2.16.840.1.101.3.4.2.5", "sha512_256": "2.16.840.1.101.3.4.2.6",
    "sha3_224": "2.16.840.1.101.3.4.2.7", "sha3_256": "2.16.840.1.101.3.4.2.8",
    "sha3_384": "2.16.840.1.101.3.4.2.9", "sha3_512": "2.16.840.1.101.3.4.2.10",
}
HASH_SIZES = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64,
              "sha512_224": 28, "sha512_256": 32, "sha3_224": 28, "sha3_256": 32, "sha3_384": 48,
              "sha3_512": 64}


@pytest.mark.parametrize("hash_name", sorted(HASH_OIDS))
def test_digest_info_prefix_is_der_of_digest_info(hash_name):
    """RFC 8017 §9.2 note 1: the prefix is DER(DigestInfo) without the hash value."""
    digest = bytes(HASH_SIZES[hash_name])
    der = asn1.encode_sequence(
        asn1.encode_sequence(asn1.encode_oid(HASH_OIDS[hash_name]), asn1.encode_null()),
        asn1.encode_octet_string(digest))
    assert pkcs1.DIGEST_INFO_PREFIXES[hash_name] + digest == der


@pytest.mark.parametrize("hash_name", ["sha224", "sha256", "sha384", "sha512", "sha1"])
def test_sign_verify_and_tamper(hash_name):
    key = cached_key(2048)
    pad = PKCS1v15(hash_name)
    S = key.sign(b"message", pad)
    key.public_key().verify(S, b"message", pad)            # the untampered case verifies
    with pytest.raises(InvalidSignature):
        key.public_key().verify(S, b"messagE", pad)
    flipped = bytearray(S)
    flipped[-1] ^= 1
    with pytest.raises(InvalidSignature):
        key.public_key().verify(bytes(flipped), b"message", pad)
    with pytest.raises(InvalidSignature):
        key.public_key().verify(S[1:], b"message", pad)
    with pytest.raises(InvalidSignature):
        key.public_key().verify(key.n.to_bytes(256, "big"), b"message", pad)
    other = "sha512" if hash_name != "sha512" else "sha256"
    with pytest.raises(InvalidSignature):
        key.public_key().verify(S, b"message", PKCS1v15(other))


def test_encoding_layout():
    EM = pkcs1.emsa_pkcs1_v1_5_encode(b"abc", 128, "sha256")
    T = pkcs1.DIGEST_INFO_PREFIXES["sha256"] + __import__("hashlib").sha256(b"abc").digest()
    assert EM == b"\x00\x01" + b"\xff" * (128 - len(T) - 3) + b"\x00" + T


def test_misuse():
    with pytest.raises(ValueError):
        PKCS1v15("md5")._sign(cached_key(1024), b"m")
    with pytest.raises(ValueError, match="too short"):
        pkcs1.emsa_pkcs1_v1_5_encode(b"m", 64, "sha512")
    with pytest.raises(TypeError):
        cached_key(1024).sign(b"m", OAEP())
    with pytest.raises(TypeError):
        PKCS1v15(256)


def test_differential_cryptography():
    crsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    key = cached_key(2048)
    theirs = crsa.RSAPrivateNumbers(key.p, key.q, key.d, key.dP, key.dQ, key.qInv,
                                    crsa.RSAPublicNumbers(key.e, key.n)).private_key()
    for name, h in (("sha256", hashes.SHA256()), ("sha384", hashes.SHA384())):
        ours = key.sign(b"cross", PKCS1v15(name))
        assert ours == theirs.sign(b"cross", padding.PKCS1v15(), h)   # deterministic scheme
        theirs.public_key().verify(ours, b"cross", padding.PKCS1v15(), h)
