"""`python -m refkx trace x509 [FILE] [--issuer FILE] [--pem]`: a certificate as its DER tree,
then its signature check step by step.

The tree has one line per DER element (ITU-T X.690): the offset of its first octet in
the file, header and content lengths, the tag, and what the element is in RFC 5280
§4.1 (tbsCertificate, serialNumber, issuer, ...) with its decoded value: object
identifiers with their names, strings, times as UTC, integers (long ones shortened),
and the DER inside OCTET STRINGs and BIT STRINGs that carry DER (extension values,
the RSA public key) walked the same way, at their true offsets.

Then the signature (RFC 5280 §4.1.1.3) with the issuer's key: the bytes signed
(tbsCertificate), their hash, and for sha*WithRSAEncryption the RSASSA-PKCS1-v1_5
verification of RFC 8017 §8.2.2: m = s^e mod n, EM = I2OSP(m, k), its layout
0x00 0x01 PS 0x00 T, the DigestInfo T parsed, and the comparison with the hash. For
RSASSA-PSS the parameters and the verdict are shown.

FILE is PEM or DER (read with refkx.x509); `--pem` reads PEM from standard input.
Without FILE, NIST PKITS's "Good CA" certificate (vectors/x509/pkits/) is traced
with its issuer, the PKITS trust anchor. A self-signed certificate is checked with
its own key; otherwise --issuer names the issuer's certificate (without it the
signature step says so and stops). The exit status is 1 when the signature does
not verify or the input is not a certificate.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from .. import asn1, serialization, x509
from ..encoding import i2osp, os2ip
from ..errors import CertificateError, DERError
from ..rsa import PKCS1v15, RSAPublicKey

PKITS_DIR = Path(__file__).resolve().parents[2] / "vectors" / "x509" / "pkits"
DEFAULT_CERTIFICATE = PKITS_DIR / "GoodCACert.crt"
DEFAULT_ISSUER = PKITS_DIR / "TrustAnchorRootCertificate.crt"
SHOWN_OCTETS = 12            # long values print their first and last octets
TAG_COLUMN = 28              # width of the indented tag column
TBS_FIELDS = ("serialNumber", "signature", "issuer", "validity", "subject",
              "subjectPublicKeyInfo")
OID_NAMES = {
    **{oid: name for oid, (name, _) in x509.SIGNATURE_ALGORITHMS.items()},
    **x509.EXTENSION_NAMES, **serialization.ALGORITHM_NAMES,
    **{oid: f"id-at {name}" for oid, name in x509.ATTRIBUTE_NAMES.items()},
    "1.2.840.113549.1.9.1": "emailAddress",
    **{oid: name for oid, name in x509.HASH_OIDS.items()},
    x509.OID_MGF1: "id-mgf1",
    x509.OID_SERVER_AUTH: "id-kp-serverAuth", x509.OID_CLIENT_AUTH: "id-kp-clientAuth",
    "1.3.6.1.5.5.7.3.3": "id-kp-codeSigning", "1.3.6.1.5.5.7.3.4": "id-kp-emailProtection",
    "2.5.29.32.0": "anyPolicy",
}


def _short(data: bytes) -> str:
    if len(data) <= 2 * SHOWN_OCTETS:
        return data.hex()
    return f"{data[:SHOWN_OCTETS].hex()}...{data[-SHOWN_OCTETS:].hex()}"


def _value(element: asn1.Element) -> str:
    """The decoded value of a primitive element, as one short string."""
    if element.tag_class != asn1.CLASS_UNIVERSAL:
        return f"{len(element.content)} octets {_short(element.content)}"
    number = element.number
    if number == asn1.INTEGER:
        value = asn1.decode_integer(element)
        if value.bit_length() <= 64:
            return str(value)
        return f"{value.bit_length()}-bit integer 0x{_short(element.content)}"
    if number == asn1.OBJECT_IDENTIFIER:
        oid = asn1.decode_oid(element)
        return f"{oid} ({OID_NAMES[oid]})" if oid in OID_NAMES else oid
    if number == asn1.BOOLEAN:
        return "TRUE" if asn1.decode_boolean(element) else "FALSE"
    if number == asn1.NULL:
        asn1.decode_null(element)
        return "NULL"
    if number in (asn1.UTC_TIME, asn1.GENERALIZED_TIME):
        return (f"{element.content.decode('ascii')} = "
                f"{asn1.decode_time(element):%Y-%m-%d %H:%M:%S} UTC")
    if number in asn1.STRING_TAGS:
        return repr(asn1.decode_string(element))
    if number == asn1.BIT_STRING:
        data, unused = asn1.decode_bit_string(element)
        return f"{len(data)} octets, {unused} unused bits: {_short(data)}"
    return f"{len(element.content)} octets {_short(element.content)}"


def _extension_meaning(oid: str, value: asn1.Element) -> str:
    """What refkx.x509 reads from the known extensions (RFC 5280 §4.2.1)."""
    extension = x509.Extension(oid, False, value.content, value.content_offset)
    if oid == x509.OID_KEY_USAGE:
        bits = x509._key_usage(extension)
        return "keyUsage bits: " + ", ".join(n for n in x509.KEY_USAGE_BITS if n in bits)
    if oid == x509.OID_BASIC_CONSTRAINTS:
        ca, path_length = x509._basic_constraints(extension)
        return f"cA = {ca}, pathLenConstraint = {path_length}"
    if oid == x509.OID_SUBJECT_ALT_NAME:
        dns, ips = x509._subject_alt_name(extension)
        return "dNSName " + (", ".join(dns) or "none") + "; iPAddress " + (
            ", ".join(map(str, ips)) or "none")
    if oid == x509.OID_EXTENDED_KEY_USAGE:
        return "purposes: " + ", ".join(OID_NAMES.get(o, o)
                                        for o in x509._extended_key_usage(extension))
    return ""


class _Tree:
    """Collects the lines of the DER tree."""

    def __init__(self) -> None:
        self.lines = ["offset  hdr+len    tag                  field: value"]

    def line(self, element: asn1.Element, depth: int, label: str, value: str = "") -> None:
        head = f"{element.offset:6d}  {element.header_length}+{len(element.content):<7d} "
        tag = f"{'  ' * depth}{element.name}"
        text = f"{head}{tag:<{TAG_COLUMN}} {label}"
        if value:
            text = f"{text}: {value}" if label else f"{text}{value}"
        self.lines.append(text)

    def meaning(self, depth: int, text: str) -> None:
        """A line that says what the element above decodes to (no DER of its own)."""
        self.lines.append(f"{'':6}  {'':9}{'  ' * depth}= {text}")

    def walk(self, element: asn1.Element, depth: int, label: str = "") -> None:
        """Any element: constructed ones recurse, primitive ones print their value."""
        if element.constructed:
            self.line(element, depth, label)
            for child in element.children():
                self.walk(child, depth + 1)
        else:
            self.line(element, depth, label, _value(element))

    def name(self, element: asn1.Element, depth: int, label: str) -> None:
        """Name (§4.1.2.4): RDNs of AttributeTypeAndValue, with the RFC 4514 string."""
        rdns = x509.parse_name(element)
        self.line(element, depth, label, repr(x509.name_to_rfc4514(rdns)))
        for rdn in element.children():
            self.line(rdn, depth + 1, "RelativeDistinguishedName")
            for atv in rdn.children():
                oid, value = atv.children()
                name = x509.ATTRIBUTE_NAMES.get(asn1.decode_oid(oid), "attribute")
                self.line(atv, depth + 2, f"AttributeTypeAndValue ({name})")
                self.line(oid, depth + 3, "type", _value(oid))
                self.walk(value, depth + 3, "value")

    def spki(self, element: asn1.Element, depth: int) -> None:
        self.line(element, depth, "subjectPublicKeyInfo (§4.1.2.7)")
        algorithm, key_bits = element.children()
        self.walk(algorithm, depth + 1, "algorithm")
        self.line(key_bits, depth + 1, "subjectPublicKey", _value(key_bits))
        oid = asn1.decode_oid(algorithm.children()[0])
        if oid in (serialization.OID_RSA_ENCRYPTION, serialization.OID_RSASSA_PSS):
            data, _ = asn1.decode_bit_string(key_bits)
            inner = asn1.parse(data, key_bits.content_offset + 1)
            self.line(inner, depth + 2, "RSAPublicKey (RFC 8017 A.1.1)")
            n, e = inner.children()
            self.line(n, depth + 3, "modulus n", _value(n))
            self.line(e, depth + 3, "publicExponent e", _value(e))

    def extensions(self, element: asn1.Element, depth: int) -> None:
        self.line(element, depth, "extensions [3] EXPLICIT (§4.1.2.9)")
        (sequence,) = element.children()
        self.line(sequence, depth + 1, "Extensions")
        for extension in sequence.children():
            fields = extension.children()
            oid = asn1.decode_oid(fields[0])
            name = x509.EXTENSION_NAMES.get(oid, "unknown extension")
            self.line(extension, depth + 2, f"Extension ({name})")
            self.line(fields[0], depth + 3, "extnID", _value(fields[0]))
            for field in fields[1:]:
                if field.is_tag(asn1.BOOLEAN):
                    self.line(field, depth + 3, "critical", _value(field))
                else:
                    self.line(field, depth + 3, "extnValue (OCTET STRING holding DER)")
                    self.walk(asn1.parse(field.content, field.content_offset), depth + 4,
                              f"{name} value")
                    meaning = _extension_meaning(oid, field)
                    if meaning:
                        self.meaning(depth + 4, meaning)

    def certificate(self, der: bytes) -> None:
        certificate = asn1.parse(der)
        self.line(certificate, 0, "Certificate (RFC 5280 §4.1.1)")
        tbs, algorithm, signature = certificate.children()
        self.line(tbs, 1, "tbsCertificate (§4.1.2): the signed bytes")
        fields = tbs.children()
        index = 0
        if fields[0].tag_class == asn1.CLASS_CONTEXT and fields[0].number == 0:
            version = fields[0].children()[0]
            self.line(fields[0], 2, "version [0] EXPLICIT (§4.1.2.1)")
            self.line(version, 3, "Version",
                      f"{asn1.decode_integer(version)} = v{asn1.decode_integer(version) + 1}")
            index = 1
        for label, field in zip(TBS_FIELDS, fields[index:]):
            if label in ("issuer", "subject"):
                self.name(field, 2, label)
            elif label == "subjectPublicKeyInfo":
                self.spki(field, 2)
            else:
                self.walk(field, 2, label)
        for field in fields[index + len(TBS_FIELDS):]:
            if field.tag_class == asn1.CLASS_CONTEXT and field.number == 3:
                self.extensions(field, 2)
            else:
                self.walk(field, 2, f"uniqueIdentifier [{field.number}]")
        self.walk(algorithm, 1, "signatureAlgorithm (§4.1.1.2)")
        self.line(signature, 1, "signatureValue (§4.1.1.3)", _value(signature))


def _signature_lines(certificate: x509.Certificate,
                     issuer: x509.Certificate) -> tuple[list[str], bool]:
    lines = ["", f"Signature check (RFC 5280 §4.1.1.3): {certificate.signature_algorithm}",
             f"  issuer certificate: {issuer.subject}"]
    padding = certificate._signature.padding
    tbs = certificate.tbs_bytes
    start = certificate.der.index(tbs)
    lines.append(f"  1. the signed bytes: tbsCertificate, offsets {start}..{start + len(tbs) - 1}"
                 f" ({len(tbs)} octets)")
    if padding is None:
        lines.append("  refkx cannot check this algorithm (RSA signatures only).")
        return lines, False
    try:
        key = issuer.public_key()
    except ValueError as exc:
        lines.append(f"  the issuer's key cannot be used: {exc}")
        return lines, False
    if not isinstance(key, RSAPublicKey):
        lines.append(f"  the issuer's key is a {type(key).__name__}, not RSA")
        return lines, False
    k = (key.n.bit_length() + 7) // 8
    lines.append(f"  2. issuer's RSA key: n of {key.n.bit_length()} bits (k = {k} octets), "
                 f"e = {key.e}")
    if isinstance(padding, PKCS1v15):
        H = hashlib.new(padding.hash_name, tbs).digest()
        lines.append(f"  3. H = {padding.hash_name}(tbsCertificate) = {H.hex()}")
        lines.append("  4. RSASSA-PKCS1-v1_5 verification, RFC 8017 §8.2.2:")
        S = certificate.signature
        lines.append(f"     S = signatureValue ({len(S)} octets); s = OS2IP(S)")
        s = os2ip(S)
        if len(S) != k or s >= key.n:
            lines.append("     S is not k octets or s >= n: invalid signature")
            return lines, False
        EM = i2osp(pow(s, key.e, key.n), k)
        lines.append("     m = s^e mod n (RSAVP1, §5.2.2); EM = I2OSP(m, k):")
        lines.append(f"       {_short(EM)}")
        ps_end = EM.find(b"\x00", 2)
        if EM[:2] == b"\x00\x01" and ps_end > 2:
            ps = EM[2:ps_end]
            fill = "all 0xff" if ps == b"\xff" * len(ps) else "NOT all 0xff"
            lines.append(f"     EM = 0x00 || 0x01 || PS ({len(ps)} octets, {fill}) "
                         "|| 0x00 || T (EMSA-PKCS1-v1_5, §9.2)")
            T = EM[ps_end + 1:]
            try:
                digest_info = asn1.parse(T)
                algorithm, digest = digest_info.children()
                lines.append(f"     T = DigestInfo: digestAlgorithm "
                             f"{_value(algorithm.children()[0])}, digest "
                             f"{asn1.decode_octet_string(digest).hex()}")
                same = asn1.decode_octet_string(digest) == H
                lines.append(f"  5. digest {'=' if same else '!='} H")
            except DERError as exc:
                lines.append(f"     T is not a DigestInfo: {exc}")
        else:
            lines.append("     EM does not start 0x00 0x01 PS 0x00: invalid signature")
    else:
        lines.append(f"  3. RSASSA-PSS (RFC 8017 §8.1.2) with hash {padding.hash_name}, "
                     f"MGF1-{padding.mgf_hash_name}, salt length {padding.salt_length} "
                     "(RFC 4055 §3.1 parameters)")
    try:
        certificate._check_signature(issuer)
    except CertificateError as exc:
        lines.append(f"verdict: {exc}")
        return lines, False
    lines.append("verdict: signature valid (EM' = EMSA-ENCODE(tbsCertificate) equals EM)")
    return lines, True


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None


def _certificate_der(data: bytes) -> bytes:
    if b"-----BEGIN" in data:
        _, der = serialization.pem_decode(data, (x509.PEM_LABEL,) + x509.PEM_LEGACY_LABELS)
        return der
    return data


def x509_lines(file: str | None = None, issuer_file: str | None = None,
               pem_stdin: bool = False) -> tuple[list[str], int]:
    """(lines, exit status): the tree and the signature check, as the module doc says."""
    if pem_stdin:
        data, source = sys.stdin.buffer.read(), "standard input"
    elif file is not None:
        data, source = _read(file), file
    else:
        data, source = DEFAULT_CERTIFICATE.read_bytes(), "NIST PKITS GoodCACert.crt"
        if issuer_file is None:
            issuer_file = str(DEFAULT_ISSUER)
    try:
        der = _certificate_der(data)
        tree = _Tree()
        lines = [f"X.509 certificate from {source}: {len(der)} octets of DER", ""]
        tree.certificate(der)
        certificate = x509.load_der_x509_certificate(der)
    except DERError as exc:
        return [f"not a certificate refkx accepts: {exc}"], 1
    lines += tree.lines
    lines += ["", f"subject: {certificate.subject}", f"issuer:  {certificate.issuer}",
              f"valid:   {certificate.not_valid_before:%Y-%m-%d %H:%M:%S} to "
              f"{certificate.not_valid_after:%Y-%m-%d %H:%M:%S} UTC",
              f"pin:     {certificate.spki_pin()}"]
    if issuer_file is not None:
        issuer = x509.load_der_x509_certificate(_certificate_der(_read(issuer_file)))
    elif certificate.is_self_issued():
        issuer = certificate
    else:
        lines += ["", "Signature check: the certificate is not self-issued; give the issuer's "
                  "certificate with --issuer FILE"]
        return lines, 0
    signature_lines, ok = _signature_lines(certificate, issuer)
    return lines + signature_lines, 0 if ok else 1
