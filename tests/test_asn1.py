"""refkx.asn1: the strict DER reader and writer (X.690 §8, §10-11; RFC 5280 §4.1.2.5 times)."""

import datetime

import pytest
from hypothesis import given, strategies as st

from refkx import asn1
from refkx.errors import DERError

UTC = datetime.timezone.utc


# --- known encodings (X.690 examples and hand-checked bytes) ---

@pytest.mark.parametrize("value, encoding", [
    (0, "020100"), (127, "02017f"), (128, "02020080"), (256, "02020100"),
    (-1, "0201ff"), (-128, "020180"), (-129, "0202ff7f"), (65537, "0203010001"),
])
def test_integer_known(value, encoding):
    assert asn1.encode_integer(value).hex() == encoding
    assert asn1.decode_integer(asn1.parse(bytes.fromhex(encoding))) == value


@pytest.mark.parametrize("dotted, encoding", [
    ("1.2.840.113549.1.1.11", "06092a864886f70d01010b"),   # sha256WithRSAEncryption
    ("2.5.4.3", "0603550403"),                              # id-at-commonName
    ("1.3.101.110", "06032b656e"),                          # id-X25519 (RFC 8410)
    ("2.999.3", "0603883703"),                              # X.690 §8.19.5 example
])
def test_oid_known(dotted, encoding):
    assert asn1.encode_oid(dotted).hex() == encoding
    assert asn1.decode_oid(asn1.parse(bytes.fromhex(encoding))) == dotted


def test_long_length_and_sequence():
    content = bytes(200)
    tlv = asn1.encode_octet_string(content)
    assert tlv[:3].hex() == "0481c8"
    seq = asn1.encode_sequence(asn1.encode_null(), tlv)
    element = asn1.parse(seq)
    null, octets = element.children()
    assert asn1.decode_null(null) is None
    assert asn1.decode_octet_string(octets) == content
    assert octets.offset == 5 and octets.content_offset == 8   # 30 81 cd | 05 00 | 04 81 c8


def test_times_rfc5280():
    t = datetime.datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert asn1.encode_time(t) == asn1.encode_tlv(asn1.UTC_TIME, b"491231235959Z")
    t2 = datetime.datetime(2050, 1, 1, tzinfo=UTC)
    assert asn1.encode_time(t2) == asn1.encode_tlv(asn1.GENERALIZED_TIME, b"20500101000000Z")
    assert asn1.decode_time(asn1.parse(asn1.encode_time(t))) == t
    assert asn1.decode_time(asn1.parse(asn1.encode_time(t2))) == t2
    # RFC 5280 §4.1.2.5.1: YY >= 50 means 19YY.
    assert asn1.decode_time(asn1.parse(asn1.encode_tlv(asn1.UTC_TIME, b"500101000000Z"))).year == 1950


def test_bit_string_and_boolean():
    assert asn1.decode_bit_string(asn1.parse(bytes.fromhex("030206c0"))) == (b"\xc0", 6)
    assert asn1.decode_boolean(asn1.parse(asn1.encode_boolean(True))) is True
    assert asn1.decode_boolean(asn1.parse(asn1.encode_boolean(False))) is False


def test_set_of_sorted():
    out = asn1.encode_set_of([asn1.encode_integer(5), asn1.encode_integer(1)])
    assert out.hex() == "3106020101020105"
    asn1.parse(out)


def test_explicit_implicit_and_reader():
    data = asn1.encode_sequence(asn1.encode_explicit(0, asn1.encode_integer(2)),
                                asn1.encode_implicit(1, b"\x05"),
                                asn1.encode_integer(7))
    r = asn1.parse(data).reader()
    version = r.optional(0)
    assert asn1.decode_integer(version.children()[0]) == 2
    assert asn1.decode_integer(r.optional(1), asn1.CLASS_CONTEXT, 1) == 5
    assert r.optional(2) is None
    assert asn1.decode_integer(r.next(asn1.INTEGER)) == 7
    r.finish()
    with pytest.raises(DERError, match="ends early"):
        r.next()


@pytest.mark.parametrize("tag, text", [
    (asn1.PRINTABLE_STRING, "Test CA 1"), (asn1.UTF8_STRING, "Zürich"),
    (asn1.IA5_STRING, "a@b.example"), (asn1.BMP_STRING, "Ωmega"),
])
def test_strings(tag, text):
    assert asn1.decode_string(asn1.parse(asn1.encode_string(text, tag))) == text


# --- non-DER input: one error class, with the offset ---

