"""RSA keys and primitives (RFC 8017 §3, §5; FIPS 186-5 §5.1): published vectors,
key generation, validation, public-key encoding, countermeasures, and a
differential check against `cryptography` (OpenSSL)."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from kat_params import kat_parametrize
from rsa_keys import cached_key
from refkx import rsa_primitives
from refkx.errors import InvalidKey
from refkx.primes import is_probable_prime
from refkx.rsa import (
    MIN_KEY_BITS,
    OAEP,
    PKCS1v15,
    PSS,
    RSAPrivateKey,
    RSAPublicKey,
    generate_private_key,
    recover_prime_factors,
    rsadp,
    rsaep,
    rsasp1,
    rsavp1,
)


# --- against published vectors (RSA Labs PKCS #1, NIST CAVP) ---

@kat_parametrize("rsa")
def test_published_vector(case, implementation):
    case.run()


# --- key generation ---

@pytest.mark.parametrize("bits", [1024, 2048, 3072])
def test_generated_key_properties(bits):
    key = cached_key(bits)
    assert key.key_size == bits == key.n.bit_length()
    assert key.n == key.p * key.q
    assert key.p.bit_length() == key.q.bit_length() == bits // 2
    for prime in (key.p, key.q):
        assert is_probable_prime(prime, rounds=40)  # extra rounds beyond Table B.1
    assert abs(key.p - key.q) > 2 ** (bits // 2 - 100)
    lam = math.lcm(key.p - 1, key.q - 1)
    assert key.d == pow(key.e, -1, lam)
    assert key.d > 2 ** (bits // 2)  # FIPS 186-5 §5.1
    assert key.dP == key.d % (key.p - 1)
    assert key.dQ == key.d % (key.q - 1)
    assert key.q * key.qInv % key.p == 1
    assert key.e == 65537


def test_generate_key_policy():
    with pytest.raises(ValueError, match="_allow_weak"):
        generate_private_key(key_size=1024)
    with pytest.raises(ValueError):
        generate_private_key(key_size=1022, _allow_weak=True)
    with pytest.raises(ValueError):
        generate_private_key(key_size=512, _allow_weak=True)
    with pytest.raises(ValueError, match="even"):
        generate_private_key(key_size=2049)
    with pytest.raises(ValueError):
        generate_private_key(key_size=32768)
    for e in (3, 17, 65535, 2**256 + 1):
        with pytest.raises(ValueError):
            generate_private_key(e, 2048)
    with pytest.raises(ValueError, match="odd"):
        generate_private_key(65539 - 1, 2048)
    with pytest.raises(ValueError):
        generate_private_key(1, 1024, _allow_weak=True)
    assert MIN_KEY_BITS == 2048


def test_generate_key_pyca_order_and_keywords():
    """pyca/cryptography's generate_private_key(public_exponent, key_size), positional and
    by keyword; the reversed order of an older refkx says what the order is."""
    for call in (lambda: generate_private_key(65537, 2048),
                 lambda: generate_private_key(public_exponent=65537, key_size=2048)):
        with pytest.MonkeyPatch.context() as patch:
            seen = []
            patch.setattr("refkx.rsa.generate_probable_prime_pair",
                          lambda bits, e, rng: seen.append((bits, e)) or _prime_pair_2048())
            key = call()
        assert seen == [(2048, 65537)] and key.key_size == 2048 and key.e == 65537
    for reversed_call in (lambda: generate_private_key(2048), lambda: generate_private_key(2048, 65537)):
        with pytest.raises(ValueError, match=r"looks like a key size.*public_exponent, key_size"):
            reversed_call()


def _prime_pair_2048():
    key = cached_key(2048)
    return key.p, key.q


def test_generate_key_small_e_when_asked():
    key = generate_private_key(3, 1024, _allow_weak=True)
    assert key.e == 3 and key.key_size == 1024
    assert (key.p - 1) % 3 and (key.q - 1) % 3


@pytest.mark.parametrize("bits, e", [(2048.0, 65537), ("2048", 65537), (True, 65537), (2048, "65537")])
def test_generate_key_rejects_non_int(bits, e):
    with pytest.raises(TypeError):
        generate_private_key(public_exponent=e, key_size=bits)


def test_generate_key_rejects_non_bool_allow_weak():
    with pytest.raises(TypeError):
        generate_private_key(key_size=1024, _allow_weak=1)


# --- key validation ---

def _numbers(key):
    return dict(n=key.n, e=key.e, d=key.d, p=key.p, q=key.q)


def test_private_key_rebuilds_from_numbers():
    key = cached_key(1024)
    again = RSAPrivateKey(**_numbers(key))
    assert again == key
    assert (again.dP, again.dQ, again.qInv) == (key.dP, key.dQ, key.qInv)
    swapped = RSAPrivateKey(key.n, key.e, key.d, key.q, key.p)  # either prime order works
    assert swapped.qInv == pow(key.p, -1, key.q)


@pytest.mark.parametrize("change", [
    "n+2", "d+1", "d=1", "d=n", "p=q", "e+2", "p=n", "p*3",
])
def test_private_key_rejects_inconsistent_numbers(change):
    key = cached_key(1024)
    num = _numbers(key)
    if change == "n+2":
        num["n"] += 2
    elif change == "d+1":
        num["d"] += 1
    elif change == "d=1":
        num["d"] = 1
    elif change == "d=n":
        num["d"] = key.n
    elif change == "p=q":
        num["q"] = key.p
    elif change == "e+2":
        num["e"] += 2
    elif change == "p=n":
        num["p"], num["q"] = key.n, 1
    elif change == "p*3":
        num["p"] = key.p * 3  # n is no longer p * q
    with pytest.raises(ValueError):
        RSAPrivateKey(**num)


def test_private_key_detects_composite_factors():
    # n = (p1 * p2) * q with d built from the wrong "lambda": the pairwise test catches it.
    p1, p2, q = 2**127 - 1, 2**89 - 1, (2**521 - 1)
    fake_p = p1 * p2
    n = fake_p * q
    e = 65537
    lam = math.lcm(fake_p - 1, q - 1)
    d = pow(e, -1, lam)
    with pytest.raises(InvalidKey):
        RSAPrivateKey(n, e, d, fake_p, q)


@pytest.mark.parametrize("n, e", [
    (2**1024 + 2, 65537),      # even
    (2**1000 + 1, 65537),      # too small (1001 bits)
    (2**1024 + 1, 1),          # e = 1
    (2**1024 + 1, 65536),      # e even
    (2**1024 + 1, 2**1024 + 3),  # e >= n
    (2**16385 + 1, 65537),     # too large
], ids=["n-even", "n-small", "e-1", "e-even", "e-ge-n", "n-large"])
def test_public_key_rejects_bad_numbers(n, e):
    with pytest.raises(InvalidKey):
        RSAPublicKey(n, e)


@pytest.mark.parametrize("n, e", [("1", 65537), (2**1024 + 1, 65537.0), (None, 3), (2**1024 + 1, True)])
def test_public_key_rejects_non_int(n, e):
    with pytest.raises(TypeError):
        RSAPublicKey(n, e)


def test_private_key_rejects_non_int():
    num = _numbers(cached_key(1024))
    num["d"] = str(num["d"])
    with pytest.raises(TypeError):
        RSAPrivateKey(**num)


def test_public_key_accepts_small_e_for_vectors():
    key = cached_key(1024)
    assert RSAPublicKey(key.n, 3).e == 3


def test_key_attributes_and_repr_hide_secrets():
    key = cached_key(1024)
    pub = key.public_key()
    assert (pub.n, pub.e, pub.key_size) == (key.n, key.e, 1024)
    assert pub == RSAPublicKey(key.n, key.e) and hash(pub) == hash(RSAPublicKey(key.n, key.e))
    assert pub != RSAPublicKey(key.n, 3)
    for text in (repr(key), repr(pub), str(key)):
        assert str(key.d) not in text and str(key.p) not in text and hex(key.p)[2:] not in text
    with pytest.raises(TypeError):
        hash(key)


# --- public key encoding: DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) ---

def test_public_bytes_layout_and_round_trip():
    from refkx import asn1
    pub = cached_key(2048).public_key()
    data = pub.public_bytes()
    algorithm, bits = asn1.parse(data).children()
    assert asn1.decode_oid(algorithm.children()[0]) == "1.2.840.113549.1.1.1"
    n, e = asn1.parse(asn1.decode_bit_string(bits)[0]).children()
    assert (asn1.decode_integer(n), asn1.decode_integer(e)) == (pub.n, pub.e)
    assert RSAPublicKey.from_public_bytes(data) == pub
    assert RSAPublicKey.from_public_bytes(bytearray(data)) == pub
    assert RSAPublicKey.from_public_bytes(memoryview(data)) == pub


def _spki(n, e):
    from refkx import asn1
    algorithm = asn1.encode_sequence(asn1.encode_oid("1.2.840.113549.1.1.1"), asn1.encode_null())
    inner = asn1.encode_sequence(asn1.encode_integer(n), asn1.encode_integer(e))
    return asn1.encode_sequence(algorithm, asn1.encode_bit_string(inner))


def test_public_bytes_rejects_bad_encodings():
    pub = cached_key(1024).public_key()
    good = pub.public_bytes()
    assert _spki(pub.n, pub.e) == good
    bad = [b"", good[:1], good[:2], good[:100], good[:-1], good + b"\x00",
           _spki(pub.n, 2), _spki(pub.n, 1), _spki(-pub.n, 3), _spki(pub.n >> 200, 3),
           bytes.fromhex("3009020301000102020101"),       # PKCS #1 RSAPublicKey, not SPKI
           pub.n.to_bytes(128, "big")]                     # raw n, no framing
    for data in bad:
        with pytest.raises(InvalidKey):
            RSAPublicKey.from_public_bytes(data)
    with pytest.raises(TypeError):
        RSAPublicKey.from_public_bytes(good.hex())


# --- recovering p, q from (n, e, d) (SP 800-56B Appendix C.2) ---

def test_recover_prime_factors():
    key = cached_key(1024)
    assert recover_prime_factors(key.n, key.e, key.d) == (max(key.p, key.q), min(key.p, key.q))
    # d mod phi(n) (a multiple of lambda away) works too.
    d_phi = pow(key.e, -1, (key.p - 1) * (key.q - 1))
    assert set(recover_prime_factors(key.n, key.e, d_phi)) == {key.p, key.q}
    assert RSAPrivateKey.from_private_exponent(key.n, key.e, key.d) == key
    with pytest.raises(ValueError):
        recover_prime_factors(key.n, key.e, key.d + 1)
    with pytest.raises(ValueError):
        recover_prime_factors(key.n, key.e, key.d + 2, tries=5)
    # Out-of-policy (n, e) are refused before any factoring work (review fix).
    for n, e in ((1 << 20000 | 1, 3), (key.n - 1, key.e), (15, 3), (key.n, 2)):
        with pytest.raises(InvalidKey):
            RSAPrivateKey.from_private_exponent(n, e, key.d)
    with pytest.raises(TypeError):
        RSAPrivateKey.from_private_exponent(float(key.n), key.e, key.d)


# --- primitives (RFC 8017 §5) ---

def test_primitives_invert_each_other():
    key = cached_key(1024)
    for m in (0, 1, 2, key.n - 1, key.p, key.q, 12345678901234567890):
        c = rsaep(key, m)
        assert c == pow(m, key.e, key.n)
        assert rsadp(key, c) == m
        s = rsasp1(key, m)
        assert s == pow(m, key.d, key.n)
        assert rsavp1(key, s) == m


@pytest.mark.parametrize("func", [rsaep, rsadp, rsasp1, rsavp1])
def test_primitives_reject_out_of_range(func):
    key = cached_key(1024)
    for x in (-1, key.n, key.n + 1):
        with pytest.raises(ValueError, match="out of range"):
            func(key, x)


def test_crt_equals_plain_exponentiation():
    key = cached_key(1024)
    for x in (2, 3, key.n - 2, key.n // 3):
        assert rsa_primitives.crt_exponentiation(key.p, key.q, key.dP, key.dQ, key.qInv, x) \
            == pow(x, key.d, key.n)


@settings(max_examples=20)
@given(m=st.integers(min_value=0))
def test_rsadp_inverts_rsaep(m):
    key = cached_key(1024)
    m %= key.n
    assert rsadp(key, rsaep(key, m)) == m


# --- countermeasures: blinding and the fault check (under each implementation) ---

def test_fault_detected_is_a_refkx_error():
    from refkx.errors import RefkxError
    assert issubclass(rsa_primitives.FaultDetected, RefkxError)
    assert issubclass(rsa_primitives.FaultDetected, RuntimeError)


def test_fault_check_releases_nothing(monkeypatch, implementation):
    key = cached_key(1024)
    ciphertext = key.public_key().encrypt(b"secret", OAEP())
    signature_padding = PSS(salt_length=0)
    real = rsa_primitives.crt_exponentiation

    def faulty(p, q, dP, dQ, qInv, x):  # one CRT half corrupted (Boneh-DeMillo-Lipton)
        return real(p, q, dP, dQ ^ 1, qInv, x)

    monkeypatch.setattr(rsa_primitives, "crt_exponentiation", faulty)
    with pytest.raises(rsa_primitives.FaultDetected):
        key.decrypt(ciphertext, OAEP())
    with pytest.raises(rsa_primitives.FaultDetected):
        key.sign(b"message", signature_padding)
    monkeypatch.setattr(rsa_primitives, "crt_exponentiation", real)
    assert key.decrypt(ciphertext, OAEP()) == b"secret"


def test_fresh_blinding_factor_per_operation(monkeypatch, implementation):
    key = cached_key(1024)
    seen = []
    real = rsa_primitives._blinding_factor

    def recording(n):
        r = real(n)
        seen.append(r)
        return r

    monkeypatch.setattr(rsa_primitives, "_blinding_factor", recording)
    padding = PSS(salt_length=0)
    first = key.sign(b"same message", padding)
    second = key.sign(b"same message", padding)
    assert first == second  # the result does not depend on r ...
    assert len(seen) == 2 and seen[0] != seen[1]  # ... but each operation drew a fresh r
    assert all(math.gcd(r, key.n) == 1 for r in seen)


def test_blinding_exponentiation_never_sees_the_input(monkeypatch, implementation):
    key = cached_key(1024)
    inputs = []
    real = rsa_primitives.crt_exponentiation

    def spy(p, q, dP, dQ, qInv, x):
        inputs.append(x)
        return real(p, q, dP, dQ, qInv, x)

    monkeypatch.setattr(rsa_primitives, "crt_exponentiation", spy)
    c = rsaep(key, 42)
    assert rsadp(key, c) == 42
    assert inputs and inputs[-1] != c


def test_both_private_paths_agree(implementation):
    key = cached_key(1024)
    for x in (0, 1, 2, key.n - 1, 3**500 % key.n):
        assert rsadp(key, x) == rsasp1(key, x) == pow(x, key.d, key.n)
        assert rsa_primitives.private_operation(key, x) == pow(x, key.d, key.n)


# --- key methods: padding types ---

def test_methods_reject_wrong_padding_types():
    key = cached_key(1024)
    pub = key.public_key()
    for bad in (None, "OAEP", OAEP):
        with pytest.raises(TypeError):
            pub.encrypt(b"m", bad)
        with pytest.raises(TypeError):
            key.decrypt(bytes(128), bad)
        with pytest.raises(TypeError):
            key.sign(b"m", bad)
        with pytest.raises(TypeError):
            pub.verify(bytes(128), b"m", bad)
    with pytest.raises(TypeError):
        pub.encrypt(b"m", PSS())
    with pytest.raises(TypeError):
        key.decrypt(bytes(128), PSS())
    with pytest.raises(TypeError):
        key.sign(b"m", OAEP())
    with pytest.raises(TypeError):
        pub.verify(bytes(128), b"m", OAEP())


# --- differential: cryptography (OpenSSL) ---

def _to_cryptography(key):
    crsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    return crsa.RSAPrivateNumbers(
        key.p, key.q, key.d, key.dP, key.dQ, key.qInv,
        crsa.RSAPublicNumbers(key.e, key.n)).private_key()


def _paddings():
    pad = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.padding")
    hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes")
    return pad, hashes


@pytest.mark.parametrize("bits", [1024, 2048])
def test_keys_load_in_cryptography_and_back(bits):
    crsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    ours = cached_key(bits)
    theirs = _to_cryptography(ours)
    assert theirs.key_size == bits
    theirs_generated = crsa.generate_private_key(65537, bits)
    nums = theirs_generated.private_numbers()
    back = RSAPrivateKey(nums.public_numbers.n, nums.public_numbers.e, nums.d, nums.p, nums.q)
    assert (back.dP, back.dQ, back.qInv) == (nums.dmp1, nums.dmq1, nums.iqmp)


OAEP_SETTINGS = [("sha1", "sha1", b""), ("sha256", "sha256", b""), ("sha256", "sha1", b"label"),
                 ("sha512", "sha384", b"\x00\xff")]


@pytest.mark.parametrize("hash_name, mgf_hash_name, label", OAEP_SETTINGS)
def test_oaep_interoperates_with_cryptography(hash_name, mgf_hash_name, label):
    pad, hashes = _paddings()
    ours = cached_key(2048)
    theirs = _to_cryptography(ours)
    H = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
         "sha512": hashes.SHA512}
    their_padding = pad.OAEP(mgf=pad.MGF1(H[mgf_hash_name]()), algorithm=H[hash_name](),
                             label=label or None)
    our_padding = OAEP(hash_name, mgf_hash_name, label)
    message = b"pre-master secret 48 bytes long................"
    assert theirs.decrypt(ours.public_key().encrypt(message, our_padding), their_padding) == message
    assert ours.decrypt(theirs.public_key().encrypt(message, their_padding), our_padding) == message


def test_pkcs1v15_interoperates_with_cryptography():
    pad, _ = _paddings()
    ours = cached_key(2048)
    theirs = _to_cryptography(ours)
    message = b"\x03\x03" + bytes(range(46))
    assert theirs.decrypt(ours.public_key().encrypt(message, PKCS1v15()), pad.PKCS1v15()) == message
    assert ours.decrypt(theirs.public_key().encrypt(message, pad.PKCS1v15()), PKCS1v15()) == message


def test_implicit_rejection_matches_openssl():
    # OpenSSL 3.2+ answers a bad PKCS #1 v1.5 padding with the synthetic message of
    # draft-irtf-cfrg-rsa-guidance; ours must be byte-for-byte the same.
    pad, _ = _paddings()
    ours = cached_key(2048)
    theirs = _to_cryptography(ours)
    probe = theirs.decrypt(b"\x01" * 256, pad.PKCS1v15())  # would raise on an old OpenSSL
    if probe is None:  # pragma: no cover
        pytest.skip("OpenSSL without implicit rejection")
    for i in range(4):
        ciphertext = bytes([1, i]) + bytes(range(254))
        assert ours.decrypt(ciphertext, PKCS1v15(implicit_rejection=True)) == \
            theirs.decrypt(ciphertext, pad.PKCS1v15())


@pytest.mark.parametrize("hash_name, salt_length", [("sha256", None), ("sha256", 0), ("sha384", 20),
                                                    ("sha1", None), ("sha512", 64)])
def test_pss_interoperates_with_cryptography(hash_name, salt_length):
    pad, hashes = _paddings()
    ours = cached_key(2048)
    theirs = _to_cryptography(ours)
    H = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
         "sha512": hashes.SHA512}[hash_name]
    their_padding = pad.PSS(mgf=pad.MGF1(H()),
                            salt_length=pad.PSS.DIGEST_LENGTH if salt_length is None else salt_length)
    our_padding = PSS(hash_name, salt_length)
    message = b"handshake transcript"
    theirs.public_key().verify(ours.sign(message, our_padding), message, their_padding, H())
    ours.public_key().verify(theirs.sign(message, their_padding, H()), message, our_padding)
