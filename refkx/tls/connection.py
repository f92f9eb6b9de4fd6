"""What a TLS 1.3 client and server share: the record stream (RFC 8446 §5), handshake
message reassembly (§5.1), the transcript (§4.4.1), alerts (§6), application data,
KeyUpdate (§4.6.3) and closure (§6.1). Sans-I/O, in the manner of h11 and of the stdlib's
ssl.SSLObject + MemoryBIO: no sockets here.

    events = connection.receive(bytes_from_the_peer)   # -> [HandshakeComplete(), ...]
    wire = connection.data_to_send()                    # bytes for the peer
    connection.send(b"hello")                           # application data (once connected)
    connection.key_update(update_requested=True) / connection.close()

Bounds. `receive` never holds more than one record (5 + 2^14 + 256 bytes) of unread input:
it takes the peer's bytes record by record, and a header that announces more than §5.2
allows is refused (record_overflow) before anything else is read. A handshake message
longer than `max_handshake_message` is refused as soon as its header is seen.

Failures. Bytes from the peer that break the protocol raise HandshakeError whose `.alert`
names the RFC 8446 §6.2 alert; that alert is queued for `data_to_send()` (unless the peer's
own alert ended the connection) and the connection is dead: its keys are erased and no
application data of a failed record is released. Calls in the wrong state (send before the
handshake completes, after close or failure) are caller mistakes: ValueError with a precise
message, nothing changed.

CPython integers are not constant-time and Python cannot reliably erase memory: this code
teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Optional

from ..encoding import constant_time_equal, require_bytes
from ..errors import HandshakeError
from . import keylog
from . import keyschedule as ks
from .alerts import decode_alert, encode_alert
from .keylog import keylog_line, keylog_writer
from .messages import (HELLO_RETRY_REQUEST_RANDOM, KEY_UPDATE, MESSAGE_NAMES, NEW_SESSION_TICKET,
                       UPDATE_NOT_REQUESTED, UPDATE_REQUESTED, HandshakeBuffer, KeyUpdate,
                       NewSessionTicket)
from .record import (CIPHER_SUITES, CONTENT_ALERT, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE,
                     HEADER_SIZE, MAX_CIPHERTEXT, MAX_PLAINTEXT, RECORD_LIMIT, CipherSuite,
                     RecordError, RecordProtection, record_header)

Rng = Callable[[int], bytes]

CONTENT_CHANGE_CIPHER_SPEC = 20            # RFC 8446 §5.1 / Appendix D.4
CHANGE_CIPHER_SPEC = record_header(CONTENT_CHANGE_CIPHER_SPEC, 1) + b"\x01"
PLAINTEXT_TYPES = (CONTENT_CHANGE_CIPHER_SPEC, CONTENT_ALERT, CONTENT_HANDSHAKE,
                   CONTENT_APPLICATION_DATA)
RECORD_MAJOR_VERSION = 3                   # §5.1: legacy_record_version 0x0301 or 0x0303
MAX_EARLY_DATA_SKIPPED = 2 ** 14           # refused 0-RTT records we skip (§4.2.10)

SUITES_BY_NAME = {suite.name: suite for suite in CIPHER_SUITES.values()}
DEFAULT_CIPHER_SUITES = ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384")


def check_cipher_suites(suites) -> tuple[CipherSuite, ...]:
    """CipherSuites from RFC 8446 names (or refkx's short aliases aes128gcm/aes256gcm)."""
    if isinstance(suites, (str, CipherSuite)):
        suites = (suites,)
    result = []
    for suite in suites:
        if isinstance(suite, CipherSuite):
            result.append(suite)
        elif isinstance(suite, str) and (suite in SUITES_BY_NAME or suite in CIPHER_SUITES):
            result.append(SUITES_BY_NAME.get(suite) or CIPHER_SUITES[suite])
        else:
            raise ValueError(f"unknown cipher suite {suite!r}; choose from "
                             f"{', '.join(SUITES_BY_NAME)}")
    if not result:
        raise ValueError("cipher_suites must name at least one suite")
    return tuple(result)


def check_rng(rng) -> Rng:
    """The rng, wrapped so that every draw is checked: an rng that returns anything but n
    bytes is a TypeError at its first use (which, for a client, is its construction or
    start(), before any state changes). Nothing is drawn here, so a seeded rng's stream is
    exactly what the connection uses."""
    if rng is None:
        return secrets.token_bytes
    if not callable(rng):
        raise TypeError("rng must be a callable rng(n) -> bytes, or None")

    def checked(n: int) -> bytes:
        out = rng(n)
        if not isinstance(out, bytes) or len(out) != n:
            raise TypeError(f"rng({n}) must return {n} bytes, not {type(out).__name__}"
                            + (f" of length {len(out)}" if hasattr(out, "__len__") else ""))
        return out
    return checked


# -- events ------------------------------------------------------------------------------
@dataclass
class HandshakeComplete:
    """The handshake finished; application data may flow."""


@dataclass
class ApplicationData:
    data: bytes


@dataclass
class KeyUpdated:
    """The peer moved to its next traffic secret (§4.6.3)."""
    update_requested: bool


@dataclass
class SessionTicketReceived:
    """A NewSessionTicket (§4.6.1), parsed and set aside: refkx does not resume."""
    ticket: NewSessionTicket


@dataclass
class ConnectionClosed:
    """The peer sent close_notify (§6.1)."""


class State(Enum):
    START = "start"
    WAIT_SERVER_HELLO = "wait ServerHello"
    WAIT_ENCRYPTED_EXTENSIONS = "wait EncryptedExtensions"
    WAIT_CERTIFICATE = "wait Certificate"
    WAIT_CERTIFICATE_VERIFY = "wait CertificateVerify"
    WAIT_FINISHED = "wait Finished"
    WAIT_CLIENT_HELLO = "wait ClientHello"
    WAIT_SECOND_CLIENT_HELLO = "wait second ClientHello"
    WAIT_CLIENT_FINISHED = "wait client Finished"
    CONNECTED = "connected"
    CLOSED = "closed"
    FAILED = "failed"


class _PeerAlert(HandshakeError):
    """The peer's own fatal alert (we send nothing back)."""


class Connection:
    """The common part of Client and Server (see the module docstring)."""

    is_client = False

    def __init__(self, *, rng: Optional[Rng], keylog, cipher_suites, record_limit: int,
                 max_handshake_message: int, trace: bool) -> None:
        self._rng = check_rng(rng)
        self._keylog = keylog_writer(keylog)
        self._suites = check_cipher_suites(cipher_suites)
        if not isinstance(record_limit, int) or not 0 < record_limit <= RECORD_LIMIT:
            raise ValueError(f"record_limit must be an int in 1..{RECORD_LIMIT}")
        self._record_limit = record_limit
        self._trace = bool(trace)
        self.state = State.START
        self._in = bytearray()               # at most one record of unread input
        self._out = bytearray()
        self._handshake = HandshakeBuffer(max_handshake_message)
        self._read: Optional[RecordProtection] = None
        self._write: Optional[RecordProtection] = None
        self._read_is_application = False
        self._transcript: list[bytes] = []   # the handshake messages, in order (§4.4.1)
        self.transcript_messages: list[tuple[str, str, bytes]] = []   # (sender, name, bytes)
        self.records: list[tuple[str, bytes]] = []     # (sender, record) as on the wire
        self.suite: Optional[CipherSuite] = None
        self.schedule: Optional[ks.KeySchedule] = None
        self.client_random = b""
        self.tickets: list[NewSessionTicket] = []
        self.peer_closed = False
        self._closed = False
        self._skip_early_data = 0            # bytes of refused 0-RTT still to skip (server)
        self._key_values: list[tuple[str, bytes]] = []
        self._read_opened_any = False        # a protected record opened under the read key
        self._generations = {"client": 0, "server": 0}   # application_traffic_secret_N

    # -- public API --------------------------------------------------------------------
    @property
    def cipher_suite(self) -> Optional[str]:
        """The negotiated suite's RFC 8446 name (None before the hello exchange)."""
        return self.suite.name if self.suite else None

    @property
    def handshake_complete(self) -> bool:
        return self.state in (State.CONNECTED, State.CLOSED)

    def data_to_send(self) -> bytes:
        """Every byte queued for the peer since the last call."""
        data = bytes(self._out)
        self._out.clear()
        return data

    def receive(self, data: bytes) -> list:
        """Feed bytes from the peer; returns the events they complete (see module doc)."""
        data = require_bytes("data", data)
        if self.state == State.FAILED:
            raise ValueError("receive() on a failed connection: start a new one")
        events: list = []
        view = memoryview(data)
        try:
            while view:
                # Take only what the current record still needs: input is never held
                # beyond one record.
                if len(self._in) < HEADER_SIZE:
                    need = HEADER_SIZE - len(self._in)
                else:
                    need = HEADER_SIZE + int.from_bytes(self._in[3:5], "big") - len(self._in)
                self._in += view[:need]
                view = view[need:]
                if len(self._in) == HEADER_SIZE:
                    self._check_header(bytes(self._in))
                if len(self._in) >= HEADER_SIZE:
                    length = int.from_bytes(self._in[3:5], "big")
                    if len(self._in) == HEADER_SIZE + length:
                        record = bytes(self._in)
                        self._in.clear()
                        self.records.append(("server" if self.is_client else "client", record))
                        self._record(record, events)
        except _PeerAlert:
            self._die()
            raise
        except HandshakeError as exc:
            self._fail(exc.alert or "internal_error")
            raise
        return events

    def send(self, data: bytes) -> None:
        """Queue application data, cut into records of at most 2^14 bytes (§5.1)."""
        data = require_bytes("data", data)
        self._require_connected("send()")
        for start in range(0, len(data), MAX_PLAINTEXT) if data else (0,):
            if self._write.exhausted:
                self.key_update()            # §5.5: a new key before the limit is reached
            self._seal(CONTENT_APPLICATION_DATA, data[start:start + MAX_PLAINTEXT])

    def key_update(self, update_requested: bool = False) -> None:
        """Send a KeyUpdate and move to the next sending key (§4.6.3, §7.2);
        update_requested asks the peer to do the same."""
        if not isinstance(update_requested, bool):
            raise TypeError("update_requested must be a bool")
        self._require_connected("key_update()")
        request = UPDATE_REQUESTED if update_requested else UPDATE_NOT_REQUESTED
        self._seal(CONTENT_HANDSHAKE, KeyUpdate(request).encode())
        self._write = self._next_generation(self._write, self.role)

    def close(self) -> None:
        """Send close_notify (§6.1); nothing may be sent afterwards. Closing twice is a no-op."""
        if self._closed or self.state == State.FAILED:
            return
        self._closed = True
        self._send_alert("close_notify")
        if self.state == State.CONNECTED:
            self.state = State.CLOSED

    def export(self, label: bytes, context: bytes, length: int) -> bytes:
        """RFC 8446 §7.5 TLS-Exporter(label, context_value, key_length) =
        HKDF-Expand-Label(Derive-Secret(exporter_master_secret, label, ""),
                          "exporter", Hash(context_value), key_length)

        Equal on both ends of a genuine connection; a man in the middle holds two
        connections with different values (the lesson of `demo --mitm`)."""
        label = require_bytes("label", label)
        context = require_bytes("context", context)
        if self.schedule is None or self.schedule.master_secret is None:
            raise ValueError("export() before the handshake completed")
        hash_name = self.suite.hash_name
        secret = ks.derive_secret(self.schedule.exporter_master_secret, label,
                                  ks.empty_hash(hash_name), hash_name)
        return ks.hkdf_expand_label(secret, b"exporter",
                                    ks.transcript_hash(context, hash_name=hash_name), length,
                                    hash_name, label_prefix=ks.TLS13_LABEL_PREFIX)

    def key_schedule_trace(self) -> list[tuple[str, bytes]]:
        """Every secret derived so far, in order, with its RFC 8446 name (teaching only)."""
        values = list(self.schedule.values) if self.schedule else []
        return values + self._key_values

    # -- misuse checks -----------------------------------------------------------------
    def _require_connected(self, what: str) -> None:
        if self.state == State.FAILED:
            raise ValueError(f"{what} on a failed connection")
        if self._closed:
            raise ValueError(f"{what} after close()")
        if self.state != State.CONNECTED:
            raise ValueError(f"{what} before the handshake completed (state: {self.state.value})")

    # -- failure -----------------------------------------------------------------------
    def _fail(self, alert: str) -> None:
        if self.state != State.FAILED:
            try:
                self._send_alert(alert)
            except (RecordError, ValueError):
                pass
        self._die()

    def _die(self) -> None:
        self.state = State.FAILED
        for protection in (self._read, self._write):
            if protection is not None:
                protection.erase()
        self._in.clear()

    # -- records in --------------------------------------------------------------------
    def _check_header(self, header: bytes) -> None:
        content_type, length = header[0], int.from_bytes(header[3:5], "big")
        if content_type not in PLAINTEXT_TYPES or header[1] != RECORD_MAJOR_VERSION:
            # §5: an unknown record type is unexpected_message.
            raise HandshakeError("bad record header", "unexpected_message")
        if length > MAX_CIPHERTEXT:
            raise HandshakeError("record too long", "record_overflow")       # §5.2
        if length == 0 and content_type != CONTENT_APPLICATION_DATA:
            raise HandshakeError("empty record", "unexpected_message")       # §5.1

    def _record(self, record: bytes, events: list) -> None:
        content_type, fragment = record[0], record[HEADER_SIZE:]
        if content_type == CONTENT_CHANGE_CIPHER_SPEC:
            # Appendix D.4 / §5: a CCS of the single byte 1 between the first ClientHello
            # and the peer's Finished is dropped; anything else is unexpected_message.
            if fragment != b"\x01" or not self._transcript or self._read_is_application:
                raise HandshakeError("unexpected change_cipher_spec", "unexpected_message")
            return
        if self._read is None or (content_type == CONTENT_ALERT and not self._read_is_application
                                  and not self._read_opened_any):
            # Before the handshake keys (and, for alerts, until the peer's first protected
            # record), records are plaintext (§5.1).
            if len(fragment) > MAX_PLAINTEXT:
                raise HandshakeError("record too long", "record_overflow")
            if content_type == CONTENT_HANDSHAKE:
                self._handshake_fragment(fragment, events)
            elif content_type == CONTENT_ALERT:
                self._alert(fragment, events)
            else:
                raise HandshakeError("unprotected application data", "unexpected_message")
            return
        if content_type != CONTENT_APPLICATION_DATA:
            raise HandshakeError("unprotected record after key change", "unexpected_message")
        try:
            inner_type, content = self._read.open(record)
        except RecordError:
            if self._skip_early_data >= len(fragment):
                self._skip_early_data -= len(fragment)     # §4.2.10: refused 0-RTT
                return
            raise HandshakeError("bad record", "bad_record_mac") from None
        self._skip_early_data = 0
        self._read_opened_any = True
        if inner_type == CONTENT_HANDSHAKE:
            if not content:
                raise HandshakeError("empty handshake record", "unexpected_message")
            self._handshake_fragment(content, events)
        elif inner_type == CONTENT_ALERT:
            self._alert(content, events)
        elif not self._read_is_application:
            raise HandshakeError("application data during the handshake", "unexpected_message")
        elif self.peer_closed:
            raise HandshakeError("data after close_notify", "unexpected_message")
        else:
            if len(self._handshake):
                # §5.1: handshake messages must not be interleaved with other record types.
                raise HandshakeError("interleaved record", "unexpected_message")
            if content:
                events.append(ApplicationData(content))

    def _alert(self, fragment: bytes, events: list) -> None:
        if len(self._handshake):
            raise HandshakeError("alert inside a handshake message", "unexpected_message")
        level, description = decode_alert(fragment)
        if description == "close_notify":
            self.peer_closed = True
            events.append(ConnectionClosed())
            return
        if description == "user_canceled":          # §6.1: a warning; close_notify follows
            return
        raise _PeerAlert(f"peer sent alert {description}", description)

    def _handshake_fragment(self, fragment: bytes, events: list) -> None:
        for msg_type, body, whole in self._handshake.add(fragment):
            self._handshake_message(msg_type, body, whole, events)

    def _require_record_boundary(self) -> None:
        """§5.1: handshake messages MUST NOT span key changes."""
        if len(self._handshake):
            raise HandshakeError("handshake message spans a key change", "unexpected_message")

    def _handshake_message(self, msg_type: int, body: bytes, whole: bytes, events: list) -> None:
        if self.state in (State.CONNECTED, State.CLOSED):
            self._post_handshake(msg_type, body, events)
            return
        self._handshake_step(msg_type, body, whole, events)

    def _handshake_step(self, msg_type, body, whole, events) -> None:
        raise NotImplementedError

    def _post_handshake(self, msg_type: int, body: bytes, events: list) -> None:
        """§4.6: NewSessionTicket (from a server) and KeyUpdate after the handshake."""
        if msg_type == KEY_UPDATE:
            update = KeyUpdate.decode(body)
            self._require_record_boundary()
            self._read = self._next_generation(self._read, self.peer_role)
            if update.request_update == UPDATE_REQUESTED and not self._closed:
                # §4.6.3: answer with our own update_not_requested before further data.
                self._seal(CONTENT_HANDSHAKE, KeyUpdate(UPDATE_NOT_REQUESTED).encode())
                self._write = self._next_generation(self._write, self.role)
            events.append(KeyUpdated(update.request_update == UPDATE_REQUESTED))
        elif msg_type == NEW_SESSION_TICKET and self.is_client:
            ticket = NewSessionTicket.decode(body)
            self.tickets.append(ticket)
            events.append(SessionTicketReceived(ticket))
        else:
            name = MESSAGE_NAMES.get(msg_type, f"type {msg_type}")
            raise HandshakeError(f"unexpected {name} after the handshake", "unexpected_message")

    # -- records out -------------------------------------------------------------------
    def _emit(self, record: bytes) -> None:
        self._out += record
        self.records.append(("client" if self.is_client else "server", record))

    def _seal(self, content_type: int, content: bytes) -> None:
        self._emit(self._write.seal(content_type, content))

    def _send_alert(self, description: str) -> None:
        alert = encode_alert(description)
        if self._write is not None:
            self._seal(CONTENT_ALERT, alert)
        else:
            self._emit(record_header(CONTENT_ALERT, len(alert)) + alert)

    def _send_change_cipher_spec(self) -> None:
        self._emit(CHANGE_CIPHER_SPEC)

    def _send_handshake(self, messages: list[bytes]) -> None:
        """Send handshake messages, several per record, cut at 2^14 bytes (§5.1)."""
        data = b"".join(messages)
        for start in range(0, len(data), MAX_PLAINTEXT):
            chunk = data[start:start + MAX_PLAINTEXT]
            if self._write is None:
                self._emit(record_header(CONTENT_HANDSHAKE, len(chunk)) + chunk)
            else:
                self._seal(CONTENT_HANDSHAKE, chunk)

    # -- transcript and keys -----------------------------------------------------------
    def _add_to_transcript(self, sender: str, message: bytes) -> None:
        self._transcript.append(message)
        name = MESSAGE_NAMES.get(message[0], f"type {message[0]}")
        if message[0] == 2 and message[6:38] == HELLO_RETRY_REQUEST_RANDOM:
            name = "HelloRetryRequest"
        self.transcript_messages.append((sender, name, message))

    def _transcript_hash(self) -> bytes:
        return ks.transcript_hash(b"".join(self._transcript), hash_name=self.suite.hash_name)

    def _protection(self, secret: bytes, name: str) -> RecordProtection:
        if self._trace:
            protection = RecordProtection(secret, self.suite, self._record_limit)
            self._key_values += [(f"{name}_write_key", protection.key),
                                 (f"{name}_write_iv", protection.iv)]
            return protection
        return RecordProtection(secret, self.suite, self._record_limit)

    @property
    def role(self) -> str:
        return "client" if self.is_client else "server"

    @property
    def peer_role(self) -> str:
        return "server" if self.is_client else "client"

    def _next_generation(self, protection: RecordProtection, sender: str) -> RecordProtection:
        """§7.2: the sender's application_traffic_secret_N+1 (noted for the trace)."""
        successor = protection.updated()
        self._generations[sender] += 1
        if self._trace:
            self._key_values.append(
                (f"{sender}_application_traffic_secret_{self._generations[sender]}",
                 successor.traffic_secret))
        return successor

    def _log_secret(self, label: str, secret: bytes) -> None:
        if self._keylog is not None:
            self._keylog(keylog_line(label, self.client_random, secret))

    # -- the key schedule steps both sides take at the same point (§7.1, §4.4.4) ---------
    def _start_key_schedule(self, shared_secret: bytes) -> None:
        """§7.1: Handshake Secret from the (EC)DHE/KEM shared secret and
        Transcript-Hash(ClientHello..ServerHello); both handshake traffic secrets logged."""
        self.schedule = ks.KeySchedule(self.suite.hash_name)
        self.schedule.handshake(shared_secret, self._transcript_hash())
        self._log_secret(keylog.CLIENT_HANDSHAKE_TRAFFIC_SECRET,
                         self.schedule.client_handshake_traffic_secret)
        self._log_secret(keylog.SERVER_HANDSHAKE_TRAFFIC_SECRET,
                         self.schedule.server_handshake_traffic_secret)

    def _handshake_secret(self, sender: str) -> bytes:
        if sender == "client":
            return self.schedule.client_handshake_traffic_secret
        return self.schedule.server_handshake_traffic_secret

    def _finished_verify_data(self, sender: str) -> bytes:
        """§4.4.4: verify_data of `sender`'s Finished over the transcript so far."""
        return ks.finished_verify_data(self._handshake_secret(sender), self._transcript_hash(),
                                       self.suite.hash_name)

    def _check_peer_finished(self, verify_data: bytes, whole: bytes) -> None:
        """§4.4.4: the peer's Finished must match; then it joins the transcript, and it must
        end its record (§5.1: no key change inside a record)."""
        expected = self._finished_verify_data(self.peer_role)
        if not constant_time_equal(expected, verify_data):
            raise HandshakeError(f"bad {self.peer_role} Finished", "decrypt_error")
        self._add_to_transcript(self.peer_role, whole)
        self._require_record_boundary()

    def _derive_application_secrets(self) -> None:
        """§7.1: Master Secret and Transcript-Hash(ClientHello..server Finished): both
        application traffic secrets and the exporter secret, logged."""
        self.schedule.master(self._transcript_hash())
        for label, secret in ((keylog.CLIENT_TRAFFIC_SECRET_0,
                               self.schedule.client_application_traffic_secret_0),
                              (keylog.SERVER_TRAFFIC_SECRET_0,
                               self.schedule.server_application_traffic_secret_0),
                              (keylog.EXPORTER_SECRET, self.schedule.exporter_master_secret)):
            self._log_secret(label, secret)
