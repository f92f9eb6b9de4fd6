"""A strict DER reader and writer: ITU-T X.690 (02/2021) §8 (BER) restricted by §10-11 (DER).

What X.509 certificates and key files need, and nothing more:

* the identifier octets of §8.1.2 (class, primitive/constructed, tag number,
  the high-tag-number form only when the number is above 30, minimal);
* the definite length of §8.1.3 in the fewest octets (§10.1); the indefinite
  form (§8.1.3.6) is not DER and is refused;
* BOOLEAN (§8.2, §11.1: FALSE is 0x00, TRUE is 0xFF), INTEGER (§8.3, two's
  complement in the fewest octets), BIT STRING (§8.6, §11.2: primitive, the
  unused bits zero), OCTET STRING (§8.7, primitive), NULL (§8.8), OBJECT
  IDENTIFIER (§8.19, minimal subidentifiers), SEQUENCE (§8.9), SET OF
  (§8.12, §11.6: elements in ascending order of their encodings);
* UTCTime and GeneralizedTime as RFC 5280 §4.1.2.5 profiles them
  (YYMMDDHHMMSSZ and YYYYMMDDHHMMSSZ, UTC, seconds present, no fractions;
  UTCTime years 50-99 are 19xx, 00-49 are 20xx);
* the string types of X.520 names (PrintableString, UTF8String, IA5String,
  TeletexString, BMPString, UniversalString, VisibleString, NumericString);
* context-specific tags, explicit (a constructed wrapper) and implicit (the
  tag replaced).

Reading: `parse(data)` returns the one `Element` that `data` encodes (trailing
bytes are an error); an element knows its absolute offset, header and content,
and `children()` parses a constructed element's content in the same strict way.
The `decode_*` functions turn an element into a Python value, checking its tag.
Every way the input can fail to be DER raises `refkx.errors.DERError` (a
ValueError) whose message names the offset; no IndexError or
UnicodeDecodeError escapes.

Writing: `encode_*` functions return the complete TLV bytes.

This is parsing code, not arithmetic on secrets; CPython is not constant-time
anyway, so refkx teaches and cross-checks and does not protect production secrets.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .errors import DERError

__all__ = [
    "Element", "Reader", "parse", "parse_all", "tag_name",
    "CLASS_UNIVERSAL", "CLASS_APPLICATION", "CLASS_CONTEXT", "CLASS_PRIVATE",
    "BOOLEAN", "INTEGER", "BIT_STRING", "OCTET_STRING", "NULL", "OBJECT_IDENTIFIER",
    "UTF8_STRING", "SEQUENCE", "SET", "NUMERIC_STRING", "PRINTABLE_STRING", "TELETEX_STRING",
    "IA5_STRING", "UTC_TIME", "GENERALIZED_TIME", "VISIBLE_STRING", "UNIVERSAL_STRING",
    "BMP_STRING", "STRING_TAGS",
    "decode_boolean", "decode_integer", "decode_bit_string", "decode_octet_string",
    "decode_null", "decode_oid", "decode_time", "decode_string",
    "encode_tlv", "encode_boolean", "encode_integer", "encode_bit_string",
    "encode_octet_string", "encode_null", "encode_oid", "encode_sequence", "encode_set_of",
    "encode_utc_time", "encode_generalized_time", "encode_time", "encode_string",
    "encode_explicit", "encode_implicit", "oid_to_bytes", "oid_from_bytes",
]

# --- X.690 §8.1.2.2: the two class bits ---
CLASS_UNIVERSAL = 0
CLASS_APPLICATION = 1
CLASS_CONTEXT = 2
CLASS_PRIVATE = 3
CLASS_NAMES = {CLASS_UNIVERSAL: "UNIVERSAL", CLASS_APPLICATION: "APPLICATION",
               CLASS_CONTEXT: "CONTEXT", CLASS_PRIVATE: "PRIVATE"}

CONSTRUCTED_BIT = 0x20        # §8.1.2.5: bit 6 of the identifier octet
HIGH_TAG_NUMBER = 0x1F        # §8.1.2.4: tag numbers above 30 use more octets
LONG_LENGTH_BIT = 0x80        # §8.1.3.5: the long form sets bit 8 of the first length octet
INDEFINITE_LENGTH = 0x80      # §8.1.3.6: 0x80 alone is the indefinite form
RESERVED_LENGTH = 0xFF        # §8.1.3.5 c): the value 0xFF is reserved
MAX_LENGTH_OCTETS = 4         # lengths up to 4 GiB: far beyond any certificate
BASE128_CONTINUE = 0x80       # §8.1.2.4.2 / §8.19.2: more subidentifier octets follow

# --- X.680 §8.6 Table 1: universal tag numbers used here ---
BOOLEAN = 1
INTEGER = 2
BIT_STRING = 3
OCTET_STRING = 4
NULL = 5
OBJECT_IDENTIFIER = 6
UTF8_STRING = 12
SEQUENCE = 16
SET = 17
NUMERIC_STRING = 18
PRINTABLE_STRING = 19
TELETEX_STRING = 20
IA5_STRING = 22
UTC_TIME = 23
GENERALIZED_TIME = 24
VISIBLE_STRING = 26
UNIVERSAL_STRING = 28
BMP_STRING = 30

UNIVERSAL_NAMES = {
    BOOLEAN: "BOOLEAN", INTEGER: "INTEGER", BIT_STRING: "BIT STRING",
    OCTET_STRING: "OCTET STRING", NULL: "NULL", OBJECT_IDENTIFIER: "OBJECT IDENTIFIER",
    UTF8_STRING: "UTF8String", SEQUENCE: "SEQUENCE", SET: "SET",
    NUMERIC_STRING: "NumericString", PRINTABLE_STRING: "PrintableString",
    TELETEX_STRING: "TeletexString", IA5_STRING: "IA5String", UTC_TIME: "UTCTime",
    GENERALIZED_TIME: "GeneralizedTime", VISIBLE_STRING: "VisibleString",
    UNIVERSAL_STRING: "UniversalString", BMP_STRING: "BMPString",
}
CONSTRUCTED_UNIVERSAL = frozenset({SEQUENCE, SET})  # §10.2 / §8.9, §8.11: always constructed
STRING_TAGS = frozenset({UTF8_STRING, NUMERIC_STRING, PRINTABLE_STRING, TELETEX_STRING,
                         IA5_STRING, VISIBLE_STRING, UNIVERSAL_STRING, BMP_STRING})

BOOLEAN_TRUE = 0xFF           # §11.1: DER encodes TRUE as all ones
BOOLEAN_FALSE = 0x00
MAX_UNUSED_BITS = 7           # §8.6.2.2
OID_FIRST_ARC_BASE = 40       # §8.19.4: first subidentifier = X * 40 + Y

# RFC 5280 §4.1.2.5.1: UTCTime YY >= 50 is 19YY, YY < 50 is 20YY.
UTC_TIME_PIVOT = 50
# RFC 5280 §4.1.2.5: dates through 2049 as UTCTime, from 2050 as GeneralizedTime.
GENERALIZED_TIME_FROM_YEAR = 2050
_UTC_TIME_RE = re.compile(rb"[0-9]{12}Z")
_GENERALIZED_TIME_RE = re.compile(rb"[0-9]{14}Z")

# X.680 §41.4 Table 10: the PrintableString alphabet.
PRINTABLE_CHARACTERS = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")
NUMERIC_CHARACTERS = frozenset(b"0123456789 ")


def _fail(offset: int, what: str) -> DERError:
    return DERError(f"DER error at offset {offset}: {what}")


def tag_name(tag_class: int, number: int) -> str:
    """Readable tag: "SEQUENCE", "[0]" (context), "[APPLICATION 3]"."""
    if tag_class == CLASS_UNIVERSAL:
        return UNIVERSAL_NAMES.get(number, f"[UNIVERSAL {number}]")
    if tag_class == CLASS_CONTEXT:
        return f"[{number}]"
    return f"[{CLASS_NAMES[tag_class]} {number}]"


# --- reading ------------------------------------------------------------------

@dataclass(frozen=True)
class Element:
    """One DER TLV. `offset` is absolute in the buffer parsed; `encoding` is the whole TLV."""

    tag_class: int
    constructed: bool
    number: int
    offset: int
    header_length: int
    content: bytes
    encoding: bytes

    @property
    def name(self) -> str:
        return tag_name(self.tag_class, self.number)

    @property
    def content_offset(self) -> int:
        return self.offset + self.header_length

    def is_tag(self, number: int, tag_class: int = CLASS_UNIVERSAL,
               constructed: Optional[bool] = None) -> bool:
        return (self.tag_class == tag_class and self.number == number
                and (constructed is None or self.constructed == constructed))

    def expect(self, number: int, tag_class: int = CLASS_UNIVERSAL) -> "Element":
        """self if it carries this tag; DERError otherwise."""
        if not (self.tag_class == tag_class and self.number == number):
            raise _fail(self.offset, f"expected {tag_name(tag_class, number)}, found {self.name}")
        return self

    def children(self) -> list["Element"]:
        """The elements inside a constructed element (parsed strictly)."""
        if not self.constructed:
            raise _fail(self.offset, f"{self.name} is primitive, expected a constructed element")
        return parse_all(self.content, self.content_offset)

    def reader(self) -> "Reader":
        """A cursor over `children()`, for SEQUENCEs with optional fields."""
        return Reader(self)


def _read_header(data: bytes, offset: int, base: int) -> tuple[int, bool, int, int, int]:
    """X.690 §8.1.2-8.1.3 at data[offset]: (class, constructed, number, header len, length)."""
    position = offset
    end = len(data)
    where = base + offset
    if position >= end:
        raise _fail(where, "truncated: expected an identifier octet")
    first = data[position]
    position += 1
    tag_class = first >> 6
    constructed = bool(first & CONSTRUCTED_BIT)
    number = first & HIGH_TAG_NUMBER
    if number == HIGH_TAG_NUMBER:
        # §8.1.2.4.2: base-128 number; bits 7-1 of the first subsequent octet not all zero.
        number = 0
        while True:
            if position >= end:
                raise _fail(where, "truncated tag number")
            octet = data[position]
            if number == 0 and octet == BASE128_CONTINUE:
                raise _fail(base + position, "tag number has a leading zero octet")
            number = (number << 7) | (octet & 0x7F)
            position += 1
            if not octet & BASE128_CONTINUE:
                break
            if number > 1 << 28:
                raise _fail(where, "tag number too large")
        if number < HIGH_TAG_NUMBER:
            raise _fail(where, "tag number below 31 in the high-tag-number form")
    if position >= end:
        raise _fail(base + position, "truncated: expected a length octet")
    length_octet = data[position]
    position += 1
    if length_octet == INDEFINITE_LENGTH:
        raise _fail(base + position - 1, "indefinite length (BER, not DER)")
    if length_octet & LONG_LENGTH_BIT:
        count = length_octet & 0x7F
        if length_octet == RESERVED_LENGTH or count > MAX_LENGTH_OCTETS:
            raise _fail(base + position - 1, f"length of {count} octets is not supported")
        if end - position < count:
            raise _fail(base + position, "truncated length")
        length_bytes = data[position:position + count]
        position += count
        if length_bytes[0] == 0:
            raise _fail(base + position - count, "length has a leading zero octet (not minimal)")
        length = int.from_bytes(length_bytes, "big")
        if length < LONG_LENGTH_BIT:
            raise _fail(base + position - count - 1,
                        f"length {length} in the long form (DER uses the short form below 128)")
    else:
        length = length_octet
    header_length = position - offset
    if end - position < length:
        raise _fail(where, f"truncated: {tag_name(tag_class, number)} needs {length} content "
                    f"octets, {end - position} remain")
    if tag_class == CLASS_UNIVERSAL:
        if number in CONSTRUCTED_UNIVERSAL and not constructed:
            raise _fail(where, f"{tag_name(tag_class, number)} must be constructed")
        if number not in CONSTRUCTED_UNIVERSAL and number in UNIVERSAL_NAMES and constructed:
            raise _fail(where, f"{tag_name(tag_class, number)} must be primitive in DER")
    return tag_class, constructed, number, header_length, length


def _parse_at(data: bytes, offset: int, base: int) -> Element:
    tag_class, constructed, number, header_length, length = _read_header(data, offset, base)
    start = offset + header_length
    element = Element(tag_class, constructed, number, base + offset, header_length,
                      data[start:start + length], data[offset:start + length])
    if tag_class == CLASS_UNIVERSAL and number == SET:
        _check_set_order(element)
    return element


def _check_set_order(element: Element) -> None:
    """X.690 §11.6: the components of a SET OF in ascending order of their encodings."""
    encodings = [child.encoding for child in element.children()]
    for before, after in zip(encodings, encodings[1:]):
        if before > after:
            raise _fail(element.offset, "SET OF elements are not in DER order")


def parse_all(data: bytes, base: int = 0) -> list[Element]:
    """Every TLV in `data`, back to back (the content of a constructed element)."""
    data = _as_bytes(data)
    elements = []
    offset = 0
    while offset < len(data):
        element = _parse_at(data, offset, base)
        elements.append(element)
        offset += len(element.encoding)
    return elements


def parse(data: bytes, base: int = 0) -> Element:
    """The single DER element `data` encodes; DERError on trailing bytes or anything non-DER."""
    data = _as_bytes(data)
    element = _parse_at(data, 0, base)
    if len(element.encoding) != len(data):
        raise _fail(base + len(element.encoding),
                    f"{len(data) - len(element.encoding)} trailing bytes after the element")
    return element


def _as_bytes(data: object) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"DER input must be bytes-like, not {type(data).__name__}")


class Reader:
    """Walks the children of a constructed element in order, for SEQUENCE fields.

        r = element.reader()
        version = r.optional(0)          # [0] EXPLICIT, if present
        serial = decode_integer(r.next())
        r.finish()                       # DERError if anything is left over
    """

    def __init__(self, element: Element) -> None:
        self._parent = element
        self._items = element.children()
        self._index = 0

    def peek(self) -> Optional[Element]:
        return self._items[self._index] if self._index < len(self._items) else None

    def at_end(self) -> bool:
        return self._index >= len(self._items)

    def next(self, number: Optional[int] = None, tag_class: int = CLASS_UNIVERSAL) -> Element:
        """The next child (checked against the tag when given); DERError if none is left."""
        item = self.peek()
        if item is None:
            what = tag_name(tag_class, number) if number is not None else "another element"
            raise _fail(self._parent.offset + len(self._parent.encoding),
                        f"{self._parent.name} ends early: expected {what}")
        if number is not None:
            item.expect(number, tag_class)
        self._index += 1
        return item

    def optional(self, number: int, tag_class: int = CLASS_CONTEXT) -> Optional[Element]:
        """The next child if it carries this tag (default: context-specific), else None."""
        item = self.peek()
        if item is not None and item.tag_class == tag_class and item.number == number:
            self._index += 1
            return item
        return None

    def finish(self) -> None:
        item = self.peek()
        if item is not None:
            raise _fail(item.offset, f"unexpected {item.name} at the end of {self._parent.name}")


def decode_boolean(element: Element) -> bool:
    """X.690 §8.2 with §11.1: one octet, 0x00 or 0xFF."""
    element.expect(BOOLEAN)
    if len(element.content) != 1 or element.content[0] not in (BOOLEAN_FALSE, BOOLEAN_TRUE):
        raise _fail(element.offset, "BOOLEAN must be one octet 0x00 or 0xFF")
    return element.content[0] == BOOLEAN_TRUE


def _integer_value(element: Element) -> int:
    content = element.content
    if not content:
        raise _fail(element.offset, "INTEGER with no content octets")
    # §8.3.2: the first nine bits are not all ones or all zeros.
    if len(content) > 1 and ((content[0] == 0x00 and content[1] < 0x80)
                             or (content[0] == 0xFF and content[1] >= 0x80)):
        raise _fail(element.offset, "INTEGER not in its minimal encoding")
    return int.from_bytes(content, "big", signed=True)


def decode_integer(element: Element, tag_class: int = CLASS_UNIVERSAL,
                   number: int = INTEGER) -> int:
    """X.690 §8.3: a two's-complement INTEGER in the fewest octets (implicit tags allowed)."""
    element.expect(number, tag_class)
    if element.constructed:
        raise _fail(element.offset, "INTEGER must be primitive")
    return _integer_value(element)


