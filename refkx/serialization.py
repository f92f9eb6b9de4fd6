"""Key files: PEM armor (RFC 7468) around the DER structures that hold keys.

* RSA (RFC 8017 Appendix A.1): RSAPublicKey and RSAPrivateKey ("PKCS #1",
  PEM labels "RSA PUBLIC KEY" / "RSA PRIVATE KEY", OpenSSL's "traditional"
  format); the algorithm identifier rsaEncryption with NULL parameters
  (RFC 8017 Appendix C, RFC 3279 §2.3.1).
* PKCS #8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208 §5, RFC 5958 §2), label
  "PRIVATE KEY"; SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), label "PUBLIC KEY".
* X25519 and X448 (RFC 8410 §3, §4, §7): id-X25519 / id-X448 with absent
  parameters; the public key is the raw u-coordinate in the BIT STRING, the
  private key a CurvePrivateKey OCTET STRING inside the PKCS #8 OCTET STRING.
* ML-KEM (draft-ietf-lamps-kyber-certificates-10 §3, §4, §6): id-alg-ml-kem-512/
  768/1024 with absent parameters; the public key is the raw encapsulation key;
  the private key is ML-KEM-PrivateKey ::= CHOICE { seed [0] IMPLICIT OCTET
  STRING (64), expandedKey OCTET STRING, both SEQUENCE { seed, expandedKey } }.
  refkx writes the seed form and reads seed and both (checking that the
  expanded key is the one the seed gives); expandedKey alone is refused
  (UnsupportedAlgorithm), since refkx keys keep their seed.

The names are pyca/cryptography's: `Encoding`, `PrivateFormat`, `PublicFormat`,
`NoEncryption`, `load_pem_private_key(data, password=None)`, and so on; key
classes call `private_bytes` / `public_bytes` here.

Failures (all ValueError subclasses, so `except ValueError` catches them all):
* `refkx.errors.DERError`: the bytes are not valid DER, or not PEM (armor,
  labels, base64), or not the structure expected;
* `refkx.errors.InvalidKey`: the structure is right but the numbers are not a
  key refkx accepts (inconsistent CRT values, RSA moduli below 1024 bits);
* `refkx.errors.UnsupportedAlgorithm`: a well-formed key that refkx does not
  implement (EC, DSA, Ed25519, multi-prime RSA) and every encrypted key file
  (PKCS #8 EncryptedPrivateKeyInfo, OpenSSL "Proc-Type: 4,ENCRYPTED"):
  "encrypted private keys are not supported".

CPython is not constant-time: refkx teaches and cross-checks; it does not
protect production secrets (and writing a private key to a file unencrypted,
as this module does, is for tests and learning).
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from typing import Optional

from . import asn1
from .errors import DERError, InvalidKey, UnsupportedAlgorithm
from .rsa import RSAPrivateKey, RSAPublicKey
from .x25519 import X25519PrivateKey, X25519PublicKey
from .x448 import X448PrivateKey, X448PublicKey
from . import mlkem

__all__ = [
    "Encoding", "PrivateFormat", "PublicFormat", "NoEncryption",
    "load_pem_private_key", "load_der_private_key", "load_pem_public_key",
    "load_der_public_key", "pem_encode", "pem_decode", "pem_decode_all",
    "OID_RSA_ENCRYPTION", "OID_X25519", "OID_X448", "ALGORITHM_NAMES",
    "encode_spki", "public_key_from_spki",
]


class Encoding(enum.Enum):
    PEM = "PEM"
    DER = "DER"
    Raw = "Raw"


class PrivateFormat(enum.Enum):
    PKCS8 = "PKCS8"
    TraditionalOpenSSL = "TraditionalOpenSSL"
    Raw = "Raw"


class PublicFormat(enum.Enum):
    SubjectPublicKeyInfo = "SubjectPublicKeyInfo"
    PKCS1 = "PKCS1"
    Raw = "Raw"


class NoEncryption:
    """The only key-file encryption refkx writes: none (pyca's name)."""


# --- object identifiers ---
OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1"    # RFC 8017 Appendix C, pkcs-1 1
OID_X25519 = "1.3.101.110"                      # RFC 8410 §3
OID_X448 = "1.3.101.111"                        # RFC 8410 §3
OID_RSASSA_PSS = "1.2.840.113549.1.1.10"        # RFC 4055 §3.1: an RSA key restricted to PSS
# draft-ietf-lamps-kyber-certificates-10 §3 (NIST CSOR kems 1-3).
OID_ML_KEM_512 = "2.16.840.1.101.3.4.4.1"
OID_ML_KEM_768 = "2.16.840.1.101.3.4.4.2"
OID_ML_KEM_1024 = "2.16.840.1.101.3.4.4.3"
ML_KEM_CLASSES = {   # OID -> (private key class, public key class)
    OID_ML_KEM_512: (mlkem.MLKEM512PrivateKey, mlkem.MLKEM512PublicKey),
    OID_ML_KEM_768: (mlkem.MLKEM768PrivateKey, mlkem.MLKEM768PublicKey),
    OID_ML_KEM_1024: (mlkem.MLKEM1024PrivateKey, mlkem.MLKEM1024PublicKey),
}
ML_KEM_SEED_TAG = 0                             # §6: seed [0] IMPLICIT OCTET STRING
ALGORITHM_NAMES = {
    OID_RSA_ENCRYPTION: "rsaEncryption", OID_X25519: "X25519", OID_X448: "X448",
    "2.16.840.1.101.3.4.4.1": "ML-KEM-512", "2.16.840.1.101.3.4.4.2": "ML-KEM-768",
    "2.16.840.1.101.3.4.4.3": "ML-KEM-1024",
    "1.3.101.112": "Ed25519", "1.3.101.113": "Ed448",
    "1.2.840.10045.2.1": "id-ecPublicKey", "1.2.840.10040.4.1": "id-dsa",
    "1.2.840.113549.1.1.10": "id-RSASSA-PSS", "1.2.840.10046.2.1": "dhpublicnumber",
}

PKCS1_VERSION_TWO_PRIME = 0     # RFC 8017 A.1.2: Version ::= INTEGER { two-prime(0), multi(1) }
PKCS8_VERSION_1 = 0             # RFC 5208 §5 / RFC 5958 §2: v1(0), v2(1) with a public key
PKCS8_VERSION_2 = 1

# --- PEM (RFC 7468) ---
PEM_LINE_LENGTH = 64            # RFC 7468 §2: generators wrap base64 at 64 characters
LABEL_PRIVATE_KEY = "PRIVATE KEY"                   # RFC 7468 §10
LABEL_ENCRYPTED_PRIVATE_KEY = "ENCRYPTED PRIVATE KEY"  # RFC 7468 §11
LABEL_PUBLIC_KEY = "PUBLIC KEY"                     # RFC 7468 §13
LABEL_RSA_PRIVATE_KEY = "RSA PRIVATE KEY"           # OpenSSL "traditional" PKCS #1
LABEL_RSA_PUBLIC_KEY = "RSA PUBLIC KEY"
UNSUPPORTED_PRIVATE_LABELS = ("DSA PRIVATE KEY", "EC PRIVATE KEY")   # OpenSSL's other formats
_PEM_RE = re.compile(rb"-----BEGIN ([A-Z0-9 ]*)-----\r?\n(.*?)-----END ([A-Z0-9 ]*)-----",
                     re.DOTALL)
_ENCRYPTED_MESSAGE = "encrypted private keys are not supported"


# --- PEM ------------------------------------------------------------------------

def pem_encode(label: str, der: bytes) -> bytes:
    """RFC 7468 §2: BEGIN line, base64 in 64-character lines, END line."""
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i:i + PEM_LINE_LENGTH] for i in range(0, len(text), PEM_LINE_LENGTH)]
    return (f"-----BEGIN {label}-----\n" + "".join(line + "\n" for line in lines)
            + f"-----END {label}-----\n").encode("ascii")


