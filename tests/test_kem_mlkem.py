"""The ML-KEM KEMs of refkx.kem: mlkem512/768/1024 and the X25519MLKEM768 hybrid
(draft-ietf-tls-ecdhe-mlkem §3.1): layout, tampering, bad input, and OpenSSL interop."""

import pytest

from refkx import impl, x25519
from refkx.errors import InvalidKey
from refkx.kem import KEMS, X25519MLKEM768PrivateKey

MLKEM_NAMES = ["mlkem512", "mlkem768", "mlkem1024"]
ALL = MLKEM_NAMES + ["x25519mlkem768"]


def counter_rng():
    state = iter(range(10 ** 6))
    return lambda n: bytes((next(state) * 13 + 5) % 256 for _ in range(n))


@pytest.mark.parametrize("mode", impl.IMPLEMENTATIONS)
@pytest.mark.parametrize("name", ALL)
def test_round_trip_and_sizes(mode, name):
    k = KEMS[name]
    with impl.using(mode):
        private_key, public_bytes = k.generate_keypair()
        shared_secret, enc = k.encapsulate(public_bytes)
        assert len(public_bytes) == k.public_key_size
        assert len(enc) == k.enc_size and len(shared_secret) == k.shared_secret_size
        assert k.decapsulate(enc, private_key) == shared_secret
        assert k.forward_secrecy


def test_hybrid_sizes_are_the_drafts():
    k = KEMS["x25519mlkem768"]
    assert (k.public_key_size, k.enc_size, k.shared_secret_size) == (1216, 1120, 64)
    assert [(KEMS[n].public_key_size, KEMS[n].enc_size) for n in MLKEM_NAMES] == \
        [(800, 768), (1184, 1088), (1568, 1568)]


def test_hybrid_layout_is_mlkem_first():
    """§3.1.1-§3.1.3: ek || x25519, c || x25519, K_mlkem || K_x25519, each half independent."""
    k = KEMS["x25519mlkem768"]
    private_key, public_bytes = k.generate_keypair(rng=counter_rng())
    ek, x_public = public_bytes[:1184], public_bytes[1184:]
    assert ek == private_key.mlkem_key.public_key().public_bytes_raw()
    assert x_public == private_key.x25519_key.public_key().public_bytes_raw()
    shared_secret, enc = k.encapsulate(public_bytes)
    c, x_ephemeral = enc[:1088], enc[1088:]
    assert shared_secret[:32] == private_key.mlkem_key.decapsulate(c)
    assert shared_secret[32:] == private_key.x25519_key.exchange(
        x25519.X25519PublicKey.from_public_bytes(x_ephemeral))


@pytest.mark.parametrize("name", ALL)
def test_injected_rng_is_deterministic(name):
    k = KEMS[name]
    fixed = lambda n: bytes((i * 37 + 11) % 256 for i in range(n))      # noqa: E731
    assert k.generate_keypair(rng=fixed)[1] == k.generate_keypair(rng=fixed)[1]
    _, public_bytes = k.generate_keypair()
    assert k.encapsulate(public_bytes, rng=fixed) == k.encapsulate(public_bytes, rng=fixed)
    assert k.encapsulate(public_bytes)[1] != k.encapsulate(public_bytes)[1]


@pytest.mark.parametrize("name", ALL)
def test_tampered_mlkem_ciphertext_gives_implicit_rejection(name):
    k = KEMS[name]
    private_key, public_bytes = k.generate_keypair()
    shared_secret, enc = k.encapsulate(public_bytes)
    assert k.decapsulate(enc, private_key) == shared_secret          # untampered
    for position in (0, 500, k.enc_size - 33 if name == "x25519mlkem768" else k.enc_size - 1):
        bad = bytearray(enc)
        bad[position] ^= 0x10
        got = k.decapsulate(bytes(bad), private_key)                  # never an exception
        assert got[:32] != shared_secret[:32]
        if name == "x25519mlkem768":
            assert got[32:] == shared_secret[32:]                     # X25519 half untouched


