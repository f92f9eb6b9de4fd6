"""The TLS 1.3 key schedule: RFC 8446 §7.1 (schedule), §7.2 (traffic key update),
§7.3 (traffic keys), §4.4.4 (Finished), on top of HKDF (RFC 5869, refkx.hkdf).

    HKDF-Expand-Label(Secret, Label, Context, Length) =
        HKDF-Expand(Secret, HkdfLabel, Length)

    struct {
        uint16 length = Length;
        opaque label<7..255> = "tls13 " + Label;
        opaque context<0..255> = Context;
    } HkdfLabel;

    Derive-Secret(Secret, Label, Messages) =
        HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)

The schedule (RFC 8446 §7.1, the figure; names as in the RFC):

                 0
                 |
                 v
       PSK ->  HKDF-Extract = Early Secret
                 |
                 v
           Derive-Secret(., "derived", "")
                 |
                 v
    (EC)DHE -> HKDF-Extract = Handshake Secret
                 |
                 +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello)
                 |                     = client_handshake_traffic_secret
                 +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
                 |                     = server_handshake_traffic_secret
                 v
           Derive-Secret(., "derived", "")
                 |
                 v
       0 -> HKDF-Extract = Master Secret
                 |
                 +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished)
                 |                     = client_application_traffic_secret_0
                 +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished)
                 |                     = server_application_traffic_secret_0
                 +-----> Derive-Secret(., "exp master", ClientHello...server Finished)
                 |                     = exporter_master_secret
                 +-----> Derive-Secret(., "res master", ClientHello...client Finished)
                                       = resumption_master_secret

In refkx the "(EC)DHE" input is the shared secret of whichever KEM the session
runs (refkx.kem): X25519/X448, finite-field DH, or an RSA-OAEP key transport.

API note: `derive_secret` takes the transcript HASH, already
computed, not the messages; `transcript_hash(*messages)` computes it. Labels are
bytes WITHOUT the "tls13 " prefix, which `hkdf_expand_label` adds (pass
`label_prefix=b""` to use HKDF-Expand-Label with some other protocol's labels).

Every function here is deterministic; the `KeySchedule` class records each
value it derives with its RFC name, so `python -m refkx trace session` can show
the whole schedule. CPython integers and bytes are not constant-time, and
Python cannot reliably erase memory: this module teaches and cross-checks; it
does not protect production secrets.
"""

from __future__ import annotations

from .. import hkdf
from ..encoding import require_bytes, require_int
from ..hmac import digest_size, hmac, new_hash

TLS13_LABEL_PREFIX = b"tls13 "   # RFC 8446 §7.1: opaque label<7..255> = "tls13 " + Label
MAX_LABEL_LENGTH = 255           # RFC 8446 §7.1: label<7..255>
MIN_LABEL_LENGTH = 7             # ... and at least "tls13 " plus one byte
MAX_CONTEXT_LENGTH = 255         # RFC 8446 §7.1: context<0..255>
MAX_LENGTH = 2 ** 16 - 1         # RFC 8446 §7.1: uint16 length

# The labels of RFC 8446 §7.1, §7.2, §7.3 and §4.4.4 (without "tls13 ").
LABEL_DERIVED = b"derived"
LABEL_C_HS_TRAFFIC = b"c hs traffic"
LABEL_S_HS_TRAFFIC = b"s hs traffic"
LABEL_C_AP_TRAFFIC = b"c ap traffic"
LABEL_S_AP_TRAFFIC = b"s ap traffic"
LABEL_EXP_MASTER = b"exp master"
LABEL_RES_MASTER = b"res master"
LABEL_TRAFFIC_UPD = b"traffic upd"
LABEL_KEY = b"key"
LABEL_IV = b"iv"
LABEL_FINISHED = b"finished"


def hkdf_label(label: bytes, context: bytes, length: int,
               label_prefix: bytes = TLS13_LABEL_PREFIX) -> bytes:
    """The serialised HkdfLabel struct of RFC 8446 §7.1 (the `info` of HKDF-Expand).

    uint16 length || uint8 len(full label) || full label || uint8 len(context) || context
    """
    label = require_bytes("label", label)
    context = require_bytes("context", context)
    label_prefix = require_bytes("label_prefix", label_prefix)
    length = require_int("length", length)
    full_label = label_prefix + label
    if not 0 <= length <= MAX_LENGTH:
        raise ValueError(f"length must be in 0..{MAX_LENGTH} (uint16), got {length}")
    if len(full_label) > MAX_LABEL_LENGTH:
        raise ValueError(f"label too long: {len(full_label)} > {MAX_LABEL_LENGTH} bytes with prefix")
    if label_prefix == TLS13_LABEL_PREFIX and len(full_label) < MIN_LABEL_LENGTH:
        raise ValueError("label must not be empty (RFC 8446 §7.1: label<7..255>)")
    if len(context) > MAX_CONTEXT_LENGTH:
        raise ValueError(f"context too long: {len(context)} > {MAX_CONTEXT_LENGTH} bytes")
    return (length.to_bytes(2, "big")
            + bytes([len(full_label)]) + full_label
            + bytes([len(context)]) + context)


