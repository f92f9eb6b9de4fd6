"""`python -m refkx demo`: one TLS 1.3 connection (refkx.tls) between a client and a server in
this process, told step by step.

One story, printing the actual values (shortened) and the time each phase took:

- the default: the server's RSA-2048 key and self-signed certificate, the handshake over a
  group (x25519 unless --kem), the shared secret both sides reach, the keys derived from it
  (RFC 8446 §7.1 schedule), a message sealed and opened (AES-GCM records), a key update
  (§4.6.3), the close and a tampered record refused;
- --pcap F --keylog K: the connection as a libpcap capture and its key log, which Wireshark
  or tshark decrypts (refkx/tools/pcap.py);
- --mitm and --forward-secrecy: aliases of `python -m refkx lesson mitm` and `lesson
  forward-secrecy` (refkx/tools/lessons/), the man in the middle and the recorded session
  decrypted after the server's key leaks.

The RSA-2048 identity is generated fresh on every run (no cache: what you see is what a key
costs in pure Python; typically well under a second to a few seconds, as the prime search
is random). CPython integers are not constant-time: refkx teaches and cross-checks; it does
not protect production secrets.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from ..errors import HandshakeError, RefkxError
from ..kem import KEMS
from ..rsa import generate_private_key

WIDTH = 78
DEMO_HOST = "localhost"


# --------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------

def short(data: bytes, keep: int = 8) -> str:
    """'a546e36b..ba449ac4 (32 B)': enough to compare by eye."""
    if len(data) <= 2 * keep:
        return f"{data.hex()} ({len(data)} B)"
    return f"{data[:keep].hex()}..{data[-keep:].hex()} ({len(data)} B)"


def seconds(t: float) -> str:
    return f"{t * 1e3:.1f} ms" if t < 1 else f"{t:.2f} s"


class Story:
    """Prints numbered steps and remembers how long each phase took."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.phases: list[tuple[str, float]] = []
        self.step = 0
        self.failed = False          # a check went the wrong way: run_demo exits 1

    def check(self, ok: bool) -> bool:
        """Note the outcome of one of the demo's checks (CLI: exit 1 if any fails)."""
        if not ok:
            self.failed = True
        return ok

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def title(self, text: str) -> None:
        self.say()
        self.say("=" * WIDTH)
        self.say(text)
        self.say("=" * WIDTH)

    def value(self, label: str, data: bytes | str) -> None:
        self.say(f"     {label:<36} {data if isinstance(data, str) else short(data)}")

    def lesson(self, *lines: str) -> None:
        self.say()
        self.say("  +" + "-" * (WIDTH - 4) + "+")
        for line in lines:
            self.say(f"  | {line:<{WIDTH - 6}} |")
        self.say("  +" + "-" * (WIDTH - 4) + "+")

    @contextmanager
    def phase(self, name: str):
        self.step += 1
        self.say()
        self.say(f"{self.step}. {name}")
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        self.phases.append((name, elapsed))
        self.say(f"     [{name}: {seconds(elapsed)}]")

    def timing_table(self) -> None:
        self.say()
        self.say("Time per phase (pure Python, this machine):")
        for name, elapsed in self.phases:
            self.say(f"  {name:<52} {seconds(elapsed):>10}")


def trace_value(party, name: str) -> bytes:
    for key, value in party.key_schedule_trace():
        if key == name:
            return value
    raise KeyError(name)


class RecordingRng:
    """secrets.token_bytes that remembers what it handed out (to show the key material)."""

    def __init__(self):
        import secrets
        self._token = secrets.token_bytes
        self.draws: list[bytes] = []

    def __call__(self, n: int) -> bytes:
        out = self._token(n)
        self.draws.append(out)
        return out


def ephemeral_private_key(kem_name: str, draws: list[bytes], public: bytes) -> bytes | None:
    """For X25519/X448 the private key is just random bytes: find the draw whose public key
    is `public`. Other KEMs keep theirs inside (None)."""
    if kem_name not in ("x25519", "x448"):
        return None
    module = __import__(f"refkx.{kem_name}", fromlist=["x"])
    private_class = getattr(module, f"{kem_name.upper()}PrivateKey")
    for draw in draws:
        if len(draw) == len(public):
            key = private_class.from_private_bytes(draw)
            if key.public_key().public_bytes_raw() == public:
                return draw
    return None


