"""The TLS 1.3 client: RFC 8446 §2 (full handshake), §4.1.2 (ClientHello), §4.1.3-§4.1.4
(ServerHello, HelloRetryRequest), §4.3-§4.4 (the server's flight), §4.4.4 (Finished),
Appendix D.4 (middlebox compatibility). Sans-I/O (see refkx.tls.connection).

    client = Client("example.com", pins=["sha256//..."])      # or cafile=..., insecure=True
    client.start(); wire = client.data_to_send()               # the ClientHello record
    events = client.receive(bytes_from_server); wire = client.data_to_send()
    ... until HandshakeComplete is among the events; then client.send(b"data").

          Client                                           Server
          ClientHello + key_share (first group only) -------->
                                     <--------  [HelloRetryRequest + key_share(group)]
          [ClientHello + key_share + cookie]        -------->
                                                ServerHello + key_share
                                                {EncryptedExtensions}
                                                {Certificate} {CertificateVerify}
                                     <--------  {Finished}
          [ChangeCipherSpec] {Finished}             -------->
          [Application Data]                        <------->  [Application Data]

The client sends a key share for the FIRST of its groups only; the others are offered in
supported_groups, so a server that prefers one of them answers with a HelloRetryRequest.
Not supported, and refused cleanly: PSK / resumption and 0-RTT (never offered; tickets
are parsed and set aside) and client certificates (a CertificateRequest is answered with
an empty Certificate, as §4.4.2 allows; the server then decides).

Injection points for reproducing published handshakes and for lessons: `random`,
`session_id`, `ephemeral_keys` ({group name: the raw private bytes drawn by the KEM's key
generation, e.g. the 32-byte X25519 scalar}) and `rng` for everything else.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Optional

from .. import kem as kem_module
from ..errors import CertificateError, HandshakeError, InvalidKey
from . import extensions as ext
from . import groups as groups_module
from . import signatures
from .connection import (DEFAULT_CIPHER_SUITES, Connection, HandshakeComplete, Rng, State)
from .messages import (CERTIFICATE, CERTIFICATE_REQUEST, CERTIFICATE_VERIFY, DOWNGRADE_TLS11,
                       DOWNGRADE_TLS12, ENCRYPTED_EXTENSIONS, FINISHED, LEGACY_VERSION,
                       MAX_SESSION_ID, MESSAGE_NAMES, NULL_COMPRESSION, RANDOM_SIZE,
                       SERVER_HELLO, Certificate, CertificateRequest, CertificateVerify,
                       ClientHello, EncryptedExtensions, Finished, ServerHello, message_hash)
from .record import MAX_PLAINTEXT
from .trust import TrustPolicy, load_anchors, load_certificate, rsa_public_key

MAX_SERVER_MESSAGE = 2 ** 17               # certificate chains; anything longer is refused

# §4.2: what the client offered, so what the server may send back in each message.
SERVER_HELLO_EXTENSIONS = {ext.SUPPORTED_VERSIONS, ext.KEY_SHARE}
HELLO_RETRY_EXTENSIONS = {ext.SUPPORTED_VERSIONS, ext.KEY_SHARE, ext.COOKIE}
# Extensions the client offers that may come back in EncryptedExtensions (§4.2 table).
ENCRYPTED_EXTENSIONS_ALLOWED = {ext.SERVER_NAME, ext.SUPPORTED_GROUPS}
# §4.2 table: these never belong in EncryptedExtensions.
NOT_IN_ENCRYPTED_EXTENSIONS = {ext.KEY_SHARE, ext.SUPPORTED_VERSIONS, ext.COOKIE,
                               ext.SIGNATURE_ALGORITHMS, ext.SIGNATURE_ALGORITHMS_CERT,
                               ext.PRE_SHARED_KEY, ext.PSK_KEY_EXCHANGE_MODES}


class _FixedBytes:
    """An rng that returns given bytes once (an injected ephemeral key), then fails loudly."""

    def __init__(self, data: bytes) -> None:
        self._data = bytes(data)

    def __call__(self, n: int) -> bytes:
        if n != len(self._data):
            raise ValueError(f"the injected key is {len(self._data)} bytes; the KEM asked {n}")
        data, self._data = self._data, b""
        return data


class Client(Connection):
    """A TLS 1.3 client (see the module docstring)."""

    is_client = True

    def __init__(self, server_name: Optional[str] = None, *, groups=None, cipher_suites=
                 DEFAULT_CIPHER_SUITES, pins=(), cafile: Optional[str] = None, trust=None,
                 insecure: bool = False, now: Optional[datetime.datetime] = None,
                 keylog=None, rng: Optional[Rng] = None, random: Optional[bytes] = None,
                 session_id: Optional[bytes] = None, ephemeral_keys: Optional[dict] = None,
                 server_transport_key=None, record_limit: int = 2 ** 24,
                 max_handshake_message: int = MAX_SERVER_MESSAGE, trace: bool = True) -> None:
        if server_name is not None and not isinstance(server_name, str):
            raise TypeError(f"server_name must be a str, not {type(server_name).__name__}")
        if server_name is not None and (not server_name.isascii() or not server_name):
            raise ValueError("server_name must be a non-empty ASCII host name")
        if groups is None:
            groups = groups_module.default_groups(groups_module.DEFAULT_CLIENT_GROUPS)
        self.groups = groups_module.check_groups(groups)
        for name in self.groups:
            if groups_module.is_transport(name) and server_transport_key is None:
                raise ValueError(f"{name} is RSA key transport: pass server_transport_key "
                                 "(the server's RSA public key)")
        anchors = list(trust) if trust is not None else []
        if cafile is not None:
            anchors += load_anchors(cafile)
        self.trust_policy = TrustPolicy(tuple(pins) if not isinstance(pins, str) else (pins,),
                                        anchors, server_name, insecure, now)
        for name, value in (("random", random), ("session_id", session_id)):
            if value is not None and not isinstance(value, (bytes, bytearray)):
                raise TypeError(f"{name} must be bytes, not {type(value).__name__}")
        if random is not None and len(random) != RANDOM_SIZE:
            raise ValueError(f"random must be {RANDOM_SIZE} bytes")
        if session_id is not None and len(session_id) > MAX_SESSION_ID:
            raise ValueError(f"session_id must be at most {MAX_SESSION_ID} bytes")
        self._ephemeral_keys = dict(ephemeral_keys or {})
        for name, value in self._ephemeral_keys.items():
            if name not in self.groups or not isinstance(value, (bytes, bytearray)):
                raise ValueError("ephemeral_keys maps a group of `groups` to raw private bytes")
        super().__init__(rng=rng, keylog=keylog, cipher_suites=cipher_suites,
                         record_limit=record_limit, max_handshake_message=max_handshake_message,
                         trace=trace)
        self.server_name = server_name
        self._random = bytes(random) if random is not None else None
        # Appendix D.4: a non-empty legacy_session_id puts the client in compatibility mode.
        self._session_id = (bytes(session_id) if session_id is not None
                            else self._rng(MAX_SESSION_ID))
        self._server_transport_key = server_transport_key
        self.group: Optional[str] = None
        self.peer_certificate = None
        self.peer_certificates: list = []
        self.authenticated = False
        self._hello: Optional[ClientHello] = None
        self._key_share_group: Optional[str] = None
        self._private_key = None
        self._retried = False
        self._ccs_sent = False
        self._certificate_requested: Optional[CertificateRequest] = None
        self._server_public_key = None
        self._offered_extensions: set[int] = set()

    # -- the ClientHello ---------------------------------------------------------------
    def start(self) -> None:
        """Queue the ClientHello (for data_to_send())."""
        if self.state != State.START:
            raise ValueError("start() was already called")
        self.client_random = self._random if self._random is not None else self._rng(RANDOM_SIZE)
        self._hello = self._client_hello(self.groups[0])
        self._send_hello()
        self.state = State.WAIT_SERVER_HELLO

    def _key_share(self, group: str) -> bytes:
        """Our key_exchange for `group` (RFC 8446 §4.2.8): a fresh public key, or for the
        refkx-only RSA transport the encapsulation to the server's key."""
        kem = kem_module.KEMS[group]
        fixed = self._ephemeral_keys.get(group)
        rng = _FixedBytes(fixed) if fixed is not None else self._rng
        self._key_share_group = group
        if groups_module.is_transport(group):
            public = self._server_transport_key.public_bytes()
            self._transport_public_bytes = public
            self._private_key, enc = kem.encapsulate(public, rng=rng)
            return enc
        self._private_key, public = kem.generate_keypair(rng=rng)
        return public

    def _client_hello(self, share_group: str, cookie: Optional[bytes] = None) -> ClientHello:
        codes = [groups_module.GROUP_CODES[g] for g in self.groups]
        extensions = []
        if self.server_name is not None and not _is_ip_address(self.server_name):
            extensions.append((ext.SERVER_NAME, ext.encode_server_name(self.server_name)))
        extensions += [
            (ext.SUPPORTED_VERSIONS, ext.encode_client_versions([ext.TLS13])),
            (ext.SUPPORTED_GROUPS, ext.encode_code_list(codes)),
            (ext.SIGNATURE_ALGORITHMS, ext.encode_code_list(signatures.SIGNATURE_ALGORITHMS)),
            (ext.SIGNATURE_ALGORITHMS_CERT,
             ext.encode_code_list(signatures.SIGNATURE_ALGORITHMS_CERT)),
            (ext.KEY_SHARE, ext.encode_client_shares(
                [(groups_module.GROUP_CODES[share_group], self._key_share(share_group))])),
        ]
        if cookie is not None:
            extensions.append((ext.COOKIE, ext.encode_cookie(cookie)))
        self._offered_extensions = {t for t, _ in extensions}
        return ClientHello(self.client_random, self._session_id,
                           [suite.code for suite in self._suites], extensions)

    def _send_hello(self) -> None:
        message = self._hello.encode()
        self._add_to_transcript("client", message)
        self._send_handshake([message])

    # -- the server's messages ---------------------------------------------------------
    def _handshake_step(self, msg_type, body, whole, events) -> None:
        expected = {State.WAIT_SERVER_HELLO: (SERVER_HELLO,),
                    State.WAIT_ENCRYPTED_EXTENSIONS: (ENCRYPTED_EXTENSIONS,),
                    State.WAIT_CERTIFICATE: (CERTIFICATE, CERTIFICATE_REQUEST),
                    State.WAIT_CERTIFICATE_VERIFY: (CERTIFICATE_VERIFY,),
                    State.WAIT_FINISHED: (FINISHED,)}.get(self.state, ())
        if msg_type not in expected or (msg_type == CERTIFICATE_REQUEST
                                        and self._certificate_requested is not None):
            name = MESSAGE_NAMES.get(msg_type, f"handshake type {msg_type}")
            raise HandshakeError(f"unexpected {name}", "unexpected_message")
        if msg_type == SERVER_HELLO:
            self._server_hello(ServerHello.decode(body), whole)
        elif msg_type == ENCRYPTED_EXTENSIONS:
            self._encrypted_extensions(EncryptedExtensions.decode(body), whole)
        elif msg_type == CERTIFICATE_REQUEST:
            self._certificate_requested = CertificateRequest.decode(body)
            self._add_to_transcript("server", whole)
        elif msg_type == CERTIFICATE:
            self._certificate(Certificate.decode(body), whole)
        elif msg_type == CERTIFICATE_VERIFY:
            self._certificate_verify(CertificateVerify.decode(body), whole)
        else:
            self._finished(Finished.decode(body, self.schedule.hash_len), whole, events)

    def _check_server_hello_common(self, hello: ServerHello, allowed: set[int]) -> None:
        if hello.legacy_session_id_echo != self._session_id:
            raise HandshakeError("legacy_session_id not echoed", "illegal_parameter")  # §4.1.3
        if hello.cipher_suite not in [suite.code for suite in self._suites]:
            raise HandshakeError("cipher suite not offered", "illegal_parameter")
        if hello.legacy_compression_method != NULL_COMPRESSION:
            raise HandshakeError("compression method", "illegal_parameter")
        for ext_type, _ in hello.extensions:
            if ext_type not in allowed:
                raise HandshakeError(f"unexpected extension {ext_type} in ServerHello",
                                     "unsupported_extension")

    def _server_hello(self, hello: ServerHello, whole: bytes) -> None:
        versions = ext.find(hello.extensions, ext.SUPPORTED_VERSIONS)
        if versions is None:
            # A TLS 1.2 (or older) server. §4.1.3: a TLS 1.3 server that had to negotiate
            # down says so in its random; either way, refkx speaks only TLS 1.3.
            if hello.random[-8:] in (DOWNGRADE_TLS12, DOWNGRADE_TLS11):
                raise HandshakeError("downgrade sentinel in the server random",
                                     "illegal_parameter")
            raise HandshakeError("the server does not speak TLS 1.3", "protocol_version")
        if ext.decode_selected_version(versions) != ext.TLS13 or \
                hello.legacy_version != LEGACY_VERSION:
            raise HandshakeError("the server selected another version", "illegal_parameter")
        if hello.is_hello_retry_request:
            self._hello_retry_request(hello, whole)
            return
        self._check_server_hello_common(hello, SERVER_HELLO_EXTENSIONS)
        if self._retried and hello.cipher_suite != self.suite.code:
            raise HandshakeError("cipher suite changed after HelloRetryRequest",
                                 "illegal_parameter")                               # §4.1.4
        self.suite = next(s for s in self._suites if s.code == hello.cipher_suite)
        share = ext.find(hello.extensions, ext.KEY_SHARE)
        if share is None:
            raise HandshakeError("no key_share in ServerHello", "missing_extension")
        group_code, key_exchange = ext.decode_server_share(share)
        if groups_module.GROUP_NAMES.get(group_code) != self._key_share_group:
            raise HandshakeError("server key_share for a group we sent no share for",
                                 "illegal_parameter")                               # §4.2.8
        self.group = self._key_share_group
        shared_secret = self._shared_secret(key_exchange)
        self._add_to_transcript("server", whole)
        self._require_record_boundary()
        self._start_key_schedule(shared_secret)
        self._private_key = None
        self._read = self._protection(self.schedule.server_handshake_traffic_secret,
                                      "server_handshake")
        self.state = State.WAIT_ENCRYPTED_EXTENSIONS

    def _shared_secret(self, key_exchange: bytes) -> bytes:
        kem = kem_module.KEMS[self.group]
        if groups_module.is_transport(self.group):
            # refkx-only: the server proves which key it used by its hash.
            if key_exchange != hashlib.sha256(self._transport_public_bytes).digest():
                raise HandshakeError("transport key mismatch", "illegal_parameter")
            return self._private_key
        try:
            return kem.decapsulate(key_exchange, self._private_key)
        except (InvalidKey, ValueError):
            raise HandshakeError("bad key share", "illegal_parameter") from None

    def _hello_retry_request(self, hello: ServerHello, whole: bytes) -> None:
        if self._retried:
            raise HandshakeError("second HelloRetryRequest", "unexpected_message")    # §4.1.4
        self._check_server_hello_common(hello, HELLO_RETRY_EXTENSIONS)
        self.suite = next(s for s in self._suites if s.code == hello.cipher_suite)
        selected = ext.find(hello.extensions, ext.KEY_SHARE)
        cookie = ext.find(hello.extensions, ext.COOKIE)
        if selected is None and cookie is None:
            # §4.1.4: a HelloRetryRequest that would change nothing.
            raise HandshakeError("HelloRetryRequest changes nothing", "illegal_parameter")
        group = self._key_share_group
        if selected is not None:
            group = groups_module.GROUP_NAMES.get(ext.decode_selected_group(selected))
            # §4.2.8: the group must be offered, and not the one we already sent a share for.
            if group not in self.groups or group == self._key_share_group:
                raise HandshakeError("HelloRetryRequest for a bad group", "illegal_parameter")
        cookie_value = ext.decode_cookie(cookie) if cookie is not None else None
        self._retried = True
        # §4.4.1: ClientHello1 becomes message_hash(ClientHello1) in the transcript.
        first_hello = self._transcript[0]
        self._transcript.clear()
        self._transcript.append(message_hash(self.suite.hash_name, first_hello))
        self._add_to_transcript("server", whole)
        self._require_record_boundary()
        # Appendix D.4: in compatibility mode the CCS goes before the second flight, here
        # the second ClientHello.
        if self._session_id:
            self._send_change_cipher_spec()
            self._ccs_sent = True
        self._hello = self._client_hello(group, cookie_value)
        self._send_hello()

    def _encrypted_extensions(self, message: EncryptedExtensions, whole: bytes) -> None:
        for ext_type, _ in message.extensions:
            if ext_type in NOT_IN_ENCRYPTED_EXTENSIONS:
                raise HandshakeError("extension not allowed in EncryptedExtensions",
                                     "illegal_parameter")
            if ext_type not in ENCRYPTED_EXTENSIONS_ALLOWED:
                raise HandshakeError(f"unrequested extension {ext_type}", "unsupported_extension")
        self._add_to_transcript("server", whole)
        self.state = State.WAIT_CERTIFICATE

    def _certificate(self, message: Certificate, whole: bytes) -> None:
        if message.certificate_request_context != b"":
            raise HandshakeError("certificate_request_context", "illegal_parameter")  # §4.4.2
        if not message.certificate_list:
            raise HandshakeError("empty Certificate", "decode_error")              # §4.4.2.4
        chain = [load_certificate(entry.cert_data) for entry in message.certificate_list]
        self._server_public_key = rsa_public_key(chain[0])
        # Trust is decided as soon as the chain is seen: a pin, a CA file + host name, or
        # (insecure) nothing. CertificateVerify then proves the key's owner is here.
        self.authenticated = self.trust_policy.check(chain)
        self.peer_certificates = chain
        self.peer_certificate = chain[0]
        self._add_to_transcript("server", whole)
        self.state = State.WAIT_CERTIFICATE_VERIFY

    def _certificate_verify(self, message: CertificateVerify, whole: bytes) -> None:
        if message.algorithm not in signatures.SIGNATURE_ALGORITHMS:
            raise HandshakeError("signature scheme not offered", "illegal_parameter")
        # §4.4.3: the signature covers Transcript-Hash(ClientHello .. Certificate).
        signatures.verify(self._server_public_key, message.algorithm, message.signature,
                          self._transcript_hash())
        self.signature_scheme = signatures.SCHEME_NAMES[message.algorithm]
        self._add_to_transcript("server", whole)
        self.state = State.WAIT_FINISHED

    def _finished(self, message: Finished, whole: bytes, events: list) -> None:
        self._check_peer_finished(message.verify_data, whole)
        self._derive_application_secrets()
        self._read = self._protection(self.schedule.server_application_traffic_secret_0,
                                      "server_application")
        self._read_is_application = True
        self._read_opened_any = True
        # The client's second flight: [CCS] [{Certificate}] {Finished} (§4.4, D.4).
        if not self._ccs_sent and self._session_id:
            self._send_change_cipher_spec()
            self._ccs_sent = True
        self._write = self._protection(self.schedule.client_handshake_traffic_secret,
                                       "client_handshake")
        flight = []
        if self._certificate_requested is not None:
            # §4.4.2: no suitable certificate -> an empty Certificate with the request's context.
            empty = Certificate([], self._certificate_requested.certificate_request_context)
            flight.append(empty.encode())
            self._add_to_transcript("client", flight[-1])
        flight.append(Finished(self._finished_verify_data("client")).encode())
        self._add_to_transcript("client", flight[-1])
        self._send_handshake(flight)
        if self._trace:                    # refkx does not resume: only for the trace
            self.schedule.resumption(self._transcript_hash())
        self._write = self._protection(self.schedule.client_application_traffic_secret_0,
                                       "client_application")
        self.state = State.CONNECTED
        events.append(HandshakeComplete())


def _is_ip_address(name: str) -> bool:
    """RFC 6066 §3: literal IPv4 and IPv6 addresses are not permitted in server_name."""
    import ipaddress
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


__all__ = ["Client", "CertificateError", "MAX_PLAINTEXT"]
