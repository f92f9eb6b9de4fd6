"""The KEM interface (refkx.kem): every mechanism round-trips, tampering, bad input,
properties, and differential checks against `cryptography`."""

import functools

import pytest
from hypothesis import given, settings, strategies as st

from refkx import dh, kem as kem_module, rsa
from refkx.errors import DecryptionError, InvalidKey
from refkx.kem import KEMS
from refkx.x25519 import X25519PrivateKey
from refkx.x448 import X448PrivateKey

DH_NAMES = [n for n in KEMS if n.startswith(("ffdhe", "modp"))]
RSA_NAMES = [n for n in KEMS if n.startswith("rsa")]
FAST = ["x25519", "x448", "ffdhe2048", "modp1536", "rsa2048-oaep"]


@functools.lru_cache(maxsize=None)
def keypair(name):
    """One recipient key pair per KEM for the whole run.

    rsa2048-oaep runs the KEM's own generate_keypair; rsa3072/4096-oaep use the first
    key of that size in NIST CAVP KeyGenRSA.rsp instead, because a pure-Python 3072- or
    4096-bit prime search takes from seconds to half a minute (refkx.rsa's key
    generation is tested in tests/test_rsa.py)."""
    k = KEMS[name]
    if name.startswith("rsa") and k.bits > 2048:
        private_key = _cavp_rsa_key(k.bits)
        return private_key, private_key.public_key().public_bytes()
    return k.generate_keypair()


def _cavp_rsa_key(bits):
    from refkx.kat import vector_path
    from refkx.kat.parsers import parse_key_value_blocks

    for block in parse_key_value_blocks(vector_path("rsa", "KeyGenRSA.rsp")):
        if "n" in block and int(block["n"], 16).bit_length() == bits:
            return rsa.RSAPrivateKey(*(int(block[f], 16) for f in ("n", "e", "d", "p", "q")))
    raise LookupError(f"no {bits}-bit key in KeyGenRSA.rsp")


def test_kems_names():
    assert set(KEMS) == {
        "x25519", "x448",
        "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
        "modp1536", "modp2048", "modp3072", "modp4096", "modp6144", "modp8192",
        "rsa2048-oaep", "rsa3072-oaep", "rsa4096-oaep",
        "mlkem512", "mlkem768", "mlkem1024", "x25519mlkem768"}
    for name, k in KEMS.items():
        assert k.name == name
        assert isinstance(k, kem_module.KEM)
        assert k.forward_secrecy is (not name.startswith("rsa"))
    assert kem_module.get_kem("x25519") is KEMS["x25519"]
    with pytest.raises(ValueError, match="unknown KEM"):
        kem_module.get_kem("kyber768")
    with pytest.raises(TypeError):
        kem_module.get_kem(b"x25519")


# --- self-consistency: every KEM round-trips (once; the big ones are slow) ---

@pytest.mark.parametrize("name", list(KEMS))
def test_round_trip(name):
    k = KEMS[name]
    private_key, public_bytes = keypair(name)
    assert isinstance(public_bytes, bytes)
    if k.public_key_size is not None:
        assert len(public_bytes) == k.public_key_size
    shared_secret, enc = k.encapsulate(public_bytes)
    assert isinstance(shared_secret, bytes) and isinstance(enc, bytes)
    assert len(enc) == k.enc_size and len(shared_secret) == k.shared_secret_size
    assert k.decapsulate(enc, private_key) == shared_secret


@pytest.mark.parametrize("name", FAST)
def test_each_encapsulation_is_fresh(name):
    k = KEMS[name]
    _, public_bytes = keypair(name)
    (ss1, enc1), (ss2, enc2) = k.encapsulate(public_bytes), k.encapsulate(public_bytes)
    assert ss1 != ss2 and enc1 != enc2