def hkdf_expand_label(secret: bytes, label: bytes, context: bytes, length: int,
                      hash_name: str = "sha256",
                      label_prefix: bytes = TLS13_LABEL_PREFIX) -> bytes:
    """RFC 8446 §7.1 HKDF-Expand-Label(Secret, Label, Context, Length).

    `label` is given without "tls13 "; `label_prefix` is prepended (default
    "tls13 "; pass b"" to opt out, e.g. for a protocol with its own prefix).
    """
    info = hkdf_label(label, context, length, label_prefix)
    return hkdf.expand(secret, info, length, hash_name)


def transcript_hash(*messages: bytes, hash_name: str = "sha256") -> bytes:
    """RFC 8446 §4.4.1 Transcript-Hash(M1, M2, ... Mn) = Hash(M1 || M2 || ... || Mn)."""
    h = new_hash(hash_name)
    for i, message in enumerate(messages):
        h.update(require_bytes(f"messages[{i}]", message))
    return h.digest()


def derive_secret(secret: bytes, label: bytes, transcript_hash: bytes,
                  hash_name: str = "sha256") -> bytes:
    """RFC 8446 §7.1 Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages).

    The third argument is the HASH of the messages (Hash.length bytes), not the
    messages themselves; a wrong length is refused so that the two cannot be confused.
    """
    transcript_hash = require_bytes("transcript_hash", transcript_hash)
    hash_len = digest_size(hash_name)
    if len(transcript_hash) != hash_len:
        raise ValueError(f"transcript_hash must be Hash.length = {hash_len} bytes "
                         f"(hash the messages first), got {len(transcript_hash)}")
    return hkdf_expand_label(secret, label, transcript_hash, hash_len, hash_name)


def empty_hash(hash_name: str = "sha256") -> bytes:
    """Transcript-Hash("") : the hash of the empty string (RFC 8446 §7.1, "derived")."""
    return transcript_hash(hash_name=hash_name)


def traffic_key_and_iv(secret: bytes, key_length: int, iv_length: int = 12,
                       hash_name: str = "sha256") -> tuple[bytes, bytes]:
    """RFC 8446 §7.3: [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length),
    [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length)."""
    write_key = hkdf_expand_label(secret, LABEL_KEY, b"", key_length, hash_name)
    write_iv = hkdf_expand_label(secret, LABEL_IV, b"", iv_length, hash_name)
    return write_key, write_iv


def next_traffic_secret(secret: bytes, hash_name: str = "sha256") -> bytes:
    """RFC 8446 §7.2: application_traffic_secret_N+1 =
    HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)."""
    return hkdf_expand_label(secret, LABEL_TRAFFIC_UPD, b"", digest_size(hash_name), hash_name)


def finished_key(base_key: bytes, hash_name: str = "sha256") -> bytes:
    """RFC 8446 §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)."""
    return hkdf_expand_label(base_key, LABEL_FINISHED, b"", digest_size(hash_name), hash_name)


def finished_verify_data(base_key: bytes, transcript_hash: bytes,
                         hash_name: str = "sha256") -> bytes:
    """RFC 8446 §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context,
    Certificate*, CertificateVerify*)); `base_key` is the sender's handshake traffic secret."""
    transcript_hash = require_bytes("transcript_hash", transcript_hash)
    return hmac(finished_key(base_key, hash_name), transcript_hash, hash_name)


