"""A minimal hybrid session: an authenticated KEM handshake, the TLS 1.3 key schedule
and AES-GCM records, sans-I/O (bytes in, bytes out; no sockets here).

Established designs, not new ones: the key schedule is RFC 8446 §7.1 (refkx.tls.keyschedule),
the server's signature is a TLS 1.3 CertificateVerify (§4.4.3), the Finished MACs are
§4.4.4, the records are §5.2-§5.5 (refkx.tls.record) and key update is §4.6.3 / §7.2. Only
the framing of the handshake messages is our own; docs/session.md shows it byte by byte.

    client = Client(kem="x25519", server_key=server_public_key)   # pin the server's key
    server = Server(identity=server_private_key)
    msg1 = client.hello()           # ClientHello: version, random, suite, KEM, key share
    msg2 = server.respond(msg1)     # ServerHello + {ServerIdentity, CertificateVerify, Finished}
    msg3 = client.finish(msg2)      # {client Finished}
    server.complete(msg3)
    record = client.seal(b"hi");  server.open(record) == b"hi"
    client.key_update() / client.close()  -> records for the peer's open()

Key establishment runs over any KEM of refkx.kem.KEMS:
* ephemeral KEMs (x25519, x448, ffdhe*, modp*; `forward_secrecy` True): the client sends a
  fresh public key, the server encapsulates to it; both private values die with the
  handshake, so a later theft of the server's RSA identity key reveals nothing (the
  identity key only signs).
* RSA key transport (rsa*-oaep; `forward_secrecy` False): the client encrypts a fresh secret
  to the server's long-term RSA key, which it must therefore know in advance
  (`server_key` is required). Whoever later obtains that private key decrypts the
  recorded ClientHello and every session key derived from it: no forward secrecy.

Anonymous mode (`server_key=None` and `identity=None`) runs the same handshake without a
signature. It protects against passive eavesdroppers only and is kept to demonstrate the
man-in-the-middle attack (tests/test_session.py runs one). A client without a pinned key
still verifies a signature when the server sends one, and reports the key's
`peer_fingerprint` (trust on first use), but `authenticated` stays False.

Failures. Every failure of a receiving method (respond, finish, complete, open) and
every call in the wrong state raises refkx.errors.HandshakeError, with the same vague
message for every cause (bad tag, replay, reordering, truncation, unexpected or
malformed message, bad signature, wrong key, use after close), and kills the session:
its keys are erased and every later call raises HandshakeError. No plaintext of a bad
record is ever returned. Caller mistakes (a str instead of bytes, an unknown KEM name)
raise TypeError / ValueError and change nothing. `KeyUpdateRequired` (a HandshakeError
that does NOT kill the session) says the sending key is nearly at its record limit.

CPython integers are not constant-time and Python cannot reliably erase memory: this
code teaches and cross-checks; it does not protect production secrets. With
`trace=True` (the default, for teaching) the session also keeps every derived secret
for `key_schedule_trace()`; pass `trace=False` to keep nothing past its use.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from contextlib import contextmanager
from enum import Enum
from typing import Callable, Iterable, Optional

from .tls import keyschedule as ks
from . import kem as kem_module
from . import rsa
from .encoding import constant_time_equal, require_bytes, require_int
from .errors import HandshakeError
from .tls.record import (CIPHER_SUITES, CONTENT_ALERT, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE,
                     MAX_PLAINTEXT, RECORD_LIMIT, SUITES_BY_CODE, CipherSuite, RecordProtection,
                     record_header, split_records)

Rng = Callable[[int], bytes]

PROTOCOL_VERSION = 0x0001          # "refkx session 1"; not a TLS version on purpose
RANDOM_SIZE = 32                   # like TLS Random (RFC 8446 §4.1.2)

# Handshake message types: the TLS 1.3 numbers (RFC 8446 §4) of the analogous messages.
CLIENT_HELLO = 1
SERVER_HELLO = 2
SERVER_IDENTITY = 11               # the role of Certificate: carries the raw RSA public key
CERTIFICATE_VERIFY = 15
FINISHED = 20
KEY_UPDATE = 24
MESSAGE_NAMES = {CLIENT_HELLO: "ClientHello", SERVER_HELLO: "ServerHello",
                 SERVER_IDENTITY: "ServerIdentity", CERTIFICATE_VERIFY: "CertificateVerify",
                 FINISHED: "Finished", KEY_UPDATE: "KeyUpdate"}

# RFC 8446 §4.2.3: rsa_pss_rsae_sha256, RSASSA-PSS with SHA-256, MGF1(SHA-256), salt = 32.
SIGNATURE_RSA_PSS_RSAE_SHA256 = 0x0804
# RFC 8446 §4.4.3: the signed content is 64 spaces || context string || 0x00 || hash. Our
# own context string, so that a signature from this protocol is never valid in TLS.
SIGNATURE_PAD = b"\x20" * 64
SERVER_SIGNATURE_CONTEXT = b"refkx session 1, server CertificateVerify"

# RFC 8446 §4.6.3 KeyUpdateRequest: only update_not_requested is used here.
UPDATE_NOT_REQUESTED = 0
# RFC 8446 §6: Alert = AlertLevel || AlertDescription; close_notify is (warning, 0).
ALERT_WARNING = 1
ALERT_CLOSE_NOTIFY = 0
CLOSE_NOTIFY = bytes([ALERT_WARNING, ALERT_CLOSE_NOTIFY])

_FAILURE = "handshake or record failure"   # the one message every failure carries


class KeyUpdateRequired(HandshakeError):
    """seal() refused: the sending key is at its record limit; call key_update() first.

    The only HandshakeError that leaves the session usable."""


class State(Enum):
    START = "start"
    WAIT_SERVER_HELLO = "wait ServerHello"          # client after hello()
    WAIT_CLIENT_FINISHED = "wait client Finished"   # server after respond()
    CONNECTED = "connected"
    CLOSED = "closed"                               # after our own close()
    FAILED = "failed"


def fingerprint(public_key) -> str:
    """Hex SHA-256 of the RSA public key's `public_bytes()`: what a user compares or pins.

    Accepts an RSAPublicKey, an RSAPrivateKey (its public half) or the public bytes.
    """
    if isinstance(public_key, rsa.RSAPrivateKey):
        public_key = public_key.public_key()
    if isinstance(public_key, rsa.RSAPublicKey):
        data = public_key.public_bytes()
    elif isinstance(public_key, (bytes, bytearray, memoryview)):
        data = rsa.RSAPublicKey.from_public_bytes(bytes(public_key)).public_bytes()
    else:
        raise TypeError(f"public_key must be an RSA key or its public bytes, "
                        f"not {type(public_key).__name__}")
    return hashlib.sha256(data).hexdigest()


# -- message framing ------------------------------------------------------------------------

def _u8_vector(data: bytes) -> bytes:
    if len(data) > 0xFF:
        raise ValueError("vector too long for a 1-byte length")
    return bytes([len(data)]) + data


def _u16_vector(data: bytes) -> bytes:
    if len(data) > 0xFFFF:
        raise ValueError("vector too long for a 2-byte length")
    return len(data).to_bytes(2, "big") + data


def handshake_message(msg_type: int, body: bytes) -> bytes:
    """RFC 8446 §4: HandshakeType (1 byte) || uint24 length || body."""
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


class _Reader:
    """Reads the fields of one message; any shortfall raises HandshakeError."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.offset + n > len(self.data):
            raise HandshakeError(_FAILURE)
        out = self.data[self.offset:self.offset + n]
        self.offset += n
        return out

    def uint(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")

    def vector(self, length_size: int) -> bytes:
        return self.take(self.uint(length_size))

    def at_end(self) -> bool:
        return self.offset == len(self.data)

    def end(self) -> None:
        if not self.at_end():
            raise HandshakeError(_FAILURE)


def split_handshake_messages(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(type, whole message, body) for each handshake message in `data`."""
    reader = _Reader(data)
    out = []
    while not reader.at_end():
        start = reader.offset
        msg_type = reader.uint(1)
        body = reader.vector(3)
        out.append((msg_type, data[start:reader.offset], body))
    return out


def _hello_body(random: bytes, suite: CipherSuite, kem_name: str, key_share: bytes) -> bytes:
    """ClientHello and ServerHello share one layout (docs/session.md):
    uint16 version || random[32] || uint16 cipher_suite || kem_name<1..255> || key_share<0..2^16-1>
    """
    return (PROTOCOL_VERSION.to_bytes(2, "big") + random + suite.code.to_bytes(2, "big")
            + _u8_vector(kem_name.encode("ascii")) + _u16_vector(key_share))


def _parse_hello(body: bytes) -> tuple[bytes, CipherSuite, str, bytes]:
    reader = _Reader(body)
    if reader.uint(2) != PROTOCOL_VERSION:
        raise HandshakeError(_FAILURE)
    random = reader.take(RANDOM_SIZE)
    suite = SUITES_BY_CODE.get(reader.uint(2))
    raw_name = reader.vector(1)
    if not raw_name.isascii():                 # attacker bytes: the one HandshakeError
        raise HandshakeError(_FAILURE)
    kem_name = raw_name.decode("ascii")
    key_share = reader.vector(2)
    reader.end()
    if suite is None or kem_name not in kem_module.KEMS:
        raise HandshakeError(_FAILURE)
    return random, suite, kem_name, key_share


def parse_hello(message: bytes) -> tuple[bytes, CipherSuite, str, bytes]:
    """(random, suite, kem_name, key_share) of one whole ClientHello or ServerHello message
    (header included). These fields cross the wire in the clear: anyone can read them.
    HandshakeError if the message is not a well-formed hello."""
    messages = split_handshake_messages(require_bytes("message", message))
    if len(messages) != 1 or messages[0][0] not in (CLIENT_HELLO, SERVER_HELLO):
        raise HandshakeError(_FAILURE)
    return _parse_hello(messages[0][2])


def _signed_content(transcript_hash: bytes) -> bytes:
    """RFC 8446 §4.4.3: 0x20 * 64 || context string || 0x00 || Transcript-Hash."""
    return SIGNATURE_PAD + SERVER_SIGNATURE_CONTEXT + b"\x00" + transcript_hash


def _pss(rng: Optional[Rng] = None) -> rsa.PSS:
    # rsa_pss_rsae_sha256: salt length = digest length (RFC 8446 §4.2.3).
    return rsa.PSS("sha256", rng=rng) if rng is not None else rsa.PSS("sha256")


# -- the common half of both endpoints ------------------------------------------------------

class _Endpoint:
    role = "endpoint"

    def __init__(self, rng: Optional[Rng], trace: bool, record_limit: int) -> None:
        if rng is not None and not callable(rng):
            raise TypeError("rng must be a callable rng(n) -> bytes")
        if not isinstance(trace, bool):
            raise TypeError("trace must be a bool")
        self.record_limit = require_int("record_limit", record_limit)
        if not 2 <= self.record_limit <= RECORD_LIMIT:
            raise ValueError(f"record_limit must be in 2..{RECORD_LIMIT}")
        self._rng = rng
        self._keep_trace = trace
        self.state = State.START
        self.suite: CipherSuite | None = None
        self.kem_name: str | None = None
        self.authenticated = False           # True once a pinned server key has signed
        self.peer_fingerprint: str | None = None
        self.peer_closed = False             # the peer's close_notify arrived
        self._transcript: list[tuple[str, bytes]] = []
        self._wire: list[tuple[str, str, bytes]] = []
        self._trace: list[tuple[str, bytes]] = []
        self._schedule: ks.KeySchedule | None = None
        self._schedule_seen = 0            # how many schedule values are already in the trace
        self._write: RecordProtection | None = None
        self._read: RecordProtection | None = None
        self._write_generation = 0
        self._read_generation = 0
        self._exporter_master_secret: bytes | None = None
        # Seconds spent in asymmetric operations (KEM, RSA sign/verify) and in the
        # handshake methods overall: the benchmark's cost split.
        self.timings = {"asymmetric": 0.0, "handshake": 0.0}

    # -- information for demos and traces --------------------------------------------------
    @property
    def transcript(self) -> list[tuple[str, bytes]]:
        """The handshake messages hashed into the transcript, in order: (name, bytes)."""
        return list(self._transcript)

    @property
    def wire(self) -> list[tuple[str, str, bytes]]:
        """Everything this endpoint sent or received: (direction, what, bytes), direction
        "sent" or "received"."""
        return list(self._wire)

    def key_schedule_trace(self) -> list[tuple[str, bytes]]:
        """Every value derived so far with its RFC 8446 name: the schedule's secrets and
        transcript hashes, the KEM shared secret, the traffic keys and IVs of each
        generation. Empty with trace=False."""
        return list(self._trace)

    def export(self, label: bytes, context: bytes, length: int) -> bytes:
        """RFC 8446 §7.5 TLS-Exporter(label, context_value, key_length): keying material both
        sides agree on after the handshake (e.g. to show in a demo that the keys match)."""
        label = require_bytes("label", label)
        context = require_bytes("context", context)
        if self._exporter_master_secret is None or self.state is State.FAILED:
            raise HandshakeError(_FAILURE)
        hash_name = self.suite.hash_name
        secret = ks.derive_secret(self._exporter_master_secret, label,
                                  ks.empty_hash(hash_name), hash_name)
        return ks.hkdf_expand_label(secret, b"exporter",
                                    ks.transcript_hash(context, hash_name=hash_name),
                                    length, hash_name)

    # -- internal bookkeeping --------------------------------------------------------------
    def _note(self, name: str, value: bytes) -> None:
        if self._keep_trace:
            self._trace.append((name, bytes(value)))

    def _note_schedule(self) -> None:
        """Copy the key schedule's new values into the trace (and forget them if not tracing)."""
        if self._keep_trace:
            self._trace.extend(self._schedule.values[self._schedule_seen:])
        self._schedule_seen = len(self._schedule.values)

    def _add_message(self, message: bytes) -> None:
        self._transcript.append((MESSAGE_NAMES.get(message[0], "?"), message))

    def _transcript_hash(self) -> bytes:
        return ks.transcript_hash(*(m for _, m in self._transcript), hash_name=self.suite.hash_name)

    def _protection(self, secret: bytes, name: str) -> RecordProtection:
        protection = RecordProtection(secret, self.suite, self.record_limit)
        self._note(f"{name}_key", protection.key)
        self._note(f"{name}_iv", protection.iv)
        return protection

    def _random(self, n: int) -> bytes:
        out = (self._rng or secrets.token_bytes)(n)
        if not isinstance(out, bytes) or len(out) != n:
            raise ValueError(f"rng({n}) must return {n} bytes")
        return out

    @contextmanager
    def _asymmetric(self):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings["asymmetric"] += time.perf_counter() - started

    @contextmanager
    def _step(self, *states: State, handshake: bool = False):
        """Run one state-machine step: check the state, and turn ANY failure into
        HandshakeError after killing the session."""
        if self.state not in states:
            self._die()
            raise HandshakeError(_FAILURE)
        started = time.perf_counter()
        try:
            yield
        except KeyUpdateRequired:
            raise
        except Exception:
            self._die()
            raise HandshakeError(_FAILURE) from None
        finally:
            if handshake:
                self.timings["handshake"] += time.perf_counter() - started

    def _die(self) -> None:
        self.state = State.FAILED
        self._erase()

    def _erase(self) -> None:
        for protection in (self._write, self._read):
            if protection is not None:
                protection.erase()
        self._write = self._read = None
        self._schedule = None
        self._exporter_master_secret = None
        self._erase_handshake()

    def _erase_handshake(self) -> None:
        pass

    def _start_application_keys(self) -> None:
        # Client direction first on both sides, so that the two traces line up.
        client_dir = self._protection(self._schedule.client_application_traffic_secret_0,
                                      "client_application_write_0")
        server_dir = self._protection(self._schedule.server_application_traffic_secret_0,
                                      "server_application_write_0")
        self._write, self._read = ((client_dir, server_dir) if self.role == "client"
                                   else (server_dir, client_dir))
        self._exporter_master_secret = self._schedule.exporter_master_secret
        self._schedule = None          # the handshake secrets are no longer needed
        self.state = State.CONNECTED

    # -- the record layer ------------------------------------------------------------------
    def seal(self, plaintext: bytes) -> bytes:
        """Protect application data: one record per 2^14 bytes (one empty record for b"")."""
        plaintext = require_bytes("plaintext", plaintext)
        chunks = [plaintext[i:i + MAX_PLAINTEXT] for i in range(0, len(plaintext), MAX_PLAINTEXT)]
        chunks = chunks or [b""]
        with self._step(State.CONNECTED):
            # Keep one sequence number in reserve for the KeyUpdate (or close_notify).
            if self._write.sequence_number + len(chunks) >= self.record_limit:
                raise KeyUpdateRequired("sending key at its record limit: call key_update()")
            records = b"".join(self._write.seal(CONTENT_APPLICATION_DATA, c) for c in chunks)
            self._wire.append(("sent", "application data", records))
            return records

    def open(self, records: bytes) -> bytes:
        """Open one or more whole records from the peer; returns their application data.

        KeyUpdate records switch the receiving key (RFC 8446 §4.6.3); close_notify ends
        the peer's direction (further records raise). Anything else raises HandshakeError.
        """
        records = require_bytes("records", records)
        with self._step(State.CONNECTED):
            if self.peer_closed:
                raise HandshakeError(_FAILURE)
            pieces = split_records(records)
            if not pieces:
                raise HandshakeError(_FAILURE)
            plaintext = []
            for _, header, fragment in pieces:
                if self.peer_closed:
                    raise HandshakeError(_FAILURE)  # nothing may follow close_notify
                content_type, content = self._read.open(header + fragment)
                if content_type == CONTENT_APPLICATION_DATA:
                    plaintext.append(content)
                elif content_type == CONTENT_HANDSHAKE:
                    self._receive_key_update(content)
                elif content_type == CONTENT_ALERT and content == CLOSE_NOTIFY:
                    self.peer_closed = True
                    self._read.erase()
                else:
                    raise HandshakeError(_FAILURE)
            self._wire.append(("received", "records", records))
            return b"".join(plaintext)

    def _receive_key_update(self, content: bytes) -> None:
        messages = split_handshake_messages(content)
        if len(messages) != 1:
            raise HandshakeError(_FAILURE)
        msg_type, _, body = messages[0]
        if msg_type != KEY_UPDATE or body != bytes([UPDATE_NOT_REQUESTED]):
            raise HandshakeError(_FAILURE)
        # RFC 8446 §7.2: the receiver derives the next secret and discards the old one.
        self._read = self._read.updated()
        self._read_generation += 1
        theirs = "server" if self.role == "client" else "client"
        self._note(f"{theirs}_application_traffic_secret_{self._read_generation}",
                   self._read.traffic_secret)
        self._note(f"{theirs}_application_write_{self._read_generation}_key", self._read.key)
        self._note(f"{theirs}_application_write_{self._read_generation}_iv", self._read.iv)

    def key_update(self) -> bytes:
        """Send KeyUpdate under the current key, then switch to
        application_traffic_secret_N+1 (RFC 8446 §4.6.3, §7.2) and erase the old key."""
        with self._step(State.CONNECTED):
            message = handshake_message(KEY_UPDATE, bytes([UPDATE_NOT_REQUESTED]))
            record = self._write.seal(CONTENT_HANDSHAKE, message)
            self._write = self._write.updated()
            self._write_generation += 1
            ours = self.role
            self._note(f"{ours}_application_traffic_secret_{self._write_generation}",
                       self._write.traffic_secret)
            self._note(f"{ours}_application_write_{self._write_generation}_key", self._write.key)
            self._note(f"{ours}_application_write_{self._write_generation}_iv", self._write.iv)
            self._wire.append(("sent", "KeyUpdate", record))
            return record

    def close(self) -> bytes:
        """Send an authenticated close_notify alert; afterwards every call raises."""
        with self._step(State.CONNECTED):
            record = self._write.seal(CONTENT_ALERT, CLOSE_NOTIFY)
            self._wire.append(("sent", "close_notify", record))
            self._erase()
            self.state = State.CLOSED
            return record

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kem_name or '?'} {self.state.value}>"


# -- the client -----------------------------------------------------------------------------

class Client(_Endpoint):
    """The initiator. `kem`: a name in refkx.kem.KEMS; `server_key`: the server's pinned
    RSAPublicKey (None = anonymous; required for rsa*-oaep key transport);
    `cipher`: "aes128gcm" (TLS_AES_128_GCM_SHA256) or "aes256gcm" (TLS_AES_256_GCM_SHA384);
    `rng(n)`: randomness for tests; `trace`: keep derived values for key_schedule_trace();
    `record_limit`: records per key before a key update is required."""

    role = "client"

    def __init__(self, kem: str = "x25519", server_key: Optional[rsa.RSAPublicKey] = None, *,
                 cipher: str = "aes128gcm", rng: Optional[Rng] = None, trace: bool = True,
                 record_limit: int = RECORD_LIMIT) -> None:
        super().__init__(rng, trace, record_limit)
        self._kem = kem_module.get_kem(kem)
        if server_key is not None and not isinstance(server_key, rsa.RSAPublicKey):
            raise TypeError(f"server_key must be an RSAPublicKey or None, "
                            f"not {type(server_key).__name__}")
        if not isinstance(cipher, str):
            raise TypeError("cipher must be a str")
        if cipher not in CIPHER_SUITES:
            raise ValueError(f"unknown cipher {cipher!r}; choose from {', '.join(CIPHER_SUITES)}")
        if not self._kem.forward_secrecy:
            if server_key is None:
                raise ValueError(f"{kem} is RSA key transport: the client encrypts to the "
                                 f"server's key, so server_key is required")
            if server_key.key_size != self._kem.bits:
                raise ValueError(f"{kem} needs a {self._kem.bits}-bit server key, "
                                 f"got {server_key.key_size} bits")
        self.server_key = server_key
        self.kem_name = kem
        self.suite = CIPHER_SUITES[cipher]
        self._kem_private = None
        self._shared_secret: bytes | None = None

    def _erase_handshake(self) -> None:
        self._kem_private = None
        self._shared_secret = None

    def hello(self) -> bytes:
        """The ClientHello record (step 1)."""
        with self._step(State.START, handshake=True):
            client_random = self._random(RANDOM_SIZE)
            with self._asymmetric():
                if self._kem.forward_secrecy:
                    # Ephemeral KEM: a fresh key pair; the server encapsulates to it.
                    self._kem_private, key_share = self._kem.generate_keypair(rng=self._rng)
                else:
                    # RSA key transport: encapsulate a fresh secret to the pinned key.
                    self._shared_secret, key_share = self._kem.encapsulate(
                        self.server_key.public_bytes(), rng=self._rng)
            message = handshake_message(CLIENT_HELLO, _hello_body(
                client_random, self.suite, self.kem_name, key_share))
            self._add_message(message)
            record = record_header(CONTENT_HANDSHAKE, len(message)) + message
            self._wire.append(("sent", "ClientHello", record))
            self.state = State.WAIT_SERVER_HELLO
            return record

    def finish(self, reply: bytes) -> bytes:
        """Check the server's reply (step 3) and return the client Finished record.

        Raises HandshakeError, leaving a dead session, on any defect: a pinned key that
        does not match, a bad signature, a bad Finished, anything malformed."""
        reply = require_bytes("reply", reply)
        with self._step(State.WAIT_SERVER_HELLO, handshake=True):
            self._wire.append(("received", "ServerHello + protected flight", reply))
            pieces = split_records(reply)
            if len(pieces) != 2 or pieces[0][0] != CONTENT_HANDSHAKE:
                raise HandshakeError(_FAILURE)
            # ServerHello (plaintext record).
            server_hello = pieces[0][2]
            messages = split_handshake_messages(server_hello)
            if len(messages) != 1 or messages[0][0] != SERVER_HELLO:
                raise HandshakeError(_FAILURE)
            _, suite, kem_name, key_share = _parse_hello(messages[0][2])
            if suite != self.suite or kem_name != self.kem_name:
                raise HandshakeError(_FAILURE)
            if self._kem.forward_secrecy:
                with self._asymmetric():
                    shared_secret = self._kem.decapsulate(key_share, self._kem_private)
                self._kem_private = None           # the ephemeral key has done its job
            else:
                if key_share:
                    raise HandshakeError(_FAILURE)
                shared_secret = self._shared_secret
            self._shared_secret = None
            self._add_message(server_hello)
            # RFC 8446 §7.1: the handshake secrets over ClientHello..ServerHello.
            self._schedule = ks.KeySchedule(self.suite.hash_name)
            self._schedule.handshake(shared_secret, self._transcript_hash())
            self._note_schedule()
            server_read = self._protection(self._schedule.server_handshake_traffic_secret,
                                           "server_handshake_write")
            client_write = self._protection(self._schedule.client_handshake_traffic_secret,
                                            "client_handshake_write")
            # The protected flight: [ServerIdentity, CertificateVerify,] Finished.
            content_type, flight = server_read.open(pieces[1][1] + pieces[1][2])
            server_read.erase()
            if content_type != CONTENT_HANDSHAKE:
                raise HandshakeError(_FAILURE)
            self._check_server_flight(split_handshake_messages(flight))
            # RFC 8446 §7.1: master secret and application secrets over ..server Finished.
            server_finished_hash = self._transcript_hash()
            self._schedule.master(server_finished_hash)
            self._note_schedule()
            # RFC 8446 §4.4.4: the client Finished, under the client handshake key.
            verify_data = ks.finished_verify_data(self._schedule.client_handshake_traffic_secret,
                                                  server_finished_hash, self.suite.hash_name)
            finished = handshake_message(FINISHED, verify_data)
            self._add_message(finished)
            record = client_write.seal(CONTENT_HANDSHAKE, finished)
            client_write.erase()
            self._wire.append(("sent", "client Finished (protected)", record))
            self._start_application_keys()
            return record

    def _check_server_flight(self, messages: list[tuple[int, bytes, bytes]]) -> None:
        position = 0
        if messages and messages[0][0] == SERVER_IDENTITY:
            # ServerIdentity: the raw RSA public key (public_bytes), in place of a certificate.
            reader = _Reader(messages[0][2])
            server_key = rsa.RSAPublicKey.from_public_bytes(reader.vector(2))
            reader.end()
            if self.server_key is not None and server_key != self.server_key:
                raise HandshakeError(_FAILURE)          # pinning: not the key we expected
            self._add_message(messages[0][1])
            # CertificateVerify over Transcript-Hash(ClientHello..ServerIdentity), §4.4.3.
            if len(messages) < 2 or messages[1][0] != CERTIFICATE_VERIFY:
                raise HandshakeError(_FAILURE)
            reader = _Reader(messages[1][2])
            if reader.uint(2) != SIGNATURE_RSA_PSS_RSAE_SHA256:
                raise HandshakeError(_FAILURE)
            signature = reader.vector(2)
            reader.end()
            with self._asymmetric():
                server_key.verify(signature, _signed_content(self._transcript_hash()), _pss())
            self._add_message(messages[1][1])
            self.peer_fingerprint = fingerprint(server_key)
            self.authenticated = self.server_key is not None
            position = 2
        elif self.server_key is not None:
            raise HandshakeError(_FAILURE)              # pinned, but the server did not sign
        # Finished: HMAC(finished_key(server_handshake_traffic_secret), transcript hash).
        if len(messages) != position + 1 or messages[position][0] != FINISHED:
            raise HandshakeError(_FAILURE)
        expected = ks.finished_verify_data(self._schedule.server_handshake_traffic_secret,
                                           self._transcript_hash(), self.suite.hash_name)
        if not constant_time_equal(messages[position][2], expected):
            raise HandshakeError(_FAILURE)
        self._add_message(messages[position][1])


# -- the server -----------------------------------------------------------------------------

class Server(_Endpoint):
    """The responder. `identity`: the server's RSAPrivateKey (None = anonymous);
    `kems`: the KEM names it accepts (None = every name in refkx.kem.KEMS); other
    keywords as for Client. It accepts either cipher suite the client picks."""

    role = "server"

    def __init__(self, identity: Optional[rsa.RSAPrivateKey] = None,
                 kems: Optional[Iterable[str]] = None, *, rng: Optional[Rng] = None,
                 trace: bool = True, record_limit: int = RECORD_LIMIT) -> None:
        super().__init__(rng, trace, record_limit)
        if identity is not None and not isinstance(identity, rsa.RSAPrivateKey):
            raise TypeError(f"identity must be an RSAPrivateKey or None, "
                            f"not {type(identity).__name__}")
        if kems is None:
            kems = tuple(kem_module.KEMS)
        elif isinstance(kems, str):
            raise TypeError("kems must be an iterable of KEM names, not a str")
        else:
            kems = tuple(kems)
            for name in kems:
                kem_module.get_kem(name)              # TypeError / ValueError for bad names
            if not kems:
                raise ValueError("kems must name at least one KEM")
        self.identity = identity
        self.kems = kems
        self._server_write: RecordProtection | None = None
        self._client_read: RecordProtection | None = None
        self._pending_finished: bytes | None = None

    def _erase_handshake(self) -> None:
        for protection in (self._server_write, self._client_read):
            if protection is not None:
                protection.erase()
        self._server_write = self._client_read = None
        self._pending_finished = None

    def respond(self, hello: bytes) -> bytes:
        """Answer a ClientHello (step 2): ServerHello, then under the server handshake key
        ServerIdentity + CertificateVerify (when there is an identity) and Finished."""
        hello = require_bytes("hello", hello)
        with self._step(State.START, handshake=True):
            self._wire.append(("received", "ClientHello", hello))
            pieces = split_records(hello)
            if len(pieces) != 1 or pieces[0][0] != CONTENT_HANDSHAKE:
                raise HandshakeError(_FAILURE)
            client_hello = pieces[0][2]
            messages = split_handshake_messages(client_hello)
            if len(messages) != 1 or messages[0][0] != CLIENT_HELLO:
                raise HandshakeError(_FAILURE)
            _, suite, kem_name, key_share = _parse_hello(messages[0][2])
            if kem_name not in self.kems:
                raise HandshakeError(_FAILURE)
            self.suite, self.kem_name = suite, kem_name
            kem = kem_module.KEMS[kem_name]
            with self._asymmetric():
                if kem.forward_secrecy:
                    # Encapsulate to the client's ephemeral key; enc goes back in ServerHello.
                    shared_secret, enc = kem.encapsulate(key_share, rng=self._rng)
                else:
                    # RSA key transport: decrypt the client's secret with our identity key.
                    if self.identity is None:
                        raise HandshakeError(_FAILURE)
                    shared_secret, enc = kem.decapsulate(key_share, self.identity), b""
            self._add_message(client_hello)
            server_hello = handshake_message(SERVER_HELLO, _hello_body(
                self._random(RANDOM_SIZE), suite, kem_name, enc))
            self._add_message(server_hello)
            self._schedule = ks.KeySchedule(suite.hash_name)
            self._schedule.handshake(shared_secret, self._transcript_hash())
            self._note_schedule()
            self._server_write = self._protection(
                self._schedule.server_handshake_traffic_secret, "server_handshake_write")
            self._client_read = self._protection(
                self._schedule.client_handshake_traffic_secret, "client_handshake_write")
            flight = b""
            if self.identity is not None:
                identity_message = handshake_message(
                    SERVER_IDENTITY, _u16_vector(self.identity.public_key().public_bytes()))
                self._add_message(identity_message)
                with self._asymmetric():
                    signature = self.identity.sign(_signed_content(self._transcript_hash()),
                                                   _pss(self._rng))
                verify = handshake_message(CERTIFICATE_VERIFY,
                                           SIGNATURE_RSA_PSS_RSAE_SHA256.to_bytes(2, "big")
                                           + _u16_vector(signature))
                self._add_message(verify)
                flight += identity_message + verify
            verify_data = ks.finished_verify_data(self._schedule.server_handshake_traffic_secret,
                                                  self._transcript_hash(), suite.hash_name)
            finished = handshake_message(FINISHED, verify_data)
            self._add_message(finished)
            flight += finished
            server_finished_hash = self._transcript_hash()
            self._schedule.master(server_finished_hash)
            self._note_schedule()
            # What the client's Finished must be (RFC 8446 §4.4.4).
            self._pending_finished = ks.finished_verify_data(
                self._schedule.client_handshake_traffic_secret, server_finished_hash,
                suite.hash_name)
            record = (record_header(CONTENT_HANDSHAKE, len(server_hello)) + server_hello
                      + self._server_write.seal(CONTENT_HANDSHAKE, flight))
            self._server_write.erase()
            self._wire.append(("sent", "ServerHello + protected flight", record))
            self.state = State.WAIT_CLIENT_FINISHED
            return record

    def complete(self, finished: bytes) -> None:
        """Check the client Finished (step 4); afterwards the session carries records."""
        finished = require_bytes("finished", finished)
        with self._step(State.WAIT_CLIENT_FINISHED, handshake=True):
            self._wire.append(("received", "client Finished (protected)", finished))
            content_type, content = self._client_read.open(finished)
            self._client_read.erase()
            messages = split_handshake_messages(content)
            if content_type != CONTENT_HANDSHAKE or len(messages) != 1:
                raise HandshakeError(_FAILURE)
            msg_type, message, body = messages[0]
            if msg_type != FINISHED or not constant_time_equal(body, self._pending_finished):
                raise HandshakeError(_FAILURE)
            self._add_message(message)
            self._pending_finished = None
            self._start_application_keys()


# -- the lesson of forward secrecy ----------------------------------------------------------

def decrypt_recorded(client_hello: bytes, server_reply: bytes, client_records: bytes,
                     server_private_key: rsa.RSAPrivateKey) -> bytes:
    """Decrypt a RECORDED session after stealing the server's RSA key: the attack that
    forward secrecy prevents.

    client_hello, server_reply: the first two handshake messages as they crossed the wire;
    client_records: the client's application records (after its Finished), concatenated.
    Returns the client's application data.

    It works for RSA key transport (rsa*-oaep): the ClientHello carries the session's
    secret encrypted to the server's long-term key, so that key opens it years later.
    For an ephemeral KEM it raises ValueError: the secret was agreed with key pairs that
    existed only during the handshake; the stolen identity key only ever signed.
    """
    client_hello = require_bytes("client_hello", client_hello)
    server_reply = require_bytes("server_reply", server_reply)
    client_records = require_bytes("client_records", client_records)
    if not isinstance(server_private_key, rsa.RSAPrivateKey):
        raise TypeError("server_private_key must be an RSAPrivateKey")
    (_, _, hello_message), = split_records(client_hello)
    _, _, kem_name, key_share = parse_hello(hello_message)
    kem = kem_module.KEMS[kem_name]
    if kem.forward_secrecy:
        raise ValueError(f"{kem_name} is ephemeral: its private values were discarded after "
                         f"the handshake, and the server's RSA key never touched the secret")
    shared_secret = kem.decapsulate(key_share, server_private_key)   # the decisive step
    suite, schedule = recorded_key_schedule(client_hello, server_reply, shared_secret)
    protection = RecordProtection(schedule.client_application_traffic_secret_0, suite)
    plaintext = []
    for _, header, fragment in split_records(client_records):
        content_type, content = protection.open(header + fragment)
        if content_type == CONTENT_APPLICATION_DATA:
            plaintext.append(content)
        elif content_type == CONTENT_HANDSHAKE:      # a KeyUpdate: follow the chain (§7.2)
            protection = protection.updated()
    return b"".join(plaintext)


def recorded_key_schedule(client_hello: bytes, server_reply: bytes,
                          shared_secret: bytes) -> tuple[CipherSuite, ks.KeySchedule]:
    """Re-run the key schedule of a RECORDED handshake: (suite, schedule) with every
    traffic secret of the session.

    client_hello, server_reply: the first two handshake messages as they crossed the wire.
    Everything but `shared_secret` is public, so whoever recovers that secret (for RSA key
    transport: with the server's private key) gets every key: RFC 8446 §7.1 over
    Transcript-Hash(ClientHello, ServerHello), then the server's flight opened with the
    server handshake key, then §7.1 again over Transcript-Hash(..server Finished).
    """
    (_, _, hello_message), = split_records(require_bytes("client_hello", client_hello))
    _, suite, _, _ = parse_hello(hello_message)
    (_, _, server_hello), (_, flight_header, flight) = split_records(
        require_bytes("server_reply", server_reply))
    schedule = ks.KeySchedule(suite.hash_name)
    schedule.handshake(shared_secret, ks.transcript_hash(hello_message, server_hello,
                                                         hash_name=suite.hash_name))
    _, flight_messages = RecordProtection(schedule.server_handshake_traffic_secret, suite).open(
        flight_header + flight)
    schedule.master(ks.transcript_hash(hello_message, server_hello, flight_messages,
                                       hash_name=suite.hash_name))
    return suite, schedule