def _pem_blocks(data: bytes, wanted) -> list[tuple[str, bytes]]:
    """(label, DER) of every PEM block in `data` whose label is in `wanted`; text
    between blocks, and blocks with other labels, are ignored (RFC 7468 §2, §5.2)."""
    if isinstance(data, str):
        raise TypeError("PEM data must be bytes, not str (encode it first)")
    data = bytes(data) if isinstance(data, (bytearray, memoryview)) else data
    if not isinstance(data, bytes):
        raise TypeError(f"PEM data must be bytes-like, not {type(data).__name__}")
    blocks = []
    for match in _PEM_RE.finditer(data):
        begin, body, end = match.group(1), match.group(2), match.group(3)
        offset = match.start()
        label = begin.decode("ascii")
        if label not in wanted:
            continue
        if begin != end:
            raise DERError(f"PEM error at offset {offset}: BEGIN {begin!r} closed by END {end!r}")
        if b":" in body:
            if b"ENCRYPTED" in body:
                raise UnsupportedAlgorithm(_ENCRYPTED_MESSAGE)
            raise DERError(f"PEM error at offset {offset}: headers are not part of RFC 7468")
        text = b"".join(body.split())         # §3: whitespace between characters is ignored
        try:
            der = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise DERError(f"PEM error at offset {offset}: the body is not valid base64") from None
        if not der:
            raise DERError(f"PEM error at offset {offset}: empty {label} block")
        blocks.append((label, der))
    return blocks