class KeySchedule:
    """The RFC 8446 §7.1 schedule for one connection, step by step.

    ks = KeySchedule("sha256")                          # Early Secret (no PSK)
    ks.handshake(shared_secret, hash_of_client_hello_to_server_hello)
    ks.master(hash_of_client_hello_to_server_finished)
    ks.resumption(hash_of_client_hello_to_client_finished)   # optional

    Each derived secret is an attribute named as in the RFC
    (`client_handshake_traffic_secret`, ...), and `values` lists every value in
    order as (name, bytes), including the "derived" intermediates and the
    transcript hashes used, for tracing.
    """

    def __init__(self, hash_name: str = "sha256", psk: bytes | None = None) -> None:
        self.hash_name = hash_name
        self.hash_len = digest_size(hash_name)
        if self.hash_len == 0 or hash_name.lower().startswith("shake"):
            raise ValueError(f"the key schedule needs a fixed-length hash, not {hash_name!r}")
        self.values: list[tuple[str, bytes]] = []
        zeros = bytes(self.hash_len)
        ikm = zeros if psk is None else require_bytes("psk", psk)
        # RFC 8446 §7.1: Early Secret = HKDF-Extract(salt = 0, IKM = PSK or 0^Hash.length)
        self.early_secret = self._note("early_secret", hkdf.extract(zeros, ikm, hash_name))
        self.handshake_secret: bytes | None = None
        self.master_secret: bytes | None = None

    def _note(self, name: str, value: bytes) -> bytes:
        self.values.append((name, value))
        return value

    def _derived(self, secret: bytes, name: str) -> bytes:
        # RFC 8446 §7.1: Derive-Secret(., "derived", "") feeds the next Extract as salt.
        return self._note(name, derive_secret(secret, LABEL_DERIVED, empty_hash(self.hash_name),
                                              self.hash_name))

    def handshake(self, shared_secret: bytes, hello_hash: bytes) -> None:
        """Handshake Secret and both handshake traffic secrets.

        shared_secret: the (EC)DHE / KEM output; hello_hash: Transcript-Hash(ClientHello..ServerHello).
        """
        shared_secret = require_bytes("shared_secret", shared_secret)
        if self.handshake_secret is not None:
            raise ValueError("handshake secret already derived")
        salt = self._derived(self.early_secret, "derived_from_early_secret")
        self._note("shared_secret", shared_secret)
        # RFC 8446 §7.1: Handshake Secret = HKDF-Extract(salt, (EC)DHE)
        self.handshake_secret = self._note(
            "handshake_secret", hkdf.extract(salt, shared_secret, self.hash_name))
        self._note("transcript_hash_client_hello..server_hello", bytes(hello_hash))
        self.client_handshake_traffic_secret = self._note(
            "client_handshake_traffic_secret",
            derive_secret(self.handshake_secret, LABEL_C_HS_TRAFFIC, hello_hash, self.hash_name))
        self.server_handshake_traffic_secret = self._note(
            "server_handshake_traffic_secret",
            derive_secret(self.handshake_secret, LABEL_S_HS_TRAFFIC, hello_hash, self.hash_name))

    def master(self, server_finished_hash: bytes) -> None:
        """Master Secret, application traffic secrets _0 and the exporter master secret.

        server_finished_hash: Transcript-Hash(ClientHello..server Finished).
        """
        if self.handshake_secret is None:
            raise ValueError("derive the handshake secret first")
        if self.master_secret is not None:
            raise ValueError("master secret already derived")
        salt = self._derived(self.handshake_secret, "derived_from_handshake_secret")
        # RFC 8446 §7.1: Master Secret = HKDF-Extract(salt, 0)
        self.master_secret = self._note(
            "master_secret", hkdf.extract(salt, bytes(self.hash_len), self.hash_name))
        self._note("transcript_hash_client_hello..server_finished", bytes(server_finished_hash))
        self.client_application_traffic_secret_0 = self._note(
            "client_application_traffic_secret_0",
            derive_secret(self.master_secret, LABEL_C_AP_TRAFFIC, server_finished_hash,
                          self.hash_name))
        self.server_application_traffic_secret_0 = self._note(
            "server_application_traffic_secret_0",
            derive_secret(self.master_secret, LABEL_S_AP_TRAFFIC, server_finished_hash,
                          self.hash_name))
        self.exporter_master_secret = self._note(
            "exporter_master_secret",
            derive_secret(self.master_secret, LABEL_EXP_MASTER, server_finished_hash,
                          self.hash_name))

    def resumption(self, client_finished_hash: bytes) -> bytes:
        """resumption_master_secret, from Transcript-Hash(ClientHello..client Finished)."""
        if self.master_secret is None:
            raise ValueError("derive the master secret first")
        self.resumption_master_secret = self._note(
            "resumption_master_secret",
            derive_secret(self.master_secret, LABEL_RES_MASTER, client_finished_hash,
                          self.hash_name))
        return self.resumption_master_secret
