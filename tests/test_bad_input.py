"""Bad input to every public entry point: a precise TypeError/ValueError or the documented
refkx error, never an internal exception (AttributeError, IndexError, OverflowError, ...)
and never a message that only makes sense inside the implementation.

Two tables:
* REGRESSIONS: inputs that once leaked an internal exception, were silently accepted or
  gave a misleading message, each with the exception and message it must give now;
* SWEEP: per module, the public functions and methods with a valid argument list; every
  argument in turn is replaced by each of BAD_VALUES, and whatever is raised must be a
  TypeError, a ValueError or a refkx.errors class, with a message that names the problem.
"""

import re

import pytest

from refkx import aes, ctr, dh, gcm, hkdf, hmac, hpke, kem, pkcs1, rsa, x448, x25519
from refkx.errors import DecryptionError, RefkxError
from refkx.kat import wycheproof

# A 2048-bit key from the vendored Wycheproof file: no key generation in this module.
_GROUP = wycheproof.load("rsa_pkcs1_2048_test.json")["testGroups"][0]
RSA_KEY = wycheproof._private_key(_GROUP)
RSA_PUBLIC = RSA_KEY.public_key()
K = (RSA_KEY.n.bit_length() + 7) // 8

SUITE = hpke.Suite(0x20, 0x01, 0x01)
SK_R, PK_R = hpke.derive_key_pair(0x20, bytes(32))
ENC, SENDER = hpke.setup_base_sender(PK_R, b"", SUITE, bytes(32))
CT0 = SENDER.seal(b"x", b"")
X_KEY = x25519.X25519PrivateKey.from_private_bytes(bytes(range(32)))
X448_KEY = x448.X448PrivateKey.from_private_bytes(bytes(range(56)))
AEAD = gcm.AESGCM(bytes(16))
SEALED = AEAD.encrypt(bytes(12), b"abc", b"")
DH_GROUP = dh.GROUPS["ffdhe2048"]
DH_KEY = dh.DHPrivateKey(DH_GROUP, 12345678901234567890)
RSA_KEM = kem.KEMS["rsa2048-oaep"]
X_KEM = kem.KEMS["x25519"]


class NotAKey:
    """Something that is not what the function wants (has no n, no encrypt_block, ...)."""


BAD_VALUES = [None, "text", 1.5, -1, 2 ** 4000, True, b"", bytes(1000), NotAKey(), [1]]

# Messages that only make sense inside Python or inside the implementation.
INTERNAL_MESSAGES = re.compile(
    r"has no attribute|unsupported operand|not subscriptable|can't concat|"
    r"cannot be interpreted as an integer|object is not iterable|not supported between|"
    r"not all arguments converted|index out of range|unpack|cannot convert|"
    r"^integer too large$")


def _plaintext_too_long_for_kem():
    # A correct OAEP encryption of a 31-byte secret: the KEM transports exactly 32 bytes.
    return RSA_PUBLIC.encrypt(bytes(31), rsa.OAEP("sha256"))