def decode_bit_string(element: Element) -> tuple[bytes, int]:
    """X.690 §8.6 with §11.2: (octets, unused bit count); unused bits must be zero."""
    element.expect(BIT_STRING)
    content = element.content
    if not content:
        raise _fail(element.offset, "BIT STRING with no content octets")
    unused = content[0]
    data = content[1:]
    if unused > MAX_UNUSED_BITS or (not data and unused):
        raise _fail(element.offset, f"BIT STRING with {unused} unused bits")
    if unused and data[-1] & ((1 << unused) - 1):
        raise _fail(element.offset, "BIT STRING unused bits are not zero")
    return data, unused


def decode_octet_string(element: Element, tag_class: int = CLASS_UNIVERSAL,
                        number: int = OCTET_STRING) -> bytes:
    """X.690 §8.7 (primitive in DER); implicit tags allowed."""
    element.expect(number, tag_class)
    if element.constructed:
        raise _fail(element.offset, "OCTET STRING must be primitive")
    return element.content


def decode_null(element: Element) -> None:
    """X.690 §8.8: no content octets."""
    element.expect(NULL)
    if element.content:
        raise _fail(element.offset, "NULL with content octets")


def oid_from_bytes(content: bytes, offset: int = 0) -> str:
    """X.690 §8.19: the dotted string of OBJECT IDENTIFIER content octets."""
    if not content:
        raise _fail(offset, "OBJECT IDENTIFIER with no content octets")
    if content[-1] & BASE128_CONTINUE:
        raise _fail(offset, "OBJECT IDENTIFIER ends inside a subidentifier")
    subidentifiers = []
    value = 0
    starting = True
    for octet in content:
        if starting and octet == BASE128_CONTINUE:
            raise _fail(offset, "OBJECT IDENTIFIER subidentifier has a leading 0x80 octet")
        value = (value << 7) | (octet & 0x7F)
        starting = not octet & BASE128_CONTINUE
        if starting:
            subidentifiers.append(value)
            value = 0
    # §8.19.4: the first subidentifier packs the first two arcs as X * 40 + Y.
    first = subidentifiers[0]
    if first < OID_FIRST_ARC_BASE:
        arcs = [0, first]
    elif first < 2 * OID_FIRST_ARC_BASE:
        arcs = [1, first - OID_FIRST_ARC_BASE]
    else:
        arcs = [2, first - 2 * OID_FIRST_ARC_BASE]
    return ".".join(str(arc) for arc in arcs + subidentifiers[1:])


