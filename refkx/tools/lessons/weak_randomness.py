"""Lesson `weak-randomness`: ephemeral keys from a generator seeded with the clock.

The failure: "weak randomness that produces predictable keys". The client draws its
ClientHello random and its ephemeral X25519 private key from Python's `random.Random`
(a Mersenne Twister, not a cryptographic generator) seeded with the time in milliseconds.
A passive attacker who recorded the handshake knows that time to within seconds (the
capture's timestamps), so the seed is one of a few thousand values. The generator's first
output is sent in the clear (the random), which tells the attacker at once which seed was
used; the next output is the private key; with it and the server's key share the attacker
computes the shared secret, re-runs the RFC 8446 §7.1 key schedule and decrypts the
recorded application data. Goldberg and Wagner broke Netscape's SSL this way
("Randomness and the Netscape browser", Dr. Dobb's Journal, January 1996); Debian's
OpenSSL (CVE-2008-0166) had 2^15 possible keys. RFC 4086 says what randomness needs.

refkx draws every random value from `secrets` (the operating system's generator) unless a
test injects `rng=`: refkx/session.py `_random` and refkx/x25519.py `generate`. The same
search over the same window finds nothing.

The handshake here is refkx's session (refkx/session.py) in anonymous mode: the attacker is
passive, and authentication does not change what a passive attacker can compute (the
server's signature covers public values only). The clock-seeded generator exists only in
this lesson. CPython integers are not constant-time: refkx teaches and cross-checks; it
does not protect production secrets.
"""

from __future__ import annotations

import random
import time

from ... import session
from ...record import CONTENT_APPLICATION_DATA, RecordProtection, split_records
from ...x25519 import X25519PrivateKey, X25519PublicKey
from .narrate import Narrator, Outcome

NAME = "weak-randomness"
SUMMARY = "ephemeral keys from a clock-seeded generator: a recorded session decrypted"

KEM = "x25519"
RANDOM_SIZE = session.RANDOM_SIZE
KEY_SIZE = 32
# (seed ticks per second, half-width of the window in seconds): default and --full.
DEFAULT_CLOCK = (1000, 10)            # milliseconds, +-10 s: 20,001 seeds
FULL_CLOCK = (1_000_000, 1)           # microseconds, +-1 s: 2,000,001 seeds
# How far the client's clock may be from the capture's timestamp in the lesson.
CLOCK_SKEW_SECONDS = 3.2
MESSAGES = (b"user=alice password=correct horse battery staple", b"balance?")


def clock_seeded_rng(seed: int):
    """The weak variant: rng(n) -> n bytes from random.Random(seed)."""
    return random.Random(seed).randbytes


def record_session(client_rng) -> list[tuple[str, bytes]]:
    """A session whose client uses `client_rng` (None = refkx's default, `secrets`);
    returns the wire as Eve records it: [(direction, bytes)]."""
    client = session.Client(kem=KEM, rng=client_rng)
    server = session.Server(kems=[KEM])
    server.complete(client.finish(server.respond(client.hello())))
    for message in MESSAGES:
        server.open(client.seal(message))
    return [("client->server" if direction == "sent" else "server->client", data)
            for direction, _, data in client.wire]


def _hello_fields(record: bytes) -> tuple[bytes, bytes]:
    """(random, key_share) of a recorded ClientHello or ServerHello record."""
    (_, _, message), *_ = split_records(record)
    random_bytes, _, _, key_share = session.parse_hello(message)
    return random_bytes, key_share


def search_seed(client_random: bytes, key_share: bytes, seeds: range):
    """The seed whose generator produced this ClientHello, and the private key it gave,
    or (None, None). The random comes first, so it filters candidates for free."""
    for seed in seeds:
        generator = random.Random(seed)
        if generator.randbytes(RANDOM_SIZE) != client_random:
            continue
        private_bytes = generator.randbytes(KEY_SIZE)
        key = X25519PrivateKey.from_private_bytes(private_bytes)
        if key.public_key().public_bytes_raw() == key_share:
            return seed, key
    return None, None


def decrypt_recording(recording, private_key: X25519PrivateKey) -> list[bytes]:
    """With the client's ephemeral private key: the shared secret, the key schedule of the
    recorded handshake, then every client application record."""
    client_hello, server_reply = recording[0][1], recording[1][1]
    _, server_share = _hello_fields(server_reply)
    shared = private_key.exchange(X25519PublicKey.from_public_bytes(server_share))
    suite, schedule = session.recorded_key_schedule(client_hello, server_reply, shared)
    reader = RecordProtection(schedule.client_application_traffic_secret_0, suite)
    plaintexts = []
    for direction, data in recording[3:]:          # after ClientHello, server flight, Finished
        if direction != "client->server":
            continue
        for _, header, fragment in split_records(data):
            content_type, content = reader.open(header + fragment)
            if content_type == CONTENT_APPLICATION_DATA:
                plaintexts.append(content)
    return plaintexts


