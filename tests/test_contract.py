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


# RFC 8446 §6, enum AlertDescription: the names `.alert` may hold.
RFC8446_ALERTS = {
    "close_notify", "unexpected_message", "bad_record_mac", "record_overflow",
    "handshake_failure", "bad_certificate", "unsupported_certificate", "certificate_revoked",
    "certificate_expired", "certificate_unknown", "illegal_parameter", "unknown_ca",
    "access_denied", "decode_error", "decrypt_error", "protocol_version",
    "insufficient_security", "internal_error", "inappropriate_fallback", "user_canceled",
    "missing_extension", "unsupported_extension", "unrecognized_name",
    "bad_certificate_status_response", "unknown_psk_identity", "certificate_required",
    "no_application_protocol"}


def test_every_alert_the_library_raises_is_an_rfc8446_name():
    """Reads refkx/ for HandshakeError / CertificateError (and subclasses) built with a
    literal alert: each one must be an RFC 8446 §6 description name."""
    import ast
    classes = {"HandshakeError", "CertificateError", "_PeerAlert"}
    found = {}
    for path in (ROOT / "refkx").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in classes:
                continue
            candidates = node.args[1:2] + [k.value for k in node.keywords if k.arg == "alert"]
            for value in candidates:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, f"{path.name}:{node.lineno}")
    assert len(found) >= 8                       # the walk does see the library's raises
    strays = {alert: where for alert, where in found.items() if alert not in RFC8446_ALERTS}
    assert not strays
    from refkx.tls import alerts
    table = next(v for v in vars(alerts).values()
                 if isinstance(v, dict) and "bad_record_mac" in v)
    assert set(table) <= RFC8446_ALERTS and table["bad_record_mac"] == 20


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


@pytest.mark.parametrize("name,public,enc", [("mlkem512", 800, 768), ("mlkem768", 1184, 1088),
                                             ("mlkem1024", 1568, 1568)])
def test_kem_mlkem_sizes(name, public, enc):
    from refkx.kem import KEMS
    kem = KEMS[name]
    private_key, public_bytes = kem.generate_keypair()
    secret, ciphertext = kem.encapsulate(public_bytes)
    assert (len(public_bytes), len(ciphertext), len(secret)) == (public, enc, 32)
    assert (kem.public_key_size, kem.enc_size, kem.shared_secret_size) == (public, enc, 32)
    assert kem.decapsulate(ciphertext, private_key) == secret


def test_every_kem_round_trips():
    """Every KEMS entry but the two big RSA sizes (key generation takes seconds)."""
    from refkx.kem import KEMS
    for name, kem in KEMS.items():
        if name in ("rsa3072-oaep", "rsa4096-oaep"):
            continue
        assert kem.name == name
        private_key, public_bytes = kem.generate_keypair()
        secret, enc = kem.encapsulate(public_bytes)
        assert kem.decapsulate(enc, private_key) == secret, name


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


KEY_CLASSES = [("x25519", "X25519PrivateKey"), ("x448", "X448PrivateKey"),
               ("mlkem", "MLKEM512PrivateKey"), ("mlkem", "MLKEM768PrivateKey"),
               ("mlkem", "MLKEM1024PrivateKey")]


@pytest.mark.parametrize("module,name", KEY_CLASSES, ids=[n for _, n in KEY_CLASSES])
def test_serialization_key_files_for_every_key_class(module, name):
    """pyca's three-argument private_bytes, PKCS#8 and SPKI in PEM and DER, loaded back;
    and pyca reads what refkx writes (for the key types cryptography has)."""
    import importlib
    from refkx import serialization as s
    key = getattr(importlib.import_module(f"refkx.{module}"), name).generate()
    public_raw = key.public_key().public_bytes_raw()
    for encoding, load_private, load_public in (
            (s.Encoding.PEM, s.load_pem_private_key, s.load_pem_public_key),
            (s.Encoding.DER, s.load_der_private_key, s.load_der_public_key)):
        private_file = key.private_bytes(encoding, s.PrivateFormat.PKCS8, s.NoEncryption())
        loaded = load_private(private_file)
        assert type(loaded) is type(key)
        assert loaded.private_bytes_raw() == key.private_bytes_raw()
        public_file = key.public_key().public_bytes(encoding,
                                                    s.PublicFormat.SubjectPublicKeyInfo)
        assert load_public(public_file).public_bytes_raw() == public_raw
    assert key.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw,
                             s.NoEncryption()) == key.private_bytes_raw()
    assert key.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw) == public_raw
    pyca = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    if name == "MLKEM512PrivateKey":
        return                                          # cryptography 50 has no ML-KEM-512
    pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
    theirs = pyca.load_pem_private_key(pem, password=None)
    assert theirs.public_key().public_bytes_raw() == public_raw
    back = theirs.private_bytes(pyca.Encoding.PEM, pyca.PrivateFormat.PKCS8,
                                pyca.NoEncryption())
    assert s.load_pem_private_key(back).public_key().public_bytes_raw() == public_raw