def decode_oid(element: Element) -> str:
    """An OBJECT IDENTIFIER as a dotted string, e.g. "1.2.840.113549.1.1.11"."""
    element.expect(OBJECT_IDENTIFIER)
    return oid_from_bytes(element.content, element.offset)


def _time_fields(element: Element, text: bytes, year: int, rest: bytes) -> datetime.datetime:
    month, day, hour, minute, second = (int(rest[i:i + 2]) for i in range(0, 10, 2))
    try:
        return datetime.datetime(year, month, day, hour, minute, second,
                                 tzinfo=datetime.timezone.utc)
    except ValueError:
        raise _fail(element.offset, f"{element.name} {text!r} is not a valid date") from None


def decode_time(element: Element) -> datetime.datetime:
    """UTCTime or GeneralizedTime as RFC 5280 §4.1.2.5 profiles them -> aware UTC datetime."""
    text = element.content
    if element.is_tag(UTC_TIME):
        # §4.1.2.5.1: YYMMDDHHMMSSZ, seconds present, Zulu.
        if not _UTC_TIME_RE.fullmatch(text):
            raise _fail(element.offset, f"UTCTime {text!r} is not YYMMDDHHMMSSZ")
        yy = int(text[:2])
        year = 1900 + yy if yy >= UTC_TIME_PIVOT else 2000 + yy
        return _time_fields(element, text, year, text[2:12])
    if element.is_tag(GENERALIZED_TIME):
        # §4.1.2.5.2: YYYYMMDDHHMMSSZ, no fractional seconds.
        if not _GENERALIZED_TIME_RE.fullmatch(text):
            raise _fail(element.offset, f"GeneralizedTime {text!r} is not YYYYMMDDHHMMSSZ")
        year = int(text[:4])
        if year == 0:
            raise _fail(element.offset, "GeneralizedTime year 0000")
        return _time_fields(element, text, year, text[4:14])
    raise _fail(element.offset, f"expected UTCTime or GeneralizedTime, found {element.name}")


