"""Every published RSASSA-PKCS1-v1_5 vector (refkx.kat.rsa_sig): Wycheproof, CAVP, RSA Labs."""

import pytest

from kat_params import kat_parametrize


@kat_parametrize("rsa_sig")
def test_rsa_pkcs1_v1_5_signature_vector(case, implementation):
    case.run()