def test_rsa_kem_public_bytes_are_spki():
    from refkx import serialization as s
    from refkx.kem import KEMS
    _, public_bytes = KEMS["rsa2048-oaep"].generate_keypair()
    assert s.load_der_public_key(public_bytes).n.bit_length() == 2048


# -- refkx.x509 -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pki(rsa_key):
    from refkx import rsa, x509
    leaf_key = _leaf_key()
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


def test_verify_chain_and_key_signatures():
    from refkx import rsa, x509
    assert parameters(x509.verify_chain) == [
        ("leaf", inspect.Parameter.empty), ("intermediates", inspect.Parameter.empty),
        ("anchors", inspect.Parameter.empty), ("hostname", None), ("now", None)]
    assert [n for n, _ in parameters(rsa.RSAPrivateKey)] == ["n", "e", "d", "p", "q"]
    assert [n for n, _ in parameters(rsa.RSAPublicKey)] == ["n", "e"]
    assert parameters(rsa.PKCS1v15)[0] == ("hash_name", "sha256")


def test_issue_certificate_takes_a_public_subject_key(rsa_key, pki):
    from refkx import x509
    root, _, _, now = pki
    certificate = x509.issue_certificate(_stray_key().public_key(), rsa_key, "CN=public only",
                                         issuer_certificate=root)
    assert certificate.public_key().n == _stray_key().public_key().n
    assert certificate.subject == "CN=public only" and certificate.issuer == root.subject
    assert x509.verify_chain(certificate, [], [root], now=now)[-1].der == root.der
    with pytest.raises(ValueError):        # self-signed means signed by the subject's own key
        x509.issue_certificate(_stray_key().public_key(), rsa_key, "CN=not self")


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
    assert [c.der for c in x509.load_pem_x509_certificates(pem + pem)] == [leaf.der, leaf.der]
    from refkx import serialization as s
    spki = leaf.public_key().public_bytes(s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)
    assert leaf.spki_pin() == "sha256//" + base64.b64encode(hashlib.sha256(spki).digest()).decode()
    own = _der_children(_der_children(leaf.der)[0])[6]    # RFC 5280 §4.1: the SPKI field
    assert leaf.spki_pin() == "sha256//" + base64.b64encode(hashlib.sha256(own).digest()).decode()


def _der_children(der):
    """The encodings inside one DER SEQUENCE (X.690 §8.1: tag, short or long length)."""
    def header_and_length(at):
        first = der[at + 1]
        if first < 0x80:
            return 2, first
        count = first & 0x7F
        return 2 + count, int.from_bytes(der[at + 2:at + 2 + count], "big")
    header, length = header_and_length(0)
    assert header + length == len(der)
    children, at = [], header
    while at < len(der):
        child_header, child_length = header_and_length(at)
        children.append(der[at:at + child_header + child_length])
        at += child_header + child_length
    return children


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


_STRAY, _LEAF = [], []


def _leaf_key():
    if not _LEAF:
        from refkx import rsa
        _LEAF.append(rsa.generate_private_key(65537, 2048))
    return _LEAF[0]


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
    with impl.using(impl.active()["gcm"]):             # restores whatever ran before
        impl.use("readable")
        assert set(impl.active().values()) == {"readable"}
        impl.use("fast")
        assert set(impl.active().values()) == {"fast"}


def test_refkx_readable_environment():
    env = dict(os.environ, REFKX_READABLE="1")
    code = "import refkx.impl as i; print(sorted(set(i.active().values())))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.stdout.strip() == "['readable']", result.stderr


try:
    import tls_certs                  # certificates made with the `compare` extra (cryptography)