def _labels_found(data: bytes) -> str:
    labels = [m.group(1).decode("ascii") for m in _PEM_RE.finditer(data)]
    return ", ".join(labels) or "no PEM block"


def pem_decode(data: bytes, labels: tuple[str, ...]) -> tuple[str, bytes]:
    """(label, DER) of the first PEM block whose label is one of `labels`; DERError if none."""
    blocks = _pem_blocks(data, labels)
    if blocks:
        return blocks[0]
    raise DERError(f"PEM error: expected {' or '.join(labels)}, found {_labels_found(data)}")


def pem_decode_all(data: bytes, label: str) -> list[bytes]:
    """DER of every block with `label`, in order (a certificate chain); DERError if none."""
    ders = [der for _, der in _pem_blocks(data, (label,))]
    if not ders:
        raise DERError(f"PEM error: no {label} block found (found {_labels_found(data)})")
    return ders


# --- AlgorithmIdentifier and SubjectPublicKeyInfo -----------------------------------

def _algorithm(element: asn1.Element) -> tuple[str, Optional[asn1.Element]]:
    """RFC 5280 §4.1.1.2 AlgorithmIdentifier ::= SEQUENCE { algorithm, parameters OPTIONAL }."""
    r = element.expect(asn1.SEQUENCE).reader()
    oid = asn1.decode_oid(r.next(asn1.OBJECT_IDENTIFIER))
    parameters = None if r.at_end() else r.next()
    r.finish()
    return oid, parameters


def _unsupported(oid: str) -> UnsupportedAlgorithm:
    name = ALGORITHM_NAMES.get(oid, "unknown algorithm")
    return UnsupportedAlgorithm(f"{name} keys ({oid}) are not supported")


def _check_parameters(oid: str, parameters: Optional[asn1.Element], offset: int) -> None:
    """A key's AlgorithmIdentifier (in a SubjectPublicKeyInfo or a PrivateKeyInfo): a key type
    refkx reads, with the parameters its RFC allows; UnsupportedAlgorithm or DERError if not."""
    if oid == OID_RSASSA_PSS:
        # RFC 4055 §3.1 / RFC 8017 A.1: an RSA key restricted to PSS; parameters absent or
        # RSASSA-PSS-params (restrictions refkx does not enforce; it writes such private keys
        # back as rsaEncryption). The key itself is the same RSAPublicKey / RSAPrivateKey.
        if parameters is not None:
            parameters.expect(asn1.SEQUENCE)
    elif oid not in (OID_RSA_ENCRYPTION, OID_X25519, OID_X448) and oid not in ML_KEM_CLASSES:
        raise _unsupported(oid)
    elif oid == OID_RSA_ENCRYPTION:
        # RFC 3279 §2.3.1: "the parameters field MUST have ASN.1 type NULL".
        if parameters is None:
            raise DERError(f"DER error at offset {offset}: rsaEncryption parameters must be NULL")
        asn1.decode_null(parameters)
    elif parameters is not None:
        # RFC 8410 §3: "the parameters MUST be absent".
        raise DERError(f"DER error at offset {parameters.offset}: {ALGORITHM_NAMES[oid]} "
                       "parameters must be absent")