@pytest.mark.parametrize("name", FAST)
def test_injected_rng_is_deterministic(name):
    k = KEMS[name]
    _, public_bytes = keypair(name)

    def rng(n, _stream=iter(range(10**6))):
        return bytes((next(_stream) * 7 + 3) % 256 for _ in range(n))

    def fixed(n):
        return bytes((i * 37 + 11) % 256 for i in range(n))

    assert k.encapsulate(public_bytes, rng=fixed) == k.encapsulate(public_bytes, rng=fixed)
    if not name.startswith("rsa"):
        assert k.generate_keypair(rng=fixed)[1] == k.generate_keypair(rng=fixed)[1]


# --- tamper tests ---

def _valid_tampering(name, enc):
    """enc changed into another value the recipient accepts: y * g mod p (still in the
    order-q subgroup, g being in it) for FFDH; for X25519/X448 u + 2 (the KEM accepts every
    u whose shared secret is not all zero)."""
    k = KEMS[name]
    if hasattr(k, "group"):
        group = k.group
        y = int.from_bytes(enc, "big") * group.g % group.p
        return y.to_bytes(len(enc), "big")
    u = int.from_bytes(enc, "little") + 2
    return u.to_bytes(len(enc), "little")


@pytest.mark.parametrize("name", ["x25519", "x448", "ffdhe2048", "modp1536"])
def test_tampered_enc_dh(name):
    # A changed enc is just another public value: it yields another secret or, if
    # it fails validation, InvalidKey. It never yields the original secret.
    k = KEMS[name]
    private_key, public_bytes = keypair(name)
    shared_secret, enc = k.encapsulate(public_bytes)
    assert k.decapsulate(enc, private_key) == shared_secret        # the untampered control
    attempts = []
    for position in (0, len(enc) // 2, len(enc) - 1):
        bad = bytearray(enc)
        bad[position] ^= 0x04
        attempts.append(bytes(bad))
    attempts.append(_valid_tampering(name, enc))
    secrets_returned = 0
    for bad in attempts:
        try:
            other = k.decapsulate(bad, private_key)
        except InvalidKey:
            continue
        assert other != shared_secret
        secrets_returned += 1
    # The valid tampering at least must reach a returned (different) secret.
    assert secrets_returned >= 1


@pytest.mark.parametrize("name", ["rsa2048-oaep"])
def test_tampered_enc_rsa(name):
    k = KEMS[name]
    private_key, public_bytes = keypair(name)
    shared_secret, enc = k.encapsulate(public_bytes)
    assert k.decapsulate(enc, private_key) == shared_secret        # the untampered control
    for position in (0, 1, len(enc) // 2, len(enc) - 1):
        bad = bytearray(enc)
        bad[position] ^= 0x01
        with pytest.raises(DecryptionError):
            k.decapsulate(bytes(bad), private_key)


# --- bad input on every entry point ---

@pytest.mark.parametrize("name", FAST)
def test_type_errors(name):
    k = KEMS[name]
    private_key, public_bytes = keypair(name)
    _, enc = k.encapsulate(public_bytes)
    with pytest.raises(TypeError):
        k.encapsulate(public_bytes.hex())
    with pytest.raises(TypeError):
        k.encapsulate(None)
    with pytest.raises(TypeError):
        k.decapsulate(enc.hex(), private_key)
    with pytest.raises(TypeError):
        k.decapsulate(enc, public_bytes)             # bytes are not a private key
    other = "x448" if name == "x25519" else "x25519"
    with pytest.raises(TypeError):
        k.decapsulate(enc, keypair(other)[0])        # a private key of another mechanism


@pytest.mark.parametrize("name", ["x25519", "x448"] + DH_NAMES[:1] + ["modp1536"])
def test_wrong_lengths_dh(name):
    k = KEMS[name]
    private_key, public_bytes = keypair(name)
    n = k.enc_size
    for length in (0, 1, n - 1, n + 1):
        with pytest.raises(InvalidKey):
            k.encapsulate(bytes([2]) * length)
        with pytest.raises(InvalidKey):
            k.decapsulate(bytes([2]) * length, private_key)


@pytest.mark.parametrize("name", ["x25519", "x448"])
def test_low_order_points(name):
    k = KEMS[name]
    private_key, _ = keypair(name)
    p = 2**255 - 19 if name == "x25519" else 2**448 - 2**224 - 1
    for u in (0, 1, p - 1, p, p + 1):
        point = u.to_bytes(k.enc_size, "little")
        with pytest.raises(InvalidKey):
            k.encapsulate(point)
        with pytest.raises(InvalidKey):
            k.decapsulate(point, private_key)


@pytest.mark.parametrize("name", ["ffdhe2048", "modp1536"])
def test_invalid_ffdh_public_values(name):
    k = KEMS[name]
    private_key, _ = keypair(name)
    p = k.group.p
    # Out of range (0, 1, p - 1, p, all ones) and outside the order-q subgroup (a
    # non-residue; for safe primes g = 2 generates q, and -4 = -(2^2) is a non-residue).
    for y in (0, 1, p - 1, p, 256 ** k.enc_size - 1, p - 4):
        value = y.to_bytes(k.enc_size, "big")
        with pytest.raises(InvalidKey):
            k.encapsulate(value)
        with pytest.raises(InvalidKey):
            k.decapsulate(value, private_key)


def test_ffdh_private_key_of_another_group():
    _, enc = KEMS["ffdhe2048"].encapsulate(keypair("ffdhe2048")[1])
    with pytest.raises(ValueError, match="group"):
        KEMS["ffdhe2048"].decapsulate(enc, keypair("modp2048")[0])


def test_rsa_bad_input():
    k = KEMS["rsa2048-oaep"]
    private_key, public_bytes = keypair("rsa2048-oaep")
    _, enc = k.encapsulate(public_bytes)
    # Malformed or mismatched public bytes: InvalidKey.
    for bad in (b"", public_bytes[:-1], public_bytes + b"\x00", b"\x00\x01\x01"):
        with pytest.raises(InvalidKey):
            k.encapsulate(bad)
    with pytest.raises(InvalidKey, match="2048"):
        k.encapsulate(keypair("rsa3072-oaep")[1])
    # Every decapsulation failure: the one DecryptionError.
    n_bytes = private_key.n.to_bytes(256, "big")
    for bad in (b"", enc[:-1], enc + b"\x00", n_bytes, b"\xff" * 256):
        with pytest.raises(DecryptionError):
            k.decapsulate(bad, private_key)
    # A well-formed OAEP ciphertext whose payload is not a 32-byte secret.
    wrong_size = private_key.public_key().encrypt(b"\x01" * 31, rsa.OAEP("sha256"))
    with pytest.raises(DecryptionError):
        k.decapsulate(wrong_size, private_key)
    # The right type, the wrong size: caller misuse.
    with pytest.raises(ValueError, match="2048"):
        k.decapsulate(enc, keypair("rsa3072-oaep")[0])
    with pytest.raises(TypeError):
        k.decapsulate(enc, keypair("ffdhe2048")[0])


@pytest.mark.parametrize("name", FAST)
def test_inputs_not_modified(name):
    k = KEMS[name]
    private_key, public_bytes = keypair(name)
    buf = bytearray(public_bytes)
    shared_secret, enc = k.encapsulate(buf)
    assert buf == public_bytes
    enc_buf = bytearray(enc)
    assert k.decapsulate(memoryview(enc_buf), private_key) == shared_secret
    assert enc_buf == enc


# --- properties ---

@settings(max_examples=10)
@given(name=st.sampled_from(["x25519", "x448", "modp1536"]), seed=st.binary(min_size=1, max_size=8))
def test_property_kem_equals_dh(name, seed):
    # For the DH kinds the KEM is the exchange: decapsulating equals the recipient's
    # exchange with enc, and encapsulating equals the ephemeral key's exchange.
    k = KEMS[name]
    private_key, public_bytes = keypair(name)
    rng = lambda n: (seed * n)[:n]  # noqa: E731
    shared_secret, enc = k.encapsulate(public_bytes, rng=rng)
    assert k.decapsulate(enc, private_key) == shared_secret
    if name == "modp1536":
        eph = dh.DHPrivateKey.generate(k.group, rng=rng)
        peer = dh.DHPublicKey.from_public_bytes(k.group, public_bytes)
    else:
        cls = X25519PrivateKey if name == "x25519" else X448PrivateKey
        eph = cls.generate(rng)
        peer = private_key.public_key()
    assert eph.exchange(peer) == shared_secret


# --- differential: cryptography (OpenSSL) ---

def test_differential_x25519_x448():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric import x25519 as c25519, x448 as c448
    for name, mod in (("x25519", c25519), ("x448", c448)):
        c_priv = getattr(mod, f"{name.upper()}PrivateKey").generate()
        shared_secret, enc = KEMS[name].encapsulate(c_priv.public_key().public_bytes_raw())
        c_peer = getattr(mod, f"{name.upper()}PublicKey").from_public_bytes(enc)
        assert c_priv.exchange(c_peer) == shared_secret


def test_differential_ffdh():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric import dh as cdh
    k = KEMS["ffdhe2048"]
    private_key, public_bytes = keypair("ffdhe2048")
    shared_secret, enc = k.encapsulate(public_bytes)
    params = cdh.DHParameterNumbers(k.group.p, k.group.g)
    c_priv = cdh.DHPrivateNumbers(private_key.x, cdh.DHPublicNumbers(
        int.from_bytes(public_bytes, "big"), params)).private_key()
    c_peer = cdh.DHPublicNumbers(int.from_bytes(enc, "big"), params).public_key()
    assert c_priv.exchange(c_peer) == shared_secret


def test_differential_rsa_oaep():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa as crsa
    k = KEMS["rsa2048-oaep"]
    private_key, public_bytes = keypair("rsa2048-oaep")
    shared_secret, enc = k.encapsulate(public_bytes)
    pk = private_key
    c_priv = crsa.RSAPrivateNumbers(
        pk.p, pk.q, pk.d, pk.dP, pk.dQ, pk.qInv, crsa.RSAPublicNumbers(pk.e, pk.n)).private_key()
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    assert c_priv.decrypt(enc, oaep) == shared_secret
    # And the other way: OpenSSL encapsulates, refkx decapsulates.
    secret = bytes(range(32))
    assert k.decapsulate(c_priv.public_key().encrypt(secret, oaep), private_key) == secret


def test_rsa_keygen_restarts_after_fips_failure(monkeypatch):
    # FIPS 186-5 A.1.3 may end in FAILURE (refkx.primes raises RuntimeError); the KEM starts over.
    key = keypair("rsa2048-oaep")[0]
    calls = []

    def flaky(*, key_size, **kwargs):
        calls.append(key_size)
        if len(calls) == 1:
            raise RuntimeError("prime generation failed after the FIPS 186-5 A.1.3 limit of tries")
        return key

    monkeypatch.setattr(rsa, "generate_private_key", flaky)
    private_key, public_bytes = KEMS["rsa2048-oaep"].generate_keypair()
    assert private_key is key and calls == [2048, 2048]
    assert public_bytes == key.public_key().public_bytes()

    def always_fails(**kwargs):
        raise RuntimeError("prime generation failed")

    monkeypatch.setattr(rsa, "generate_private_key", always_fails)
    with pytest.raises(RuntimeError):
        KEMS["rsa2048-oaep"].generate_keypair()


def test_rsa_kem_public_bytes_are_der_spki():
    """The RSA KEM sends the recipient's key as a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)."""
    from refkx import serialization
    private_key, public_bytes = keypair("rsa2048-oaep")
    assert serialization.load_der_public_key(public_bytes) == private_key.public_key()
    assert public_bytes == private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