except (pytest.skip.Exception, ImportError):
    tls_certs = None
needs_certs = pytest.mark.skipif(tls_certs is None, reason="needs cryptography (compare extra)")


# -- refkx.tls ------------------------------------------------------------------------------
# Connection attributes (group, cipher_suite, peer_certificate, authenticated,
# key_schedule_trace) over real sockets: test_tls_interop.py; SSLKEYLOGFILE: test_tls.py;
# a tampered record -> bad_record_mac: test_tls.py and test_tls_interop.py.
def test_tls_public_names():
    import refkx.tls as tls
    assert callable(tls.connect) and inspect.isclass(tls.Client) and inspect.isclass(tls.Server)
    client_options = inspect.signature(tls.Client).parameters
    for option in ("server_name", "groups", "pins", "cafile", "trust", "keylog", "random",
                   "session_id", "ephemeral_keys"):
        assert option in client_options, option
    connection = tls.Client("localhost", insecure=True)
    for attribute in ("group", "cipher_suite", "peer_certificate", "authenticated"):
        assert hasattr(connection, attribute), attribute
    assert callable(connection.key_schedule_trace)


@needs_certs
def test_tls_connect_with_trust_and_keylog(tmp_path):
    from refkx import x509
    from refkx.tls import connect
    from refkx.tools import net
    identity, ca = tls_certs.leaf(), tls_certs.ca()
    anchor = x509.load_pem_x509_certificate(ca.cert_pem)
    keylog = tmp_path / "keys.txt"
    with net.EchoServer([identity.cert_der, ca.cert_der], identity.key, groups=["x25519"],
                        timeout=10, max_connections=4, log=lambda line: None) as echo:
        with connect("127.0.0.1", echo.port, server_name="localhost", trust=[anchor],
                     keylog=str(keylog), groups=["x25519"], timeout=10) as conn:
            conn.sendall(b"hi")
            assert conn.recv() == b"hi"
            assert conn.group == "x25519" and conn.cipher_suite == "TLS_AES_128_GCM_SHA256"
            assert conn.authenticated is True
            assert conn.peer_certificate.subject == "CN=localhost"
            trace = conn.key_schedule_trace()
            assert all(isinstance(n, str) and isinstance(v, bytes) for n, v in trace)
    assert "CLIENT_TRAFFIC_SECRET_0" in keylog.read_text()


@needs_certs
def test_tls_handshakes_over_every_kem_group():
    """Every refkx.kem.KEMS name TLS can run (RSA key transport needs a known server key)."""
    from refkx.kem import KEMS
    from refkx.tls import connect, groups
    from refkx.tools import net
    identity = tls_certs.leaf()
    names = [name for name in KEMS if not groups.is_transport(name)]
    assert {"x25519", "x448", "ffdhe2048", "mlkem768", "x25519mlkem768"} <= set(names)
    with net.EchoServer([identity.cert_der], identity.key, groups=names, timeout=20,
                        max_connections=4, log=lambda line: None) as echo:
        for name in names:
            with connect("127.0.0.1", echo.port, server_name="localhost",
                         pins=[identity.pin], groups=[name], timeout=20) as conn:
                conn.sendall(b"g")
                assert conn.recv() == b"g" and conn.group == name


def test_tls_groups_accept_kem_names():
    from refkx.tls import Client
    for name in ("x25519", "x448", "ffdhe2048", "x25519mlkem768", "mlkem768"):
        assert Client("localhost", insecure=True, groups=[name]).groups == (name,)


# -- the CLI --------------------------------------------------------------------------------
# Covered elsewhere, not repeated: usage errors exit 2 (test_cli.py); `vectors` prints its
# implementation line first (test_cli.py test_vectors_run_every_implementation and
# _readable_from_environment); `trace TOPIC` (test_cli.py test_trace_topics); `demo --pcap
# --keylog` (test_demo.py); `lesson NAME` ends with `verdict:` and unknown names exit 2
# (test_lessons.py); `connect` stderr lines, wrong pin / hostname -> bad_certificate, the
# --insecure WARNING, exit 2 without trust, `serve --port 0` first two lines
# (test_tls_serve.py); the connection cap inside the server (test_tls_serve.py
# test_peers_past_the_cap_are_closed_at_once).