def decode_string(element: Element) -> str:
    """A character string of one of STRING_TAGS, checked against its alphabet."""
    if element.tag_class != CLASS_UNIVERSAL or element.number not in STRING_TAGS:
        raise _fail(element.offset, f"expected a character string, found {element.name}")
    content = element.content
    number = element.number
    try:
        if number == UTF8_STRING:
            return content.decode("utf-8")
        if number == PRINTABLE_STRING:
            if not set(content) <= PRINTABLE_CHARACTERS:
                raise _fail(element.offset, "PrintableString with a character outside its set")
            return content.decode("ascii")
        if number == NUMERIC_STRING:
            if not set(content) <= NUMERIC_CHARACTERS:
                raise _fail(element.offset, "NumericString with a character outside its set")
            return content.decode("ascii")
        if number in (IA5_STRING, VISIBLE_STRING):
            text = content.decode("ascii")
            if number == VISIBLE_STRING and any(not 0x20 <= ord(c) < 0x7F for c in text):
                raise _fail(element.offset, "VisibleString with a control character")
            return text
        if number == TELETEX_STRING:
            return content.decode("latin-1")  # T.61 read as Latin-1, as common practice does
        if number == BMP_STRING:
            if len(content) % 2:
                raise _fail(element.offset, "BMPString of odd length")
            return content.decode("utf-16-be")
        # UNIVERSAL_STRING: UCS-4 big-endian.
        if len(content) % 4:
            raise _fail(element.offset, "UniversalString length not a multiple of 4")
        return content.decode("utf-32-be")
    except UnicodeDecodeError:
        raise _fail(element.offset, f"{element.name} is not valid text") from None


