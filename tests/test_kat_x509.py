"""NIST PKITS through refkx.x509.verify_chain (refkx.kat.x509 lists the tests and the skips)."""

import pytest

from kat_params import kat_parametrize


@kat_parametrize("x509")
def test_pkits(case, implementation):
    case.run()