def _rsa_algorithm() -> bytes:
    return asn1.encode_sequence(asn1.encode_oid(OID_RSA_ENCRYPTION), asn1.encode_null())


def _curve_oid(key) -> str:
    return OID_X25519 if isinstance(key, (X25519PublicKey, X25519PrivateKey)) else OID_X448


def rsa_public_key_der(key: RSAPublicKey) -> bytes:
    """RFC 8017 A.1.1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }."""
    return asn1.encode_sequence(asn1.encode_integer(key.n), asn1.encode_integer(key.e))


def _parse_rsa_public_key(element: asn1.Element) -> RSAPublicKey:
    r = element.expect(asn1.SEQUENCE).reader()
    n = asn1.decode_integer(r.next(asn1.INTEGER))
    e = asn1.decode_integer(r.next(asn1.INTEGER))
    r.finish()
    return RSAPublicKey(n, e)     # InvalidKey for even, negative or small n, bad e


def encode_spki(key) -> bytes:
    """RFC 5280 §4.1.2.7 SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey }."""
    if isinstance(key, RSAPublicKey):
        return asn1.encode_sequence(_rsa_algorithm(),
                                    asn1.encode_bit_string(rsa_public_key_der(key)))
    if isinstance(key, (X25519PublicKey, X448PublicKey)):
        return asn1.encode_sequence(asn1.encode_sequence(asn1.encode_oid(_curve_oid(key))),
                                    asn1.encode_bit_string(key.public_bytes_raw()))
    for oid, (_, public_class) in ML_KEM_CLASSES.items():
        if isinstance(key, public_class):
            return asn1.encode_sequence(asn1.encode_sequence(asn1.encode_oid(oid)),
                                        asn1.encode_bit_string(key.public_bytes_raw()))
    raise TypeError(f"cannot encode a {type(key).__name__} as SubjectPublicKeyInfo")


def public_key_from_spki(element: asn1.Element):
    """The key in a parsed SubjectPublicKeyInfo (the x509 module passes its element)."""
    r = element.expect(asn1.SEQUENCE).reader()
    algorithm = r.next(asn1.SEQUENCE)
    oid, parameters = _algorithm(algorithm)
    bits, unused = asn1.decode_bit_string(r.next(asn1.BIT_STRING))
    r.finish()
    _check_parameters(oid, parameters, algorithm.offset)
    if unused:
        raise DERError(f"DER error at offset {element.offset}: subjectPublicKey has unused bits")
    if oid in (OID_RSA_ENCRYPTION, OID_RSASSA_PSS):
        # RFC 3279 §2.3.1: the BIT STRING holds the DER of RSAPublicKey.
        inner_offset = element.content_offset + len(algorithm.encoding) + 3
        return _parse_rsa_public_key(asn1.parse(bits, inner_offset))
    if oid in ML_KEM_CLASSES:
        return ML_KEM_CLASSES[oid][1].from_public_bytes(bits)   # InvalidKey: FIPS 203 §7.2
    cls = X25519PublicKey if oid == OID_X25519 else X448PublicKey
    if len(bits) != cls._key_size:
        raise InvalidKey(f"{ALGORITHM_NAMES[oid]} public key must be {cls._key_size} bytes, "
                         f"got {len(bits)}")
    return cls.from_public_bytes(bits)


# --- private keys -------------------------------------------------------------------

def rsa_private_key_der(key: RSAPrivateKey) -> bytes:
    """RFC 8017 A.1.2 RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv }."""
    return asn1.encode_sequence(*(asn1.encode_integer(v) for v in (
        PKCS1_VERSION_TWO_PRIME, key.n, key.e, key.d, key.p, key.q, key.dP, key.dQ, key.qInv)))


