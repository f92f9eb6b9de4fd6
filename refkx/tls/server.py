"""The TLS 1.3 server: RFC 8446 §2, §4.1.1 (negotiation), §4.1.3-§4.1.4 (ServerHello,
HelloRetryRequest with a cookie), §4.3.1, §4.4.2-§4.4.4 (the server's flight), Appendix D.4.
Sans-I/O (see refkx.tls.connection).

    server = Server(certificate_chain=[leaf_der, ...], private_key=rsa_private_key)
    events = server.receive(bytes_from_client); wire = server.data_to_send()

Negotiation (§4.1.1). The server's own `groups` order is its preference: it picks the
first of its groups that the client lists in supported_groups; if the client sent no key
share for that group, it answers with a HelloRetryRequest naming it (and carrying a
cookie the second ClientHello must echo). The suite is the first of the server's suites
that the client offers; the CertificateVerify scheme the first rsa_pss_rsae_* the client
lists. TLS 1.2-era and unknown extensions are ignored (§4.2: "MUST ignore unrecognized
extensions"); so are pre_shared_key (a full handshake follows) and early_data (0-RTT is
refused: its records are skipped, §4.2.10).

Injection points: `random`, `ephemeral_keys` ({group: raw private bytes}), `rng`.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import hashlib
from typing import Optional

from .. import kem as kem_module
from .. import rsa
from ..encoding import constant_time_equal
from ..errors import DecryptionError, HandshakeError, InvalidKey
from . import extensions as ext
from . import groups as groups_module
from . import signatures
from .client import _FixedBytes
from .connection import (DEFAULT_CIPHER_SUITES, MAX_EARLY_DATA_SKIPPED, Connection,
                         HandshakeComplete, Rng, State)
from .messages import (CLIENT_HELLO, FINISHED, HELLO_RETRY_REQUEST_RANDOM, MESSAGE_NAMES,
                       NULL_COMPRESSION, RANDOM_SIZE, Certificate, CertificateEntry,
                       CertificateVerify, ClientHello, EncryptedExtensions, Finished,
                       ServerHello, message_hash)
from .record import MAX_PLAINTEXT

MAX_CLIENT_MESSAGE = MAX_PLAINTEXT         # a ClientHello or Finished fits one record
COOKIE_SIZE = 32


class Server(Connection):
    """A TLS 1.3 server (see the module docstring)."""

    def __init__(self, certificate_chain, private_key: rsa.RSAPrivateKey, *, groups=None,
                 cipher_suites=DEFAULT_CIPHER_SUITES, keylog=None, rng: Optional[Rng] = None,
                 random: Optional[bytes] = None, ephemeral_keys: Optional[dict] = None,
                 transport_keys: Optional[dict] = None, record_limit: int = 2 ** 24,
                 max_handshake_message: int = MAX_CLIENT_MESSAGE, trace: bool = True) -> None:
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise TypeError("private_key must be a refkx.rsa.RSAPrivateKey")
        chain = [c.der if hasattr(c, "der") else c for c in certificate_chain]
        if not chain or not all(isinstance(c, (bytes, bytearray)) and c for c in chain):
            raise ValueError("certificate_chain must hold at least the leaf (DER bytes or "
                             "Certificates), leaf first")
        if groups is None:
            groups = groups_module.default_groups(groups_module.DEFAULT_SERVER_GROUPS)
        self.groups = groups_module.check_groups(groups)
        self._transport_keys = dict(transport_keys or {})
        for name in self.groups:
            if groups_module.is_transport(name) and name not in self._transport_keys:
                raise ValueError(f"{name} is RSA key transport: pass transport_keys="
                                 f"{{{name!r}: RSAPrivateKey}}")
        if random is not None and (not isinstance(random, (bytes, bytearray))
                                   or len(random) != RANDOM_SIZE):
            raise ValueError(f"random must be {RANDOM_SIZE} bytes")
        self._ephemeral_keys = dict(ephemeral_keys or {})
        super().__init__(rng=rng, keylog=keylog, cipher_suites=cipher_suites,
                         record_limit=record_limit, max_handshake_message=max_handshake_message,
                         trace=trace)
        self._chain = [bytes(c) for c in chain]
        self._private_key = private_key
        self._random = bytes(random) if random is not None else None
        self.group: Optional[str] = None
        self.server_name: Optional[str] = None
        self.signature_scheme: Optional[str] = None
        self.hello_retried = False
        self._first_hello: Optional[ClientHello] = None
        self._cookie: Optional[bytes] = None
        self.state = State.WAIT_CLIENT_HELLO

    # -- dispatch ----------------------------------------------------------------------
    def _handshake_step(self, msg_type, body, whole, events) -> None:
        if self.state in (State.WAIT_CLIENT_HELLO, State.WAIT_SECOND_CLIENT_HELLO) \
                and msg_type == CLIENT_HELLO:
            self._client_hello(ClientHello.decode(body), whole)
        elif self.state == State.WAIT_CLIENT_FINISHED and msg_type == FINISHED:
            self._finished(Finished.decode(body, self.schedule.hash_len), whole, events)
        else:
            name = MESSAGE_NAMES.get(msg_type, f"handshake type {msg_type}")
            raise HandshakeError(f"unexpected {name}", "unexpected_message")

    # -- the ClientHello ---------------------------------------------------------------
    def _client_hello(self, hello: ClientHello, whole: bytes) -> None:
        found = dict(hello.extensions)
        versions = found.get(ext.SUPPORTED_VERSIONS)
        if versions is None or ext.TLS13 not in ext.decode_client_versions(versions):
            raise HandshakeError("the client does not offer TLS 1.3", "protocol_version")
        if hello.legacy_compression_methods != bytes([NULL_COMPRESSION]):
            raise HandshakeError("compression methods", "illegal_parameter")        # §4.1.2
        second = self.state == State.WAIT_SECOND_CLIENT_HELLO
        if second:
            self._check_second_hello(hello, found)
        if ext.SERVER_NAME in found:
            self.server_name = ext.decode_server_name(found[ext.SERVER_NAME])
        # Cipher suite: the server's preference among the client's offer (§4.1.1).
        suite = next((s for s in self._suites if s.code in hello.cipher_suites), None)
        if suite is None:
            raise HandshakeError("no cipher suite in common", "handshake_failure")
        if second and suite != self.suite:
            raise HandshakeError("cipher suites changed", "illegal_parameter")
        self.suite = suite
        # Signature scheme for CertificateVerify (§4.2.3; §9.2: signature_algorithms is
        # mandatory when authenticating by certificate).
        if ext.SIGNATURE_ALGORITHMS not in found:
            raise HandshakeError("no signature_algorithms", "missing_extension")
        offered = ext.decode_code_list(found[ext.SIGNATURE_ALGORITHMS], "signature_algorithms")
        scheme = next((s for s in signatures.SIGNATURE_ALGORITHMS if s in offered), None)
        if scheme is None:
            raise HandshakeError("no RSA-PSS signature scheme in common", "handshake_failure")
        # Groups (§4.2.7, §4.2.8): supported_groups and key_share go together (§9.2).
        if ext.SUPPORTED_GROUPS not in found or ext.KEY_SHARE not in found:
            raise HandshakeError("no supported_groups / key_share", "missing_extension")
        client_groups = ext.decode_code_list(found[ext.SUPPORTED_GROUPS], "supported_groups")
        shares = ext.decode_client_shares(found[ext.KEY_SHARE])
        for code, _ in shares:
            if code not in client_groups:
                raise HandshakeError("key share for a group not offered", "illegal_parameter")
        group = next((g for g in self.groups
                      if groups_module.GROUP_CODES[g] in client_groups), None)
        if group is None:
            raise HandshakeError("no group in common", "handshake_failure")
        code = groups_module.GROUP_CODES[group]
        share = next((k for c, k in shares if c == code), None)
        self._add_to_transcript("client", whole)
        if share is None:
            if second:
                raise HandshakeError("no key share for the selected group", "illegal_parameter")
            self._send_hello_retry_request(hello, group)
            return
        if second and (len(shares) != 1 or group != self.group):
            raise HandshakeError("second ClientHello shares", "illegal_parameter")  # §4.1.2
        self.group = group
        self.client_random = hello.random
        if ext.EARLY_DATA in found:
            self._skip_early_data = MAX_EARLY_DATA_SKIPPED      # §4.2.10: 0-RTT refused
        self._respond(hello, share, scheme)

    def _check_second_hello(self, hello: ClientHello, found: dict) -> None:
        """§4.1.2: the second ClientHello repeats the first, except key_share, cookie,
        early_data and pre_shared_key."""
        first = self._first_hello
        if (hello.random != first.random or hello.legacy_session_id != first.legacy_session_id
                or hello.cipher_suites != first.cipher_suites):
            raise HandshakeError("second ClientHello differs", "illegal_parameter")
        cookie = found.get(ext.COOKIE)
        if cookie is None or not constant_time_equal(ext.decode_cookie(cookie), self._cookie):
            raise HandshakeError("cookie not echoed", "illegal_parameter")

    def _send_hello_retry_request(self, hello: ClientHello, group: str) -> None:
        # §4.1.4 / §4.4.1: ClientHello1 is replaced by its message_hash in the transcript.
        first = self._transcript.pop()
        self.transcript_messages[-1] = ("client", "ClientHello", first)
        self._transcript.append(message_hash(self.suite.hash_name, first))
        self.group = group
        self.hello_retried = True
        self._first_hello = hello
        self._cookie = self._rng(COOKIE_SIZE)
        retry = ServerHello(HELLO_RETRY_REQUEST_RANDOM, hello.legacy_session_id,
                            self.suite.code,
                            [(ext.SUPPORTED_VERSIONS, ext.encode_selected_version()),
                             (ext.KEY_SHARE, ext.encode_selected_group(
                                 groups_module.GROUP_CODES[group])),
                             (ext.COOKIE, ext.encode_cookie(self._cookie))])
        message = retry.encode()
        self._add_to_transcript("server", message)
        self._send_handshake([message])
        if hello.legacy_session_id:
            self._send_change_cipher_spec()        # Appendix D.4: after the first message
        self.state = State.WAIT_SECOND_CLIENT_HELLO

    def _server_share(self, client_share: bytes) -> tuple[bytes, bytes]:
        """(shared_secret, our key_exchange) for the selected group."""
        kem = kem_module.KEMS[self.group]
        try:
            if groups_module.is_transport(self.group):
                key = self._transport_keys[self.group]
                secret = kem.decapsulate(client_share, key)
                return secret, hashlib.sha256(key.public_key().public_bytes()).digest()
            fixed = self._ephemeral_keys.get(self.group)
            rng = _FixedBytes(fixed) if fixed is not None else self._rng
            return kem.encapsulate(client_share, rng=rng)
        except (InvalidKey, DecryptionError):
            raise HandshakeError("bad key share", "illegal_parameter") from None

    def _respond(self, hello: ClientHello, client_share: bytes, scheme: int) -> None:
        shared_secret, key_exchange = self._server_share(client_share)
        random = self._random if self._random is not None else self._rng(RANDOM_SIZE)
        server_hello = ServerHello(random, hello.legacy_session_id, self.suite.code, [
            (ext.SUPPORTED_VERSIONS, ext.encode_selected_version()),
            (ext.KEY_SHARE, ext.encode_key_share_entry(groups_module.GROUP_CODES[self.group],
                                                       key_exchange))]).encode()
        self._add_to_transcript("server", server_hello)
        self._require_record_boundary()
        self._send_handshake([server_hello])
        if hello.legacy_session_id and not self.hello_retried:
            self._send_change_cipher_spec()        # Appendix D.4
        self._start_key_schedule(shared_secret)
        self._write = self._protection(self.schedule.server_handshake_traffic_secret,
                                       "server_handshake")
        self._read = self._protection(self.schedule.client_handshake_traffic_secret,
                                      "client_handshake")
        # {EncryptedExtensions} {Certificate} {CertificateVerify} {Finished}, in one flight.
        flight = [EncryptedExtensions([]).encode(),
                  Certificate([CertificateEntry(der) for der in self._chain]).encode()]
        for message in flight:
            self._add_to_transcript("server", message)
        signature = signatures.sign(self._private_key, scheme, self._transcript_hash(),
                                    rng=self._rng)
        self.signature_scheme = signatures.SCHEME_NAMES[scheme]
        flight.append(CertificateVerify(scheme, signature).encode())
        self._add_to_transcript("server", flight[-1])
        flight.append(Finished(self._finished_verify_data("server")).encode())
        self._add_to_transcript("server", flight[-1])
        self._send_handshake(flight)
        self._derive_application_secrets()
        self._write = self._protection(self.schedule.server_application_traffic_secret_0,
                                       "server_application")
        self.state = State.WAIT_CLIENT_FINISHED

    def _finished(self, message: Finished, whole: bytes, events: list) -> None:
        self._check_peer_finished(message.verify_data, whole)
        if self._trace:                    # refkx does not resume: only for the trace
            self.schedule.resumption(self._transcript_hash())
        self._read = self._protection(self.schedule.client_application_traffic_secret_0,
                                      "client_application")
        self._read_is_application = True
        self._skip_early_data = 0
        self.state = State.CONNECTED
        events.append(HandshakeComplete())
