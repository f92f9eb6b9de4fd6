"""X.509 certificates: RFC 5280 (May 2008) §4.1 parsing, §4.2.1 extensions, an honest
subset of §6.1 path validation, and issuing certificates field by field.

Reading. `load_der_x509_certificate(der)` / `load_pem_x509_certificate(pem)`
(and `load_pem_x509_certificates` for a chain) parse

    Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }   §4.1.1

checking that signatureAlgorithm equals tbsCertificate.signature (§4.1.1.2).
Names become RFC 4514 strings, validity aware UTC datetimes (§4.1.2.5), the
extensions basicConstraints, keyUsage, extendedKeyUsage, subjectAltName
(dNSName, iPAddress), subjectKeyIdentifier and authorityKeyIdentifier are
decoded (§4.2.1.1-4.2.1.12); every other extension is kept as bytes. Input that
is not DER, or not this structure, raises refkx.errors.DERError (a ValueError).

Checking. `verify_chain(leaf, intermediates, anchors, hostname, now)` builds a
path from the leaf to one of the trust anchors by name chaining and checks, for
every certificate on it (§6.1.3, §6.1.4): the signature with the issuer's key
(sha*WithRSAEncryption = RSASSA-PKCS1-v1_5, and RSASSA-PSS with the RFC 4055
§3.1 parameters); the validity period at `now`; issuer name = the issuer's
subject (§7.1 comparison: case-insensitive, whitespace-folded strings); for
issuers, basicConstraints cA = TRUE, pathLenConstraint (self-issued
certificates not counted) and keyUsage keyCertSign when keyUsage is present;
that no critical extension is one refkx does not process. Then the hostname
against the leaf's subjectAltName (RFC 9525 §6.3: DNS-IDs only, exact or one
wildcard as the whole left-most label, ASCII case-insensitive; IP addresses
against iPAddress). Not checked: revocation (CRL, OCSP), certificate policies,
name constraints, extended key usage, AKI/SKI matching (used only as hints by
others); a trust anchor's own fields are not validated (§6.1.1 d: it is input),
except that its pathLenConstraint applies (RFC 5937 §3).

Every failure is a refkx.errors.CertificateError whose message names the check
and whose `.alert` is the TLS alert for it (RFC 8446 §6.2): certificate_expired,
unknown_ca, bad_certificate, unsupported_certificate.

Signatures refkx can check: RSA only (PKCS #1 v1.5 with SHA-1/224/256/384/512 and
PSS); ECDSA, EdDSA and DSA certificates parse but their signatures raise
CertificateError("unsupported signature algorithm"). SHA-1 is accepted because
the NIST PKITS suite and older roots use it; a deployment would refuse it.

CPython is not constant-time: refkx teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from . import asn1, serialization
from .errors import CertificateError, DERError, InvalidSignature, UnsupportedAlgorithm
from .rsa import PKCS1v15, PSS, RSAPrivateKey, RSAPublicKey

__all__ = [
    "Certificate", "Extension", "load_der_x509_certificate", "load_pem_x509_certificate",
    "load_pem_x509_certificates", "issue_certificate", "verify_chain", "parse_name",
    "name_to_rfc4514", "encode_name", "names_match", "hostname_matches",
    "SIGNATURE_ALGORITHMS", "EXTENSION_NAMES", "ATTRIBUTE_NAMES",
]

UTC = datetime.timezone.utc
PEM_LABEL = "CERTIFICATE"                # RFC 7468 §5
PEM_LEGACY_LABELS = ("X509 CERTIFICATE", "X.509 CERTIFICATE")   # RFC 7468 §5.1: accepted

# RFC 5280 §4.1.2.1: Version ::= INTEGER { v1(0), v2(1), v3(2) }.
VERSION_V1, VERSION_V2, VERSION_V3 = 0, 1, 2
MAX_SERIAL_OCTETS = 20                   # §4.1.2.2: at most 20 octets
SERIAL_OCTETS = 16                       # what issue_certificate draws (positive, 127 bits)
MAX_PATH_CERTIFICATES = 16               # path building stops here (bounds the work)

# --- signature algorithms (RFC 4055 §5, RFC 8017 Appendix A.2.4, RFC 4055 §3.1) ---
OID_RSASSA_PSS = "1.2.840.113549.1.1.10"
OID_MGF1 = "1.2.840.113549.1.1.8"
SIGNATURE_ALGORITHMS = {                 # OID -> (name, hash for PKCS #1 v1.5 or None)
    "1.2.840.113549.1.1.2": ("md2WithRSAEncryption", None),
    "1.2.840.113549.1.1.4": ("md5WithRSAEncryption", None),
    "1.2.840.113549.1.1.5": ("sha1WithRSAEncryption", "sha1"),
    "1.3.14.3.2.29": ("sha1WithRSASignature", "sha1"),        # the older OIW identifier
    "1.2.840.113549.1.1.14": ("sha224WithRSAEncryption", "sha224"),
    "1.2.840.113549.1.1.11": ("sha256WithRSAEncryption", "sha256"),
    "1.2.840.113549.1.1.12": ("sha384WithRSAEncryption", "sha384"),
    "1.2.840.113549.1.1.13": ("sha512WithRSAEncryption", "sha512"),
    OID_RSASSA_PSS: ("RSASSA-PSS", None),
    "1.2.840.10045.4.1": ("ecdsa-with-SHA1", None),
    "1.2.840.10045.4.3.2": ("ecdsa-with-SHA256", None),
    "1.2.840.10045.4.3.3": ("ecdsa-with-SHA384", None),
    "1.2.840.10045.4.3.4": ("ecdsa-with-SHA512", None),
    "1.3.101.112": ("Ed25519", None), "1.3.101.113": ("Ed448", None),
    "1.2.840.10040.4.3": ("dsa-with-sha1", None),
    "2.16.840.1.101.3.4.3.2": ("dsa-with-sha256", None),
}
SIGNATURE_OIDS = {name: oid for oid, (name, _) in SIGNATURE_ALGORITHMS.items()}
# RFC 5758 §3.2 (ECDSA), RFC 3279 §2.2.2 / RFC 5758 §3.1 (DSA), RFC 8410 §3 (EdDSA):
# these signature AlgorithmIdentifiers have no parameters.
NO_PARAMETER_SIGNATURES = frozenset(oid for oid, (name, _) in SIGNATURE_ALGORITHMS.items()
                                    if name.startswith(("ecdsa", "dsa", "Ed")))
HASH_OIDS = {                            # RFC 4055 §2.1 / NIST CSOR
    "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
PSS_DEFAULT_SALT_LENGTH = 20             # RFC 4055 §3.1: saltLength DEFAULT 20
PSS_TRAILER_FIELD_BC = 1                 # RFC 4055 §3.1: trailerField DEFAULT trailerFieldBC(1)

# --- name attributes (RFC 5280 Appendix A.1; RFC 4514 §3 short names) ---
ATTRIBUTE_NAMES = {
    "2.5.4.3": "CN", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
    "2.5.4.6": "C", "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}
ATTRIBUTE_OIDS = {name: oid for oid, name in ATTRIBUTE_NAMES.items()}
ATTRIBUTE_OIDS["EMAILADDRESS"] = "1.2.840.113549.1.9.1"     # accepted when writing
# How issue_certificate writes each value (RFC 5280 §4.1.2.4: UTF8String, except
# countryName PrintableString, X.520; domainComponent and emailAddress IA5String).
_ATTRIBUTE_STRING_TAGS = {"2.5.4.6": asn1.PRINTABLE_STRING,
                          "0.9.2342.19200300.100.1.25": asn1.IA5_STRING,
                          "1.2.840.113549.1.9.1": asn1.IA5_STRING}
RFC4514_SPECIAL = ',+"\\<>;'             # RFC 4514 §2.4: escaped with a backslash

# --- extensions (RFC 5280 §4.2.1) ---
OID_SUBJECT_KEY_IDENTIFIER = "2.5.29.14"
OID_KEY_USAGE = "2.5.29.15"
OID_SUBJECT_ALT_NAME = "2.5.29.17"
OID_BASIC_CONSTRAINTS = "2.5.29.19"
OID_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35"
OID_EXTENDED_KEY_USAGE = "2.5.29.37"
EXTENSION_NAMES = {
    OID_SUBJECT_KEY_IDENTIFIER: "subjectKeyIdentifier", OID_KEY_USAGE: "keyUsage",
    OID_SUBJECT_ALT_NAME: "subjectAltName", OID_BASIC_CONSTRAINTS: "basicConstraints",
    OID_AUTHORITY_KEY_IDENTIFIER: "authorityKeyIdentifier",
    OID_EXTENDED_KEY_USAGE: "extendedKeyUsage",
    "2.5.29.32": "certificatePolicies", "2.5.29.30": "nameConstraints",
    "2.5.29.31": "cRLDistributionPoints", "1.3.6.1.5.5.7.1.1": "authorityInfoAccess",
    "2.5.29.36": "policyConstraints", "2.5.29.54": "inhibitAnyPolicy",
    "2.5.29.33": "policyMappings", "2.5.29.18": "issuerAltName",
}
# The extensions verify_chain processes; any other marked critical fails (§4.2, §6.1.4 o).
PROCESSED_EXTENSIONS = frozenset({OID_SUBJECT_KEY_IDENTIFIER, OID_KEY_USAGE,
                                  OID_SUBJECT_ALT_NAME, OID_BASIC_CONSTRAINTS,
                                  OID_AUTHORITY_KEY_IDENTIFIER, OID_EXTENDED_KEY_USAGE})
KEY_USAGE_BITS = ("digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
                  "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly")
OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"   # §4.2.1.12 id-kp-serverAuth
OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"

# GeneralName CHOICE tags (§4.2.1.6): [1] rfc822Name, [2] dNSName, [4] directoryName,
# [6] uniformResourceIdentifier, [7] iPAddress.
GN_RFC822_NAME, GN_DNS_NAME, GN_DIRECTORY_NAME, GN_URI, GN_IP_ADDRESS = 1, 2, 4, 6, 7

ALERT_EXPIRED = "certificate_expired"
ALERT_UNKNOWN_CA = "unknown_ca"
ALERT_BAD = "bad_certificate"
ALERT_UNSUPPORTED = "unsupported_certificate"


# --- names ----------------------------------------------------------------------

@dataclass(frozen=True)
class Attribute:
    """AttributeTypeAndValue (§4.1.2.4): type OID, decoded text (None if not a string), DER."""

    oid: str
    value: Optional[str]
    value_der: bytes


def parse_name(element: asn1.Element) -> tuple[tuple[Attribute, ...], ...]:
    """Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF ATV."""
    rdns = []
    for rdn in element.expect(asn1.SEQUENCE).children():
        attributes = []
        for atv in rdn.expect(asn1.SET).children():
            r = atv.expect(asn1.SEQUENCE).reader()
            oid = asn1.decode_oid(r.next(asn1.OBJECT_IDENTIFIER))
            value = r.next()
            r.finish()
            if value.tag_class != asn1.CLASS_UNIVERSAL:
                # Every attribute type of RFC 5280 Appendix A has a universal type.
                raise DERError(f"DER error at offset {value.offset}: attribute value with "
                               f"tag {value.name}")
            text = asn1.decode_string(value) if value.number in asn1.STRING_TAGS else None
            attributes.append(Attribute(oid, text, value.encoding))
        if not attributes:
            raise DERError(f"DER error at offset {rdn.offset}: empty RelativeDistinguishedName")
        rdns.append(tuple(attributes))
    return tuple(rdns)


def _escape_rfc4514(value: str) -> str:
    """RFC 4514 §2.4: backslash before the special characters, a leading '#' or space,
    a trailing space; NUL as \\00."""
    if not value:
        return ""
    out = "".join("\\" + c if c in RFC4514_SPECIAL else ("\\00" if c == "\0" else c)
                  for c in value)
    if out[0] in "# ":
        out = "\\" + out
    if out.endswith(" ") and not out.endswith("\\ "):
        out = out[:-1] + "\\ "
    return out


def name_to_rfc4514(rdns) -> str:
    """RFC 4514 §2.1: the RDNs in reverse order, joined by ','; a multi-valued RDN by '+'.

    Types are the §3 short names (CN, O, ...) or the dotted OID; a value that is not
    a string is '#' followed by the hex of its DER (§2.4).
    """
    parts = []
    for rdn in reversed(rdns):
        parts.append("+".join(
            f"{ATTRIBUTE_NAMES.get(a.oid, a.oid)}="
            + (_escape_rfc4514(a.value) if a.value is not None else "#" + a.value_der.hex())
            for a in rdn))
    return ",".join(parts)


def _fold(value: str) -> str:
    """RFC 5280 §7.1 (after RFC 4518): compatibility-normalize, case-fold, and compress
    insignificant white space, so that "Good  CA" and "good ca" compare equal."""
    value = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(value.split())


def _attribute_key(attribute: Attribute):
    if attribute.value is not None:
        return (attribute.oid, "text", _fold(attribute.value))
    return (attribute.oid, "der", attribute.value_der)


def names_match(a, b) -> bool:
    """RFC 5280 §7.1: same number of RDNs, in order, each the same set of attributes,
    strings compared after `_fold`, other values byte for byte."""
    if len(a) != len(b):
        return False
    return all(sorted(map(_attribute_key, x)) == sorted(map(_attribute_key, y))
               for x, y in zip(a, b))


def _split_unescaped(text: str, separator: str) -> list[str]:
    parts, current, i = [], "", 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            current += text[i:i + 2]
            i += 2
            continue
        if c == separator:
            parts.append(current)
            current = ""
        else:
            current += c
        i += 1
    parts.append(current)
    return parts


def _unescape(value: str) -> str:
    """RFC 4514 §3: '\\' followed by a special character, or by two hex digits (a UTF-8 octet)."""
    out = bytearray()
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            pair = value[i + 1:i + 3]
            if re.fullmatch(r"[0-9A-Fa-f]{2}", pair):
                out += bytes.fromhex(pair)
                i += 3
                continue
            if i + 1 >= len(value):
                raise ValueError(f"dangling backslash in {value!r}")
            out += value[i + 1].encode("utf-8")
            i += 2
            continue
        out += c.encode("utf-8")
        i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"escaped octets in {value!r} are not UTF-8") from None


def encode_name(rfc4514: str) -> bytes:
    """DER Name from an RFC 4514 string such as "CN=localhost,O=refkx" (last RDN first)."""
    if not isinstance(rfc4514, str):
        raise TypeError(f"a name must be an RFC 4514 str, not {type(rfc4514).__name__}")
    rdns = []
    if rfc4514.strip():
        for rdn_text in _split_unescaped(rfc4514, ","):
            attributes = []
            for atv in _split_unescaped(rdn_text, "+"):
                key, sep, value = atv.partition("=")
                key = key.strip()
                if not sep or not key:
                    raise ValueError(f"{atv!r} is not TYPE=value (RFC 4514 §3)")
                oid = ATTRIBUTE_OIDS.get(key.upper())
                if oid is None:
                    if not re.fullmatch(r"[0-9]+(\.[0-9]+)+", key):
                        raise ValueError(f"unknown attribute type {key!r}")
                    oid = key
                if value.startswith("#"):
                    raise ValueError("hex-encoded attribute values are not supported when writing")
                text = _unescape(value)
                tag = _ATTRIBUTE_STRING_TAGS.get(oid, asn1.UTF8_STRING)
                attributes.append(asn1.encode_sequence(asn1.encode_oid(oid),
                                                       asn1.encode_string(text, tag)))
            rdns.append(asn1.encode_set_of(attributes))
    return asn1.encode_sequence(*reversed(rdns))


# --- extensions --------------------------------------------------------------------

@dataclass(frozen=True)
class Extension:
    """Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue } (§4.1)."""

    oid: str
    critical: bool
    value: bytes                          # the DER inside extnValue's OCTET STRING
    offset: int                           # where that DER starts in the certificate

    @property
    def name(self) -> str:
        return EXTENSION_NAMES.get(self.oid, self.oid)


def _parse_extensions(element: asn1.Element) -> tuple[Extension, ...]:
    extensions = []
    seen = set()
    for item in element.expect(asn1.SEQUENCE).children():
        r = item.expect(asn1.SEQUENCE).reader()
        oid = asn1.decode_oid(r.next(asn1.OBJECT_IDENTIFIER))
        critical = False
        flag = r.optional(asn1.BOOLEAN, asn1.CLASS_UNIVERSAL)
        if flag is not None:
            critical = asn1.decode_boolean(flag)
            if not critical:   # X.690 §11.5: a DEFAULT value is not encoded in DER
                raise DERError(f"DER error at offset {flag.offset}: critical FALSE encoded "
                               "(DER omits DEFAULT values)")
        value = r.next(asn1.OCTET_STRING)
        r.finish()
        if oid in seen:        # §4.2: "MUST NOT include more than one instance"
            raise DERError(f"DER error at offset {item.offset}: duplicate extension {oid}")
        seen.add(oid)
        extensions.append(Extension(oid, critical, value.content, value.content_offset))
    if not extensions:        # §4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
        raise DERError(f"DER error at offset {element.offset}: empty extensions")
    return tuple(extensions)


def _basic_constraints(ext: Extension) -> tuple[bool, Optional[int]]:
    """§4.2.1.9 BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint }."""
    r = asn1.parse(ext.value, ext.offset).expect(asn1.SEQUENCE).reader()
    ca = False
    flag = r.optional(asn1.BOOLEAN, asn1.CLASS_UNIVERSAL)
    if flag is not None:
        ca = asn1.decode_boolean(flag)
        if not ca:
            raise DERError(f"DER error at offset {flag.offset}: cA FALSE encoded (DEFAULT)")
    path_length = None
    length = r.optional(asn1.INTEGER, asn1.CLASS_UNIVERSAL)
    if length is not None:
        path_length = asn1.decode_integer(length)
        if path_length < 0:
            raise DERError(f"DER error at offset {length.offset}: negative pathLenConstraint")
    r.finish()
    return ca, path_length


def _key_usage(ext: Extension) -> frozenset[str]:
    """§4.2.1.3 KeyUsage ::= BIT STRING; bit 0 is the most significant bit of the first octet."""
    data, unused = asn1.decode_bit_string(asn1.parse(ext.value, ext.offset))
    bits = len(data) * 8 - unused
    return frozenset(name for i, name in enumerate(KEY_USAGE_BITS)
                     if i < bits and data[i // 8] & (0x80 >> (i % 8)))


def _extended_key_usage(ext: Extension) -> tuple[str, ...]:
    items = asn1.parse(ext.value, ext.offset).expect(asn1.SEQUENCE).children()
    if not items:
        raise DERError(f"DER error at offset {ext.offset}: empty extendedKeyUsage")
    return tuple(asn1.decode_oid(item) for item in items)


def _general_names(ext: Extension) -> list[asn1.Element]:
    names = asn1.parse(ext.value, ext.offset).expect(asn1.SEQUENCE).children()
    if not names:             # GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
        raise DERError(f"DER error at offset {ext.offset}: empty GeneralNames")
    for name in names:
        if name.tag_class != asn1.CLASS_CONTEXT:
            raise DERError(f"DER error at offset {name.offset}: GeneralName must be "
                           "context-tagged")
    return names


def _ia5(element: asn1.Element) -> str:
    if element.constructed:
        raise DERError(f"DER error at offset {element.offset}: IA5String must be primitive")
    try:
        return element.content.decode("ascii")
    except UnicodeDecodeError:
        raise DERError(f"DER error at offset {element.offset}: IA5String "
                       "with a non-ASCII octet") from None


def _subject_alt_name(ext: Extension) -> tuple[tuple[str, ...], tuple]:
    """§4.2.1.6: the dNSName [2] IA5String and iPAddress [7] OCTET STRING entries."""
    dns_names, ip_addresses = [], []
    for name in _general_names(ext):
        if name.number == GN_DNS_NAME:
            dns_names.append(_ia5(name))
        elif name.number == GN_IP_ADDRESS:
            if name.constructed or len(name.content) not in (4, 16):
                raise DERError(f"DER error at offset {name.offset}: iPAddress must be 4 or "
                               "16 octets")
            ip_addresses.append(ipaddress.ip_address(name.content))
    return tuple(dns_names), tuple(ip_addresses)


def _authority_key_identifier(ext: Extension) -> Optional[bytes]:
    """§4.2.1.1 AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
    authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL }."""
    r = asn1.parse(ext.value, ext.offset).expect(asn1.SEQUENCE).reader()
    key_id = r.optional(0)
    issuer = r.optional(1)
    serial = r.optional(2)
    r.finish()
    if issuer is not None:
        issuer.children()
    if serial is not None:
        asn1.decode_integer(serial, asn1.CLASS_CONTEXT, 2)
    if (issuer is None) != (serial is None):
        raise DERError(f"DER error at offset {ext.offset}: authorityCertIssuer and "
                       "authorityCertSerialNumber come together")
    return None if key_id is None else asn1.decode_octet_string(key_id, asn1.CLASS_CONTEXT, 0)


# --- the certificate ---------------------------------------------------------------

@dataclass(frozen=True)
class _Signature:
    """A parsed AlgorithmIdentifier for a signature: the OID, its DER, and how to verify."""

    oid: str
    der: bytes
    padding: object            # PKCS1v15 / PSS, or None when refkx cannot verify this algorithm

    @property
    def name(self) -> str:
        return SIGNATURE_ALGORITHMS.get(self.oid, (self.oid, None))[0]


def _explicit(element: asn1.Element) -> asn1.Element:
    """The one element inside an EXPLICIT context tag; DERError for none or several."""
    inner = element.children()
    if len(inner) != 1:
        raise DERError(f"DER error at offset {element.offset}: {element.name} EXPLICIT must "
                       f"hold one element, holds {len(inner)}")
    return inner[0]


def _hash_algorithm(element: asn1.Element) -> str:
    """RFC 4055 §2.1 HashAlgorithm: an AlgorithmIdentifier with NULL or absent parameters."""
    r = element.expect(asn1.SEQUENCE).reader()
    oid = asn1.decode_oid(r.next(asn1.OBJECT_IDENTIFIER))
    if not r.at_end():
        asn1.decode_null(r.next())
    r.finish()
    if oid not in HASH_OIDS:
        raise UnsupportedAlgorithm(f"hash {oid} is not supported")
    return HASH_OIDS[oid]


def _pss_parameters(element: Optional[asn1.Element], offset: int) -> PSS:
    """RFC 4055 §3.1 RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] DEFAULT sha1,
    maskGenAlgorithm [1] DEFAULT mgf1SHA1, saltLength [2] DEFAULT 20, trailerField [3] }."""
    if element is None:
        raise DERError(f"DER error at offset {offset}: RSASSA-PSS needs parameters")
    r = element.expect(asn1.SEQUENCE).reader()
    hash_name, mgf_hash_name, salt_length = "sha1", "sha1", PSS_DEFAULT_SALT_LENGTH
    field = r.optional(0)
    if field is not None:
        hash_name = _hash_algorithm(_explicit(field))
    field = r.optional(1)
    if field is not None:
        mr = _explicit(field).expect(asn1.SEQUENCE).reader()
        if asn1.decode_oid(mr.next(asn1.OBJECT_IDENTIFIER)) != OID_MGF1:
            raise UnsupportedAlgorithm("only MGF1 is supported for RSASSA-PSS")
        mgf_hash_name = _hash_algorithm(mr.next())
        mr.finish()
    field = r.optional(2)
    if field is not None:
        inner = _explicit(field)
        salt_length = asn1.decode_integer(inner)
        if salt_length < 0:
            raise DERError(f"DER error at offset {inner.offset}: negative saltLength")
    field = r.optional(3)
    if field is not None:
        inner = _explicit(field)
        if asn1.decode_integer(inner) != PSS_TRAILER_FIELD_BC:
            raise DERError(f"DER error at offset {inner.offset}: trailerField must be 1")
    r.finish()
    return PSS(hash_name, salt_length, mgf_hash_name)


def _parse_signature_algorithm(element: asn1.Element) -> _Signature:
    r = element.expect(asn1.SEQUENCE).reader()
    oid = asn1.decode_oid(r.next(asn1.OBJECT_IDENTIFIER))
    parameters = None if r.at_end() else r.next()
    r.finish()
    if oid in NO_PARAMETER_SIGNATURES and parameters is not None:
        raise DERError(f"DER error at offset {parameters.offset}: {SIGNATURE_ALGORITHMS[oid][0]} "
                       "takes no parameters")
    padding = None
    try:
        if oid == OID_RSASSA_PSS:
            padding = _pss_parameters(parameters, element.offset)
        elif SIGNATURE_ALGORITHMS.get(oid, (None, None))[1] is not None:
            # RFC 4055 §5 / RFC 8017 A.2.4: parameters NULL (absent is tolerated on input).
            if parameters is not None:
                asn1.decode_null(parameters)
            padding = PKCS1v15(SIGNATURE_ALGORITHMS[oid][1])
    except (UnsupportedAlgorithm, ValueError) as exc:
        if isinstance(exc, DERError):
            raise
        padding = None
    return _Signature(oid, element.encoding, padding)


class Certificate:
    """A parsed X.509 v1/v2/v3 certificate (RFC 5280 §4.1); immutable.

    Attributes: der, tbs_bytes, version (1-3), serial_number, signature_algorithm
    (name), signature_algorithm_oid, signature, issuer / subject (RFC 4514
    strings), not_valid_before / not_valid_after (aware UTC datetimes),
    spki_der, extensions (tuple of Extension), basic_constraints ((ca,
    path_length) or None), key_usage (frozenset of names or None),
    extended_key_usage (tuple of OIDs or None), dns_names, ip_addresses,
    subject_key_identifier, authority_key_identifier.
    """

    def __init__(self, der: bytes) -> None:
        der = bytes(der) if isinstance(der, (bytes, bytearray, memoryview)) else der
        certificate = asn1.parse(der)
        r = certificate.expect(asn1.SEQUENCE).reader()
        tbs = r.next(asn1.SEQUENCE)
        outer_algorithm = _parse_signature_algorithm(r.next(asn1.SEQUENCE))
        signature, unused = asn1.decode_bit_string(r.next(asn1.BIT_STRING))
        r.finish()
        if unused:
            raise DERError(f"DER error at offset {certificate.offset}: signatureValue has "
                           "unused bits")
        self.der = der
        self.tbs_bytes = tbs.encoding
        self.signature = signature
        self._signature = outer_algorithm
        self.signature_algorithm_oid = outer_algorithm.oid
        self.signature_algorithm = outer_algorithm.name
        self._parse_tbs(tbs, outer_algorithm)

    def _parse_tbs(self, tbs: asn1.Element, outer_algorithm: _Signature) -> None:
        # §4.1: TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber,
        # signature, issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1],
        # subjectUniqueID [2], extensions [3] EXPLICIT }.
        r = tbs.reader()
        version = VERSION_V1
        explicit = r.optional(0)
        if explicit is not None:
            inner = _explicit(explicit)
            version = asn1.decode_integer(inner)
            if version not in (VERSION_V2, VERSION_V3):
                # v1 is the DEFAULT, so DER never encodes it (X.690 §11.5).
                raise DERError(f"DER error at offset {inner.offset}: version {version}")
        self.version = version + 1
        serial = r.next(asn1.INTEGER)
        self.serial_number = asn1.decode_integer(serial)
        if len(serial.content) > MAX_SERIAL_OCTETS + 1:
            raise DERError(f"DER error at offset {serial.offset}: serialNumber longer than "
                           f"{MAX_SERIAL_OCTETS} octets")
        inner_algorithm = r.next(asn1.SEQUENCE)
        # §4.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier as
        # the signature field in the sequence tbsCertificate".
        if inner_algorithm.encoding != outer_algorithm.der:
            raise DERError(f"DER error at offset {inner_algorithm.offset}: tbsCertificate."
                           "signature differs from signatureAlgorithm")
        issuer = r.next(asn1.SEQUENCE)
        self._issuer = parse_name(issuer)
        self.issuer_der = issuer.encoding
        validity = r.next(asn1.SEQUENCE).reader()
        self.not_valid_before = asn1.decode_time(validity.next())
        self.not_valid_after = asn1.decode_time(validity.next())
        validity.finish()
        subject = r.next(asn1.SEQUENCE)
        self._subject = parse_name(subject)
        self.subject_der = subject.encoding
        spki = r.next(asn1.SEQUENCE)
        self._spki = spki
        self.spki_der = spki.encoding
        algorithm = spki.reader().next(asn1.SEQUENCE)
        self.public_key_algorithm_oid = asn1.decode_oid(algorithm.reader().next(
            asn1.OBJECT_IDENTIFIER))
        for number in (1, 2):       # issuerUniqueID / subjectUniqueID [n] IMPLICIT BIT STRING
            unique = r.optional(number)
            if unique is not None:
                if version == VERSION_V1 or unique.constructed:
                    raise DERError(f"DER error at offset {unique.offset}: bad unique identifier")
        extensions = r.optional(3)
        r.finish()
        self.extensions: tuple[Extension, ...] = ()
        if extensions is not None:
            if version != VERSION_V3:
                raise DERError(f"DER error at offset {extensions.offset}: extensions need v3")
            inner = _explicit(extensions)
            self.extensions = _parse_extensions(inner)
        by_oid = {ext.oid: ext for ext in self.extensions}
        self.basic_constraints = (_basic_constraints(by_oid[OID_BASIC_CONSTRAINTS])
                                  if OID_BASIC_CONSTRAINTS in by_oid else None)
        self.key_usage = (_key_usage(by_oid[OID_KEY_USAGE]) if OID_KEY_USAGE in by_oid
                          else None)
        self.extended_key_usage = (_extended_key_usage(by_oid[OID_EXTENDED_KEY_USAGE])
                                   if OID_EXTENDED_KEY_USAGE in by_oid else None)
        self.dns_names, self.ip_addresses = ((), ())
        if OID_SUBJECT_ALT_NAME in by_oid:
            self.dns_names, self.ip_addresses = _subject_alt_name(by_oid[OID_SUBJECT_ALT_NAME])
        self.subject_key_identifier = None
        if OID_SUBJECT_KEY_IDENTIFIER in by_oid:
            ext = by_oid[OID_SUBJECT_KEY_IDENTIFIER]
            self.subject_key_identifier = asn1.decode_octet_string(asn1.parse(ext.value,
                                                                              ext.offset))
        self.authority_key_identifier = None
        if OID_AUTHORITY_KEY_IDENTIFIER in by_oid:
            self.authority_key_identifier = _authority_key_identifier(
                by_oid[OID_AUTHORITY_KEY_IDENTIFIER])

    # -- the public surface --

    @property
    def subject(self) -> str:
        return name_to_rfc4514(self._subject)

    @property
    def issuer(self) -> str:
        return name_to_rfc4514(self._issuer)

    def public_key(self):
        """The subject's key (RSAPublicKey, X25519PublicKey, X448PublicKey).

        UnsupportedAlgorithm for other key types (EC, DSA, EdDSA); InvalidKey
        for an RSA key refkx refuses (e.g. a modulus below 1024 bits).
        """
        return serialization.public_key_from_spki(self._spki)

    def spki_pin(self) -> str:
        """RFC 7469 §2.4: base64(SHA-256(DER SubjectPublicKeyInfo)), as curl's "sha256//..."."""
        return "sha256//" + base64.b64encode(hashlib.sha256(self.spki_der).digest()).decode()

    def fingerprint(self, hash_name: str = "sha256") -> bytes:
        return hashlib.new(hash_name, self.der).digest()

    def is_self_issued(self) -> bool:
        """§6.1: subject and issuer are the same name (the key may differ)."""
        return names_match(self._subject, self._issuer)

    def verify_directly_issued_by(self, issuer: "Certificate") -> None:
        """Name chaining and the signature with `issuer`'s key; CertificateError otherwise."""
        if not names_match(self._issuer, issuer._subject):
            raise CertificateError(f"issuer name {self.issuer!r} does not match the issuer's "
                                   f"subject {issuer.subject!r}", ALERT_UNKNOWN_CA)
        self._check_signature(issuer)

    def _check_signature(self, issuer: "Certificate") -> None:
        padding = self._signature.padding
        if padding is None:
            raise CertificateError(f"unsupported signature algorithm {self.signature_algorithm}",
                                   ALERT_UNSUPPORTED)
        try:
            key = issuer.public_key()
        except ValueError as exc:
            raise CertificateError(f"the issuer's public key cannot be used ({exc})",
                                   ALERT_UNSUPPORTED) from None
        if not isinstance(key, RSAPublicKey):
            raise CertificateError(f"a {type(key).__name__} cannot verify "
                                   f"{self.signature_algorithm}", ALERT_BAD)
        try:
            key.verify(self.signature, self.tbs_bytes, padding)
        except InvalidSignature:
            raise CertificateError(f"signature check failed: {self.subject!r} is not signed "
                                   f"by {issuer.subject!r}", ALERT_BAD) from None
        except ValueError as exc:      # e.g. a PSS salt too long for the key
            raise CertificateError(f"signature check failed ({exc})", ALERT_BAD) from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Certificate):
            return NotImplemented
        return self.der == other.der

    def __hash__(self) -> int:
        return hash(self.der)

    def __repr__(self) -> str:
        return f"<Certificate subject={self.subject!r} serial={self.serial_number:#x}>"