def _parse_rsa_private_key(element: asn1.Element) -> RSAPrivateKey:
    r = element.expect(asn1.SEQUENCE).reader()
    version = asn1.decode_integer(r.next(asn1.INTEGER))
    if version != PKCS1_VERSION_TWO_PRIME:
        if version == 1:
            raise UnsupportedAlgorithm("multi-prime RSA keys are not supported")
        raise DERError(f"DER error at offset {element.offset}: RSAPrivateKey version {version}")
    n, e, d, p, q, dP, dQ, qInv = (asn1.decode_integer(r.next(asn1.INTEGER)) for _ in range(8))
    r.finish()
    key = RSAPrivateKey(n, e, d, p, q)    # InvalidKey unless n = pq, ed = 1 mod lambda(n), ...
    if (key.dP, key.dQ, key.qInv) != (dP, dQ, qInv):
        raise InvalidKey("RSA private key: exponent1, exponent2 or coefficient is inconsistent")
    return key


def _pkcs8(algorithm: bytes, private_key: bytes) -> bytes:
    """RFC 5208 §5 PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey OCTET STRING }."""
    return asn1.encode_sequence(asn1.encode_integer(PKCS8_VERSION_1), algorithm,
                                asn1.encode_octet_string(private_key))


def _parse_pkcs8(element: asn1.Element):
    children = element.expect(asn1.SEQUENCE).children()
    if (len(children) == 2 and children[0].is_tag(asn1.SEQUENCE)
            and children[1].is_tag(asn1.OCTET_STRING)):
        # RFC 5208 §6 EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData }.
        raise UnsupportedAlgorithm(_ENCRYPTED_MESSAGE)
    r = element.reader()
    first = r.peek()
    version = asn1.decode_integer(r.next(asn1.INTEGER))
    if version not in (PKCS8_VERSION_1, PKCS8_VERSION_2):
        raise DERError(f"DER error at offset {first.offset}: PrivateKeyInfo version {version}")
    algorithm = r.next(asn1.SEQUENCE)
    oid, parameters = _algorithm(algorithm)
    private_key = r.next(asn1.OCTET_STRING)
    attributes = r.optional(0)            # [0] IMPLICIT Attributes: accepted, not kept
    if attributes is not None and not attributes.constructed:
        raise DERError(f"DER error at offset {attributes.offset}: attributes must be a SET")
    public_key = r.optional(1) if version == PKCS8_VERSION_2 else None   # RFC 5958 §2
    r.finish()
    _check_parameters(oid, parameters, algorithm.offset)
    inner = asn1.parse(private_key.content, private_key.content_offset)
    if oid in ML_KEM_CLASSES:
        if public_key is not None:
            raise DERError(f"DER error at offset {public_key.offset}: unexpected publicKey")
        return _parse_ml_kem_private_key(inner, *ML_KEM_CLASSES[oid])
    if oid in (OID_RSA_ENCRYPTION, OID_RSASSA_PSS):
        if public_key is not None:
            raise DERError(f"DER error at offset {public_key.offset}: unexpected RSA publicKey")
        return _parse_rsa_private_key(inner)
    # RFC 8410 §7: CurvePrivateKey ::= OCTET STRING, inside the privateKey OCTET STRING.
    cls = X25519PrivateKey if oid == OID_X25519 else X448PrivateKey
    raw = asn1.decode_octet_string(inner)
    if len(raw) != cls._key_size:
        raise InvalidKey(f"{ALGORITHM_NAMES[oid]} private key must be {cls._key_size} bytes, "
                         f"got {len(raw)}")
    key = cls.from_private_bytes(raw)
    if public_key is not None:
        # publicKey [1] IMPLICIT BIT STRING: it must be the key's own public key.
        content = public_key.content
        if public_key.constructed or not content or content[0] != 0:
            raise DERError(f"DER error at offset {public_key.offset}: bad publicKey BIT STRING")
        if content[1:] != key.public_key().public_bytes_raw():
            raise InvalidKey(f"{ALGORITHM_NAMES[oid]} publicKey does not match the private key")
    return key


