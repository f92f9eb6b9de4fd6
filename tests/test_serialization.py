"""refkx.serialization: PEM (RFC 7468), PKCS #1, PKCS #8, SPKI, RFC 8410 keys, both directions.

The published key files (cryptography-vectors, Wycheproof) run in tests/test_key_files.py.
"""

import pytest

from refkx import serialization as ser
from refkx.errors import DERError, InvalidKey, UnsupportedAlgorithm
from refkx.rsa import RSAPrivateKey, RSAPublicKey
from refkx.x25519 import X25519PrivateKey, X25519PublicKey
from refkx.x448 import X448PrivateKey

from rsa_keys import cached_key

E, PF, PubF = ser.Encoding, ser.PrivateFormat, ser.PublicFormat


@pytest.mark.parametrize("fmt", [PF.PKCS8, PF.TraditionalOpenSSL])
@pytest.mark.parametrize("enc", [E.PEM, E.DER])
def test_rsa_private_round_trip(enc, fmt):
    key = cached_key(1024)
    data = key.private_bytes(enc, fmt, ser.NoEncryption())
    loaded = (ser.load_pem_private_key if enc is E.PEM else ser.load_der_private_key)(data)
    assert isinstance(loaded, RSAPrivateKey) and loaded == key
    assert loaded.private_bytes(enc, fmt) == data


@pytest.mark.parametrize("fmt", [PubF.SubjectPublicKeyInfo, PubF.PKCS1])
@pytest.mark.parametrize("enc", [E.PEM, E.DER])
def test_rsa_public_round_trip(enc, fmt):
    pub = cached_key(1024).public_key()
    data = pub.public_bytes(enc, fmt)
    loaded = (ser.load_pem_public_key if enc is E.PEM else ser.load_der_public_key)(data)
    assert isinstance(loaded, RSAPublicKey) and loaded == pub


@pytest.mark.parametrize("cls", [X25519PrivateKey, X448PrivateKey])
def test_montgomery_round_trip(cls):
    key = cls.generate()
    for enc in (E.PEM, E.DER):
        data = key.private_bytes(enc, PF.PKCS8, ser.NoEncryption())
        load = ser.load_pem_private_key if enc is E.PEM else ser.load_der_private_key
        assert load(data).private_bytes_raw() == key.private_bytes_raw()
        pub = key.public_key().public_bytes(enc, PubF.SubjectPublicKeyInfo)
        load = ser.load_pem_public_key if enc is E.PEM else ser.load_der_public_key
        assert load(pub) == key.public_key()
    assert key.private_bytes(E.Raw, PF.Raw) == key.private_bytes_raw()
    assert key.public_key().public_bytes(E.Raw, PubF.Raw) == key.public_key().public_bytes_raw()