def test_hybrid_refuses_all_zero_x25519():
    k = KEMS["x25519mlkem768"]
    private_key, public_bytes = k.generate_keypair()
    _, enc = k.encapsulate(public_bytes)
    for low_order in (bytes(32), (1).to_bytes(32, "little")):
        with pytest.raises(InvalidKey):
            k.encapsulate(public_bytes[:1184] + low_order)
        with pytest.raises(InvalidKey):
            k.decapsulate(enc[:1088] + low_order, private_key)


@pytest.mark.parametrize("name", ALL)
def test_modulus_check_applies(name):
    k = KEMS[name]
    _, public_bytes = k.generate_keypair()
    bad = b"\xff\xff\xff" + public_bytes[3:]                          # t_hat[0] = 4095 >= q
    with pytest.raises(InvalidKey):
        k.encapsulate(bad)


@pytest.mark.parametrize("name", ALL)
def test_wrong_lengths_and_types(name):
    k = KEMS[name]
    private_key, public_bytes = k.generate_keypair()
    _, enc = k.encapsulate(public_bytes)
    for n in (0, 1, k.public_key_size - 1, k.public_key_size + 1):
        with pytest.raises(InvalidKey):
            k.encapsulate((public_bytes * 2)[:n])
    for n in (0, 1, k.enc_size - 1, k.enc_size + 1):
        with pytest.raises(InvalidKey):
            k.decapsulate((enc * 2)[:n], private_key)
    with pytest.raises(TypeError):
        k.encapsulate(public_bytes.hex())
    with pytest.raises(TypeError):
        k.decapsulate(enc.hex(), private_key)
    with pytest.raises(TypeError):
        k.decapsulate(enc, public_bytes)
    other = KEMS["x25519"].generate_keypair()[0]
    with pytest.raises(TypeError):
        k.decapsulate(enc, other)


def test_private_key_of_another_set_is_refused():
    key512, _ = KEMS["mlkem512"].generate_keypair()
    _, public768 = KEMS["mlkem768"].generate_keypair()
    _, enc = KEMS["mlkem768"].encapsulate(public768)
    with pytest.raises(TypeError):
        KEMS["mlkem768"].decapsulate(enc, key512)
    with pytest.raises(TypeError):
        KEMS["x25519mlkem768"].decapsulate(enc + bytes(32), key512)
    assert isinstance(KEMS["x25519mlkem768"].generate_keypair()[0], X25519MLKEM768PrivateKey)


# --- OpenSSL (cryptography) builds the same hybrid from its own X25519 and ML-KEM-768 ---

def _pyca():
    pyca_mlkem = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.mlkem")
    from cryptography.hazmat.primitives.asymmetric import x25519 as pyca_x25519
    return pyca_mlkem, pyca_x25519


def test_hybrid_openssl_server_refkx_client():
    pyca_mlkem, pyca_x25519 = _pyca()
    k = KEMS["x25519mlkem768"]
    private_key, public_bytes = k.generate_keypair()            # refkx client share
    ek = pyca_mlkem.MLKEM768PublicKey.from_public_bytes(public_bytes[:1184])
    peer = pyca_x25519.X25519PublicKey.from_public_bytes(public_bytes[1184:])
    ephemeral = pyca_x25519.X25519PrivateKey.generate()
    mlkem_secret, c = ek.encapsulate()                          # OpenSSL server share
    enc = c + ephemeral.public_key().public_bytes_raw()
    expected = mlkem_secret + ephemeral.exchange(peer)
    assert k.decapsulate(enc, private_key) == expected


def test_hybrid_refkx_server_openssl_client():
    pyca_mlkem, pyca_x25519 = _pyca()
    k = KEMS["x25519mlkem768"]
    dk = pyca_mlkem.MLKEM768PrivateKey.generate()
    x_key = pyca_x25519.X25519PrivateKey.generate()
    public_bytes = dk.public_key().public_bytes_raw() + x_key.public_key().public_bytes_raw()
    shared_secret, enc = k.encapsulate(public_bytes)           # refkx server share
    theirs = dk.decapsulate(enc[:1088]) + x_key.exchange(
        pyca_x25519.X25519PublicKey.from_public_bytes(enc[1088:]))
    assert theirs == shared_secret