REGRESSIONS = [
    # (id, call, exception, message pattern)
    ("kem-rsa-wrong-secret-length-same-message",
     lambda: RSA_KEM.decapsulate(_plaintext_too_long_for_kem(), RSA_KEY),
     DecryptionError, r"^decryption error$"),
    ("rsa-rsaep-not-a-key", lambda: rsa.rsaep(None, 5), TypeError, r"public_key must be an RSA key"),
    ("rsa-rsadp-not-a-key", lambda: rsa.rsadp(RSA_PUBLIC, 5), TypeError,
     r"private_key must be an RSA key"),
    ("rsa-rsasp1-not-a-key", lambda: rsa.rsasp1("key", 5), TypeError, r"private_key must be"),
    ("rsa-rsavp1-not-a-key", lambda: rsa.rsavp1(3, 5), TypeError, r"public_key must be"),
    ("pkcs1-oaep-encrypt-not-a-key", lambda: pkcs1.rsaes_oaep_encrypt(b"n", b"m"), TypeError,
     r"key must be an RSA key"),
    ("pkcs1-pss-sign-not-a-key", lambda: pkcs1.rsassa_pss_sign(None, b"m"), TypeError,
     r"key must be an RSA key"),
    ("pkcs1-implicit-rejection-public-key",
     lambda: pkcs1.implicit_rejection_message(RSA_PUBLIC, bytes(K)), TypeError,
     r"private_key must be an RSA key"),
    ("pkcs1-implicit-rejection-str-ciphertext",
     lambda: pkcs1.implicit_rejection_message(RSA_KEY, "00"), TypeError,
     r"ciphertext must be bytes-like"),
    ("gcm-inc32-short-block", lambda: gcm.inc_32(bytes(4)), ValueError, r"16-byte block"),
    ("gcm-inc32-none", lambda: gcm.inc_32(None), TypeError, r"block must be bytes-like"),
    ("ctr-counter-blocks-short-block", lambda: ctr.counter_blocks(bytes(3), 2), ValueError,
     r"initial_counter_block must be 16 bytes"),
    ("ctr-counter-blocks-int-block", lambda: ctr.counter_blocks(7, 2), TypeError,
     r"initial_counter_block must be bytes-like"),
    ("ctr-counter-blocks-negative", lambda: ctr.counter_blocks(bytes(16), -1), ValueError,
     r"n must be in \[0, 2\^128\]"),
    ("ctr-counter-blocks-huge", lambda: ctr.counter_blocks(bytes(16), 2 ** 4000), ValueError,
     r"n must be in"),
    ("ctr-counter-blocks-bool", lambda: ctr.counter_blocks(bytes(16), True), TypeError,
     r"n must be an int"),
    ("x25519-encode-float", lambda: x25519.encode_u_coordinate(9.0), TypeError,
     r"u must be an int"),
    ("x448-encode-none", lambda: x448.encode_u_coordinate(None), TypeError, r"u must be an int"),
    ("x25519-generate-rng-not-callable", lambda: x25519.X25519PrivateKey.generate(0), TypeError,
     r"rng must be a callable"),
    ("x448-generate-rng-not-callable", lambda: x448.X448PrivateKey.generate(b"seed"), TypeError,
     r"rng must be a callable"),
    ("hpke-labeled-extract-str-label",
     lambda: hpke.labeled_extract(b"id", b"", "label", b"ikm", "sha256"), TypeError,
     r"label must be bytes-like"),
    ("hpke-labeled-expand-none-info",
     lambda: hpke.labeled_expand(b"id", bytes(32), b"l", None, 10, "sha256"), TypeError,
     r"info must be bytes-like"),
    ("hpke-labeled-expand-float-length",
     lambda: hpke.labeled_expand(b"id", bytes(32), b"l", b"", 10.0, "sha256"), TypeError,
     r"length must be an int"),
    ("hpke-labeled-expand-negative-length",
     lambda: hpke.labeled_expand(b"id", bytes(32), b"l", b"", -1, "sha256"), ValueError,
     r"0 <= L < 65536"),
    ("hpke-compute-nonce-float", lambda: SENDER.compute_nonce(1.0), TypeError,
     r"seq must be an int"),
    ("hpke-compute-nonce-bool", lambda: SENDER.compute_nonce(True), TypeError,
     r"seq must be an int"),
    ("hpke-compute-nonce-negative", lambda: SENDER.compute_nonce(-1), ValueError,
     r"seq must be in \[0, "),
    ("hpke-verify-psk-inputs-unknown-mode", lambda: hpke.verify_psk_inputs(7, b"", b""),
     ValueError, r"mode must be one of 0x00, 0x01, 0x02, 0x03"),
    ("hpke-verify-psk-inputs-str-mode", lambda: hpke.verify_psk_inputs("base", b"", b""),
     TypeError, r"mode must be an int"),
]


@pytest.mark.parametrize(("call", "error", "pattern"),
                         [pytest.param(c, e, p, id=i) for i, c, e, p in REGRESSIONS])
def test_regression(call, error, pattern):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error or issubclass(type(info.value), error)
    assert re.search(pattern, str(info.value)), str(info.value)


def test_kem_rsa_every_failure_says_the_same():
    """Wrong length, c >= n, bad OAEP padding and a wrong-size secret: one message."""
    good = RSA_KEM.encapsulate(RSA_PUBLIC.public_bytes())[1]
    assert len(RSA_KEM.decapsulate(good, RSA_KEY)) == 32        # the untampered case works
    tampered = bytes([good[0] ^ 1]) + good[1:]
    failures = [good[:-1], (RSA_KEY.n).to_bytes(K, "big"), tampered,
                _plaintext_too_long_for_kem()]
    messages = set()
    for enc in failures:
        with pytest.raises(DecryptionError) as info:
            RSA_KEM.decapsulate(enc, RSA_KEY)
        messages.add(str(info.value))
    assert messages == {pkcs1.DECRYPTION_ERROR}