def _parse_ml_kem_private_key(element: asn1.Element, private_class, public_class):
    """draft-ietf-lamps-kyber-certificates-10 §6 ML-KEM-PrivateKey (see the module docstring)."""
    seed_size = mlkem.SEED_SIZE
    if element.tag_class == asn1.CLASS_CONTEXT and element.number == ML_KEM_SEED_TAG:
        seed = asn1.decode_octet_string(element, asn1.CLASS_CONTEXT, ML_KEM_SEED_TAG)
        if len(seed) != seed_size:
            raise InvalidKey(f"ML-KEM seed must be {seed_size} bytes, got {len(seed)}")
        return private_class.from_seed_bytes(seed)
    if element.is_tag(asn1.OCTET_STRING):
        raise UnsupportedAlgorithm("ML-KEM private keys in the expandedKey-only form are not "
                                   "supported (refkx keys keep their 64-byte seed)")
    r = element.expect(asn1.SEQUENCE).reader()
    seed = asn1.decode_octet_string(r.next(asn1.OCTET_STRING))
    expanded = asn1.decode_octet_string(r.next(asn1.OCTET_STRING))
    r.finish()
    if len(seed) != seed_size:
        raise InvalidKey(f"ML-KEM seed must be {seed_size} bytes, got {len(seed)}")
    key = private_class.from_seed_bytes(seed)
    if key.expanded_bytes() != expanded:
        raise InvalidKey("ML-KEM expandedKey is not the key the seed generates")
    return key


def _check_no_password(password) -> None:
    if password is not None:
        if not isinstance(password, (bytes, bytearray, memoryview)):
            raise TypeError("password must be bytes or None")
        raise TypeError("Password was given but private key is not encrypted.")


def load_der_private_key(data: bytes, password: Optional[bytes] = None):
    """A private key from DER: PKCS #8 (RSA, X25519, X448) or PKCS #1 RSAPrivateKey."""
    element = asn1.parse(data)
    first = element.expect(asn1.SEQUENCE).children()
    if len(first) >= 2 and first[0].is_tag(asn1.INTEGER) and first[1].is_tag(asn1.INTEGER):
        _check_no_password(password)
        return _parse_rsa_private_key(element)   # PKCS #1: version, then n
    key = _parse_pkcs8(element)
    _check_no_password(password)
    return key


def load_pem_private_key(data: bytes, password: Optional[bytes] = None):
    """A private key from PEM: "PRIVATE KEY" (PKCS #8) or "RSA PRIVATE KEY" (PKCS #1)."""
    label, der = pem_decode(data, (LABEL_PRIVATE_KEY, LABEL_RSA_PRIVATE_KEY,
                                   LABEL_ENCRYPTED_PRIVATE_KEY) + UNSUPPORTED_PRIVATE_LABELS)
    if label == LABEL_ENCRYPTED_PRIVATE_KEY:
        raise UnsupportedAlgorithm(_ENCRYPTED_MESSAGE)
    if label in UNSUPPORTED_PRIVATE_LABELS:
        raise UnsupportedAlgorithm(f"{label.split()[0]} keys are not supported")
    element = asn1.parse(der)
    if label == LABEL_RSA_PRIVATE_KEY:
        key = _parse_rsa_private_key(element)
    else:
        key = _parse_pkcs8(element)
    _check_no_password(password)
    return key


def load_der_public_key(data: bytes):
    """A public key from DER: SubjectPublicKeyInfo, or PKCS #1 RSAPublicKey."""
    element = asn1.parse(data)
    children = element.expect(asn1.SEQUENCE).children()
    if children and children[0].is_tag(asn1.INTEGER):
        return _parse_rsa_public_key(element)
    return public_key_from_spki(element)


def load_pem_public_key(data: bytes):
    """A public key from PEM: "PUBLIC KEY" (SPKI) or "RSA PUBLIC KEY" (PKCS #1)."""
    label, der = pem_decode(data, (LABEL_PUBLIC_KEY, LABEL_RSA_PUBLIC_KEY))
    element = asn1.parse(der)
    if label == LABEL_RSA_PUBLIC_KEY:
        return _parse_rsa_public_key(element)
    return public_key_from_spki(element)


# --- writing (called by the key classes' private_bytes / public_bytes) --------------

def _check_enums(encoding, format, format_class) -> None:
    if not isinstance(encoding, Encoding):
        raise TypeError("encoding must be an item from the Encoding enum")
    if not isinstance(format, format_class):
        raise TypeError(f"format must be an item from the {format_class.__name__} enum")