def test_rfc8410_examples():
    """RFC 8410 §10.2 (X25519 SPKI from the RFC's example certificate) and §10.3 (private key)."""
    spki = bytes.fromhex("302a300506032b656e032100"
                         "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    pub = ser.load_der_public_key(spki)
    assert isinstance(pub, X25519PublicKey)
    assert pub.public_bytes(E.DER, PubF.SubjectPublicKeyInfo) == spki
    pem = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
"""
    with pytest.raises(UnsupportedAlgorithm, match="Ed25519"):   # §10.3 is an Ed25519 key
        ser.load_pem_private_key(pem)


def test_interop_with_cryptography():
    cser = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    key = cached_key(1024)
    theirs = cser.load_pem_private_key(key.private_bytes(E.PEM, PF.PKCS8), None)
    assert theirs.private_numbers().d == key.d
    back = theirs.private_bytes(cser.Encoding.PEM, cser.PrivateFormat.TraditionalOpenSSL,
                                cser.NoEncryption())
    assert ser.load_pem_private_key(back) == key
    assert back == key.private_bytes(E.PEM, PF.TraditionalOpenSSL)
    from cryptography.hazmat.primitives.asymmetric import x25519, x448
    for their_cls, our_cls in ((x25519.X25519PrivateKey, X25519PrivateKey),
                               (x448.X448PrivateKey, X448PrivateKey)):
        their_key = their_cls.generate()
        pem = their_key.private_bytes(cser.Encoding.PEM, cser.PrivateFormat.PKCS8,
                                      cser.NoEncryption())
        ours = ser.load_pem_private_key(pem)
        assert isinstance(ours, our_cls)
        assert ours.private_bytes(E.PEM, PF.PKCS8) == pem
        spki = ours.public_key().public_bytes(E.DER, PubF.SubjectPublicKeyInfo)
        assert cser.load_der_public_key(spki).public_bytes_raw() == \
            ours.public_key().public_bytes_raw()


def test_encrypted_refused():
    key = cached_key(1024)
    cser = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    theirs = cser.load_pem_private_key(key.private_bytes(E.PEM, PF.PKCS8), None)
    for fmt in (cser.PrivateFormat.PKCS8, cser.PrivateFormat.TraditionalOpenSSL):
        pem = theirs.private_bytes(cser.Encoding.PEM, fmt,
                                   cser.BestAvailableEncryption(b"pw"))
        with pytest.raises(UnsupportedAlgorithm, match="not supported"):
            ser.load_pem_private_key(pem, b"pw")
    der = theirs.private_bytes(cser.Encoding.DER, cser.PrivateFormat.PKCS8,
                               cser.BestAvailableEncryption(b"pw"))
    with pytest.raises(UnsupportedAlgorithm, match="not supported"):
        ser.load_der_private_key(der, b"pw")
    with pytest.raises(UnsupportedAlgorithm):
        key.private_bytes(E.PEM, PF.PKCS8, object())


def test_bad_input():
    key = cached_key(1024)
    pem = key.private_bytes(E.PEM, PF.PKCS8)
    with pytest.raises(DERError, match="PRIVATE KEY"):
        ser.load_pem_private_key(b"no pem here")
    with pytest.raises(DERError, match="base64"):
        ser.load_pem_private_key(pem.replace(b"M", b"*", 1))
    with pytest.raises(DERError, match="END"):
        ser.load_pem_private_key(pem.replace(b"END PRIVATE", b"END PUBLIC"))
    with pytest.raises(TypeError):
        ser.load_pem_private_key(pem.decode())
    with pytest.raises(TypeError, match="not encrypted"):
        ser.load_pem_private_key(pem, b"password")
    der = key.private_bytes(E.DER, PF.TraditionalOpenSSL)
    with pytest.raises(DERError):
        ser.load_der_private_key(der + b"\x00")
    # CRT value changed (re-encoded consistently): InvalidKey.
    from refkx import asn1
    fields = [asn1.decode_integer(e) for e in asn1.parse(der).children()]
    fields[-1] += 1
    with pytest.raises(InvalidKey):
        ser.load_der_private_key(asn1.encode_sequence(*map(asn1.encode_integer, fields)))
    with pytest.raises(ValueError):
        key.private_bytes(E.Raw, PF.PKCS8)
    with pytest.raises(TypeError):
        key.private_bytes("PEM", PF.PKCS8)


# --- ML-KEM (draft-ietf-lamps-kyber-certificates-10 §4, §6) ---

MLKEM_SEED = bytes(range(64))


@pytest.mark.parametrize("name", ["MLKEM512", "MLKEM768", "MLKEM1024"])
def test_mlkem_round_trip_and_interop(name):
    from refkx import mlkem
    key = getattr(mlkem, f"{name}PrivateKey").from_seed_bytes(MLKEM_SEED)
    pem = key.private_bytes(E.PEM, PF.PKCS8)
    assert ser.load_pem_private_key(pem).private_bytes_raw() == MLKEM_SEED
    spki = key.public_key().public_bytes(E.DER, PubF.SubjectPublicKeyInfo)
    assert ser.load_der_public_key(spki) == key.public_key()
    assert key.private_bytes(E.Raw, PF.Raw) == MLKEM_SEED
    cser = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    try:
        theirs = cser.load_pem_private_key(pem, None)
    except Exception as exc:            # an OpenSSL without ML-KEM
        pytest.skip(f"cryptography cannot load ML-KEM: {exc}")
    assert theirs.public_key().public_bytes(cser.Encoding.DER,
                                            cser.PublicFormat.SubjectPublicKeyInfo) == spki
    assert theirs.private_bytes(cser.Encoding.PEM, cser.PrivateFormat.PKCS8,
                                cser.NoEncryption()) == pem


def test_mlkem_private_key_forms():
    from refkx import asn1, mlkem
    key = mlkem.MLKEM768PrivateKey.from_seed_bytes(MLKEM_SEED)
    algorithm = asn1.encode_sequence(asn1.encode_oid("2.16.840.1.101.3.4.4.2"))

    def pkcs8(inner):
        return asn1.encode_sequence(asn1.encode_integer(0), algorithm,
                                    asn1.encode_octet_string(inner))
    both = asn1.encode_sequence(asn1.encode_octet_string(MLKEM_SEED),
                                asn1.encode_octet_string(key.expanded_bytes()))
    assert ser.load_der_private_key(pkcs8(both)).private_bytes_raw() == MLKEM_SEED
    wrong = bytearray(key.expanded_bytes())
    wrong[0] ^= 1
    with pytest.raises(InvalidKey, match="expandedKey"):
        ser.load_der_private_key(pkcs8(asn1.encode_sequence(
            asn1.encode_octet_string(MLKEM_SEED), asn1.encode_octet_string(bytes(wrong)))))
    with pytest.raises(UnsupportedAlgorithm, match="expandedKey-only"):
        ser.load_der_private_key(pkcs8(asn1.encode_octet_string(key.expanded_bytes())))
    with pytest.raises(InvalidKey, match="64 bytes"):
        ser.load_der_private_key(pkcs8(asn1.encode_implicit(0, MLKEM_SEED[:63])))
    with pytest.raises(InvalidKey):
        ser.load_der_public_key(asn1.encode_sequence(
            algorithm, asn1.encode_bit_string(key.public_key().public_bytes_raw()[:-1])))
