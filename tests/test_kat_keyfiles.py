"""Key files (refkx.kat.keyfiles): cryptography-vectors samples and Wycheproof XDH ASN.1/PEM."""

from pathlib import Path

import pytest

from kat_params import kat_parametrize
from refkx.kat import keyfiles

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "keys" / "cv"


@kat_parametrize("keyfiles")
def test_key_file_vector(case, implementation):
    case.run()


def test_every_vendored_key_file_has_an_expected_outcome():
    vendored = {(p.parent.name, p.name) for p in VECTORS.glob("*/*")}
    declared = {(d, n) for d, files in keyfiles.EXPECTED.items() for n in files}
    assert vendored == declared


@pytest.mark.parametrize("directory, name", sorted(
    (d, n) for d, files in keyfiles.EXPECTED.items() for n, kind in files.items()
    if kind in ("private", "public", "private-pss", "public-pss")))
def test_same_numbers_as_cryptography(directory, name):
    cser = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    data = (VECTORS / directory / name).read_bytes()
    private = keyfiles.EXPECTED[directory][name].startswith("private")
    ours = keyfiles._load(data, private)
    pem = b"-----BEGIN" in data
    if private:
        theirs = (cser.load_pem_private_key if pem else cser.load_der_private_key)(data, None)
    else:
        theirs = (cser.load_pem_public_key if pem else cser.load_der_public_key)(data)
    if hasattr(theirs, "private_numbers"):
        numbers = theirs.private_numbers()
        assert (ours.n, ours.e, ours.d, ours.p, ours.q) == (
            numbers.public_numbers.n, numbers.public_numbers.e, numbers.d, numbers.p, numbers.q)
    elif hasattr(theirs, "public_numbers"):
        numbers = theirs.public_numbers()
        assert (ours.n, ours.e) == (numbers.n, numbers.e)
    elif private:
        assert ours.private_bytes_raw() == theirs.private_bytes_raw()
    else:
        assert ours.public_bytes_raw() == theirs.public_bytes_raw()


def _try_load(data):
    from refkx.errors import DERError, InvalidKey, UnsupportedAlgorithm
    for private in (True, False):
        try:
            keyfiles._load(data, private)
        except (DERError, InvalidKey, UnsupportedAlgorithm):
            pass


@pytest.mark.parametrize("path", sorted(VECTORS.glob("*/*")),
                         ids=lambda p: f"damage-{p.parent.name}-{p.name}")
def test_truncations_and_bit_flips_raise_only_documented_errors(path):
    import base64
    import random
    from refkx.serialization import pem_encode, _PEM_RE
    data = path.read_bytes()
    rng = random.Random(path.name)
    match = _PEM_RE.search(data)
    der, label = data, None
    if match:
        label = match.group(1).decode()
        body = b"".join(match.group(2).split())
        try:
            der = base64.b64decode(body, validate=True)
        except ValueError:
            return
    for _ in range(10):
        cut = der[:rng.randrange(len(der))]
        flipped = bytearray(der)
        bit = rng.randrange(len(der) * 8)
        flipped[bit // 8] ^= 1 << (bit % 8)
        for damaged in (cut, bytes(flipped)):
            _try_load(damaged)
            if label is not None:
                _try_load(pem_encode(label, damaged) if damaged else b"")
        text = bytearray(data)
        text[rng.randrange(len(text))] ^= 1 << rng.randrange(8)
        _try_load(bytes(text))
