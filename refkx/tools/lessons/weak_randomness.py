"""Lesson `weak-randomness`: ephemeral keys from a generator seeded with the clock (TLS 1.3).

The failure: "weak randomness that produces predictable keys". The client's random values
(legacy_session_id, the ClientHello random, the ephemeral X25519 private key) come from
Python's `random.Random` (a Mersenne Twister, not a cryptographic generator) seeded with the
time in milliseconds. A passive attacker who recorded the handshake knows that time to
within seconds (the capture's timestamps), so the seed is one of a few tens of thousands.
The generator's first outputs travel in the clear (the session id and the random), which
tells the attacker at once which seed was used; the private key is among the next bytes;
with it and the server's key share the attacker computes the shared secret, replays the
RFC 8446 §7.1 key schedule over the recorded handshake and decrypts the recorded
application data, although the session was authenticated. Goldberg and Wagner broke
Netscape's SSL this way ("Randomness and the Netscape browser", Dr. Dobb's Journal, January
1996); Debian's OpenSSL (CVE-2008-0166) had 2^15 possible keys. RFC 4086 says what
randomness needs.

refkx draws every random value from `secrets` (the operating system's generator) unless a
caller injects `rng=` (refkx/tls/connection.py `check_rng`), which tests do to reproduce
published handshakes, and this lesson does to show why nobody else should. The same search
over the same window finds nothing.

The clock-seeded generator exists only in this lesson. CPython integers are not
constant-time: refkx teaches and cross-checks; it does not protect production secrets.
"""

from __future__ import annotations

import random
import time

from ...tls import Client
from ...tls import extensions as ext
from ...x25519 import X25519PrivateKey, X25519PublicKey
from . import tlskit
from .narrate import Narrator, Outcome

NAME = "weak-randomness"
SUMMARY = "ephemeral keys from a clock-seeded generator: a recorded TLS session decrypted"

GROUP = "x25519"
KEY_SIZE = 32
OUTPUT_SEARCHED = 128          # bytes of each candidate generator's output that are examined
# (seed ticks per second, half-width of the window in seconds): default and --full.
DEFAULT_CLOCK = (1000, 10)            # milliseconds, +-10 s: 20,001 seeds
FULL_CLOCK = (1_000_000, 1)           # microseconds, +-1 s: 2,000,001 seeds
CLOCK_SKEW_FRACTION = 0.32            # the capture's clock against the client's, in windows
MESSAGES = (b"user=alice password=correct horse battery staple", b"balance?")


def clock_seeded_rng(seed: int):
    """The weak variant: rng(n) -> n bytes from random.Random(seed)."""
    return random.Random(seed).randbytes


def record_session(identity: tlskit.Identity, client_rng) -> list[tuple[str, bytes]]:
    """An authenticated TLS 1.3 session whose client uses `client_rng` (None: refkx's
    default, secrets), as Eve records it."""
    tap = tlskit.Recorder()
    client = Client(tlskit.HOST, groups=[GROUP], pins=[identity.pin], rng=client_rng)
    server = tlskit.server(identity, groups=[GROUP])
    result = tlskit.run_handshake(client, server, edit_to_server=tap.to_server,
                                  edit_to_client=tap.to_client)
    if not result.completed:
        raise RuntimeError(f"the recorded handshake failed: {result}")
    for message in MESSAGES:
        client.send(message)
        tlskit.application_data(server, tap.to_server(client.data_to_send()))
    return tap.recording


def search_seed(client_random: bytes, key_share: bytes, seeds: range):
    """The seed whose generator produced this ClientHello and the private key it gave,
    or (None, None). The random is in the output, so it filters candidates for free."""
    for seed in seeds:
        output = random.Random(seed).randbytes(OUTPUT_SEARCHED)
        if client_random not in output:
            continue
        for offset in range(OUTPUT_SEARCHED - KEY_SIZE + 1):
            key = X25519PrivateKey.from_private_bytes(output[offset:offset + KEY_SIZE])
            if key.public_key().public_bytes_raw() == key_share:
                return seed, key
    return None, None


