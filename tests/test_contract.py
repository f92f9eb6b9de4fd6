"""The public contract, checked the way an outside user meets it: import the documented
names, call them with the documented signatures, drive the CLI with the documented options
and read the documented output lines. One test (or a few) per promise; where another test
file already checks a promise well it is named in a comment instead of repeated here.

Everything runs on 127.0.0.1 with small inputs, every subprocess has a timeout.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import inspect
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from refkx import errors

ROOT = Path(__file__).resolve().parents[1]
UTC = datetime.timezone.utc
TIMEOUT = 60


def refkx_command(*args, stdin=b"", env=None, timeout=TIMEOUT):
    return subprocess.run([sys.executable, "-m", "refkx", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=timeout, env=env)


def parameters(function):
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


# -- refkx.errors ---------------------------------------------------------------------------
def test_error_classes_and_bases():
    assert issubclass(errors.RefkxError, Exception)
    assert issubclass(errors.InvalidKey, errors.RefkxError)
    assert issubclass(errors.InvalidKey, ValueError)
    assert issubclass(errors.InvalidTag, errors.RefkxError)
    assert issubclass(errors.InvalidSignature, errors.RefkxError)
    assert issubclass(errors.DecryptionError, errors.RefkxError)
    assert issubclass(errors.DecryptionError, ValueError)
    assert issubclass(errors.HandshakeError, errors.RefkxError)
    assert issubclass(errors.CertificateError, errors.HandshakeError)


def test_handshake_error_carries_its_alert():
    assert errors.HandshakeError("x", "decode_error").alert == "decode_error"
    assert errors.HandshakeError("x").alert is None
    assert errors.CertificateError("x").alert == "bad_certificate"
    assert errors.CertificateError("x", "unknown_ca").alert == "unknown_ca"


# -- symmetric ------------------------------------------------------------------------------
def test_aes_and_aesgcm():
    from refkx.aes import AES
    from refkx.gcm import AESGCM
    # FIPS 197 Appendix C.1
    block = AES(bytes(range(16))).encrypt_block(bytes.fromhex("00112233445566778899aabbccddeeff"))
    assert block.hex() == "69c4e0d86a7b0430d8cdb78070b4c55a"
    key = AESGCM.generate_key(128)
    assert isinstance(key, bytes) and len(key) == 16
    gcm = AESGCM(key)
    nonce = bytes(12)
    sealed = gcm.encrypt(nonce, b"data", b"aad")
    assert gcm.decrypt(nonce, sealed, b"aad") == b"data"
    assert gcm.decrypt(nonce, gcm.encrypt(nonce, b"x", None), None) == b"x"
    with pytest.raises(errors.InvalidTag):
        gcm.decrypt(nonce, sealed, b"aaD")


def test_hmac_and_hkdf():
    import hmac as std_hmac
    from refkx import hkdf
    from refkx.hmac import hmac
    assert hmac(b"k", b"m") == std_hmac.new(b"k", b"m", "sha256").digest()
    assert hmac(b"k", b"m", "sha384") == std_hmac.new(b"k", b"m", "sha384").digest()
    # RFC 5869 A.1
    ikm, salt = bytes([0x0B]) * 22, bytes(range(13))
    info = bytes(range(0xF0, 0xFA))
    prk = hkdf.extract(salt, ikm)
    assert prk.hex() == "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"
    okm = hkdf.expand(prk, info, 42)
    assert okm.hex().startswith("3cb25f25faacd57a90434f64d0362f2a")
    assert hkdf.hkdf(ikm, 42, salt=salt, info=info) == okm


# -- X25519 / X448 --------------------------------------------------------------------------
@pytest.mark.parametrize("curve,size", [("x25519", 32), ("x448", 56)])
def test_montgomery_classes_and_raw_function(curve, size):
    import importlib
    module = importlib.import_module(f"refkx.{curve}")
    prefix = curve.upper()
    private_class = getattr(module, f"{prefix}PrivateKey")
    public_class = getattr(module, f"{prefix}PublicKey")
    raw = getattr(module, curve)
    alice, bob = private_class.generate(), private_class.generate()
    assert alice.exchange(bob.public_key()) == bob.exchange(alice.public_key())
    again = private_class.from_private_bytes(alice.private_bytes_raw())
    assert again.private_bytes_raw() == alice.private_bytes_raw()
    assert len(alice.private_bytes_raw()) == size
    peer = public_class.from_public_bytes(bob.public_key().public_bytes_raw())
    assert len(peer.public_bytes_raw()) == size
    assert raw(alice.private_bytes_raw(), peer.public_bytes_raw()) == alice.exchange(peer)
    base = (9 if curve == "x25519" else 5).to_bytes(size, "little")
    assert raw(alice.private_bytes_raw(), base) == alice.public_key().public_bytes_raw()
    with pytest.raises(ValueError):
        public_class.from_public_bytes(bytes(size - 1))


def test_x25519_rfc7748_vector():
    from refkx.x25519 import x25519
    # RFC 7748 §5.2, first vector
    k = bytes.fromhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")
    u = bytes.fromhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
    assert x25519(k, u).hex() == \
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"


# -- finite-field DH ------------------------------------------------------------------------
def test_dh_names():
    from refkx import dh
    assert isinstance(dh.FFDHE2048, dh.DHGroup)
    assert dh.GROUPS and all(isinstance(g, dh.DHGroup) for g in dh.GROUPS.values())
    a = dh.DHPrivateKey.generate(dh.FFDHE2048)
    b = dh.DHPrivateKey.generate(dh.FFDHE2048)
    assert isinstance(a.public_key(), dh.DHPublicKey)
    peer = dh.DHPublicKey.from_public_bytes(dh.FFDHE2048, b.public_key().public_bytes())
    assert a.exchange(peer) == b.exchange(a.public_key())


# -- RSA ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rsa_key():
    from refkx import rsa
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_rsa_generate_signature_is_pyca_order():
    from refkx import rsa
    assert parameters(rsa.generate_private_key)[:2] == [("public_exponent", 65537),
                                                        ("key_size", 2048)]


def test_rsa_key_classes(rsa_key):
    from refkx import rsa
    n, e = rsa_key.public_key().n, rsa_key.public_key().e
    assert n.bit_length() == 2048 and e == 65537
    rebuilt = rsa.RSAPrivateKey(n, e, rsa_key.d, rsa_key.p, rsa_key.q)
    public = rsa.RSAPublicKey(n, e)
    for padding in (rsa.OAEP(), rsa.PKCS1v15()):
        assert rebuilt.decrypt(public.encrypt(b"secret", padding), padding) == b"secret"
    for padding in (rsa.PSS(), rsa.PKCS1v15(hash_name="sha256"), rsa.PKCS1v15()):
        signature = rebuilt.sign(b"message", padding)
        assert public.verify(signature, b"message", padding) is None
        with pytest.raises(errors.InvalidSignature):
            public.verify(signature, b"messagE", padding)
    with pytest.raises(errors.DecryptionError):
        rebuilt.decrypt(bytes(256), rsa.OAEP())


def test_rsa_pkcs1v15_encryption_ignores_the_hash(rsa_key):
    from refkx import rsa
    ciphertext = rsa_key.public_key().encrypt(b"m", rsa.PKCS1v15(hash_name="sha512"))
    assert rsa_key.decrypt(ciphertext, rsa.PKCS1v15()) == b"m"
    signature = rsa_key.sign(b"m", rsa.PKCS1v15(hash_name="sha512"))
    with pytest.raises(errors.InvalidSignature):      # signatures do use it
        rsa_key.public_key().verify(signature, b"m", rsa.PKCS1v15(hash_name="sha256"))


def test_rsa_decryption_failures_share_one_message(rsa_key):
    from refkx import rsa
    messages = set()
    for padding in (rsa.OAEP(), rsa.PKCS1v15()):
        for ciphertext in (bytes(256), (5).to_bytes(256, "big")):
            with pytest.raises(errors.DecryptionError) as caught:
                rsa_key.decrypt(ciphertext, padding)
            messages.add(str(caught.value))
    assert len(messages) == 1


# -- ML-KEM ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name,k", [("ML_KEM_512", 2), ("ML_KEM_768", 3), ("ML_KEM_1024", 4)])
def test_mlkem_spec_shaped_functions(name, k):
    from refkx import mlkem
    params = getattr(mlkem, name)
    d, z, m = bytes([1]) * 32, bytes([2]) * 32, bytes([3]) * 32
    ek, dk = mlkem.keygen_internal(d, z, params)
    assert len(ek) == 384 * k + 32 and len(dk) == 768 * k + 96
    K, c = mlkem.encaps_internal(ek, m, params)
    assert len(K) == 32
    assert mlkem.decaps(dk, c, params) == K
    bad = bytes([c[0] ^ 1]) + c[1:]
    rejected = mlkem.decaps(dk, bad, params)          # implicit rejection, no exception
    assert len(rejected) == 32 and rejected != K
    with pytest.raises(errors.InvalidKey):            # §7.3 length check
        mlkem.decaps(dk[:-1], c, params)
    with pytest.raises(errors.InvalidKey):            # §7.3 hash check
        mlkem.decaps(dk[:-64] + bytes(32) + dk[-32:], c, params)
    with pytest.raises(errors.InvalidKey):            # §7.2 modulus check
        mlkem.encaps_internal(b"\xff" * (384 * k) + ek[-32:], m, params)
    with pytest.raises(errors.InvalidKey):
        mlkem.encaps_internal(ek[:-1], m, params)


@pytest.mark.parametrize("level", [512, 768, 1024])
def test_mlkem_pyca_shaped_classes(level):
    from refkx import mlkem
    private_class = getattr(mlkem, f"MLKEM{level}PrivateKey")
    public_class = getattr(mlkem, f"MLKEM{level}PublicKey")
    key = private_class.generate()
    seed = key.private_bytes_raw()
    assert len(seed) == 64
    again = private_class.from_seed_bytes(seed)
    ek = key.public_key().public_bytes_raw()
    assert again.public_key().public_bytes_raw() == ek
    params = {512: mlkem.ML_KEM_512, 768: mlkem.ML_KEM_768, 1024: mlkem.ML_KEM_1024}[level]
    assert mlkem.keygen_internal(seed[:32], seed[32:], params)[0] == ek
    K, c = public_class.from_public_bytes(ek).encapsulate()
    assert key.decapsulate(c) == K and again.decapsulate(c) == K
    with pytest.raises(ValueError):
        private_class.from_seed_bytes(seed[:63])


def test_mlkem768_against_pyca():
    pyca = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.mlkem")
    from refkx import mlkem
    ours = mlkem.MLKEM768PrivateKey.generate()
    theirs = pyca.MLKEM768PrivateKey.from_seed_bytes(ours.private_bytes_raw())
    assert theirs.public_key().public_bytes_raw() == ours.public_key().public_bytes_raw()
    K, c = theirs.public_key().encapsulate()
    assert ours.decapsulate(c) == K


# -- refkx.kem ------------------------------------------------------------------------------
def test_kem_names_and_hybrid_sizes():
    from refkx.kem import KEMS
    for name in ("x25519", "x448", "ffdhe2048", "mlkem512", "mlkem768", "mlkem1024",
                 "x25519mlkem768"):
        assert name in KEMS
    hybrid = KEMS["x25519mlkem768"]
    private_key, public_bytes = hybrid.generate_keypair()
    assert len(public_bytes) == 1216 == hybrid.public_key_size
    secret, enc = hybrid.encapsulate(public_bytes)
    assert len(enc) == 1120 == hybrid.enc_size
    assert len(secret) == 64 == hybrid.shared_secret_size
    assert hybrid.decapsulate(enc, private_key) == secret


def test_hybrid_layout_is_mlkem_then_x25519():
    """draft-ietf-tls-ecdhe-mlkem: ek || X25519 public, c || X25519 public, K || X25519 secret."""
    from refkx import mlkem, x25519
    from refkx.kem import KEMS
    hybrid = KEMS["x25519mlkem768"]
    private_key, public_bytes = hybrid.generate_keypair()
    mlkem.MLKEM768PublicKey.from_public_bytes(public_bytes[:1184])
    their_x25519 = x25519.X25519PublicKey.from_public_bytes(public_bytes[1184:])
    secret, enc = hybrid.encapsulate(public_bytes)
    assert len(enc) == 1088 + 32
    ephemeral = x25519.X25519PublicKey.from_public_bytes(enc[1088:])
    assert private_key.mlkem_key.decapsulate(enc[:1088]) == secret[:32]
    assert private_key.x25519_key.exchange(ephemeral) == secret[32:]
    assert their_x25519.public_bytes_raw() == public_bytes[1184:]


# -- refkx.serialization --------------------------------------------------------------------
def test_serialization_enums():
    from refkx import serialization as s
    assert {"PEM", "DER", "Raw"} <= set(s.Encoding.__members__)
    assert {"PKCS8", "TraditionalOpenSSL", "Raw"} <= set(s.PrivateFormat.__members__)
    assert {"SubjectPublicKeyInfo", "PKCS1", "Raw"} <= set(s.PublicFormat.__members__)
    for loader in (s.load_pem_private_key, s.load_der_private_key):
        assert parameters(loader) == [("data", inspect.Parameter.empty), ("password", None)]


def test_serialization_rsa_round_trips(rsa_key):
    from refkx import serialization as s
    E, Priv, Pub = s.Encoding, s.PrivateFormat, s.PublicFormat
    n = rsa_key.public_key().n
    for fmt in (Priv.PKCS8, Priv.TraditionalOpenSSL):
        pem = rsa_key.private_bytes(E.PEM, fmt)
        assert s.load_pem_private_key(pem).public_key().n == n
        assert s.load_pem_private_key(pem, password=None).public_key().n == n
        der = rsa_key.private_bytes(E.DER, fmt)
        assert s.load_der_private_key(der).public_key().n == n
    public = rsa_key.public_key()
    for fmt in (Pub.SubjectPublicKeyInfo, Pub.PKCS1):
        assert s.load_pem_public_key(public.public_bytes(E.PEM, fmt)).n == n
        assert s.load_der_public_key(public.public_bytes(E.DER, fmt)).n == n


def test_serialization_against_pyca(rsa_key):
    pyca = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    from refkx import serialization as s
    from refkx.x25519 import X25519PrivateKey
    pem = rsa_key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8)
    theirs = pyca.load_pem_private_key(pem, password=None)
    assert theirs.private_numbers().d == rsa_key.d
    spki = theirs.public_key().public_bytes(pyca.Encoding.DER,
                                            pyca.PublicFormat.SubjectPublicKeyInfo)
    assert rsa_key.public_key().public_bytes(s.Encoding.DER,
                                             s.PublicFormat.SubjectPublicKeyInfo) == spki
    key = X25519PrivateKey.generate()
    raw = key.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
    assert raw == key.public_key().public_bytes_raw()
    assert key.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw) == key.private_bytes_raw()
    x_pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8)
    assert pyca.load_pem_private_key(x_pem, None).public_key().public_bytes_raw() == raw


def test_rsa_kem_public_bytes_are_spki():
    from refkx import serialization as s
    from refkx.kem import KEMS
    _, public_bytes = KEMS["rsa2048-oaep"].generate_keypair()
    assert s.load_der_public_key(public_bytes).n.bit_length() == 2048


# -- refkx.x509 -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pki(rsa_key):
    from refkx import rsa, x509
    leaf_key = rsa.generate_private_key(65537, 2048)
    now = datetime.datetime.now(UTC)
    root = x509.issue_certificate(rsa_key, rsa_key, "CN=contract root,O=refkx", ca=True,
                                  path_length=1)
    middle = x509.issue_certificate(rsa_key, rsa_key, "CN=contract middle",
                                    issuer_certificate=root, ca=True, path_length=0)
    leaf = x509.issue_certificate(leaf_key, rsa_key, "CN=localhost",
                                  issuer_certificate=middle, dns_names=("localhost",),
                                  not_before=now - datetime.timedelta(days=1),
                                  not_after=now + datetime.timedelta(days=1),
                                  hash_name="sha256")
    return root, middle, leaf, now


def test_issue_certificate_signature():
    from refkx import x509
    names = [p.name for p in inspect.signature(x509.issue_certificate).parameters.values()]
    assert names == ["subject_key", "issuer_key", "subject", "issuer_certificate", "dns_names",
                     "not_before", "not_after", "ca", "path_length", "hash_name"]
    keyword_only = [p.name for p in inspect.signature(x509.issue_certificate).parameters.values()
                    if p.kind is p.KEYWORD_ONLY]
    assert keyword_only == names[3:]


def test_certificate_attributes(pki):
    from refkx import x509
    root, middle, leaf, now = pki
    assert root.subject == root.issuer == "CN=contract root,O=refkx"
    assert leaf.subject == "CN=localhost" and leaf.issuer == "CN=contract middle"
    assert isinstance(leaf.serial_number, int) and leaf.serial_number > 0
    for when in (leaf.not_valid_before, leaf.not_valid_after):
        assert isinstance(when, datetime.datetime) and when.utcoffset() == datetime.timedelta(0)
    assert leaf.not_valid_before < now < leaf.not_valid_after
    assert list(leaf.dns_names) == ["localhost"]
    assert isinstance(leaf.tbs_bytes, bytes) and leaf.tbs_bytes in leaf.der
    pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(leaf.der) + \
        b"-----END CERTIFICATE-----\n"
    for loaded in (x509.load_pem_x509_certificate(pem), x509.load_der_x509_certificate(leaf.der)):
        assert loaded.der == leaf.der and loaded.subject == leaf.subject
    from refkx import serialization as s
    spki = leaf.public_key().public_bytes(s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)
    assert leaf.spki_pin() == "sha256//" + base64.b64encode(hashlib.sha256(spki).digest()).decode()


def test_certificate_against_pyca(pki):
    pyca = pytest.importorskip("cryptography.x509")
    _, _, leaf, _ = pki
    theirs = pyca.load_der_x509_certificate(leaf.der)
    assert theirs.subject.rfc4514_string() == leaf.subject
    assert theirs.serial_number == leaf.serial_number
    assert theirs.not_valid_after_utc == leaf.not_valid_after
    assert theirs.tbs_certificate_bytes == leaf.tbs_bytes


def test_verify_chain(pki):
    from refkx import x509
    root, middle, leaf, now = pki
    path = x509.verify_chain(leaf, [middle], [root], hostname="localhost", now=now)
    assert [c.der for c in path] == [leaf.der, middle.der, root.der]
    stray = x509.issue_certificate(_stray_key(), _stray_key(), "CN=stray", ca=True)
    assert [c.der for c in x509.verify_chain(leaf, [stray, middle], [root], now=now)][0] \
        == leaf.der
    cases = [(dict(hostname="other.example"), "bad_certificate"),
             (dict(now=now + datetime.timedelta(days=30)), "certificate_expired"),
             (dict(anchors=[stray]), "unknown_ca")]
    for options, alert in cases:
        arguments = dict(intermediates=[middle], anchors=[root], now=now, hostname="localhost")
        arguments.update(options)
        with pytest.raises(errors.CertificateError) as caught:
            x509.verify_chain(leaf, **arguments)
        assert caught.value.alert == alert, options


_STRAY = []


def _stray_key():
    if not _STRAY:
        from refkx import rsa
        _STRAY.append(rsa.generate_private_key(65537, 2048))
    return _STRAY[0]


# -- refkx.impl -----------------------------------------------------------------------------
def test_impl_active_values():
    from refkx import impl
    active = impl.active()
    assert active and set(active.values()) <= {"readable", "fast"}
    with impl.using("readable"):
        assert set(impl.active().values()) == {"readable"}


def test_refkx_readable_environment():
    env = dict(os.environ, REFKX_READABLE="1")
    code = "import refkx.impl as i; print(sorted(set(i.active().values())))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.stdout.strip() == "['readable']", result.stderr
