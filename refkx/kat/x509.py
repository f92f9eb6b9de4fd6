"""NIST PKITS (Public Key Interoperability Test Suite, 2011 edition with SHA-256 signatures)
for the sections refkx.x509.verify_chain covers.

Each test names its end-entity certificate, the CA certificates between it and
the trust anchor ("Trust Anchor Root Certificate"), and the outcome PKITS
expects (PKITS.pdf §4). The intermediates are passed unordered, as a TLS
peer would send them. `now` is a fixed date inside every certificate's period
(2025-01-01) except where a test is about validity.

Covered: 4.1 signature verification, 4.2 validity periods, 4.3 name chaining,
4.6 basic constraints, 4.7 key usage. Skipped, with the reason:
* 4.1.4, 4.1.5, 4.1.6: DSA keys (refkx verifies RSA signatures only);
* 4.7.4, 4.7.5: the expected failure comes from the CA's CRL, and refkx does
  not check revocation;
* 4.4 (CRLs), 4.5 (self-issued CRL keys), 4.8-4.12 (policies), 4.13 (name
  constraints), 4.14-4.15 (distribution points, delta CRLs), 4.16 (private
  extensions): features verify_chain does not implement.
"""

from __future__ import annotations

import datetime

from ..errors import CertificateError, DERError
from ..x509 import load_der_x509_certificate, verify_chain
from . import Case, vector_path

AREA = "x509"
SOURCE = "NIST PKITS (2011) §4"
NOW = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
TRUST_ANCHOR = "TrustAnchorRootCertificate.crt"
VALID, INVALID = True, False

# (PKITS section, end entity, CA certificates, expected outcome)
TESTS = [
    ("4.1.1", "ValidCertificatePathTest1EE", ["GoodCACert"], VALID),
    ("4.1.2", "InvalidCASignatureTest2EE", ["BadSignedCACert"], INVALID),
    ("4.1.3", "InvalidEESignatureTest3EE", ["GoodCACert"], INVALID),
    ("4.2.1", "InvalidCAnotBeforeDateTest1EE", ["BadnotBeforeDateCACert"], INVALID),
    ("4.2.2", "InvalidEEnotBeforeDateTest2EE", ["GoodCACert"], INVALID),
    ("4.2.3", "Validpre2000UTCnotBeforeDateTest3EE", ["GoodCACert"], VALID),
    ("4.2.4", "ValidGeneralizedTimenotBeforeDateTest4EE", ["GoodCACert"], VALID),
    ("4.2.5", "InvalidCAnotAfterDateTest5EE", ["BadnotAfterDateCACert"], INVALID),
    ("4.2.6", "InvalidEEnotAfterDateTest6EE", ["GoodCACert"], INVALID),
    ("4.2.7", "Invalidpre2000UTCEEnotAfterDateTest7EE", ["GoodCACert"], INVALID),
    ("4.2.8", "ValidGeneralizedTimenotAfterDateTest8EE", ["GoodCACert"], VALID),
    ("4.3.1", "InvalidNameChainingTest1EE", ["GoodCACert"], INVALID),
    ("4.3.2", "InvalidNameChainingOrderTest2EE", ["NameOrderingCACert"], INVALID),
    ("4.3.3", "ValidNameChainingWhitespaceTest3EE", ["GoodCACert"], VALID),
    ("4.3.4", "ValidNameChainingWhitespaceTest4EE", ["GoodCACert"], VALID),
    ("4.3.5", "ValidNameChainingCapitalizationTest5EE", ["GoodCACert"], VALID),
    ("4.3.6", "ValidNameUIDsTest6EE", ["UIDCACert"], VALID),
    ("4.3.7", "ValidRFC3280MandatoryAttributeTypesTest7EE",
     ["RFC3280MandatoryAttributeTypesCACert"], VALID),
    ("4.3.8", "ValidRFC3280OptionalAttributeTypesTest8EE",
     ["RFC3280OptionalAttributeTypesCACert"], VALID),
    ("4.3.9", "ValidUTF8StringEncodedNamesTest9EE", ["UTF8StringEncodedNamesCACert"], VALID),
    ("4.3.10", "ValidRolloverfromPrintableStringtoUTF8StringTest10EE",
     ["RolloverfromPrintableStringtoUTF8StringCACert"], VALID),
    ("4.3.11", "ValidUTF8StringCaseInsensitiveMatchTest11EE",
     ["UTF8StringCaseInsensitiveMatchCACert"], VALID),
    ("4.6.1", "InvalidMissingbasicConstraintsTest1EE", ["MissingbasicConstraintsCACert"],
     INVALID),
    ("4.6.2", "InvalidcAFalseTest2EE", ["basicConstraintsCriticalcAFalseCACert"], INVALID),
    ("4.6.3", "InvalidcAFalseTest3EE", ["basicConstraintsNotCriticalcAFalseCACert"], INVALID),
    ("4.6.4", "ValidbasicConstraintsNotCriticalTest4EE", ["basicConstraintsNotCriticalCACert"],
     VALID),
    ("4.6.5", "InvalidpathLenConstraintTest5EE",
     ["pathLenConstraint0CACert", "pathLenConstraint0subCACert"], INVALID),
    ("4.6.6", "InvalidpathLenConstraintTest6EE",
     ["pathLenConstraint0CACert", "pathLenConstraint0subCACert"], INVALID),
    ("4.6.7", "ValidpathLenConstraintTest7EE", ["pathLenConstraint0CACert"], VALID),
    ("4.6.8", "ValidpathLenConstraintTest8EE", ["pathLenConstraint0CACert"], VALID),
    ("4.6.9", "InvalidpathLenConstraintTest9EE",
     ["pathLenConstraint6CACert", "pathLenConstraint6subCA0Cert",
      "pathLenConstraint6subsubCA00Cert"], INVALID),
    ("4.6.10", "InvalidpathLenConstraintTest10EE",
     ["pathLenConstraint6CACert", "pathLenConstraint6subCA0Cert",
      "pathLenConstraint6subsubCA00Cert"], INVALID),
    ("4.6.11", "InvalidpathLenConstraintTest11EE",
     ["pathLenConstraint6CACert", "pathLenConstraint6subCA1Cert",
      "pathLenConstraint6subsubCA11Cert", "pathLenConstraint6subsubsubCA11XCert"], INVALID),
    ("4.6.12", "InvalidpathLenConstraintTest12EE",
     ["pathLenConstraint6CACert", "pathLenConstraint6subCA1Cert",
      "pathLenConstraint6subsubCA11Cert", "pathLenConstraint6subsubsubCA11XCert"], INVALID),
    ("4.6.13", "ValidpathLenConstraintTest13EE",
     ["pathLenConstraint6CACert", "pathLenConstraint6subCA4Cert",
      "pathLenConstraint6subsubCA41Cert", "pathLenConstraint6subsubsubCA41XCert"], VALID),
    ("4.6.14", "ValidpathLenConstraintTest14EE",
     ["pathLenConstraint6CACert", "pathLenConstraint6subCA4Cert",
      "pathLenConstraint6subsubCA41Cert", "pathLenConstraint6subsubsubCA41XCert"], VALID),
    ("4.6.15", "ValidSelfIssuedpathLenConstraintTest15EE",
     ["pathLenConstraint0CACert", "pathLenConstraint0SelfIssuedCACert"], VALID),
    ("4.6.16", "InvalidSelfIssuedpathLenConstraintTest16EE",
     ["pathLenConstraint0CACert", "pathLenConstraint0SelfIssuedCACert",
      "pathLenConstraint0subCA2Cert"], INVALID),
    ("4.6.17", "ValidSelfIssuedpathLenConstraintTest17EE",
     ["pathLenConstraint1CACert", "pathLenConstraint1SelfIssuedCACert",
      "pathLenConstraint1subCACert", "pathLenConstraint1SelfIssuedsubCACert"], VALID),
    ("4.7.1", "InvalidkeyUsageCriticalkeyCertSignFalseTest1EE",
     ["keyUsageCriticalkeyCertSignFalseCACert"], INVALID),
    ("4.7.2", "InvalidkeyUsageNotCriticalkeyCertSignFalseTest2EE",
     ["keyUsageNotCriticalkeyCertSignFalseCACert"], INVALID),
    ("4.7.3", "ValidkeyUsageNotCriticalTest3EE", ["keyUsageNotCriticalCACert"], VALID),
]