def load_der_x509_certificate(data: bytes) -> Certificate:
    """A certificate from DER; DERError for anything that is not one."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"certificate data must be bytes-like, not {type(data).__name__}")
    return Certificate(bytes(data))


def load_pem_x509_certificate(data: bytes) -> Certificate:
    """The first CERTIFICATE block of a PEM text (RFC 7468 §5)."""
    _, der = serialization.pem_decode(data, (PEM_LABEL,) + PEM_LEGACY_LABELS)
    return Certificate(der)


def load_pem_x509_certificates(data: bytes) -> list[Certificate]:
    """Every CERTIFICATE block, in order (a chain file: leaf first)."""
    return [Certificate(der) for der in serialization.pem_decode_all(data, PEM_LABEL)]


# --- issuing ------------------------------------------------------------------------

def _extension(oid: str, value: bytes, critical: bool = False) -> bytes:
    fields = [asn1.encode_oid(oid)]
    if critical:
        fields.append(asn1.encode_boolean(True))
    return asn1.encode_sequence(*fields, asn1.encode_octet_string(value))


def _key_usage_der(names: Iterable[str]) -> bytes:
    """§4.2.1.3 as a DER BIT STRING: trailing zero bits dropped (X.690 §11.2.2)."""
    bits = [KEY_USAGE_BITS.index(n) for n in names]
    length = max(bits) + 1
    value = 0
    for bit in bits:
        value |= 1 << (length - 1 - bit)
    octets = (length + 7) // 8
    unused = octets * 8 - length
    return asn1.encode_bit_string((value << unused).to_bytes(octets, "big"), unused)


def _key_identifier(spki_der: bytes) -> bytes:
    """§4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value."""
    bits, _ = asn1.decode_bit_string(asn1.parse(spki_der).children()[1])
    return hashlib.sha1(bits).digest()


def _check_hostname_syntax(name: str) -> str:
    if not isinstance(name, str) or not re.fullmatch(r"(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*",
                                                     name):
        raise ValueError(f"{name!r} is not a DNS name (ASCII labels, optional '*.' prefix)")
    return name


def issue_certificate(subject_key, issuer_key: RSAPrivateKey, subject: str, *,
                      issuer_certificate: Optional[Certificate] = None,
                      dns_names: Sequence[str] = (),
                      not_before: Optional[datetime.datetime] = None,
                      not_after: Optional[datetime.datetime] = None,
                      ca: bool = False, path_length: Optional[int] = None,
                      hash_name: str = "sha256") -> Certificate:
    """A v3 certificate for `subject_key` signed by `issuer_key` with sha*WithRSAEncryption.

    `subject_key`: the subject's RSA key (public or private; X25519/X448 public keys
    also work for a leaf). Self-signed when `issuer_certificate` is None (then
    `issuer_key` must be the subject's key). `subject` is an RFC 4514 string.
    Defaults: not_before = now - 5 minutes, not_after = not_before + 365 days.
    Extensions: basicConstraints (critical), keyUsage (critical: keyCertSign and
    cRLSign for a CA; digitalSignature and keyEncipherment otherwise),
    extendedKeyUsage serverAuth + clientAuth for a leaf, subjectAltName with a
    dNSName for each of `dns_names` (an IP address literal such as "127.0.0.1"
    becomes an iPAddress entry), subjectKeyIdentifier and authorityKeyIdentifier.
    """
    if isinstance(subject_key, RSAPrivateKey):
        subject_key = subject_key.public_key()
    if not isinstance(issuer_key, RSAPrivateKey):
        raise TypeError("issuer_key must be an RSAPrivateKey")
    if issuer_certificate is not None and not isinstance(issuer_certificate, Certificate):
        raise TypeError("issuer_certificate must be a Certificate or None")
    if not isinstance(ca, bool):
        raise TypeError("ca must be a bool")
    if path_length is not None:
        if isinstance(path_length, bool) or not isinstance(path_length, int) or path_length < 0:
            raise ValueError("path_length must be a non-negative int or None")
        if not ca:
            raise ValueError("path_length needs ca=True (RFC 5280 §4.2.1.9)")
    if isinstance(dns_names, str):
        raise TypeError("dns_names must be a sequence of str, not one str")
    # §4.2.1.6: an IP address goes in iPAddress (4 or 16 octets), not in dNSName.
    ip_addresses = []
    names = []
    for name in dns_names:
        try:
            ip_addresses.append(ipaddress.ip_address(name))
        except ValueError:
            names.append(_check_hostname_syntax(name))
    dns_names = tuple(names)
    if hash_name not in ("sha256", "sha384", "sha512", "sha224"):
        raise ValueError("hash_name must be sha224, sha256, sha384 or sha512")
    spki = serialization.encode_spki(subject_key)
    subject_der = encode_name(subject)
    if issuer_certificate is None:
        if issuer_key.public_key() != subject_key:
            raise ValueError("a self-signed certificate needs issuer_key = the subject's key")
        issuer_der = subject_der
        authority_key_id = _key_identifier(spki)
    else:
        if issuer_certificate.public_key() != issuer_key.public_key():
            raise ValueError("issuer_key does not match issuer_certificate's public key")
        issuer_der = issuer_certificate.subject_der
        authority_key_id = (issuer_certificate.subject_key_identifier
                            or _key_identifier(issuer_certificate.spki_der))
    if not_before is None:
        not_before = (datetime.datetime.now(UTC) - datetime.timedelta(minutes=5)).replace(
            microsecond=0)
    if not_after is None:
        not_after = not_before + datetime.timedelta(days=365)
    if not_after < not_before:
        raise ValueError("not_after is before not_before")

    # §4.2.1: the extensions, each SEQUENCE { extnID, critical, extnValue }.
    basic = [asn1.encode_boolean(True)] if ca else []
    if path_length is not None:
        basic.append(asn1.encode_integer(path_length))
    extensions = [_extension(OID_BASIC_CONSTRAINTS, asn1.encode_sequence(*basic), critical=True)]
    usage = ("keyCertSign", "cRLSign") if ca else ("digitalSignature", "keyEncipherment")
    extensions.append(_extension(OID_KEY_USAGE, _key_usage_der(usage), critical=True))
    if not ca:
        extensions.append(_extension(OID_EXTENDED_KEY_USAGE, asn1.encode_sequence(
            asn1.encode_oid(OID_SERVER_AUTH), asn1.encode_oid(OID_CLIENT_AUTH))))
    if dns_names or ip_addresses:
        san = asn1.encode_sequence(
            *(asn1.encode_implicit(GN_DNS_NAME, n.encode("ascii")) for n in dns_names),
            *(asn1.encode_implicit(GN_IP_ADDRESS, a.packed) for a in ip_addresses))
        # §4.2.1.6: critical when the subject is empty.
        extensions.append(_extension(OID_SUBJECT_ALT_NAME, san,
                                     critical=subject_der == asn1.encode_sequence()))
    extensions.append(_extension(OID_SUBJECT_KEY_IDENTIFIER,
                                 asn1.encode_octet_string(_key_identifier(spki))))
    extensions.append(_extension(OID_AUTHORITY_KEY_IDENTIFIER, asn1.encode_sequence(
        asn1.encode_implicit(0, authority_key_id))))

    signature_oid = SIGNATURE_OIDS[f"{hash_name}WithRSAEncryption"]
    algorithm = asn1.encode_sequence(asn1.encode_oid(signature_oid), asn1.encode_null())
    serial = int.from_bytes(secrets.token_bytes(SERIAL_OCTETS), "big") >> 1 or 1
    tbs = asn1.encode_sequence(
        asn1.encode_explicit(0, asn1.encode_integer(VERSION_V3)),        # §4.1.2.1
        asn1.encode_integer(serial),                                     # §4.1.2.2
        algorithm,                                                       # §4.1.2.3
        issuer_der,                                                      # §4.1.2.4
        asn1.encode_sequence(asn1.encode_time(not_before),               # §4.1.2.5
                             asn1.encode_time(not_after)),
        subject_der,                                                     # §4.1.2.6
        spki,                                                            # §4.1.2.7
        asn1.encode_explicit(3, asn1.encode_sequence(*extensions)))      # §4.1.2.9
    signature = issuer_key.sign(tbs, PKCS1v15(hash_name))                # §4.1.1.3
    return Certificate(asn1.encode_sequence(tbs, algorithm, asn1.encode_bit_string(signature)))


# --- hostname (RFC 9525 §6.3) ------------------------------------------------------------

def _ascii_lower(text: str) -> str:
    return text.encode("ascii", errors="replace").decode("ascii").lower()


def hostname_matches(hostname: str, certificate: Certificate) -> bool:
    """RFC 9525 §6.3: `hostname` against the certificate's DNS-IDs (CN is never used);
    an IP address literal against its iPAddress entries (§6.2.2)."""
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        address = None
    if address is not None:
        return address in certificate.ip_addresses
    reference = _ascii_lower(hostname.rstrip("."))
    if not reference or not reference.isascii():
        return False
    for dns_id in certificate.dns_names:
        presented = _ascii_lower(dns_id.rstrip("."))
        if presented == reference:
            return True
        # §6.3: "*" as the complete left-most label matches exactly one label.
        if presented.startswith("*.") and "*" not in presented[2:]:
            head, _, rest = reference.partition(".")
            if head and rest and rest == presented[2:] and "." in rest:
                return True
    return False


# --- path validation (RFC 5280 §6.1, a subset) -----------------------------------------

def _candidate_paths(leaf: Certificate, intermediates: list[Certificate],
                     anchors: list[Certificate]) -> list[list[Certificate]]:
    """Every path leaf -> ... -> anchor by name chaining alone (depth-first, bounded).

    Each path ends with the anchor; signatures and the rest are checked later.
    """
    paths: list[list[Certificate]] = []

    def extend(path: list[Certificate]) -> None:
        current = path[-1]
        if len(path) > MAX_PATH_CERTIFICATES or len(paths) > MAX_PATH_CERTIFICATES:
            return
        for anchor in anchors:
            if names_match(current._issuer, anchor._subject):
                paths.append(path + [anchor])
        for candidate in intermediates:
            if candidate in path or candidate in anchors:
                continue
            if names_match(current._issuer, candidate._subject):
                extend(path + [candidate])

    extend([leaf])
    return paths


def _check_validity(certificate: Certificate, now: datetime.datetime) -> None:
    # §6.1.3 (a)(2): "The certificate validity period includes the current time."
    if now < certificate.not_valid_before:
        raise CertificateError(f"certificate {certificate.subject!r} is not yet valid "
                               f"(notBefore {certificate.not_valid_before:%Y-%m-%d %H:%M:%S}Z)",
                               ALERT_EXPIRED)
    if now > certificate.not_valid_after:
        raise CertificateError(f"certificate has expired: {certificate.subject!r} "
                               f"(notAfter {certificate.not_valid_after:%Y-%m-%d %H:%M:%S}Z)",
                               ALERT_EXPIRED)


def _check_critical_extensions(certificate: Certificate) -> None:
    # §4.2: "A certificate-using system MUST reject the certificate if it encounters a
    # critical extension it does not recognize" (§6.1.4 (o), §6.1.5 (f)).
    for ext in certificate.extensions:
        if ext.critical and ext.oid not in PROCESSED_EXTENSIONS:
            raise CertificateError(f"unknown critical extension {ext.name} in "
                                   f"{certificate.subject!r}", ALERT_UNSUPPORTED)


def _validate_path(path: list[Certificate], now: datetime.datetime) -> None:
    """§6.1.2-6.1.5 over path = [leaf, ..., anchor] (processed from the anchor down)."""
    anchor = path[-1]
    chain = list(reversed(path[:-1]))          # certificate 1 (issued by the anchor) ... n (leaf)
    n = len(chain)
    max_path_length = n                        # §6.1.2 (k)
    # RFC 5937 §3: a trust anchor's own pathLenConstraint, when it has one, also applies
    # (RFC 5280 alone would ignore it; OpenSSL and cryptography enforce it).
    if anchor.basic_constraints is not None and anchor.basic_constraints[1] is not None:
        max_path_length = min(max_path_length, anchor.basic_constraints[1])
    working_issuer = anchor                    # §6.1.2 (g)-(j): name and key of the anchor
    for i, certificate in enumerate(chain, start=1):
        try:
            _process_certificate(certificate, working_issuer, now, i == n)
            if i < n:
                max_path_length = _prepare_next(certificate, max_path_length)
        except CertificateError as exc:
            exc.depth = i        # how far this path got (verify_chain reports the furthest)
            raise
        working_issuer = certificate


def _process_certificate(certificate: Certificate, working_issuer: Certificate,
                         now: datetime.datetime, is_leaf: bool) -> None:
    """§6.1.3 basic certificate processing, and for issuers §6.1.4 (k) and (n)."""
    # §6.1.3 (a)(1): the signature, with the working public key.
    certificate._check_signature(working_issuer)
    # §6.1.3 (a)(2): validity.
    _check_validity(certificate, now)
    # §6.1.3 (a)(4): the issuer name is the working issuer name.
    if not names_match(certificate._issuer, working_issuer._subject):
        raise CertificateError("name chaining failed: issuer of "
                               f"{certificate.subject!r} is not {working_issuer.subject!r}",
                               ALERT_UNKNOWN_CA)
    _check_critical_extensions(certificate)
    if is_leaf:
        return
    # §6.1.4: preparing for certificate i + 1 (this one is an issuer).
    # (k): "verify that the certificate is a CA certificate" (basicConstraints cA TRUE).
    if certificate.basic_constraints is None or not certificate.basic_constraints[0]:
        raise CertificateError(f"basicConstraints: {certificate.subject!r} is not a CA "
                               "certificate", ALERT_BAD)
    # (n): keyUsage present -> keyCertSign must be set.
    if certificate.key_usage is not None and "keyCertSign" not in certificate.key_usage:
        raise CertificateError(f"keyUsage: {certificate.subject!r} may not sign "
                               "certificates (keyCertSign not set)", ALERT_BAD)


def _prepare_next(certificate: Certificate, max_path_length: int) -> int:
    """§6.1.4 (l) and (m): the new max_path_length after issuer `certificate`."""
    # (l): a non-self-issued certificate uses up one step of max_path_length.
    if not certificate.is_self_issued():
        if max_path_length <= 0:
            raise CertificateError(f"pathLenConstraint exceeded at {certificate.subject!r}",
                                   ALERT_BAD)
        max_path_length -= 1
    # (m): pathLenConstraint lowers max_path_length.
    path_length = certificate.basic_constraints[1]
    if path_length is not None and path_length < max_path_length:
        max_path_length = path_length
    return max_path_length


def verify_chain(leaf: Certificate, intermediates: Iterable[Certificate],
                 anchors: Iterable[Certificate], hostname: Optional[str] = None,
                 now: Optional[datetime.datetime] = None) -> list[Certificate]:
    """Validate `leaf` up to one of `anchors`; returns the path, leaf first, anchor last.

    `intermediates` may come in any order and include strays; `now` is an aware
    datetime (default: the current time). Raises CertificateError naming the
    check that failed (of the candidate path that got furthest, when every path fails).
    """
    if not isinstance(leaf, Certificate):
        raise TypeError("leaf must be a Certificate")
    intermediates = list(intermediates)
    anchors = list(anchors)
    for item in intermediates + anchors:
        if not isinstance(item, Certificate):
            raise TypeError("intermediates and anchors must be Certificates")
    if not anchors:
        raise ValueError("verify_chain needs at least one trust anchor")
    if now is None:
        now = datetime.datetime.now(UTC)
    elif not isinstance(now, datetime.datetime) or now.tzinfo is None:
        raise TypeError("now must be an aware datetime (UTC)")
    if hostname is not None and not isinstance(hostname, str):
        raise TypeError("hostname must be a str or None")

    if leaf in anchors:
        # The leaf itself is trusted (a pinned self-signed certificate): only its own checks.
        _check_validity(leaf, now)
        _check_critical_extensions(leaf)
        path = [leaf]
    else:
        candidates = _candidate_paths(leaf, intermediates, anchors)
        if not candidates:
            raise CertificateError(f"unknown issuer: no path from {leaf.subject!r} to a trust "
                                   f"anchor (issuer {leaf.issuer!r} not found)", ALERT_UNKNOWN_CA)
        errors = []
        path = None
        for candidate in candidates:
            try:
                _validate_path(candidate, now)
            except CertificateError as exc:
                errors.append(exc)
                continue
            path = candidate
            break
        if path is None:
            # Report the path that got furthest: with two CAs of the same name, the
            # wrong one fails its signature early; the right one shows the real problem.
            raise max(errors, key=lambda exc: exc.depth)
    if hostname is not None and not hostname_matches(hostname, leaf):
        raise CertificateError(f"hostname {hostname!r} does not match the certificate "
                               f"(subjectAltName DNS names: {', '.join(leaf.dns_names) or 'none'})",
                               ALERT_BAD)
    return path
