"""Key files (refkx.kat.keyfiles): cryptography-vectors samples and Wycheproof XDH ASN.1/PEM."""

from pathlib import Path

import pytest

from kat_params import kat_params
from refkx.kat import keyfiles

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "keys" / "cv"


@pytest.mark.parametrize("case", kat_params("keyfiles"))
def test_key_file_vector(case):
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