def attack(recording, capture_time: float, ticks_per_second: int, window: float) -> dict:
    hellos = tlskit.recorded_hellos(recording)
    client_random = hellos.client.random
    (_, key_share), = ext.decode_client_shares(ext.find(hellos.client.extensions, ext.KEY_SHARE))
    _, server_share = ext.decode_server_share(ext.find(hellos.server.extensions, ext.KEY_SHARE))
    centre, half = int(capture_time * ticks_per_second), int(window * ticks_per_second)
    seeds = range(centre - half, centre + half + 1)
    started = time.perf_counter()
    seed, key = search_seed(client_random, key_share, seeds)
    elapsed = time.perf_counter() - started
    plaintexts = []
    if key is not None:
        shared = key.exchange(X25519PublicKey.from_public_bytes(server_share))
        plaintexts = [text for direction, text in tlskit.decrypt_recording(recording, shared)
                      if direction == "client->server"]
    return {"seed": seed, "private_key": key.private_bytes_raw() if key else None,
            "plaintexts": plaintexts, "seeds_tried": len(seeds), "seconds": elapsed,
            "client_random": client_random, "key_share": key_share,
            "session_id": hellos.client.legacy_session_id}


def skew(window: float) -> float:
    """How far the capture's timestamp is from the client's clock in the lesson."""
    return CLOCK_SKEW_FRACTION * window


def against_weak(identity, now: float, ticks_per_second: int, window: float) -> dict:
    seed = int(now * ticks_per_second)        # "seed the generator with the current time"
    found = attack(record_session(identity, clock_seeded_rng(seed)),
                   now + skew(window), ticks_per_second, window)
    return dict(found, real_seed=seed)


def against_refkx(identity, now: float, ticks_per_second: int, window: float) -> dict:
    return attack(record_session(identity, None), now + skew(window), ticks_per_second, window)


def run(story: Narrator, full: bool = False) -> Outcome:
    ticks, window = FULL_CLOCK if full else DEFAULT_CLOCK
    unit = {1000: "milliseconds", 1_000_000: "microseconds"}[ticks]
    story.title("weak-randomness: a client seeds its generator with the clock (TLS 1.3)")
    story.step("The server's certificate (RSA-2048, fresh), pinned by the client")
    identity = tlskit.server_identity(None)
    now = time.time()

    story.part(f"The weak client: random.Random(time in {unit})")
    weak = against_weak(identity, now, ticks, window)
    story.step("The client connects (authenticated: the pin matches); Eve records it")
    story.value("the client's seed (its 'secret')", weak["real_seed"])
    story.value("legacy_session_id (public)", weak["session_id"])
    story.value("ClientHello random (public)", weak["client_random"])
    story.value("client key share (public)", weak["key_share"])
    story.step(f"Eve searches the seeds within {window} s of the capture's timestamp")
    story.point(f"the capture says {skew(window):.2f} s later than the client's clock; "
                f"{weak['seeds_tried']:,} seeds")
    story.point(f"a seed matches when its first {OUTPUT_SEARCHED} output bytes contain the "
                "ClientHello random;")
    story.point("the private key is then 32 of those bytes, checked against the key share.")
    if weak["seed"] is not None:
        story.value("seed found", f"{weak['seed']} in {weak['seconds']:.2f} s")
        story.value("the client's ephemeral private key", weak["private_key"])
    story.step("Shared secret, RFC 8446 §7.1 over the recorded handshake, the records")
    for text in weak["plaintexts"]:
        story.value("EVE READS", text.decode(errors="replace"))
    weak_broken = weak["seed"] == weak["real_seed"] and weak["plaintexts"] == list(MESSAGES)

    story.part("refkx: every random value from secrets (the OS generator)")
    ours = against_refkx(identity, now, ticks, window)
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
                "thousands, and a recorded session falls to a search that takes seconds,",
                "certificate or not. refkx draws from secrets (RFC 4086; the OS generator).")
    return Outcome(weak_broken, refkx_held,
                   f"seed found among {weak['seeds_tried']:,}, records decrypted",
                   "no seed in the same window, nothing decrypted",
                   facts={"weak": weak, "refkx": ours})
