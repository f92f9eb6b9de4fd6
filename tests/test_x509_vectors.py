"""Published certificates through refkx.x509: a differential test against `cryptography`,
signature checks of real chains, and truncation / bit-flip robustness.

Files: vectors/x509/real/ (cryptography-vectors `x509/*`, `x509/ed25519/`, `x509/ed448/`)
and vectors/x509/custom/ (cryptography-vectors `x509/custom/`, the certificate files).
"""

import datetime
import random
from pathlib import Path

import pytest

from refkx import x509
from refkx.errors import CertificateError, DERError, RefkxError

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "x509"
FILES = sorted(p for d in ("real", "custom") for p in (VECTORS / d).iterdir())
UTC = datetime.timezone.utc

# Files refkx refuses while `cryptography` (rust-asn1 + its X.509 layer) loads them:
# each is a place where refkx follows the RFC more strictly. The test checks the reason.
STRICTER = {
    "custom/mismatch_inner_outer_sig_algorithm.der": "differs from signatureAlgorithm",  # 5280 §4.1.1.2
    "custom/rsa_pss_cert_invalid_mgf.der": "differs from signatureAlgorithm",
    "custom/rsa_pss_cert_unsupported_mgf_hash.der": "differs from signatureAlgorithm",
    "real/v1_cert.pem": "differs from signatureAlgorithm",        # md5WithRSA inside, md5 outside
    "custom/rsa_pss_cert_no_sig_params.der": "RSASSA-PSS needs parameters",   # RFC 4055 §3.1
    "custom/empty-eku.pem": "empty extendedKeyUsage",            # SIZE (1..MAX); pyca: on access
    "custom/two_basic_constraints.pem": "duplicate extension",   # RFC 5280 §4.2; pyca: on access
    "real/utf8-dnsname.pem": "IA5String",                        # dNSName is IA5String
    "real/san_edipartyname.der": "takes no parameters",          # dsa-with-sha1 with NULL (3279 §2.2.2)
    "real/san_x400address.der": "takes no parameters",
}
# Files both refuse (the test checks that refkx raises DERError).
BOTH_REFUSE = {
    "real/badasn1time.pem", "real/cryptography-scts-tbs-precert.der",
    "custom/invalid_utf8_common_name.pem", "custom/invalid_version.pem",
    "custom/dsa_null_alg_params.pem", "custom/ecdsa_null_alg.pem",
    "custom/name_attribute_unsupported_tag.pem", "real/ed25519-ed25519-rfc8410.pem",
}
# RFC 4514 §2.4 renders a non-string value as '#' + hex of its whole BER encoding
# (tag and length included); cryptography prints only the content octets.
HEX_VALUE_RENDERING = {"real/scottishpower-bitstring-dn.pem", "real/unique_identifier.pem"}


def _name(path):
    return f"{path.parent.name}/{path.name}"


def _load_ours(data):
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _load_theirs(data):
    cx509 = pytest.importorskip("cryptography.x509")
    if b"-----BEGIN" in data:
        return cx509.load_pem_x509_certificate(data)
    return cx509.load_der_x509_certificate(data)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path", FILES, ids=[f"cryptography-vectors-x509-{_name(p)}" for p in FILES])
