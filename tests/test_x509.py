"""refkx.x509: issuing, parsing and verify_chain (RFC 5280 §4.1, §6.1 subset; RFC 9525 §6.3).

Published certificates (cryptography-vectors, NIST PKITS) run in tests/test_x509_vectors.py.
"""

import datetime
import shutil
import subprocess

import pytest

from refkx import asn1, serialization, x509
from refkx.errors import CertificateError, DERError, HandshakeError

from rsa_keys import cached_key

UTC = datetime.timezone.utc
NOW = datetime.datetime(2030, 6, 1, tzinfo=UTC)
START = datetime.datetime(2030, 1, 1, tzinfo=UTC)
END = datetime.datetime(2031, 1, 1, tzinfo=UTC)


def _pki(path_length=None, leaf_names=("localhost", "*.example.com")):
    root_key, leaf_key = cached_key(2048), cached_key(1024)
    root = x509.issue_certificate(root_key, root_key, "CN=refkx Root,O=refkx", ca=True,
                                  path_length=path_length, not_before=START, not_after=END)
    leaf = x509.issue_certificate(leaf_key, root_key, "CN=localhost", issuer_certificate=root,
                                  dns_names=leaf_names, not_before=START, not_after=END)
    return root, leaf


def test_issue_fields():
    root, leaf = _pki(path_length=0)
    assert root.subject == root.issuer == "CN=refkx Root,O=refkx"
    assert leaf.issuer == root.subject and leaf.subject == "CN=localhost"
    assert leaf.version == 3 and leaf.serial_number > 0
    assert leaf.not_valid_before == START and leaf.not_valid_after == END
    assert root.basic_constraints == (True, 0) and leaf.basic_constraints == (False, None)
    assert root.key_usage == {"keyCertSign", "cRLSign"}
    assert leaf.key_usage == {"digitalSignature", "keyEncipherment"}
    assert leaf.dns_names == ("localhost", "*.example.com")
    assert leaf.authority_key_identifier == root.subject_key_identifier
    assert leaf.public_key() == cached_key(1024).public_key()
    assert leaf.signature_algorithm == "sha256WithRSAEncryption"
    assert x509.load_pem_x509_certificate(serialization.pem_encode("CERTIFICATE", leaf.der)) == leaf


def test_spki_pin_rfc7469():
    import base64
    import hashlib
    _, leaf = _pki()
    spki = cached_key(1024).public_key().public_bytes()
    assert leaf.spki_der == spki
    assert leaf.spki_pin() == "sha256//" + base64.b64encode(hashlib.sha256(spki).digest()).decode()


def test_verify_chain_and_path():
    root, leaf = _pki()
    assert x509.verify_chain(leaf, [], [root], hostname="localhost", now=NOW) == [leaf, root]
    assert x509.verify_chain(root, [], [root], now=NOW) == [root]


