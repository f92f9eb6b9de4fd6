"""`python -m refkx demo`: one session between two parties in this process, told step by step.

One story, printing the actual values (shortened) and the time each phase took:

- the default: the server's RSA-2048 identity, the handshake over a KEM (x25519 unless
  --kem), the shared secret both sides reach, the keys derived from it (RFC 8446 §7.1
  schedule), a message sealed and opened (AES-GCM records), a tampered record refused, a
  key update (§4.6.3) and the close;
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

from .. import session
from ..errors import HandshakeError, RefkxError
from ..kem import KEMS
from ..rsa import generate_private_key

WIDTH = 78


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


# The public fields of a ClientHello/ServerHello handshake message: (random, suite, kem_name,
# key_share). Layout (docs/session.md): type(1) length(3) || version(2) random(32)
# cipher_suite(2) kem_name<1 byte length> key_share<2 byte length>. Anyone on the wire can
# read these: they are sent in the clear.
parse_hello = session.parse_hello


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
    return ["The client computed (g^y)^x mod p, the server (g^x)^y mod p: both are g^(x*y) mod p,",
            "which an eavesdropper who sees only g^x and g^y cannot compute."]


def make_identity(story: Story, who: str = "the server", bits: int = 2048):
    story.say(f"     generating {who}'s RSA-{bits} key pair (pure-Python prime search, fresh "
              "every run) ...")
    started = time.perf_counter()
    key = generate_private_key(key_size=bits)
    story.say(f"     done in {seconds(time.perf_counter() - started)}")
    return key


# --------------------------------------------------------------------------
# The main story
# --------------------------------------------------------------------------

def full_session(story: Story, kem_name: str) -> None:
    kem = KEMS[kem_name]
    story.title(f"refkx demo: one session over {kem_name}, with an RSA server identity")
    story.say("Two parties run in this process; every byte between them is shown (shortened).")
    story.say("Not constant-time: this teaches how key exchange works; it protects nothing real.")

    bits = getattr(kem, "bits", 2048) if not kem.forward_secrecy else 2048
    with story.phase(f"The server's long-term identity (RSA-{bits})"):
        if bits != 2048:
            story.say(f"     ({kem_name} transports the secret to the server's key, so the "
                      f"identity must be RSA-{bits})")
        identity = make_identity(story, bits=bits)
        public = identity.public_key()
        story.value("modulus n", public.n.to_bytes(bits // 8, "big"))
        story.value("public exponent e", str(public.e))
        story.value("fingerprint SHA-256(public key)", session.fingerprint(public))
        story.say("     The client knows this key in advance (it is 'pinned'), as a browser "
                  "knows a CA.")

    client_rng, server_rng = RecordingRng(), RecordingRng()
    client = session.Client(kem=kem_name, server_key=public, rng=client_rng)
    server = session.Server(identity=identity, kems=[kem_name], rng=server_rng)

    with story.phase("Client: ClientHello"):
        msg1 = client.hello()
        _, suite, _, key_share = parse_hello(client.transcript[0][1])
        if kem.forward_secrecy:
            story.say(f"     The client makes a fresh {kem_name} key pair just for this session.")
            private = ephemeral_private_key(kem_name, client_rng.draws, key_share)
            dh_key = getattr(client, "_kem_private", None)      # peeked at for the demo only
            if private is not None:
                story.value("client ephemeral private key", private)
            elif hasattr(dh_key, "x"):
                story.value(f"client private exponent x ({dh_key.x.bit_length()} bits)",
                            dh_key.x.to_bytes((dh_key.x.bit_length() + 7) // 8, "big"))
            else:
                story.value("client ephemeral private key", "(kept inside the session; erased later)")
            story.value("client key share (public)", key_share)
        else:
            story.say("     RSA key transport: the client picks a random 32-byte secret and encrypts")
            story.say("     it to the server's RSA key with RSA-OAEP (no fresh key pair at all).")
            story.value("RSA-OAEP ciphertext (key share)", key_share)
        story.value("cipher suite", suite.name)
        story.value("on the wire, client -> server", msg1)

    with story.phase("Server: ServerHello, identity, signature, Finished"):
        msg2 = server.respond(msg1)
        _, _, _, enc = parse_hello(server.transcript[1][1])
        if kem.forward_secrecy:
            story.say(f"     The server encapsulates to the client's key share: a fresh {kem_name} "
                      "key pair of its own,")
            story.say("     whose public half (enc) goes back; its private half meets the "
                      "client's public key.")
            private = ephemeral_private_key(kem_name, server_rng.draws, enc)
            if private is not None:
                story.value("server ephemeral private key", private)
            story.value("enc (server's key share)", enc)
        else:
            story.say("     The server decrypts the client's RSA-OAEP ciphertext with its identity key.")
        story.value("server's shared secret", trace_value(server, "shared_secret"))
        story.say("     It signs the transcript hash with RSA-PSS (CertificateVerify) and MACs it")
        story.say("     (Finished); both travel encrypted under the server handshake key.")
        story.value("on the wire, server -> client", msg2)

    with story.phase("Client: check the server, send Finished"):
        msg3 = client.finish(msg2)
        story.value("client's shared secret", trace_value(client, "shared_secret"))
        same = story.check(trace_value(client, "shared_secret")
                           == trace_value(server, "shared_secret"))
        story.say(f"     Same shared secret on both sides: {same}.")
        for line in how_they_agree(kem_name):
            story.say(f"     {line}")
        story.say(f"     Server's key matches the pinned one and its signature verifies: "
                  f"authenticated = {client.authenticated}")
        story.value("on the wire, client -> server", msg3)

    with story.phase("Server: check the client's Finished"):
        server.complete(msg3)
        story.say("     Both sides now hold the same traffic keys (RFC 8446 §7.1 schedule):")
        for name in ("handshake_secret", "master_secret", "client_application_traffic_secret_0",
                     "server_application_traffic_secret_0", "client_application_write_0_key",
                     "server_application_write_0_key"):
            c, s = trace_value(client, name), trace_value(server, name)
            story.value(name, f"{short(c)} {'same' if story.check(c == s) else 'DIFFERENT'}")
        story.value("exported (TLS-Exporter) check", f"{client.export(b'demo', b'', 8).hex()} "
                    f"/ {server.export(b'demo', b'', 8).hex()}")

    with story.phase("A message, sealed and opened"):
        text = b"Hello, server! The key exchange worked."
        record = client.seal(text)
        story.value("client seals", text.decode())
        story.value("record on the wire", record)
        story.say("     header(5) || AES-128-GCM(plaintext || type) || tag(16); nonce = iv xor seq")
        opened = server.open(record)
        story.value("server opens", opened.decode())
        reply = server.seal(b"Hello, client!")
        story.value("server replies (record)", reply)
        story.value("client opens", client.open(reply).decode())

    with story.phase("A key update"):
        old = trace_value(client, "client_application_traffic_secret_0")
        update = client.key_update()
        server.open(update)
        new_c = trace_value(client, "client_application_traffic_secret_1")
        new_s = trace_value(server, "client_application_traffic_secret_1")
        story.say('     secret_1 = HKDF-Expand-Label(secret_0, "traffic upd", "", 32); '
                  "the old key is erased.")
        story.value("client_application_traffic_secret_0", old)
        story.value("client_application_traffic_secret_1", f"{short(new_c)} "
                    f"{'same on both sides' if story.check(new_c == new_s) else 'DIFFERENT'}")
        record = client.seal(b"sent under the new key")
        story.value("server opens (new key)", server.open(record).decode())

    with story.phase("Close"):
        close = client.close()
        story.value("close_notify record", close)
        server.open(close)
        story.say(f"     Server saw the authenticated close: peer_closed = {server.peer_closed}. "
                  "Keys erased.")
        try:
            client.seal(b"too late")
        except HandshakeError:
            story.say("     Sending after close is refused (HandshakeError).")

    with story.phase("A tampered record (second session, same identity)"):
        c2 = session.Client(kem=kem_name, server_key=public)
        s2 = session.Server(identity=identity, kems=[kem_name])
        s2.complete(c2.finish(s2.respond(c2.hello())))
        record = bytearray(c2.seal(b"pay 10 EUR"))
        record[-20] ^= 0x01
        story.say("     One bit of the ciphertext is flipped in flight ...")
        try:
            s2.open(bytes(record))
            story.check(False)
            story.say("     !! the tampered record was accepted (this should never happen)")
        except HandshakeError as exc:
            story.say(f"     ... and the server refuses it: HandshakeError({exc}).")
            story.say("     No plaintext is released, and the session is dead: state = "
                      f"{s2.state.value}.")

    asym = client.timings["asymmetric"] + server.timings["asymmetric"]
    total = client.timings["handshake"] + server.timings["handshake"]
    story.timing_table()
    if total:
        story.say(f"Handshake: {seconds(total)} of work, {100 * asym / total:.0f} % of it in "
                  "asymmetric operations (KEM, RSA sign/verify).")
    story.say("Next: `python -m refkx demo --mitm`, `--forward-secrecy`, `python -m refkx trace "
              "session`, `python -m refkx bench --quick`.")


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
    if kem_name not in KEMS:
        print(f"demo: unknown KEM {kem_name!r}; choose from {', '.join(KEMS)}", file=sys.stderr)
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
        full_session(story, kem_name)
    except RefkxError as exc:                        # a demo that fails is a failed check
        print(f"demo failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    story.say(f"\n(demo finished in {seconds(time.perf_counter() - started)})")
    if story.failed:
        print("demo: a check failed (see the output above)", file=sys.stderr)
        return 1
    return 0