# --- writing ------------------------------------------------------------------

def _encode_length(length: int) -> bytes:
    """X.690 §8.1.3 / §10.1: the short form below 128, else the fewest long-form octets."""
    if length < LONG_LENGTH_BIT:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([LONG_LENGTH_BIT | len(octets)]) + octets


def _encode_identifier(number: int, tag_class: int, constructed: bool) -> bytes:
    first = (tag_class << 6) | (CONSTRUCTED_BIT if constructed else 0)
    if number < HIGH_TAG_NUMBER:
        return bytes([first | number])
    return bytes([first | HIGH_TAG_NUMBER]) + _base128(number)


def _base128(value: int) -> bytes:
    """Big-endian base 128, bit 8 set on all but the last octet (§8.1.2.4.2, §8.19.2)."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(BASE128_CONTINUE | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def encode_tlv(number: int, content: bytes, tag_class: int = CLASS_UNIVERSAL,
               constructed: Optional[bool] = None) -> bytes:
    """identifier || length || content. `constructed` defaults to True for SEQUENCE/SET."""
    if constructed is None:
        constructed = tag_class == CLASS_UNIVERSAL and number in CONSTRUCTED_UNIVERSAL
    content = bytes(content)
    identifier = _encode_identifier(number, tag_class, constructed)
    return identifier + _encode_length(len(content)) + content


def encode_boolean(value: bool) -> bytes:
    return encode_tlv(BOOLEAN, bytes([BOOLEAN_TRUE if value else BOOLEAN_FALSE]))


def encode_integer(value: int) -> bytes:
    """X.690 §8.3: two's complement in the fewest octets."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"INTEGER value must be an int, not {type(value).__name__}")
    length = (value + (value < 0)).bit_length() // 8 + 1   # room for the sign bit
    return encode_tlv(INTEGER, value.to_bytes(length, "big", signed=True))