GROUP_CODES = {0x001D: "x25519", 0x001E: "x448", 0x0100: "ffdhe2048", 0x0101: "ffdhe3072",
               0x11EC: "x25519mlkem768"}
KEY_SHARE, SUPPORTED_GROUPS = 51, 10


class ServeProcess:
    """`python -m refkx serve --port 0 ...`, its first two stderr lines parsed."""

    def __init__(self, *extra):
        self.proc = subprocess.Popen([sys.executable, "-m", "refkx", "serve", "--port", "0",
                                      "--timeout", "5", *extra], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        first = self.proc.stderr.readline()
        second = self.proc.stderr.readline()
        assert first.startswith("listening on 127.0.0.1:"), first
        assert second.startswith("pin: sha256//"), second
        self.port = int(first.rsplit(":", 1)[1])
        self.pin = second.split(" ", 1)[1].strip()

    def connect(self, *options, stdin=b"ping\n"):
        return refkx_command("connect", f"127.0.0.1:{self.port}", "--timeout", "10", *options,
                             stdin=stdin)

    def stop(self) -> str:
        """Stop the server; returns the rest of its stderr."""
        self.proc.terminate()
        try:
            _, rest = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, rest = self.proc.communicate()
        return rest

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def stderr_lines(result):
    return result.stderr.decode(errors="replace").splitlines()


def _listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.settimeout(20)
    return sock


def _read_record(conn):
    data = b""
    while len(data) < 5 or len(data) < 5 + struct.unpack(">H", data[3:5])[0]:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _client_hello_groups(record):
    """(groups with a key share, supported_groups) of one ClientHello record, RFC 8446 §4.1.2."""
    body = record[5 + 4:]
    at = 2 + 32
    at += 1 + body[at]                                    # legacy_session_id
    at += 2 + struct.unpack(">H", body[at:at + 2])[0]     # cipher_suites
    at += 1 + body[at]                                    # legacy_compression_methods
    end = at + 2 + struct.unpack(">H", body[at:at + 2])[0]
    at += 2
    shares, supported = [], []
    while at < end:
        kind, length = struct.unpack(">HH", body[at:at + 4])
        data = body[at + 4:at + 4 + length]
        at += 4 + length
        if kind == SUPPORTED_GROUPS:
            supported = [struct.unpack(">H", data[i:i + 2])[0] for i in range(2, len(data), 2)]
        elif kind == KEY_SHARE:
            i = 2
            while i < len(data):
                group, size = struct.unpack(">HH", data[i:i + 4])
                shares.append(group)
                i += 4 + size
    return [GROUP_CODES.get(g, g) for g in shares], [GROUP_CODES.get(g, g) for g in supported]


def test_connect_shares_a_key_for_the_first_group_only():
    with _listener() as listener:
        port = listener.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "refkx", "connect", f"127.0.0.1:{port}",
                                 "--insecure", "--timeout", "5", "--groups",
                                 "x25519mlkem768,x25519,ffdhe2048"], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        try:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(20)
                record = _read_record(conn)
            proc.communicate(b"", timeout=TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    shares, supported = _client_hello_groups(record)
    assert shares == ["x25519mlkem768"]
    assert supported == ["x25519mlkem768", "x25519", "ffdhe2048"]
    assert proc.returncode == 1                          # the peer hung up: refused, not usage


@needs_certs
@pytest.mark.parametrize("server_ends_with", ["close_notify", "eof"])
def test_connect_sends_lines_writes_bytes_and_closes_with_close_notify(server_ends_with):
    """Against the stdlib ssl server (OpenSSL): every stdin line arrives, the echoed bytes
    come out on stdout unchanged (not text), and connect ends with close_notify: with
    suppress_ragged_eofs=False a bare EOF would raise instead of returning b""."""
    identity = tls_certs.leaf()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(identity.certfile, identity.keyfile)
    seen = {}
    payload = b"first line\n\xff\x00 not utf-8\nlast without newline"

    def serve_once(listener):
        conn, _ = listener.accept()
        conn.settimeout(20)
        with context.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False) as tls:
            received = b""
            try:
                while True:
                    chunk = tls.recv(4096)
                    if not chunk:                        # close_notify
                        seen["close_notify"] = True
                        break
                    received += chunk
                    tls.sendall(chunk)
            except (ssl.SSLError, OSError) as exc:
                seen["error"] = repr(exc)
            seen["received"] = received
            if server_ends_with == "eof":               # hang up without close_notify
                socket.socket(fileno=tls.detach()).close()
                return
            try:
                tls.unwrap()
            except (ssl.SSLError, OSError):
                pass

    with _listener() as listener:
        thread = threading.Thread(target=serve_once, args=(listener,), daemon=True)
        thread.start()
        result = refkx_command("connect", f"127.0.0.1:{listener.getsockname()[1]}", "--pin",
                               identity.pin, "--timeout", "10", stdin=payload)
        thread.join(20)
    assert result.returncode == 0, result.stderr
    assert seen.get("received") == payload, seen
    assert seen.get("close_notify") is True, seen
    assert result.stdout == payload


