"""refkx.tls.keyschedule: RFC 8448 §3 vectors, then API checks and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refkx import hkdf
from refkx.tls import keyschedule as ks
from refkx.kat.tls13 import trace
from kat_params import kat_parametrize


# -- against published vectors (RFC 8448 §3; the same cases as `python -m refkx vectors`) --

@kat_parametrize("tls13")
def test_published_vector(case, implementation):
    case.run()


def test_vector_file_lengths_match_the_rfc():
    t = trace()
    assert len(t["client_hello"]) == 196 and len(t["server_hello"]) == 90
    assert len(t["certificate"]) == 445 and len(t["server_handshake_record"]) == 679


def test_key_schedule_values_are_named_in_order():
    t = trace()
    schedule = ks.KeySchedule()
    schedule.handshake(t["shared_secret"], t["hash_client_hello_server_hello"])
    schedule.master(t["hash_client_hello_server_finished"])
    names = [name for name, _ in schedule.values]
    assert names[:4] == ["early_secret", "derived_from_early_secret", "shared_secret",
                         "handshake_secret"]
    assert "exporter_master_secret" in names
    assert dict(schedule.values)["master_secret"] == t["master_secret"]


# -- HKDF-Expand-Label ---------------------------------------------------------------------

def test_hkdf_label_layout():
    # RFC 8446 §7.1: uint16 length, label<7..255> = "tls13 " + Label, context<0..255>.
    assert ks.hkdf_label(b"key", b"", 16) == b"\x00\x10\x09tls13 key\x00"
    assert ks.hkdf_label(b"key", b"ctx", 16, label_prefix=b"") == b"\x00\x10\x03key\x03ctx"


def test_expand_label_is_hkdf_expand_of_the_label():
    secret = bytes(range(32))
    info = ks.hkdf_label(b"c hs traffic", bytes(32), 32)
    assert ks.hkdf_expand_label(secret, b"c hs traffic", bytes(32), 32) == \
        hkdf.expand(secret, info, 32)


def test_label_prefix_opt_out():
    secret = bytes(32)
    with_prefix = ks.hkdf_expand_label(secret, b"key", b"", 16)
    explicit = ks.hkdf_expand_label(secret, b"tls13 key", b"", 16, label_prefix=b"")
    other = ks.hkdf_expand_label(secret, b"key", b"", 16, label_prefix=b"dtls13")
    assert with_prefix == explicit != other


def test_expand_label_differential_cryptography():
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

    secret = bytes(range(48))
    info = ks.hkdf_label(b"traffic upd", b"", 48)
    theirs = HKDFExpand(hashes.SHA384(), 48, info).derive(secret)
    assert ks.next_traffic_secret(secret, "sha384") == theirs


@pytest.mark.parametrize("bad", ["text", 3, None, ["a"]])
def test_expand_label_refuses_non_bytes(bad):
    with pytest.raises(TypeError):
        ks.hkdf_expand_label(bad, b"key", b"", 16)
    with pytest.raises(TypeError):
        ks.hkdf_expand_label(bytes(32), bad, b"", 16)
    with pytest.raises(TypeError):
        ks.hkdf_expand_label(bytes(32), b"key", bad, 16)


def test_expand_label_accepts_bytes_like():
    secret = bytes(range(32))
    assert ks.hkdf_expand_label(bytearray(secret), memoryview(b"key"), bytearray(), 16) == \
        ks.hkdf_expand_label(secret, b"key", b"", 16)


@pytest.mark.parametrize("label, context, length", [
    (b"", b"", 16),                 # label<7..255>: "tls13 " alone is too short
    (b"x" * 250, b"", 16),          # 6 + 250 > 255
    (b"key", bytes(256), 16),       # context<0..255>
    (b"key", b"", 2 ** 16),         # uint16 length
    (b"key", b"", -1),
])
def test_expand_label_refuses_out_of_range(label, context, length):
    with pytest.raises(ValueError):
        ks.hkdf_expand_label(bytes(32), label, context, length)


def test_expand_label_refuses_length_beyond_hkdf():
    with pytest.raises(ValueError):                       # > 255 * HashLen
        ks.hkdf_expand_label(bytes(32), b"key", b"", 255 * 32 + 1)
    with pytest.raises(TypeError):
        ks.hkdf_expand_label(bytes(32), b"key", b"", 16.0)


def test_longest_label_and_context():
    out = ks.hkdf_expand_label(bytes(32), b"x" * 249, bytes(255), 32)
    assert len(out) == 32


# -- Derive-Secret and the schedule ----------------------------------------------------------

def test_derive_secret_takes_the_hash_not_the_messages():
    t = trace()
    with pytest.raises(ValueError, match="Hash.length"):
        ks.derive_secret(t["handshake_secret"], b"c hs traffic", t["client_hello"])
    with pytest.raises(ValueError):
        ks.derive_secret(bytes(48), b"derived", bytes(32), "sha384")


def test_transcript_hash_refuses_str():
    with pytest.raises(TypeError):
        ks.transcript_hash("ClientHello")


def test_schedule_order_is_enforced():
    schedule = ks.KeySchedule()
    with pytest.raises(ValueError):
        schedule.master(bytes(32))
    schedule.handshake(bytes(32), bytes(32))
    with pytest.raises(ValueError):
        schedule.handshake(bytes(32), bytes(32))
    with pytest.raises(ValueError):
        schedule.resumption(bytes(32))
    schedule.master(bytes(32))
    with pytest.raises(ValueError):
        schedule.master(bytes(32))


def test_schedule_refuses_bad_hash():
    with pytest.raises(ValueError):
        ks.KeySchedule("no-such-hash")
    with pytest.raises(ValueError):
        ks.KeySchedule("shake_128")
    with pytest.raises(TypeError):
        ks.KeySchedule(256)


def test_sha384_schedule_sizes():
    schedule = ks.KeySchedule("sha384")
    schedule.handshake(bytes(56), bytes(48))
    schedule.master(bytes(48))
    assert all(len(v) in (48, 56) for _, v in schedule.values)
    key, iv = ks.traffic_key_and_iv(schedule.client_application_traffic_secret_0, 32, 12, "sha384")
    assert (len(key), len(iv)) == (32, 12)


def test_psk_changes_the_early_secret():
    assert ks.KeySchedule(psk=bytes(32)).early_secret == trace()["early_secret"]
    assert ks.KeySchedule(psk=b"\x01" * 32).early_secret != trace()["early_secret"]


def test_traffic_update_is_a_chain():
    # RFC 8446 §7.2: secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length)
    secret_0 = trace()["client_application_traffic_secret_0"]
    secret_1 = ks.next_traffic_secret(secret_0)
    assert secret_1 == ks.hkdf_expand_label(secret_0, b"traffic upd", b"", 32)
    assert ks.next_traffic_secret(secret_1) != secret_1 != secret_0
    assert ks.traffic_key_and_iv(secret_1, 16) != ks.traffic_key_and_iv(secret_0, 16)


# -- properties -----------------------------------------------------------------------------

@given(secret=st.binary(min_size=32, max_size=64), label=st.binary(min_size=1, max_size=249),
       context=st.binary(max_size=255), length=st.integers(0, 255 * 32))
def test_expand_label_length_and_determinism(secret, label, context, length):
    out = ks.hkdf_expand_label(secret, label, context, length)
    assert len(out) == length
    assert out == ks.hkdf_expand_label(secret, label, context, length)


@given(label_a=st.binary(min_size=1, max_size=40), label_b=st.binary(min_size=1, max_size=40))
def test_distinct_labels_give_distinct_secrets(label_a, label_b):
    if label_a != label_b:
        secret = bytes(range(32))
        assert ks.derive_secret(secret, label_a, bytes(32)) != \
            ks.derive_secret(secret, label_b, bytes(32))