def encode_bit_string(data: bytes, unused_bits: int = 0) -> bytes:
    if not 0 <= unused_bits <= MAX_UNUSED_BITS or (unused_bits and not data):
        raise ValueError("unused_bits must be 0-7, and 0 for an empty BIT STRING")
    if unused_bits and data[-1] & ((1 << unused_bits) - 1):
        raise ValueError("the unused bits of a DER BIT STRING must be zero")
    return encode_tlv(BIT_STRING, bytes([unused_bits]) + bytes(data))


def encode_octet_string(data: bytes) -> bytes:
    return encode_tlv(OCTET_STRING, data)


def encode_null() -> bytes:
    return encode_tlv(NULL, b"")


def oid_to_bytes(dotted: str) -> bytes:
    """Content octets of an OBJECT IDENTIFIER from its dotted string (X.690 §8.19)."""
    if not isinstance(dotted, str) or not re.fullmatch(r"[0-9]+(\.[0-9]+)+", dotted):
        raise ValueError(f"not a dotted object identifier: {dotted!r}")
    arcs = [int(arc) for arc in dotted.split(".")]
    if arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= OID_FIRST_ARC_BASE):
        raise ValueError(f"object identifier {dotted} has invalid first arcs")
    first = arcs[0] * OID_FIRST_ARC_BASE + arcs[1]
    return b"".join(_base128(arc) for arc in [first] + arcs[2:])