def test_differential_cryptography(path):
    cx509 = pytest.importorskip("cryptography.x509")
    name = _name(path)
    data = path.read_bytes()
    if name in BOTH_REFUSE:
        with pytest.raises(Exception):       # cryptography parses some fields lazily
            theirs = _load_theirs(data)
            theirs.subject.rfc4514_string(), theirs.issuer.rfc4514_string(), theirs.extensions
        with pytest.raises(DERError):
            _load_ours(data)
        return
    theirs = _load_theirs(data)
    if name in STRICTER:
        with pytest.raises(DERError, match=STRICTER[name]):
            _load_ours(data)
        return
    ours = _load_ours(data)
    assert ours.der == theirs.public_bytes(__import__(
        "cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]).Encoding.DER)
    assert ours.tbs_bytes == theirs.tbs_certificate_bytes
    assert ours.signature == theirs.signature
    assert ours.serial_number == theirs.serial_number
    assert ours.version == theirs.version.value + 1
    assert ours.signature_algorithm_oid == theirs.signature_algorithm_oid.dotted_string
    assert ours.not_valid_before == theirs.not_valid_before_utc
    assert ours.not_valid_after == theirs.not_valid_after_utc
    if name not in HEX_VALUE_RENDERING:
        assert ours.subject == theirs.subject.rfc4514_string()
        assert ours.issuer == theirs.issuer.rfc4514_string()
    try:
        extensions = {e.oid.dotted_string: e for e in theirs.extensions}
    except ValueError:
        return          # cryptography refuses an extension lazily; fields above agreed
    assert [e.oid for e in ours.extensions] == list(extensions)
    assert [e.critical for e in ours.extensions] == [e.critical for e in extensions.values()]
    bc = extensions.get("2.5.29.19")
    assert ours.basic_constraints == (None if bc is None else (bc.value.ca, bc.value.path_length))
    san = extensions.get("2.5.29.17")
    if san is not None:
        assert list(ours.dns_names) == san.value.get_values_for_type(cx509.DNSName)
        assert list(ours.ip_addresses) == san.value.get_values_for_type(cx509.IPAddress)
    ski = extensions.get("2.5.29.14")
    assert ours.subject_key_identifier == (None if ski is None else ski.value.digest)
    aki = extensions.get("2.5.29.35")
    assert ours.authority_key_identifier == (None if aki is None else aki.value.key_identifier)
    ku = extensions.get("2.5.29.15")
    if ku is not None:
        pyca_names = {"digitalSignature": "digital_signature", "nonRepudiation": "content_commitment",
                      "keyEncipherment": "key_encipherment", "dataEncipherment": "data_encipherment",
                      "keyAgreement": "key_agreement", "keyCertSign": "key_cert_sign",
                      "cRLSign": "crl_sign"}
        for ours_name, theirs_name in pyca_names.items():
            assert (ours_name in ours.key_usage) == getattr(ku.value, theirs_name), ours_name
    eku = extensions.get("2.5.29.37")
    if eku is not None:
        assert list(ours.extended_key_usage) == [o.dotted_string for o in eku.value]
    if ours.public_key_algorithm_oid in ("1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"):
        numbers = theirs.public_key().public_numbers()
        key = ours.public_key()
        assert (key.n, key.e) == (numbers.n, numbers.e)


def _cert(name):
    return _load_ours((VECTORS / name).read_bytes())


def test_real_chain_cryptography_io():
    leaf, intermediate = x509.load_pem_x509_certificates(
        (VECTORS / "real" / "cryptography.io.chain.pem").read_bytes())
    when = datetime.datetime(2016, 1, 1, tzinfo=UTC)
    assert x509.verify_chain(leaf, [], [intermediate], hostname="cryptography.io", now=when) \
        == [leaf, intermediate]
    with pytest.raises(CertificateError, match="hostname"):
        x509.verify_chain(leaf, [], [intermediate], hostname="pypi.org", now=when)
    with pytest.raises(CertificateError, match="expired") as info:
        x509.verify_chain(leaf, [], [intermediate], now=datetime.datetime(2019, 1, 1, tzinfo=UTC))
    assert info.value.alert == "certificate_expired"


@pytest.mark.parametrize("name", ["custom/rsa_pss_cert.pem", "custom/rsa_pss_sha256_no_null.pem"])
def test_rsassa_pss_self_signed(name):
    """RFC 4055 §3.1 parameters (hash, MGF1 hash, salt length) drive the PSS check."""
    cert = _cert(name)
    assert cert.signature_algorithm == "RSASSA-PSS"
    cert.verify_directly_issued_by(cert)
    tampered = bytearray(cert.der)
    tampered[-3] ^= 0x10
    with pytest.raises(CertificateError, match="signature check failed"):
        x509.load_der_x509_certificate(bytes(tampered)).verify_directly_issued_by(cert)


@pytest.mark.parametrize("name", ["custom/valid_signature_cert.pem", "real/ee-pss-sha1-cert.pem"])
def test_signature_of_published_certificates(name):
    """Self-signed ones against themselves; ee-pss-sha1 is checked for its PSS parameters."""
    cert = _cert(name)
    if cert.is_self_issued():
        cert.verify_directly_issued_by(cert)
    else:
        with pytest.raises(CertificateError, match="does not match"):
            cert.verify_directly_issued_by(cert)


def test_unsupported_signatures_are_named():
    ec = _cert("real/ecdsa_root.pem")
    with pytest.raises(CertificateError, match="unsupported signature algorithm") as info:
        ec.verify_directly_issued_by(ec)
    assert info.value.alert == "unsupported_certificate"
    ed = _cert("real/ed25519-root-ed25519.pem")
    with pytest.raises(CertificateError, match="unsupported signature"):
        ed.verify_directly_issued_by(ed)


def test_unknown_critical_extension_vector():
    cert = _cert("custom/unsupported_extension_critical.pem")
    with pytest.raises(CertificateError, match="unknown critical extension"):
        x509.verify_chain(cert, [], [cert], now=cert.not_valid_before)


# --- robustness: truncations and bit flips raise only the documented errors ---

def _exercise(data):
    """Load and use a (possibly damaged) certificate; only documented errors may escape."""
    try:
        cert = _load_ours(data)
    except DERError:
        return
    for attribute in ("subject", "issuer", "dns_names", "not_valid_after", "key_usage"):
        getattr(cert, attribute)
    cert.spki_pin()
    try:
        cert.public_key()
    except ValueError as exc:        # DERError, InvalidKey, UnsupportedAlgorithm
        assert isinstance(exc, RefkxError)
    try:
        x509.verify_chain(cert, [], [cert], hostname="example.com", now=cert.not_valid_before)
    except CertificateError:
        pass


@pytest.mark.parametrize("path", FILES + sorted((VECTORS / "pkits").iterdir()),
                         ids=lambda p: f"damage-{p.parent.name}-{p.name}")
def test_truncations_and_bit_flips(path):
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        from refkx.serialization import pem_decode
        try:
            _, data = pem_decode(data, ("CERTIFICATE",))
        except DERError:
            return
    rng = random.Random(path.name)          # deterministic per file
    for _ in range(12):
        _exercise(data[:rng.randrange(len(data))])
        flipped = bytearray(data)
        bit = rng.randrange(len(data) * 8)
        flipped[bit // 8] ^= 1 << (bit % 8)
        _exercise(bytes(flipped))