def test_connect_timeout_bounds_a_silent_server():
    with _listener() as listener:
        result = refkx_command("connect", f"127.0.0.1:{listener.getsockname()[1]}",
                               "--insecure", "--timeout", "1", timeout=30)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr


def test_connect_exits_0_when_the_peer_never_closes():
    """After stdin ends connect sends close_notify and waits for the peer's, bounded by
    --timeout, then exits 0 with what came back (a stdlib ssl server that echoes and then
    neither closes nor sends close_notify)."""
    import ssl
    import threading
    tls_certs = pytest.importorskip("tls_certs")
    identity = tls_certs.leaf()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(identity.certfile, identity.keyfile)
    release = threading.Event()
    with _listener() as listener:
        def serve():
            listener.settimeout(20)
            raw, _ = listener.accept()
            with context.wrap_socket(raw, server_side=True) as conn:
                conn.settimeout(20)
                conn.sendall(conn.recv(100))
                release.wait(20)                 # silent from here on, socket kept open
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            result = refkx_command("connect", f"127.0.0.1:{listener.getsockname()[1]}",
                                   "--pin", identity.pin, "--timeout", "1",
                                   stdin=b"hello\n", timeout=30)
        finally:
            release.set()
            thread.join(25)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"hello\n"
    assert b"no close_notify from the peer" in result.stderr


def test_serve_default_group_preference_and_hello_retry():
    """Default preference x25519mlkem768, x25519, ffdhe2048: the server picks its first
    group the client supports, asking for a new share (HelloRetryRequest) when needed."""
    with ServeProcess() as server:
        cases = [("x25519,x25519mlkem768", "x25519mlkem768"),     # HRR to the hybrid
                 ("ffdhe2048,x25519", "x25519"),                  # HRR to x25519
                 ("ffdhe2048", "ffdhe2048"),
                 ("x448,ffdhe2048", "ffdhe2048")]
        for offered, chosen in cases:
            result = server.connect("--pin", server.pin, "--groups", offered)
            assert result.returncode == 0, (offered, result.stderr)
            assert f"group: {chosen}" in stderr_lines(result), (offered, result.stderr)
            assert result.stdout == b"ping\n"
        # without --cert: a self-signed certificate for localhost, the pin it printed
        lines = stderr_lines(result)
        assert f"pin: {server.pin}" in lines
        assert any(line.startswith("subject: ") and "localhost" in line for line in lines)


def test_serve_own_groups_order_is_its_preference_and_both_sides_keylog(tmp_path):
    server_log, client_log = tmp_path / "server.keys", tmp_path / "client.keys"
    with ServeProcess("--groups", "ffdhe2048,x25519", "--keylog", str(server_log)) as server:
        result = server.connect("--pin", server.pin, "--groups", "x25519,ffdhe2048",
                                "--keylog", str(client_log))
        assert result.returncode == 0, result.stderr
        assert "group: ffdhe2048" in stderr_lines(result)
    client_lines = set(client_log.read_text().splitlines())
    labels = {line.split()[0] for line in client_lines}
    assert {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"} <= labels
    assert client_lines <= set(server_log.read_text().splitlines())


def test_serve_and_connect_defaults():
    import argparse
    from refkx.tools import net
    serve, connect = argparse.ArgumentParser(), argparse.ArgumentParser()
    net.add_serve_arguments(serve)
    net.add_connect_arguments(connect)
    served = serve.parse_args(["--port", "0"])
    assert served.timeout == 10 and served.max_connections == 64 and served.host == "127.0.0.1"
    assert connect.parse_args(["localhost:1", "--insecure"]).timeout == 10


def _pkcs1_keyfile(tmp_path, identity):
    from refkx import serialization as s
    key = s.load_pem_private_key(identity.key_pem)
    pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL)
    assert pem.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    path = tmp_path / "leaf-pkcs1.pem"
    path.write_bytes(pem)
    return str(path)


