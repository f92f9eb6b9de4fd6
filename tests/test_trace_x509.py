"""`python -m refkx trace x509`: the DER tree and the signature check (refkx.tools.trace_x509)."""

import io
import re
import sys

import pytest

from refkx import asn1, serialization, x509
from refkx.tools.cli import main
from refkx.tools.trace_x509 import DEFAULT_CERTIFICATE, DEFAULT_ISSUER, x509_lines

from rsa_keys import cached_key


def test_default_pkits_ca_tree_and_signature():
    lines, status = x509_lines()
    assert status == 0
    text = "\n".join(lines)
    der = DEFAULT_CERTIFICATE.read_bytes()
    # Every element line starts with its true offset: the tree covers the whole DER.
    offsets = [int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s+\d+\+\d+", text, re.M)]
    elements = []

    def collect(element):
        elements.append(element.offset)
        if element.constructed:
            for child in element.children():
                collect(child)
    collect(asn1.parse(der))
    assert set(elements) <= set(offsets)
    assert "serialNumber: 2" in text
    assert "'CN=Good CA,O=Test Certificates 2011,C=US'" in text
    assert "keyUsage bits: keyCertSign, cRLSign" in text
    assert "modulus n: 2048-bit integer" in text
    certificate = x509.load_der_x509_certificate(der)
    import hashlib
    assert f"H = sha256(tbsCertificate) = {hashlib.sha256(certificate.tbs_bytes).hexdigest()}" in text
    assert "PS (202 octets, all 0xff)" in text
    assert "5. digest = H" in text
    assert lines[-1].startswith("verdict: signature valid")


def test_cli_file_pem_stdin_and_failures(tmp_path, monkeypatch, capsys):
    key = cached_key(1024)
    cert = x509.issue_certificate(key, key, "CN=trace me", dns_names=["trace.test"])
    pem = serialization.pem_encode("CERTIFICATE", cert.der)
    path = tmp_path / "cert.pem"
    path.write_bytes(pem)
    assert main(["trace", "x509", str(path)]) == 0
    out = capsys.readouterr().out
    assert "dNSName trace.test" in out and "verdict: signature valid" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(pem)))
    assert main(["trace", "x509", "--pem"]) == 0
    assert "from standard input" in capsys.readouterr().out
    # A flipped signature bit: the tree still prints, the verdict fails, exit 1.
    tampered = bytearray(cert.der)
    tampered[-1] ^= 1
    (tmp_path / "bad.der").write_bytes(bytes(tampered))
    assert main(["trace", "x509", str(tmp_path / "bad.der")]) == 1
    assert "verdict: signature check failed" in capsys.readouterr().out
    # Not a certificate: exit 1 with the DER error; a missing file: usage error 2.
    (tmp_path / "junk.der").write_bytes(b"\x30\x03\x02\x01")
    assert main(["trace", "x509", str(tmp_path / "junk.der")]) == 1
    assert "DER error at offset" in capsys.readouterr().out
    assert main(["trace", "x509", str(tmp_path / "missing.pem")]) == 2
    assert main(["trace", "aes", str(path)]) == 2


def test_cli_issuer_option(capsys):
    assert main(["trace", "x509", str(DEFAULT_CERTIFICATE), "--issuer", str(DEFAULT_ISSUER)]) == 0
    assert "issuer certificate: CN=Trust Anchor" in capsys.readouterr().out
    assert main(["trace", "x509", str(DEFAULT_CERTIFICATE)]) == 0
    assert "give the issuer's certificate with --issuer" in capsys.readouterr().out
    # The wrong issuer: the signature does not verify.
    assert main(["trace", "x509", str(DEFAULT_ISSUER), "--issuer", str(DEFAULT_CERTIFICATE)]) == 1