@pytest.mark.parametrize("hex_input, reason", [
    ("3080020100 0000", "indefinite"),
    ("028101 05", "short form"),
    ("0282000105", "leading zero"),
    ("02020005", "minimal"),
    ("0202ff80", "minimal"),
    ("0200", "no content"),
    ("020105 00", "trailing"),
    ("0203 0100", "truncated"),
    ("30", "truncated"),
    ("", "truncated"),
    ("010101", "BOOLEAN"),
    ("0500" "00", "trailing"),
    ("050100", "NULL with content"),
    ("030107", "unused bits"),
    ("030208ff", "unused bits"),
    ("030201ff", "not zero"),
    ("0603 2a8080", "ends inside"),
    ("0602 8001", "leading 0x80"),
    ("1003020100", "constructed"),
    ("2403040100", "primitive"),
    ("3106020105020101", "DER order"),
    ("170d3439313233313233353935395a"[:-2] + "2b", "YYMMDDHHMMSSZ"),
    ("170d3439313333313233353935395a", "valid date"),
    ("180f32303530303130313030303030305a"[:-2], "GeneralizedTime"),
    ("1302 2a2a", "outside its set"),
    ("0c02 c328", "valid text"),
    ("1f0101 00", "below 31"),
    ("1f800101 00", "leading zero"),
    ("8485000000000100", "not supported"),
])
def test_non_der_refused(hex_input, reason):
    data = bytes.fromhex(hex_input.replace(" ", ""))
    with pytest.raises(DERError, match=reason) as info:
        element = asn1.parse(data)
        # Some failures appear only when the value is decoded.
        if element.is_tag(asn1.INTEGER):
            asn1.decode_integer(element)
        elif element.is_tag(asn1.BOOLEAN):
            asn1.decode_boolean(element)
        elif element.is_tag(asn1.NULL):
            asn1.decode_null(element)
        elif element.is_tag(asn1.BIT_STRING):
            asn1.decode_bit_string(element)
        elif element.is_tag(asn1.OBJECT_IDENTIFIER):
            asn1.decode_oid(element)
        elif element.is_tag(asn1.UTC_TIME) or element.is_tag(asn1.GENERALIZED_TIME):
            asn1.decode_time(element)
        elif element.number in asn1.STRING_TAGS:
            asn1.decode_string(element)
    assert "offset" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_wrong_tag_names_both():
    with pytest.raises(DERError, match="expected INTEGER, found NULL"):
        asn1.decode_integer(asn1.parse(asn1.encode_null()))


def test_writer_misuse():
    with pytest.raises(TypeError):
        asn1.encode_integer(True)
    with pytest.raises(ValueError):
        asn1.encode_oid("3.1")
    with pytest.raises(ValueError):
        asn1.encode_bit_string(b"\x01", 1)
    with pytest.raises(ValueError):
        asn1.encode_time(datetime.datetime(2020, 1, 1))
    with pytest.raises(TypeError):
        asn1.parse("3000")


# --- properties ---

@given(st.integers(min_value=-(1 << 300), max_value=1 << 300))
def test_integer_round_trip(value):
    assert asn1.decode_integer(asn1.parse(asn1.encode_integer(value))) == value


@given(st.lists(st.integers(min_value=0, max_value=1 << 70), min_size=1, max_size=8),
       st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=39))
def test_oid_round_trip(tail, first, second):
    dotted = ".".join(str(a) for a in [first, second] + tail)
    assert asn1.decode_oid(asn1.parse(asn1.encode_oid(dotted))) == dotted


@given(st.binary(max_size=70000))
def test_octet_string_round_trip(data):
    assert asn1.decode_octet_string(asn1.parse(asn1.encode_octet_string(data))) == data


@given(st.datetimes(min_value=datetime.datetime(1950, 1, 1), max_value=datetime.datetime(9999, 1, 1),
                    timezones=st.just(UTC)))
def test_time_round_trip(moment):
    moment = moment.replace(microsecond=0)
    assert asn1.decode_time(asn1.parse(asn1.encode_time(moment))) == moment


def _walk(element):
    """Decode everything decodable; only DERError may escape."""
    if element.constructed:
        for child in element.children():
            _walk(child)
        return
    if element.tag_class != asn1.CLASS_UNIVERSAL:
        return
    decoders = {asn1.BOOLEAN: asn1.decode_boolean, asn1.INTEGER: asn1.decode_integer,
                asn1.BIT_STRING: asn1.decode_bit_string, asn1.NULL: asn1.decode_null,
                asn1.OBJECT_IDENTIFIER: asn1.decode_oid, asn1.UTC_TIME: asn1.decode_time,
                asn1.GENERALIZED_TIME: asn1.decode_time}
    decoder = decoders.get(element.number)
    if decoder is None and element.number in asn1.STRING_TAGS:
        decoder = asn1.decode_string
    if decoder is not None:
        decoder(element)


SAMPLE = asn1.encode_sequence(
    asn1.encode_integer(-300), asn1.encode_boolean(True), asn1.encode_oid("1.2.840.10045.2.1"),
    asn1.encode_set_of([asn1.encode_string("x", asn1.PRINTABLE_STRING),
                        asn1.encode_string("y", asn1.UTF8_STRING)]),
    asn1.encode_explicit(3, asn1.encode_bit_string(b"\x80", 7)),
    asn1.encode_time(datetime.datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)))


@given(st.binary(max_size=64))
def test_fuzz_random_bytes_only_der_error(data):
    try:
        _walk(asn1.parse(data))
    except DERError:
        pass


@given(st.integers(min_value=0, max_value=len(SAMPLE) * 8 - 1), st.integers(0, len(SAMPLE)))
def test_fuzz_bit_flips_and_truncations(bit, cut):
    flipped = bytearray(SAMPLE)
    flipped[bit // 8] ^= 1 << (bit % 8)
    for data in (bytes(flipped), SAMPLE[:cut]):
        try:
            _walk(asn1.parse(data))
        except DERError:
            pass
    _walk(asn1.parse(SAMPLE))   # the untampered sample decodes