def test_ip_address_san():
    import ipaddress
    root, _ = _pki()
    leaf = x509.issue_certificate(cached_key(1024), cached_key(2048), "CN=loopback",
                                  issuer_certificate=root, dns_names=["localhost", "127.0.0.1", "::1"],
                                  not_before=START, not_after=END)
    assert leaf.dns_names == ("localhost",)
    assert leaf.ip_addresses == (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
    for host in ("127.0.0.1", "::1", "localhost"):
        x509.verify_chain(leaf, [], [root], hostname=host, now=NOW)
    with pytest.raises(CertificateError, match="hostname"):
        x509.verify_chain(leaf, [], [root], hostname="127.0.0.2", now=NOW)


@pytest.mark.parametrize("hostname, ok", [
    ("localhost", True), ("LOCALHOST", True), ("localhost.", True), ("a.example.com", True),
    ("A.Example.COM", True), ("example.com", False), ("a.b.example.com", False),
    ("localhost2", False), ("127.0.0.1", False), ("", False),
])
def test_hostname_rfc9525(hostname, ok):
    root, leaf = _pki()
    if ok:
        x509.verify_chain(leaf, [], [root], hostname=hostname, now=NOW)
    else:
        with pytest.raises(CertificateError, match="hostname") as info:
            x509.verify_chain(leaf, [], [root], hostname=hostname, now=NOW)
        assert info.value.alert == "bad_certificate"


def test_expired_and_not_yet_valid():
    root, leaf = _pki()
    with pytest.raises(CertificateError, match="expired") as info:
        x509.verify_chain(leaf, [], [root], now=END + datetime.timedelta(seconds=1))
    assert info.value.alert == "certificate_expired"
    with pytest.raises(CertificateError, match="not yet valid") as info:
        x509.verify_chain(leaf, [], [root], now=START - datetime.timedelta(seconds=1))
    assert info.value.alert == "certificate_expired"
    assert isinstance(info.value, HandshakeError)


def test_unknown_ca_and_bad_signature():
    root, leaf = _pki()
    other_key = cached_key(1024)
    impostor = x509.issue_certificate(other_key, other_key, "CN=refkx Root,O=refkx", ca=True,
                                      not_before=START, not_after=END)
    with pytest.raises(CertificateError, match="signature") as info:
        x509.verify_chain(leaf, [], [impostor], now=NOW)
    assert info.value.alert == "bad_certificate"
    stranger = x509.issue_certificate(other_key, other_key, "CN=Elsewhere", ca=True,
                                      not_before=START, not_after=END)
    with pytest.raises(CertificateError, match="unknown issuer") as info:
        x509.verify_chain(leaf, [], [stranger], now=NOW)
    assert info.value.alert == "unknown_ca"
    # A flipped bit in the signature fails the signature check; the original verifies.
    der = bytearray(leaf.der)
    der[-5] ^= 1
    tampered = x509.load_der_x509_certificate(bytes(der))
    with pytest.raises(CertificateError, match="signature check failed"):
        x509.verify_chain(tampered, [], [root], now=NOW)
    x509.verify_chain(leaf, [], [root], now=NOW)


def test_intermediates_any_order_and_path_length():
    root_key, mid_key, leaf_key = cached_key(2048), cached_key(1024), cached_key(1024, 3)
    root = x509.issue_certificate(root_key, root_key, "CN=Root", ca=True, path_length=0,
                                  not_before=START, not_after=END)
    mid = x509.issue_certificate(mid_key, root_key, "CN=Mid", issuer_certificate=root, ca=True,
                                 not_before=START, not_after=END)
    leaf = x509.issue_certificate(leaf_key, mid_key, "CN=leaf", issuer_certificate=mid,
                                  dns_names=["leaf.test"], not_before=START, not_after=END)
    with pytest.raises(CertificateError, match="pathLenConstraint"):
        x509.verify_chain(leaf, [root, mid], [root], now=NOW)
    root2 = x509.issue_certificate(root_key, root_key, "CN=Root", ca=True, path_length=1,
                                   not_before=START, not_after=END)
    assert x509.verify_chain(leaf, [leaf, mid], [root2], now=NOW) == [leaf, mid, root2]
    # A leaf certificate cannot act as a CA.
    fake_leaf = x509.issue_certificate(leaf_key, leaf_key, "CN=leaf2", not_before=START,
                                       not_after=END)
    with pytest.raises(CertificateError, match="unknown issuer"):
        x509.verify_chain(leaf, [], [fake_leaf], now=NOW)
    leaf_by_leaf = x509.issue_certificate(mid_key, leaf_key, "CN=x", issuer_certificate=leaf,
                                          not_before=START, not_after=END)
    with pytest.raises(CertificateError, match="not a CA"):
        x509.verify_chain(leaf_by_leaf, [leaf, mid], [root2], now=NOW)


def test_unknown_critical_extension_fails():
    root, leaf = _pki()
    # Re-sign a leaf whose tbs carries an extra critical extension.
    tbs = asn1.parse(leaf.tbs_bytes)
    fields = tbs.children()
    extensions = fields[-1].children()[0]
    extra = x509._extension("1.2.3.4.5", asn1.encode_null(), critical=True)
    new_ext = asn1.encode_explicit(3, asn1.encode_sequence(
        *[e.encoding for e in extensions.children()], extra))
    new_tbs = asn1.encode_sequence(*[f.encoding for f in fields[:-1]], new_ext)
    from refkx.rsa import PKCS1v15
    algorithm = fields[2].encoding
    sig = cached_key(2048).sign(new_tbs, PKCS1v15("sha256"))
    cert = x509.load_der_x509_certificate(asn1.encode_sequence(new_tbs, algorithm,
                                                               asn1.encode_bit_string(sig)))
    with pytest.raises(CertificateError, match="unknown critical extension"):
        x509.verify_chain(cert, [], [root], now=NOW)


def test_parse_refuses_mismatched_algorithms():
    _, leaf = _pki()
    certificate = asn1.parse(leaf.der)
    tbs, algorithm, signature = certificate.children()
    other = asn1.encode_sequence(asn1.encode_oid("1.2.840.113549.1.1.12"), asn1.encode_null())
    with pytest.raises(DERError, match="differs"):
        x509.load_der_x509_certificate(asn1.encode_sequence(tbs.encoding, other,
                                                            signature.encoding))


def test_names_rfc4514_round_trip_and_matching():
    der = x509.encode_name("CN=a\\,b+UID=u1,O=Org \\+ Co,C=US")
    rdns = x509.parse_name(asn1.parse(der))
    assert x509.name_to_rfc4514(rdns) == "CN=a\\,b+UID=u1,O=Org \\+ Co,C=US"
    folded = x509.parse_name(asn1.parse(x509.encode_name("cn=A\\,B+UID=U1,O=org  \\+ co,C=us")))
    assert x509.names_match(rdns, folded)
    assert not x509.names_match(rdns, x509.parse_name(asn1.parse(x509.encode_name("O=x,C=US"))))


def test_misuse():
    key = cached_key(1024)
    with pytest.raises(ValueError):
        x509.issue_certificate(key, key, "CN=x", path_length=1)
    with pytest.raises(ValueError):
        x509.issue_certificate(key, cached_key(2048), "CN=x")   # self-signed with a wrong key
    with pytest.raises(ValueError):
        x509.issue_certificate(key, key, "CN=x", dns_names=["bad name"])
    with pytest.raises(TypeError):
        x509.issue_certificate(key, key, "CN=x", dns_names="localhost")
    with pytest.raises(ValueError):
        x509.issue_certificate(key, key, "XX=y")
    root, leaf = _pki()
    with pytest.raises(TypeError):
        x509.verify_chain(leaf, [], [root], now=datetime.datetime(2030, 1, 2))
    with pytest.raises(TypeError):
        x509.verify_chain(leaf.der, [], [root])
    with pytest.raises(ValueError):
        x509.verify_chain(leaf, [], [])


# --- interop: cryptography and openssl accept what refkx writes ---

def test_cryptography_reads_and_verifies():
    cx509 = pytest.importorskip("cryptography.x509")
    from cryptography.x509 import verification
    root_key = cached_key(2048)
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    root = x509.issue_certificate(root_key, root_key, "CN=refkx Root,O=refkx", ca=True)
    leaf = x509.issue_certificate(cached_key(2048, 65539), root_key,
                                  "CN=localhost", issuer_certificate=root, dns_names=["localhost"])
    theirs_root = cx509.load_der_x509_certificate(root.der)
    theirs_leaf = cx509.load_der_x509_certificate(leaf.der)
    assert theirs_leaf.subject.rfc4514_string() == leaf.subject
    assert theirs_leaf.serial_number == leaf.serial_number
    store = verification.Store([theirs_root])
    verifier = (verification.PolicyBuilder().store(store).time(now)
                .build_server_verifier(cx509.DNSName("localhost")))
    chain = verifier.verify(theirs_leaf, [])
    assert [c.subject.rfc4514_string() for c in chain] == [leaf.subject, root.subject]


def test_openssl_verify(tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl binary")
    root_key = cached_key(2048)
    root = x509.issue_certificate(root_key, root_key, "CN=refkx Root", ca=True)
    leaf = x509.issue_certificate(cached_key(1024), root_key, "CN=localhost",
                                  issuer_certificate=root, dns_names=["localhost"])
    (tmp_path / "ca.pem").write_bytes(serialization.pem_encode("CERTIFICATE", root.der))
    (tmp_path / "leaf.pem").write_bytes(serialization.pem_encode("CERTIFICATE", leaf.der))
    result = subprocess.run([openssl, "verify", "-CAfile", str(tmp_path / "ca.pem"),
                             "-verify_hostname", "localhost", str(tmp_path / "leaf.pem")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": OK" in result.stdout


def test_cryptography_written_chain_verifies_in_refkx():
    """The reverse interop: a CA and leaf built by cryptography's CertificateBuilder."""
    cx509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa as crsa
    from cryptography.x509.oid import NameOID
    key = cached_key(2048)
    numbers = crsa.RSAPrivateNumbers(key.p, key.q, key.d, key.dP, key.dQ, key.qInv,
                                     crsa.RSAPublicNumbers(key.e, key.n))
    their_key = numbers.private_key()
    ca_name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "pyca CA"),
                          cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example, Inc.")])
    ca = (cx509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(their_key.public_key()).serial_number(7)
          .not_valid_before(START).not_valid_after(END)
          .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(their_key, hashes.SHA384()))
    leaf = (cx509.CertificateBuilder()
            .subject_name(cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "pyca leaf")]))
            .issuer_name(ca_name).public_key(their_key.public_key()).serial_number(8)
            .not_valid_before(START).not_valid_after(END)
            .add_extension(cx509.SubjectAlternativeName([cx509.DNSName("pyca.test")]),
                           critical=False)
            .sign(their_key, hashes.SHA256()))
    from cryptography.hazmat.primitives.serialization import Encoding
    our_ca = x509.load_pem_x509_certificate(ca.public_bytes(Encoding.PEM))
    our_leaf = x509.load_der_x509_certificate(leaf.public_bytes(Encoding.DER))
    assert our_ca.subject == ca.subject.rfc4514_string() == "O=Example\\, Inc.,CN=pyca CA"
    assert our_ca.signature_algorithm == "sha384WithRSAEncryption"
    assert x509.verify_chain(our_leaf, [], [our_ca], hostname="pyca.test", now=NOW) == \
        [our_leaf, our_ca]