@needs_certs
def test_serve_takes_a_pkcs1_key_and_a_chain_leaf_first(tmp_path):
    identity = tls_certs.leaf()
    assert identity.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")     # PKCS#8
    chain = Path(identity.certfile).read_bytes()
    assert chain.count(b"BEGIN CERTIFICATE") == 2                           # leaf, then CA
    with ServeProcess("--cert", identity.certfile, "--key",
                      _pkcs1_keyfile(tmp_path, identity)) as server:
        assert server.pin == identity.pin
        result = server.connect("--cafile", tls_certs.ca().certfile, "--servername",
                                "localhost")
        assert result.returncode == 0, result.stderr
        lines = stderr_lines(result)
        assert f"pin: {identity.pin}" in lines and "suite: TLS_AES_128_GCM_SHA256" in lines
        assert any(line.startswith("subject: ") and "localhost" in line for line in lines)


def _pem(certificate):
    return (b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(certificate.der)
            + b"-----END CERTIFICATE-----\n")


def test_serve_sends_the_whole_chain_from_cert(tmp_path, pki):
    """--cert holding leaf then intermediate, --key PKCS#1: a client that trusts only the
    root validates through the intermediate, so the server sent both, in order."""
    from refkx import serialization as s
    root, middle, leaf, _ = pki
    certfile, keyfile = tmp_path / "chain.pem", tmp_path / "key.pem"
    rootfile = tmp_path / "root.pem"
    certfile.write_bytes(_pem(leaf) + _pem(middle))
    keyfile.write_bytes(_leaf_key().private_bytes(s.Encoding.PEM,
                                                  s.PrivateFormat.TraditionalOpenSSL))
    rootfile.write_bytes(_pem(root))
    with ServeProcess("--cert", str(certfile), "--key", str(keyfile)) as server:
        assert server.pin == leaf.spki_pin()
        result = server.connect("--cafile", str(rootfile), "--servername", "localhost")
        assert result.returncode == 0, result.stderr
        assert "subject: CN=localhost" in stderr_lines(result)
    certfile.write_bytes(_pem(leaf))                     # the leaf alone: no path to the root
    with ServeProcess("--cert", str(certfile), "--key", str(keyfile)) as server:
        result = server.connect("--cafile", str(rootfile), "--servername", "localhost")
        assert result.returncode == 1 and b"unknown_ca" in result.stderr, result.stderr


@needs_certs
@pytest.mark.parametrize("kind,how,alert", [
    ("expired", "cafile", "certificate_expired"),
    ("stranger", "cafile", "unknown_ca"),
    ("good", "wrong pin", "bad_certificate"),
    ("good", "wrong name", "bad_certificate")])
def test_connect_refuses_with_the_named_alert(kind, how, alert):
    """connect exits 1, names the alert, and sends it: the server logs receiving it."""
    identity = tls_certs.leaf(kind)
    options = {"cafile": ["--cafile", tls_certs.ca().certfile, "--servername", "localhost"],
               "wrong pin": ["--pin", tls_certs.leaf("stranger").pin],
               "wrong name": ["--cafile", tls_certs.ca().certfile, "--servername",
                              "other.example"]}[how]
    server = ServeProcess("--cert", identity.certfile, "--key", identity.keyfile)
    try:
        result = server.connect(*options)
        assert result.returncode == 1
        assert alert in result.stderr.decode(), result.stderr
        assert result.stdout == b"" and b"Traceback" not in result.stderr
        good = server.connect("--pin", identity.pin)      # the same server, trusted by pin
        assert good.returncode == 0 and good.stdout == b"ping\n", good.stderr
    finally:
        server_log = server.stop()
    assert any("alert" in line and alert in line for line in server_log.splitlines()), server_log


def test_serve_max_connections_closes_the_next_peer_at_once():
    with ServeProcess("--max-connections", "1", "--timeout", "30") as server:
        holder = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        try:
            # the holder never sends its ClientHello: it occupies the one slot (the
            # kernel's backlog is first in, first out, so it is accepted first)
            extra = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            with extra:
                try:
                    assert extra.recv(100) == b""       # closed long before --timeout 30
                except ConnectionResetError:
                    pass
        finally:
            holder.close()