SWEEP = {
    "aes": [
        ("AES", aes.AES, [bytes(16)]),
        ("AES.encrypt_block", aes.AES(bytes(16)).encrypt_block, [bytes(16)]),
        ("AES.decrypt_block", aes.AES(bytes(16)).decrypt_block, [bytes(16)]),
        ("key_expansion", aes.key_expansion, [bytes(16)]),
    ],
    "gcm": [
        ("AESGCM", gcm.AESGCM, [bytes(16)]),
        ("AESGCM.generate_key", gcm.AESGCM.generate_key, [128]),
        ("AESGCM.encrypt", AEAD.encrypt, [bytes(12), b"abc", b""]),
        ("AESGCM.decrypt", AEAD.decrypt, [bytes(12), SEALED, b""]),
        ("ghash", gcm.ghash, [bytes(16), bytes(32)]),
        ("inc_32", gcm.inc_32, [bytes(16)]),
        ("gctr", gcm.gctr, [aes.AES(bytes(16)).encrypt_block, bytes(16), b"abc"]),
        ("gcm_ae", gcm.gcm_ae, [bytes(16), bytes(12), b"a", b""]),
    ],
    "ctr": [
        ("ctr_encrypt", ctr.ctr_encrypt, [bytes(16), bytes(16), b"abc"]),
        ("ctr_decrypt", ctr.ctr_decrypt, [bytes(16), bytes(16), b"abc"]),
        ("counter_blocks", ctr.counter_blocks, [bytes(16), 3]),
    ],
    "hmac": [
        ("hmac", hmac.hmac, [b"k", b"m", "sha256"]),
        ("new_hash", hmac.new_hash, ["sha256"]),
        ("digest_size", hmac.digest_size, ["sha256"]),
    ],
    "hkdf": [
        ("extract", hkdf.extract, [b"salt", b"ikm", "sha256"]),
        ("expand", hkdf.expand, [bytes(32), b"info", 10, "sha256"]),
        ("hkdf", hkdf.hkdf, [b"ikm", 10, b"", b"", "sha256"]),
    ],
    "dh": [
        ("public_value", dh.public_value, [DH_GROUP, 12345]),
        ("validate_public_value", dh.validate_public_value, [DH_GROUP, 4]),
        ("shared_secret", dh.shared_secret, [DH_GROUP, DH_KEY.x, 4]),
        ("DHPublicKey.from_public_bytes", dh.DHPublicKey.from_public_bytes,
         [DH_GROUP, (4).to_bytes(DH_GROUP.byte_length, "big")]),
        ("DHPrivateKey", dh.DHPrivateKey, [DH_GROUP, 12345]),
        ("DHPrivateKey.exchange", DH_KEY.exchange, [DH_KEY.public_key()]),
    ],
    "rsa": [
        ("RSAPublicKey", rsa.RSAPublicKey, [RSA_KEY.n, RSA_KEY.e]),
        ("RSAPublicKey.from_public_bytes", rsa.RSAPublicKey.from_public_bytes,
         [RSA_PUBLIC.public_bytes()]),
        ("RSAPublicKey.encrypt", RSA_PUBLIC.encrypt, [b"m", rsa.OAEP()]),
        ("RSAPrivateKey.decrypt", RSA_KEY.decrypt,
         [RSA_PUBLIC.encrypt(b"m", rsa.OAEP()), rsa.OAEP()]),
        ("RSAPrivateKey.sign", RSA_KEY.sign, [b"m", rsa.PSS()]),
        ("RSAPublicKey.verify", RSA_PUBLIC.verify, [RSA_KEY.sign(b"m", rsa.PSS()), b"m", rsa.PSS()]),
        ("rsaep", rsa.rsaep, [RSA_PUBLIC, 5]),
        ("rsadp", rsa.rsadp, [RSA_KEY, 5]),
        ("rsasp1", rsa.rsasp1, [RSA_KEY, 5]),
        ("rsavp1", rsa.rsavp1, [RSA_PUBLIC, 5]),
    ],
    "pkcs1": [
        ("OAEP", rsa.OAEP, ["sha256", "sha1", b""]),
        ("PSS", rsa.PSS, ["sha256", 32, "sha256"]),
        ("mgf1", pkcs1.mgf1, [b"seed", 10, "sha1"]),
        ("rsaes_oaep_encrypt", pkcs1.rsaes_oaep_encrypt, [RSA_PUBLIC, b"m", b"", "sha1", None]),
        ("rsaes_pkcs1_v1_5_encrypt", pkcs1.rsaes_pkcs1_v1_5_encrypt, [RSA_PUBLIC, b"m"]),
        ("rsassa_pss_sign", pkcs1.rsassa_pss_sign, [RSA_KEY, b"m", "sha256", 32]),
        ("implicit_rejection_message", pkcs1.implicit_rejection_message, [RSA_KEY, bytes(K)]),
        ("rsaes_pkcs1_v1_5_decrypt", pkcs1.rsaes_pkcs1_v1_5_decrypt, [RSA_KEY, bytes(K), True]),
    ],
    "x25519": [
        ("x25519", x25519.x25519, [bytes(32), x25519.BASE_POINT]),
        ("decode_scalar", x25519.decode_scalar, [bytes(32)]),
        ("decode_u_coordinate", x25519.decode_u_coordinate, [bytes(32)]),
        ("encode_u_coordinate", x25519.encode_u_coordinate, [9]),
        ("X25519PrivateKey.from_private_bytes", x25519.X25519PrivateKey.from_private_bytes,
         [bytes(32)]),
        ("X25519PrivateKey.generate", x25519.X25519PrivateKey.generate, [None]),
        ("X25519PublicKey.from_public_bytes", x25519.X25519PublicKey.from_public_bytes,
         [X_KEY.public_key().public_bytes_raw()]),
        ("X25519PrivateKey.exchange", X_KEY.exchange, [X_KEY.public_key()]),
    ],
    "x448": [
        ("x448", x448.x448, [bytes(56), x448.BASE_POINT]),
        ("encode_u_coordinate", x448.encode_u_coordinate, [5]),
        ("X448PrivateKey.from_private_bytes", x448.X448PrivateKey.from_private_bytes, [bytes(56)]),
        ("X448PrivateKey.generate", x448.X448PrivateKey.generate, [None]),
        ("X448PublicKey.from_public_bytes", x448.X448PublicKey.from_public_bytes,
         [X448_KEY.public_key().public_bytes_raw()]),
        ("X448PrivateKey.exchange", X448_KEY.exchange, [X448_KEY.public_key()]),
    ],
    "kem": [
        ("get_kem", kem.get_kem, ["x25519"]),
        ("x25519.encapsulate", X_KEM.encapsulate, [X_KEY.public_key().public_bytes_raw()]),
        ("x25519.decapsulate", X_KEM.decapsulate, [X_KEY.public_key().public_bytes_raw(), X_KEY]),
        ("rsa.encapsulate", RSA_KEM.encapsulate, [RSA_PUBLIC.public_bytes()]),
        ("rsa.decapsulate", RSA_KEM.decapsulate,
         [RSA_KEM.encapsulate(RSA_PUBLIC.public_bytes())[1], RSA_KEY]),
    ],
    "hpke": [
        ("Suite", hpke.Suite, [0x20, 1, 1]),
        ("derive_key_pair", hpke.derive_key_pair, [0x20, bytes(32)]),
        ("setup_base_sender", hpke.setup_base_sender, [PK_R, b"", SUITE]),
        ("setup_base_receiver", hpke.setup_base_receiver, [ENC, SK_R, b"", SUITE]),
        ("setup_psk_sender", hpke.setup_psk_sender, [PK_R, b"", SUITE, bytes(32), b"id"]),
        ("setup_auth_sender", hpke.setup_auth_sender, [PK_R, b"", SUITE, SK_R]),
        ("setup_auth_receiver", hpke.setup_auth_receiver, [ENC, SK_R, b"", SUITE, PK_R]),
        ("seal_base", hpke.seal_base, [PK_R, b"", b"", b"pt", SUITE]),
        ("open_base", hpke.open_base, [ENC, SK_R, b"", b"", CT0, SUITE]),
        ("SenderContext.export", SENDER.export, [b"c", 32]),
        ("SenderContext.compute_nonce", SENDER.compute_nonce, [0]),
        ("labeled_extract", hpke.labeled_extract, [b"s", b"", b"l", b"i", "sha256"]),
        ("labeled_expand", hpke.labeled_expand, [b"s", bytes(32), b"l", b"i", 10, "sha256"]),
        ("verify_psk_inputs", hpke.verify_psk_inputs, [0, b"", b""]),
    ],
}


def _sweep_params():
    for module, entries in SWEEP.items():
        for name, function, args in entries:
            yield pytest.param(function, args, id=f"{module}-{name}")


@pytest.mark.parametrize(("function", "args"), list(_sweep_params()))
def test_sweep(function, args):
    function(*args)                      # the valid call works (so the table is right)
    for position in range(len(args)):
        for bad in BAD_VALUES:
            call = list(args)
            call[position] = bad
            try:
                function(*call)
            except (TypeError, ValueError, RefkxError) as exc:
                message = str(exc)
                assert not INTERNAL_MESSAGES.search(message), \
                    f"argument {position} = {bad!r:.40}: internal message {message!r}"
                if not isinstance(exc, RefkxError):      # refkx's vague errors may be terse
                    assert message, f"argument {position} = {bad!r:.40}: empty {type(exc).__name__}"
            except Exception as exc:  # noqa: BLE001 - anything else is the bug being tested for
                pytest.fail(f"argument {position} = {bad!r:.40}: {type(exc).__name__}: {exc}")