def how_they_agree(kem_name: str) -> list[str]:
    """Why both sides hold the same secret, in one or two lines."""
    if kem_name in ("x25519", "x448"):
        f = kem_name.upper()
        return [f"The client computed {f}(a, B) with its private a and the server's B = {f}(b, base);",
                f"the server computed {f}(b, A). Both equal {f}(a*b, base): the same value."]
    if kem_name.startswith("rsa"):
        return ["The server decrypted, with its private key, the secret the client had encrypted",
                "to the public key: key transport, not key agreement."]
    if kem_name.startswith("mlkem"):
        return ["The server encapsulated: it picked a random m, derived K from it and sent c, an",
                "encryption of m under the client's ML-KEM key (FIPS 203 Algorithm 17). The client",
                "decrypted m from c, derived the same K, and re-encrypted to check c (Algorithm 18)."]
    if kem_name == "x25519mlkem768":
        return ["Two mechanisms side by side: ML-KEM-768 (the server encapsulated to the client's",
                "key, the client decapsulated) and X25519 (both computed X25519(a*b, base)). The",
                "shared secret is the ML-KEM secret followed by the X25519 one: both must break."]
    return ["The client computed (g^y)^x mod p, the server (g^x)^y mod p: both are g^(x*y) mod p,",
            "which an eavesdropper who sees only g^x and g^y cannot compute."]


def make_identity(story: Story, who: str = "the server", bits: int = 2048):
    story.say(f"     generating {who}'s RSA-{bits} key pair (pure-Python prime search, fresh "
              "every run) ...")
    started = time.perf_counter()
    key = generate_private_key(key_size=bits)
    story.say(f"     done in {seconds(time.perf_counter() - started)}")
    return key


def self_signed(key, host: str = DEMO_HOST):
    """A self-signed X.509 certificate for `host` (refkx.x509), valid for a day."""
    import datetime

    from .. import x509
    now = datetime.datetime.now(datetime.timezone.utc)
    return x509.issue_certificate(key, key, f"CN={host}", dns_names=(host,),
                                  not_before=now - datetime.timedelta(minutes=5),
                                  not_after=now + datetime.timedelta(days=1))


def _shuttle(sender, receiver) -> tuple[bytes, list]:
    """Move what `sender` queued to `receiver`: (the bytes, the receiver's events)."""
    wire = sender.data_to_send()
    return wire, receiver.receive(wire) if wire else []


def _hello_fields(record_bytes: bytes):
    """The ClientHello or ServerHello in the first record of `record_bytes` (decoded)."""
    from ..tls import extensions as ext
    from ..tls.messages import ClientHello, ServerHello
    message = record_bytes[5:5 + int.from_bytes(record_bytes[3:5], "big")]
    cls = ClientHello if message[0] == 1 else ServerHello
    hello = cls.decode(message[4:])
    share = ext.find(hello.extensions, ext.KEY_SHARE)
    if cls is ClientHello:
        (group, key_exchange), = ext.decode_client_shares(share)
    else:
        group, key_exchange = ext.decode_server_share(share)
    return hello, key_exchange


# --------------------------------------------------------------------------
# The main story
# --------------------------------------------------------------------------