def test_serve_timeout_closes_a_silent_peer():
    with ServeProcess("--timeout", "1") as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as silent:
            try:
                assert silent.recv(100) == b""          # closed by the server's deadline
            except ConnectionResetError:
                pass
        result = server.connect("--pin", server.pin)   # and it still serves
        assert result.returncode == 0 and result.stdout == b"ping\n", result.stderr


def test_connect_missing_cafile_is_a_usage_error(tmp_path):
    """A file named on the command line that is not there is a usage error (2), as for
    serve --cert, not a refused peer (1)."""
    result = refkx_command("connect", "127.0.0.1:9", "--cafile", str(tmp_path / "missing.pem"))
    assert result.returncode == 2, result.stderr
    assert b"missing.pem" in result.stderr and b"Traceback" not in result.stderr


def test_bench_prints_its_implementation_line_before_results():
    env = {k: v for k, v in os.environ.items() if k != "REFKX_READABLE"}
    result = refkx_command("bench", "--quick", "--repeat", "1", "--sections", "aead",
                           "--sizes", "64", env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    results = next(i for i, line in enumerate(lines) if line.startswith("AES-128-GCM"))
    assert "implementation: fast" in lines[:results]
    readable = refkx_command("bench", "--quick", "--repeat", "1", "--sections", "aead",
                             "--sizes", "64", env=dict(env, REFKX_READABLE="1"), timeout=120)
    assert readable.returncode == 0, readable.stderr
    lines = readable.stdout.decode().splitlines()
    results = next(i for i, line in enumerate(lines) if line.startswith("AES-128-GCM"))
    assert "implementation: readable" in lines[:results]
    assert "implementation: fast" not in lines


def test_demo_with_pcap_and_keylog_needs_no_installed_package(tmp_path):
    """`demo --pcap F --keylog F` on the bare standard library (-S: no site-packages).
    test_demo.py decrypts the capture with tshark."""
    pcap, keylog = tmp_path / "demo.pcap", tmp_path / "demo.keys"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "REFKX_READABLE")}
    result = subprocess.run([sys.executable, "-S", "-m", "refkx", "demo", "--pcap", str(pcap),
                             "--keylog", str(keylog)], cwd=ROOT, env=env, capture_output=True,
                            timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert pcap.read_bytes()[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\n\r\r\n")
    labels = {line.split()[0] for line in keylog.read_text().splitlines() if line.strip()}
    assert {"CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"} <= labels


@needs_certs
def test_connect_refuses_a_tampered_record_with_bad_record_mac():
    """A server (refkx.tls.Server over a raw socket) that flips one bit of its echo:
    connect exits 1, says bad_record_mac and sends that alert (RFC 8446 §6.2, code 20)."""
    from refkx.tls import ApplicationData, Server
    identity = tls_certs.leaf()
    seen = {}

    def tampering_server(listener):
        conn, _ = listener.accept()
        conn.settimeout(20)
        server = Server([identity.cert_der], identity.key, groups=["x25519"])
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                events = server.receive(data)
                conn.sendall(server.data_to_send())
                if any(isinstance(event, ApplicationData) for event in events):
                    break
            server.send(b"echo\n")
            record = bytearray(server.data_to_send())
            record[-1] ^= 1                               # the last byte of the tag
            conn.sendall(bytes(record))
            reply = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                reply += chunk
            seen["reply"] = reply
            try:
                server.receive(reply)                     # the client's alert, decrypted
            except errors.HandshakeError as exc:
                seen["alert"] = exc.alert

    with _listener() as listener:
        thread = threading.Thread(target=tampering_server, args=(listener,), daemon=True)
        thread.start()
        result = refkx_command("connect", f"127.0.0.1:{listener.getsockname()[1]}", "--pin",
                               identity.pin, "--groups", "x25519", "--timeout", "10",
                               stdin=b"hello\n")
        thread.join(20)
    assert result.returncode == 1, result.stderr
    assert b"bad_record_mac" in result.stderr and b"Traceback" not in result.stderr
    assert result.stdout == b""
    assert seen.get("alert") == "bad_record_mac", seen