def _armor(encoding: Encoding, label: str, der: bytes) -> bytes:
    if encoding is Encoding.PEM:
        return pem_encode(label, der)
    if encoding is Encoding.DER:
        return der
    raise ValueError("Raw encoding is only for X25519/X448 keys with the Raw format")


def private_bytes(key, encoding: Encoding, format: PrivateFormat,
                  encryption_algorithm=None) -> bytes:
    """pyca's private_bytes: PKCS8 or TraditionalOpenSSL (RSA), PKCS8 or Raw (X25519/X448)."""
    _check_enums(encoding, format, PrivateFormat)
    if encryption_algorithm is not None and not isinstance(encryption_algorithm, NoEncryption):
        raise UnsupportedAlgorithm("writing encrypted private keys is not supported; "
                                   "use NoEncryption()")
    raw_pair = (encoding is Encoding.Raw, format is PrivateFormat.Raw)
    if any(raw_pair) and not all(raw_pair):
        raise ValueError("Encoding.Raw goes with PrivateFormat.Raw, and only with it")
    if isinstance(key, RSAPrivateKey):
        if format is PrivateFormat.TraditionalOpenSSL:
            return _armor(encoding, LABEL_RSA_PRIVATE_KEY, rsa_private_key_der(key))
        if format is PrivateFormat.PKCS8:
            return _armor(encoding, LABEL_PRIVATE_KEY,
                          _pkcs8(_rsa_algorithm(), rsa_private_key_der(key)))
        raise ValueError("RSA private keys have no Raw format")
    if isinstance(key, (X25519PrivateKey, X448PrivateKey)):
        if format is PrivateFormat.Raw:
            return key.private_bytes_raw()
        if format is PrivateFormat.PKCS8:
            algorithm = asn1.encode_sequence(asn1.encode_oid(_curve_oid(key)))
            curve_private_key = asn1.encode_octet_string(key.private_bytes_raw())
            return _armor(encoding, LABEL_PRIVATE_KEY, _pkcs8(algorithm, curve_private_key))
        raise ValueError(f"{type(key).__name__} has no TraditionalOpenSSL format (use PKCS8)")
    for oid, (private_class, _) in ML_KEM_CLASSES.items():
        if isinstance(key, private_class):
            if format is PrivateFormat.Raw:
                return key.private_bytes_raw()
            if format is PrivateFormat.PKCS8:
                seed = asn1.encode_implicit(ML_KEM_SEED_TAG, key.private_bytes_raw())
                return _armor(encoding, LABEL_PRIVATE_KEY,
                              _pkcs8(asn1.encode_sequence(asn1.encode_oid(oid)), seed))
            raise ValueError(f"{type(key).__name__} has no TraditionalOpenSSL format")
    raise TypeError(f"cannot serialize a {type(key).__name__}")


def public_bytes(key, encoding: Encoding, format: PublicFormat) -> bytes:
    """pyca's public_bytes: SubjectPublicKeyInfo or PKCS1 (RSA), SPKI or Raw (X25519/X448)."""
    _check_enums(encoding, format, PublicFormat)
    raw_pair = (encoding is Encoding.Raw, format is PublicFormat.Raw)
    if any(raw_pair) and not all(raw_pair):
        raise ValueError("Encoding.Raw goes with PublicFormat.Raw, and only with it")
    if format is PublicFormat.SubjectPublicKeyInfo:
        return _armor(encoding, LABEL_PUBLIC_KEY, encode_spki(key))
    if isinstance(key, RSAPublicKey):
        if format is PublicFormat.PKCS1:
            return _armor(encoding, LABEL_RSA_PUBLIC_KEY, rsa_public_key_der(key))
        raise ValueError("RSA public keys have no Raw format")
    if isinstance(key, (X25519PublicKey, X448PublicKey)) or any(
            isinstance(key, classes[1]) for classes in ML_KEM_CLASSES.values()):
        if format is PublicFormat.Raw:
            return key.public_bytes_raw()
        raise ValueError(f"{type(key).__name__} has no PKCS1 format")
    raise TypeError(f"cannot serialize a {type(key).__name__}")