def full_session(story: Story, kem_name: str, pcap_path: str | None = None,
                 keylog_path: str | None = None) -> None:
    from ..tls import ApplicationData, Client, ConnectionClosed, KeyUpdated, Server

    kem = KEMS[kem_name]
    story.title(f"refkx demo: one TLS 1.3 connection over {kem_name}, with an RSA certificate")
    story.say("Client and server run in this process; every byte between them is real TLS 1.3")
    story.say("(RFC 8446): what OpenSSL or Wireshark would see. Shown shortened.")
    story.say("Not constant-time: this teaches how key exchange works; it protects nothing real.")

    bits = getattr(kem, "bits", 2048) if not kem.forward_secrecy else 2048
    with story.phase(f"The server's long-term identity (RSA-{bits} and a certificate)"):
        identity = make_identity(story, bits=bits)
        certificate = self_signed(identity)
        public = identity.public_key()
        story.value("modulus n", public.n.to_bytes(bits // 8, "big"))
        story.value("public exponent e", str(public.e))
        story.value("self-signed X.509 certificate", certificate.der)
        story.value("pin sha256//(SubjectPublicKeyInfo)", certificate.spki_pin())
        story.say("     The client knows this pin in advance (as curl --pinnedpubkey does); a "
                  "CA file would do too.")

    client_rng, server_rng = RecordingRng(), RecordingRng()
    keylog_lines: list[str] = []
    transport = {"server_transport_key": public} if not kem.forward_secrecy else {}
    client = Client(DEMO_HOST, pins=[certificate.spki_pin()], groups=[kem_name], rng=client_rng,
                    keylog=keylog_lines.append, **transport)
    server = Server([certificate], identity, groups=[kem_name], rng=server_rng,
                    **({"transport_keys": {kem_name: identity}} if transport else {}))

    with story.phase("Client: ClientHello"):
        client.start()
        wire = client.data_to_send()
        hello, key_share = _hello_fields(wire)
        story.value("random (32 bytes)", hello.random)
        story.value("legacy_session_id (compatibility)", hello.legacy_session_id)
        if kem.forward_secrecy:
            story.say(f"     The client makes a fresh {kem_name} key pair for this connection.")
            private = ephemeral_private_key(kem_name, client_rng.draws, key_share)
            if private is not None:
                story.value("client ephemeral private key", private)
            else:
                story.value("client ephemeral private key",
                            "(kept inside the client; erased later)")
            story.value("client key share (public)", key_share)
        else:
            story.say("     refkx-only RSA key transport (a private-use group): the client picks a")
            story.say("     random secret and encrypts it to the server's RSA key with RSA-OAEP.")
            story.value("RSA-OAEP ciphertext (key share)", key_share)
        story.value("on the wire, client -> server", wire)

    with story.phase("Server: ServerHello, {EE, Certificate, CertificateVerify, Finished}"):
        server.receive(wire)
        wire = server.data_to_send()
        reply, enc = _hello_fields(wire)
        if kem.forward_secrecy:
            story.say(f"     The server answers the client's key share with its own ({kem_name}):")
            private = ephemeral_private_key(kem_name, server_rng.draws, enc)
            if private is not None:
                story.value("server ephemeral private key", private)
            story.value("enc (server's key share)", enc)
        else:
            story.say("     The server decrypts the client's RSA-OAEP ciphertext with its key.")
        story.value("cipher suite", server.cipher_suite)
        story.value("server's shared secret", trace_value(server, "shared_secret"))
        story.say("     It signs the transcript hash with RSA-PSS (CertificateVerify) and MACs it")
        story.say("     (Finished); all but the ServerHello travel encrypted under the server")
        story.say("     handshake traffic key. A one-byte ChangeCipherSpec record in between keeps")
        story.say("     old middleboxes calm (RFC 8446 Appendix D.4).")
        story.value("on the wire, server -> client", wire)

    with story.phase("Client: check certificate, signature, Finished; send Finished"):
        client.receive(wire)
        story.value("client's shared secret", trace_value(client, "shared_secret"))
        same = story.check(trace_value(client, "shared_secret")
                           == trace_value(server, "shared_secret"))
        story.say(f"     Same shared secret on both sides: {same}.")
        for line in how_they_agree(kem_name):
            story.say(f"     {line}")
        story.say(f"     The certificate's key matches the pin, its CertificateVerify verifies: "
                  f"authenticated = {client.authenticated}")
        wire = client.data_to_send()
        story.value("on the wire, client -> server", wire)

    with story.phase("Server: check the client's Finished"):
        server.receive(wire)
        story.say("     Both sides now hold the same traffic keys (RFC 8446 §7.1 schedule):")
        for name in ("handshake_secret", "master_secret", "client_application_traffic_secret_0",
                     "server_application_traffic_secret_0"):
            c, s = trace_value(client, name), trace_value(server, name)
            story.value(name, f"{short(c)} {'same' if story.check(c == s) else 'DIFFERENT'}")
        story.value("exported (TLS-Exporter) check", f"{client.export(b'demo', b'', 8).hex()} "
                    f"/ {server.export(b'demo', b'', 8).hex()}")

    with story.phase("A message, sealed and opened"):
        text = b"Hello, server! The key exchange worked."
        client.send(text)
        story.value("client sends", text.decode())
        wire, events = _shuttle(client, server)
        story.value("record on the wire", wire)
        story.say("     header(5) || AES-128-GCM(plaintext || type) || tag(16); nonce = iv xor seq")
        opened = b"".join(e.data for e in events if isinstance(e, ApplicationData))
        story.value("server opens", opened.decode())
        server.send(b"Hello, client!")
        wire, events = _shuttle(server, client)
        story.value("server replies (record)", wire)
        story.value("client opens", b"".join(e.data for e in events
                                             if isinstance(e, ApplicationData)).decode())

    with story.phase("A key update"):
        old = trace_value(client, "client_application_traffic_secret_0")
        client.key_update()
        _, events = _shuttle(client, server)
        story.check(any(isinstance(e, KeyUpdated) for e in events))
        new_c = trace_value(client, "client_application_traffic_secret_1")
        new_s = trace_value(server, "client_application_traffic_secret_1")
        story.say('     secret_1 = HKDF-Expand-Label(secret_0, "traffic upd", "", 32); '
                  "the old key is erased.")
        story.value("client_application_traffic_secret_0", old)
        story.value("client_application_traffic_secret_1", f"{short(new_c)} "
                    f"{'same on both sides' if story.check(new_c == new_s) else 'DIFFERENT'}")
        client.send(b"sent under the new key")
        _, events = _shuttle(client, server)
        story.value("server opens (new key)", events[0].data.decode())

    with story.phase("Close"):
        client.close()
        wire, events = _shuttle(client, server)
        story.value("close_notify alert (protected)", wire)
        closed = any(isinstance(e, ConnectionClosed) for e in events)
        story.say(f"     Server saw the authenticated close_notify: {closed}.")
        try:
            client.send(b"too late")
        except ValueError as exc:
            story.say(f"     Sending after close is refused ({exc}).")

    with story.phase("A tampered record (a second connection)"):
        c2 = Client(DEMO_HOST, pins=[certificate.spki_pin()], groups=[kem_name], **transport)
        s2 = Server([certificate], identity, groups=[kem_name],
                    **({"transport_keys": {kem_name: identity}} if transport else {}))
        c2.start()
        _shuttle(c2, s2)
        _shuttle(s2, c2)
        _shuttle(c2, s2)
        c2.send(b"pay 10 EUR")
        record = bytearray(c2.data_to_send())
        record[-20] ^= 0x01
        story.say("     One bit of the ciphertext is flipped in flight ...")
        try:
            s2.receive(bytes(record))
            story.check(False)
            story.say("     !! the tampered record was accepted (this should never happen)")
        except HandshakeError as exc:
            story.say(f"     ... and the server refuses it: HandshakeError, alert {exc.alert}.")
            story.say("     No plaintext is released, and the connection is dead: state = "
                      f"{s2.state.value}.")

    if pcap_path or keylog_path:
        with story.phase("The capture, for Wireshark"):
            if pcap_path:
                from .pcap import write_pcap
                write_pcap(pcap_path, client.records, time.time())
                story.say(f"     wrote {pcap_path}: the connection above as TCP/IPv4 packets")
            if keylog_path:
                with open(keylog_path, "a", encoding="ascii") as f:
                    f.write("".join(line + "\n" for line in keylog_lines))
                story.say(f"     wrote {keylog_path}: its secrets (SSLKEYLOGFILE format)")
            if pcap_path and keylog_path:
                story.say(f"     try: tshark -r {pcap_path} -o tls.keylog_file:{keylog_path} -V")

    story.timing_table()
    story.say("Next: `python -m refkx lesson mitm`, `lesson forward-secrecy`, `python -m refkx "
              "trace session`, `python -m refkx bench --quick`.")


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------

def run_demo(args) -> int:
    lesson_flags = [flag for flag, given in (("--mitm", getattr(args, "mitm", False)),
                                             ("--forward-secrecy",
                                              getattr(args, "forward_secrecy", False)))
                    if given]
    if lesson_flags and getattr(args, "kem", None) is not None:
        print(f"demo: --kem does not go with {' or '.join(lesson_flags)}: those run the lessons "
              f"(python -m refkx lesson ...), which choose their own key exchange; "
              "use --kem without them", file=sys.stderr)
        return 2
    kem_name = getattr(args, "kem", None) or "x25519"
    from ..tls import groups as tls_groups
    if kem_name not in KEMS or not tls_groups.available(kem_name):
        known = ", ".join(name for name in KEMS if tls_groups.available(name))
        print(f"demo: unknown KEM {kem_name!r}; choose from {known}", file=sys.stderr)
        return 2
    story = Story()
    started = time.perf_counter()
    try:
        if getattr(args, "mitm", False) or getattr(args, "forward_secrecy", False):
            # The two attack stories are lessons now: `lesson mitm`, `lesson forward-secrecy`.
            from .lessons import run_lesson
            names = [name for flag, name in (("mitm", "mitm"),
                                             ("forward_secrecy", "forward-secrecy"))
                     if getattr(args, flag, False)]
            return max(run_lesson(name) for name in names)
        pcap_path, keylog_path = getattr(args, "pcap", None), getattr(args, "keylog", None)
        if (pcap_path is None) != (keylog_path is None):
            print("demo: --pcap and --keylog go together (Wireshark needs both)", file=sys.stderr)
            return 2
        full_session(story, kem_name, pcap_path, keylog_path)
    except OSError as exc:
        print(f"demo: cannot write the capture: {exc}", file=sys.stderr)
        return 1
    except RefkxError as exc:                        # a demo that fails is a failed check
        print(f"demo failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    story.say(f"\n(demo finished in {seconds(time.perf_counter() - started)})")
    if story.failed:
        print("demo: a check failed (see the output above)", file=sys.stderr)
        return 1
    return 0