# The check each invalid test must fail (a substring of the error message).
REASONS = {
    "4.1.2": "unused bits", "4.1.3": "signature check failed",
    "4.2.1": "not yet valid", "4.2.2": "not yet valid", "4.2.5": "expired", "4.2.6": "expired",
    "4.2.7": "expired", "4.3.1": "unknown issuer", "4.3.2": "unknown issuer",
    "4.6.1": "not a CA", "4.6.2": "not a CA", "4.6.3": "not a CA",
    "4.7.1": "keyCertSign", "4.7.2": "keyCertSign",
}
for _section in ("4.6.5", "4.6.6", "4.6.9", "4.6.10", "4.6.11", "4.6.12", "4.6.16"):
    REASONS[_section] = "pathLenConstraint"

SKIPPED = {
    "4.1.4": "DSA", "4.1.5": "DSA", "4.1.6": "DSA",
    "4.7.4": "fails only through the CA's CRL (revocation is not checked)",
    "4.7.5": "fails only through the CA's CRL (revocation is not checked)",
}


def _load(name: str):
    return load_der_x509_certificate(vector_path(AREA, "pkits", name).read_bytes())


def _case(section: str, ee: str, cas: list[str], expected: bool) -> Case:
    case_id = f"pkits-{section}-{ee.removesuffix('EE')}"

    def run() -> None:
        if expected:
            anchor = _load(TRUST_ANCHOR)
            leaf = _load(ee + ".crt")
            intermediates = [_load(name + ".crt") for name in reversed(cas)]
            path = verify_chain(leaf, intermediates, [anchor], now=NOW)
            assert path[0] == leaf and path[-1] == anchor, f"{case_id}: path {path}"
        else:
            # Refused either when loading (DERError: e.g. 4.1.2's signature BIT STRING
            # declares an unused bit, which DER does not allow for RSA) or by verify_chain.
            try:
                anchor = _load(TRUST_ANCHOR)
                leaf = _load(ee + ".crt")
                intermediates = [_load(name + ".crt") for name in reversed(cas)]
                verify_chain(leaf, intermediates, [anchor], now=NOW)
            except (CertificateError, DERError) as exc:
                assert REASONS[section] in str(exc), f"{case_id}: refused for another reason: {exc}"
                return
            raise AssertionError(f"{case_id}: an invalid path was accepted")
    return Case(SOURCE, case_id, run)


def certificate_files() -> list[str]:
    """Every PKITS file these tests read."""
    names = {TRUST_ANCHOR}
    for _, ee, cas, _ in TESTS:
        names.add(ee + ".crt")
        names.update(name + ".crt" for name in cas)
    return sorted(names)


def cases():
    for section, ee, cas, expected in TESTS:
        yield _case(section, ee, cas, expected)