def attack(recording, capture_time: float, ticks_per_second: int, window_seconds: float) -> dict:
    client_random, key_share = _hello_fields(recording[0][1])
    centre = int(capture_time * ticks_per_second)
    half = int(window_seconds * ticks_per_second)
    seeds = range(centre - half, centre + half + 1)
    started = time.perf_counter()
    seed, key = search_seed(client_random, key_share, seeds)
    elapsed = time.perf_counter() - started
    plaintexts = decrypt_recording(recording, key) if key is not None else []
    return {"seed": seed, "private_key": key.private_bytes_raw() if key else None,
            "plaintexts": plaintexts, "seeds_tried": len(seeds), "seconds": elapsed,
            "client_random": client_random, "key_share": key_share}


def against_weak(now: float, ticks_per_second: int, window: float) -> dict:
    seed = int(now * ticks_per_second)        # "seed the generator with the current time"
    recording = record_session(clock_seeded_rng(seed))
    generator = random.Random(seed)
    generator.randbytes(RANDOM_SIZE)
    real_private = generator.randbytes(KEY_SIZE)     # the narrator knows what the client drew
    found = attack(recording, now + CLOCK_SKEW_SECONDS, ticks_per_second, window)
    return dict(found, real_seed=seed, real_private=real_private)


def against_refkx(now: float, ticks_per_second: int, window: float) -> dict:
    recording = record_session(None)                  # refkx's default: secrets
    return attack(recording, now + CLOCK_SKEW_SECONDS, ticks_per_second, window)


def run(story: Narrator, full: bool = False) -> Outcome:
    ticks, window = FULL_CLOCK if full else DEFAULT_CLOCK
    unit = {1000: "milliseconds", 1_000_000: "microseconds"}[ticks]
    story.title("weak-randomness: a client seeds its generator with the clock")
    now = time.time()

    story.part(f"The weak client: random.Random(time in {unit})")
    weak = against_weak(now, ticks, window)
    story.step("The client connects; Eve records the session")
    story.value("the client's seed (its 'secret')", weak["real_seed"])
    story.value("ClientHello random (public)", weak["client_random"])
    story.value("client key share (public)", weak["key_share"])
    story.point(f"{len(MESSAGES)} application records follow; Eve cannot read them yet.")
    story.step(f"Eve searches the seeds within {window} s of the capture's timestamp")
    story.point(f"the capture says {CLOCK_SKEW_SECONDS} s later than the client's clock; "
                f"{weak['seeds_tried']:,} seeds")
    story.point("a seed matches when its first 32 bytes are the ClientHello random; the")
    story.point("next 32 bytes must then be the private key of the key share.")
    if weak["seed"] is not None:
        story.value("seed found", f"{weak['seed']} in {weak['seconds']:.2f} s")
        story.value("the client's ephemeral private key", weak["private_key"])
    story.step("Shared secret, RFC 8446 §7.1 key schedule, the recorded records")
    for text in weak["plaintexts"]:
        story.value("EVE READS", text.decode(errors="replace"))
    weak_broken = (weak["seed"] == weak["real_seed"]
                   and weak["private_key"] == weak["real_private"]
                   and weak["plaintexts"] == list(MESSAGES))

    story.part("refkx: every random value from secrets (the OS generator)")
    ours = against_refkx(now, ticks, window)
    story.step("The same session with refkx's default randomness; Eve records it")
    story.value("ClientHello random", ours["client_random"])
    story.step("The same search over the same window")
    story.point(f"{ours['seeds_tried']:,} seeds tried in {ours['seconds']:.2f} s: "
                f"{'no seed matches' if ours['seed'] is None else '!! a seed matched'}")
    story.point("secrets reads the operating system's generator: there is no small set of")
    story.point("seeds to try, so no search of any window can find the key.")
    refkx_held = ours["seed"] is None and not ours["plaintexts"]

    story.moral("A key is as strong as the randomness it came from. A clock-seeded,",
                "non-cryptographic generator makes the ephemeral key one of some",
                "thousands, and a recorded session falls to a search that takes",
                "seconds. refkx draws from secrets (RFC 4086; the OS generator).")
    return Outcome(weak_broken, refkx_held,
                   f"seed found among {weak['seeds_tried']:,}, records decrypted",
                   "no seed in the same window, nothing decrypted",
                   facts={"weak": weak, "refkx": ours})
