"""NIST PKITS through refkx.x509.verify_chain (refkx.kat.x509 lists the tests and the skips)."""

import pytest

from kat_params import kat_params


@pytest.mark.parametrize("case", kat_params("x509"))
def test_pkits(case):
    case.run()