def encode_oid(dotted: str) -> bytes:
    return encode_tlv(OBJECT_IDENTIFIER, oid_to_bytes(dotted))


def encode_sequence(*encodings: bytes) -> bytes:
    return encode_tlv(SEQUENCE, b"".join(encodings))


def encode_set_of(encodings: Iterable[bytes]) -> bytes:
    """X.690 §11.6: SET OF with the elements sorted by their encodings."""
    return encode_tlv(SET, b"".join(sorted(bytes(e) for e in encodings)))


def _check_utc(moment: datetime.datetime) -> datetime.datetime:
    if not isinstance(moment, datetime.datetime):
        raise TypeError("time must be a datetime.datetime")
    if moment.tzinfo is None:
        raise ValueError("time must be timezone-aware (UTC)")
    return moment.astimezone(datetime.timezone.utc)


def encode_utc_time(moment: datetime.datetime) -> bytes:
    moment = _check_utc(moment)
    if not 1950 <= moment.year < GENERALIZED_TIME_FROM_YEAR:
        raise ValueError("UTCTime covers the years 1950-2049 (RFC 5280 §4.1.2.5.1)")
    return encode_tlv(UTC_TIME, moment.strftime("%y%m%d%H%M%SZ").encode("ascii"))


def encode_generalized_time(moment: datetime.datetime) -> bytes:
    moment = _check_utc(moment)
    return encode_tlv(GENERALIZED_TIME, (f"{moment.year:04d}"
                                         + moment.strftime("%m%d%H%M%SZ")).encode("ascii"))


def encode_time(moment: datetime.datetime) -> bytes:
    """RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on."""
    moment = _check_utc(moment)
    if 1950 <= moment.year < GENERALIZED_TIME_FROM_YEAR:
        return encode_utc_time(moment)
    return encode_generalized_time(moment)


def encode_string(text: str, number: int = UTF8_STRING) -> bytes:
    """A character string; PrintableString and IA5String are checked against their sets."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if number == UTF8_STRING:
        return encode_tlv(number, text.encode("utf-8"))
    if number == PRINTABLE_STRING:
        data = text.encode("ascii", errors="strict") if text.isascii() else None
        if data is None or not set(data) <= PRINTABLE_CHARACTERS:
            raise ValueError(f"{text!r} is not a PrintableString")
        return encode_tlv(number, data)
    if number == IA5_STRING:
        if not text.isascii():
            raise ValueError(f"{text!r} is not an IA5String")
        return encode_tlv(number, text.encode("ascii"))
    if number == BMP_STRING:
        return encode_tlv(number, text.encode("utf-16-be"))
    raise ValueError(f"encode_string does not write {tag_name(CLASS_UNIVERSAL, number)}")


def encode_explicit(number: int, inner: bytes) -> bytes:
    """[number] EXPLICIT: a constructed context-specific wrapper around a whole TLV."""
    return encode_tlv(number, inner, CLASS_CONTEXT, constructed=True)


def encode_implicit(number: int, content: bytes, constructed: bool = False) -> bytes:
    """[number] IMPLICIT: the context tag replaces the type's own (content unchanged)."""
    return encode_tlv(number, content, CLASS_CONTEXT, constructed=constructed)
