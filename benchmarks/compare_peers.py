"""refkx against the pure-Python peers, side by side in one run, printed as ratios.

    python3 benchmarks/compare_peers.py            # everything (about two minutes)
    python3 benchmarks/compare_peers.py --quick    # skip the 1 MiB peer runs (slow peers)
    python3 benchmarks/compare_peers.py --repeat 7 --only gcm,ctr

Not a test: nothing is asserted about time. Each comparison alternates the two sides `repeat`
times (so a burst of load on a shared machine hits both), times every side with
time.process_time (CPU time of this process, less sensitive to other processes than wall
time), and reports the fastest run per call ("min") and the median; the ratio is
peer / refkx, so > 1 means refkx is faster. Outputs are checked for equality before timing.

Peers are an optional extra (`pip install -e .[peers]`, i.e. tlslite-ng==0.8.2, pyaes==1.6.1,
rsa>=4.9, x25519==0.0.2, kyber-py==1.2.0). A missing peer is reported and its rows are skipped. Only the peers'
public APIs are used.

What "refkx" runs: the public classes (refkx.gcm.AESGCM, refkx.ctr.ctr_encrypt,
refkx.x25519.X25519PrivateKey, refkx.dh.DHPrivateKey, refkx.rsa.RSAPrivateKey), with the
implementation refkx.impl selects (the fast twins in refkx/fast/ by default; REFKX_READABLE=1
times the readable modules). The first lines printed say which.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KIB = 1024
MIB = 1024 * 1024


def _peer(module: str, dist: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"  PEER MISSING: {dist} (pip install '{dist}'); its rows are skipped")
        return None


def _calls_per_run(fn, budget: float) -> int:
    start = time.process_time()
    fn()
    once = max(time.process_time() - start, 1e-6)
    return max(1, int(budget / once))


def compare(label: str, ours, theirs, repeat: int, budget: float = 0.25, unit: str = "op",
            note: str = "") -> tuple[float, float]:
    """Time ours() and theirs() alternately; print and return (ratio of mins, ratio of medians)."""
    n_ours, n_theirs = _calls_per_run(ours, budget), _calls_per_run(theirs, budget)
    t_ours, t_theirs = [], []
    for _ in range(repeat):
        for fn, n, acc in ((ours, n_ours, t_ours), (theirs, n_theirs, t_theirs)):
            start = time.process_time()
            for _ in range(n):
                fn()
            acc.append((time.process_time() - start) / n)
    mo, mt = min(t_ours), min(t_theirs)
    ratio_min, ratio_med = mt / mo, statistics.median(t_theirs) / statistics.median(t_ours)
    print(f"  {label:<46} refkx {_fmt(mo):>10}  peer {_fmt(mt):>10}  "
          f"ratio {ratio_min:6.2f}x (medians {ratio_med:5.2f}x) {note}")
    RESULTS.append((label, mo, mt, ratio_min, ratio_med))
    return ratio_min, ratio_med


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


RESULTS: list[tuple] = []


# --- AES-GCM vs tlslite-ng ---------------------------------------------------------------------

def bench_gcm(args) -> None:
    print("AES-128-GCM vs tlslite-ng 0.8.2 (python implementation)")
    cf = _peer("tlslite.utils.cipherfactory", "tlslite-ng==0.8.2")
    if cf is None:
        return
    from refkx import gcm
    make = gcm.AESGCM
    seal = lambda a, n, d: a.encrypt(n, d, None)
    open_ = lambda a, n, d: a.decrypt(n, d, None)
    key, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    ours, theirs = make(key), cf.createAESGCM(bytearray(key), ["python"])
    sizes = [16 * KIB] + ([] if args.quick else [MIB])
    for size in sizes:
        data = secrets.token_bytes(size)
        sealed = seal(ours, nonce, data)
        assert bytes(theirs.seal(bytearray(nonce), bytearray(data), bytearray())) == sealed
        name = "16 KiB" if size == 16 * KIB else "1 MiB"
        rep = args.repeat if size < MIB else max(2, args.repeat // 2)
        compare(f"encrypt {name}", lambda: seal(ours, nonce, data),
                lambda: theirs.seal(bytearray(nonce), bytearray(data), bytearray()), rep)
        compare(f"decrypt {name}", lambda: open_(ours, nonce, sealed),
                lambda: theirs.open(bytearray(nonce), bytearray(sealed), bytearray()), rep)
    data = secrets.token_bytes(16 * KIB)
    compare("encrypt 16 KiB, fresh key per message",
            lambda: seal(make(key), nonce, data),
            lambda: cf.createAESGCM(bytearray(key), ["python"]).seal(
                bytearray(nonce), bytearray(data), bytearray()), args.repeat)


# --- AES-CTR vs pyaes ----------------------------------------------------------------------------

def bench_ctr(args) -> None:
    print("AES-128-CTR vs pyaes 1.6.1 (key setup included on both sides)")
    pyaes = _peer("pyaes", "pyaes==1.6.1")
    if pyaes is None:
        return
    from refkx import ctr
    encrypt = ctr.ctr_encrypt
    key, icb = secrets.token_bytes(16), secrets.token_bytes(16)
    initial = int.from_bytes(icb, "big")
    peer = lambda d: pyaes.AESModeOfOperationCTR(key, counter=pyaes.Counter(initial)).encrypt(d)
    for size in [16 * KIB] + ([] if args.quick else [MIB]):
        data = secrets.token_bytes(size)
        assert encrypt(key, icb, data) == peer(data)
        name = "16 KiB" if size == 16 * KIB else "1 MiB"
        rep = args.repeat if size < MIB else max(2, args.repeat // 2)
        compare(f"encrypt {name}", lambda: encrypt(key, icb, data), lambda: peer(data), rep)


# --- X25519 vs tlslite-ng and x25519 0.0.2 -------------------------------------------------------

def bench_x25519(args) -> None:
    print("X25519 vs tlslite-ng 0.8.2 (tlslite.utils.x25519) and x25519 0.0.2")
    from refkx import x25519 as rx
    k, k_peer = secrets.token_bytes(32), secrets.token_bytes(32)
    peer_public = rx.X25519PrivateKey.from_private_bytes(k_peer).public_key()
    u = peer_public.public_bytes_raw()
    ours_exchange = lambda: rx.X25519PrivateKey.from_private_bytes(k).exchange(peer_public)
    ours_public = lambda: rx.X25519PrivateKey.from_private_bytes(k).public_key()
    expected_shared = rx.x25519(k, u)
    tx = _peer("tlslite.utils.x25519", "tlslite-ng==0.8.2")
    if tx is not None:
        assert bytes(tx.x25519(bytearray(k), bytearray(u))) == expected_shared
        compare("exchange (tlslite-ng)", ours_exchange,
                lambda: tx.x25519(bytearray(k), bytearray(u)), args.repeat)
        compare("public key generation (tlslite-ng)", ours_public,
                lambda: tx.x25519(bytearray(k), bytearray(tx.X25519_G)), args.repeat)
    xp = _peer("x25519", "x25519==0.0.2")
    if xp is not None:
        assert xp.scalar_mult(k, u) == expected_shared
        compare("exchange (x25519 0.0.2)", ours_exchange, lambda: xp.scalar_mult(k, u),
                max(2, args.repeat // 2))
        compare("public key generation (x25519 0.0.2)", ours_public,
                lambda: xp.scalar_base_mult(k), max(2, args.repeat // 2))


# --- FFDH vs bare pow -------------------------------------------------------------------------

def bench_dh(args) -> None:
    print("ffdhe2048 key generation + exchange vs bare pow() with the same exponent size")
    from refkx import dh
    group = dh.FFDHE2048
    bits = group.exponent_bits
    peer_key = dh.DHPrivateKey.generate(group)
    peer_public = peer_key.public_key()          # validated once, outside the timing
    y_peer = peer_public.y
    p, g = group.p, group.g
    def ours():
        key = dh.DHPrivateKey.generate(group)
        key.public_key()
        key.exchange(peer_public)

    def bare():
        x = secrets.randbits(bits) | 2                 # an exponent of the same size
        pow(g, x, p)
        pow(y_peer, x, p)

    for _ in range(40):                                # past refkx.fast.dh.ROWS_PER_CALL steps: table built
        ours()
    compare(f"keygen + exchange ({bits}-bit exponents) vs bare pow", ours, bare, args.repeat,
            note="(> 1: faster than bare pow)")

    def ours_validating():                          # the peer's value checked as received
        key = dh.DHPrivateKey.generate(group)
        key.public_key()
        key.exchange(dh.DHPublicKey(group, y_peer))  # full validation: range and y^q = 1

    compare("keygen + full peer validation + exchange vs bare pow", ours_validating, bare,
            args.repeat, note="(> 1: faster than bare pow)")

    def ours_keygen():
        dh.DHPrivateKey.generate(group).public_key()

    compare("keygen only vs bare pow(g, x, p)", ours_keygen,
            lambda: pow(g, secrets.randbits(bits) | 2, p), args.repeat)


# --- RSA vs bare CRT and python-rsa ---------------------------------------------------------

def bench_rsa(args) -> None:
    print("RSA-2048 private operation (blinding + fault check) vs the bare CRT exponentiations")
    from refkx import rsa, rsa_primitives
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa as pyca_rsa
        nums = pyca_rsa.generate_private_key(65537, 2048).private_numbers()
        key = rsa.RSAPrivateKey(nums.public_numbers.n, 65537, nums.d, nums.p, nums.q)
    except ImportError:
        key = rsa.generate_private_key(key_size=2048)
    c = secrets.randbelow(key.n)
    bare = lambda: rsa_primitives.crt_exponentiation(key.p, key.q, key.dP, key.dQ, key.qInv, c)
    from refkx import impl
    ours = lambda: rsa_primitives.rsadp(key, c)
    label = f"RSADP ({impl.active()['rsa']}: fresh r)"
    assert ours() == bare()
    compare(f"{label} vs bare CRT", ours, bare, args.repeat, note="(>= 0.91: within 10%)")
    compare("readable private_operation vs bare CRT",
            lambda: rsa_primitives.private_operation(key, c), bare, args.repeat)
    pyrsa = _peer("rsa", "rsa>=4.9")
    if pyrsa is not None:
        peer_key = pyrsa.PrivateKey(key.n, key.e, key.d, key.p, key.q)
        message = secrets.token_bytes(32)
        ct = pyrsa.encrypt(message, pyrsa.PublicKey(key.n, key.e))
        assert key.decrypt(ct, rsa.PKCS1v15()) == message
        compare("PKCS#1 v1.5 decrypt (python-rsa, blinded)",
                lambda: key.decrypt(ct, rsa.PKCS1v15()), lambda: pyrsa.decrypt(ct, peer_key),
                args.repeat)


# --- TLS 1.3 handshake vs tlslite-ng and the stdlib ssl module ---------------------------------
def _tls_identity():
    """A 2048-bit RSA leaf certificate and key, made by cryptography (needed for tlslite's PEM)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import tls_certs
    return tls_certs.leaf()


def _refkx_handshake(identity, group):
    from refkx.tls import Client, Server

    def run():
        client = Client("localhost", pins=[identity.pin], groups=[group],
                        cipher_suites=["TLS_AES_128_GCM_SHA256"], trace=False)
        server = Server([identity.cert_der], identity.key, groups=[group], trace=False)
        client.start()
        server.receive(client.data_to_send())
        client.receive(server.data_to_send())
        server.receive(client.data_to_send())
        assert client.handshake_complete and server.handshake_complete
    return run


def _tlslite_handshake(identity, group):
    from refkx.tools.bench.operations import tlslite_socketpair_handshake
    return tlslite_socketpair_handshake(identity.cert_pem.decode(), identity.key_pem.decode(),
                                        group)


def _ssl_handshake(identity):
    import ssl
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(identity.certfile, identity.keyfile)
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.minimum_version = ssl.TLSVersion.TLSv1_3
    client_context.load_verify_locations(identity.certfile)
    client_context.check_hostname = False

    from refkx.tools.bench.operations import ssl_memory_handshake

    def run():
        client = ssl_memory_handshake(client_context, server_context)
        assert client.version() == "TLSv1.3"
    return run


def bench_tls(args) -> None:
    print("TLS 1.3 full handshake (RSA-2048 PSS certificate, AES-128-GCM, both sides in one "
          "process) vs tlslite-ng 0.8.2 over a socketpair")
    if _peer("tlslite.api", "tlslite-ng==0.8.2") is None:
        return
    try:
        identity = _tls_identity()
    except Exception as exc:                  # cryptography missing: pytest's skip
        print(f"  skipped: the test certificates need the `compare` extra ({exc})")
        return
    from refkx import kem
    for group in ("x25519", "x25519mlkem768"):
        if group not in kem.KEMS:
            print(f"  {group}: refkx.kem has no {group}; skipped")
            continue
        if group == "x25519mlkem768" and _peer("kyber_py.ml_kem", "kyber-py==1.2.0") is None:
            continue
        compare(f"handshake {group} (tlslite-ng)", _refkx_handshake(identity, group),
                _tlslite_handshake(identity, group), args.repeat, budget=1.0)
    ssl_run = _ssl_handshake(identity)
    compare("handshake x25519 (stdlib ssl, OpenSSL in C)", _refkx_handshake(identity, "x25519"),
            ssl_run, args.repeat, budget=1.0, note="(< 1: OpenSSL faster)")
# --- ML-KEM vs kyber-py ------------------------------------------------------------------------

def _time_alone(fn, repeat: int, budget: float = 0.25) -> float:
    """Fastest CPU time per call of fn over `repeat` runs (for the OpenSSL reference line)."""
    n = _calls_per_run(fn, budget)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(n):
            fn()
        best = min(best, (time.process_time() - start) / n)
    return best


def bench_mlkem(args) -> None:
    print("ML-KEM (FIPS 203) KeyGen / Encaps / Decaps vs kyber-py 1.2.0 (refkx.impl: "
          "fast twin for refkx)")
    kyber = _peer("kyber_py.ml_kem", "kyber-py==1.2.0")
    if kyber is None:
        return
    from refkx import impl, mlkem
    print(f"  refkx implementation: {impl.active().get('mlkem', 'readable')}")
    sets = [("768", mlkem.ML_KEM_768, kyber.ML_KEM_768)]
    if not args.quick:
        sets += [("512", mlkem.ML_KEM_512, kyber.ML_KEM_512),
                 ("1024", mlkem.ML_KEM_1024, kyber.ML_KEM_1024)]
    for name, params, peer in sets:
        d, z, m = secrets.token_bytes(32), secrets.token_bytes(32), secrets.token_bytes(32)
        ek, dk = mlkem.keygen_internal(d, z, params)
        K, c = mlkem.encaps_internal(ek, m, params)
        assert peer._keygen_internal(d, z) == (ek, dk)        # same values before timing
        assert peer._encaps_internal(ek, m) == (K, c)
        assert peer.decaps(dk, c) == K == mlkem.decaps(dk, c, params)
        compare(f"ML-KEM-{name} KeyGen_internal", lambda: mlkem.keygen_internal(d, z, params),
                lambda: peer._keygen_internal(d, z), args.repeat)
        compare(f"ML-KEM-{name} Encaps_internal (incl. the §7.2 check)",
                lambda: mlkem.encaps_internal(ek, m, params),
                lambda: peer._encaps_internal(ek, m), args.repeat)
        compare(f"ML-KEM-{name} Decaps (incl. the §7.3 checks)",
                lambda: mlkem.decaps(dk, c, params), lambda: peer.decaps(dk, c), args.repeat)
    try:
        from cryptography.hazmat.primitives.asymmetric import mlkem as pyca
    except ImportError:
        print("  OpenSSL reference: cryptography without ML-KEM, skipped")
        return
    key = pyca.MLKEM768PrivateKey.generate()
    public = key.public_key()
    _, ciphertext = public.encapsulate()
    print("  OpenSSL (cryptography) ML-KEM-768 for reference: "
          f"KeyGen {_fmt(_time_alone(pyca.MLKEM768PrivateKey.generate, args.repeat))}, "
          f"Encaps {_fmt(_time_alone(public.encapsulate, args.repeat))}, "
          f"Decaps {_fmt(_time_alone(lambda: key.decapsulate(ciphertext), args.repeat))}")


# --- Goals of the speed work: short messages, fresh keys, one block, X448, RSA keygen ---------
# Each row alternates the two sides round by round (`goal_rounds` rounds) and reports the median
# of the per-round ratios (peer time / refkx time) and their spread (lowest-highest round).

def _goal_row(label: str, ours, theirs, rounds: int, budget: float = 0.2, note: str = "") -> None:
    n_ours, n_theirs = _calls_per_run(ours, budget), _calls_per_run(theirs, budget)
    t_ours, t_theirs, ratios = [], [], []
    for _ in range(rounds):
        per = []
        for fn, n, acc in ((ours, n_ours, t_ours), (theirs, n_theirs, t_theirs)):
            start = time.process_time()
            for _ in range(n):
                fn()
            acc.append((time.process_time() - start) / n)
            per.append(acc[-1])
        ratios.append(per[1] / per[0])
    _print_goal(label, t_ours, t_theirs, ratios, note)


def _print_goal(label, t_ours, t_theirs, ratios, note="") -> None:
    mo, mt = statistics.median(t_ours), statistics.median(t_theirs)
    print(f"  {label:<52} refkx {_fmt(mo):>9}  peer {_fmt(mt):>9}  ratio median "
          f"{statistics.median(ratios):5.2f}x (spread {min(ratios):.2f}-{max(ratios):.2f}) {note}")
    RESULTS.append((label, mo, mt, statistics.median(ratios), min(ratios), max(ratios)))


def _absolute_row(label: str, fn, rounds: int, budget: float = 0.2, note: str = "") -> None:
    n = _calls_per_run(fn, budget)
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(n):
            fn()
        times.append((time.process_time() - start) / n)
    print(f"  {label:<52} refkx {_fmt(statistics.median(times)):>9}  "
          f"(spread {_fmt(min(times))}-{_fmt(max(times))}) {note}")


def goals_gcm(args) -> None:
    print("Goals: AES-GCM with a fresh key per message, AESGCM(key), one AES block (tlslite-ng 0.8.2, pyaes 1.6.1)")
    cf = _peer("tlslite.utils.cipherfactory", "tlslite-ng==0.8.2")
    from refkx import aes, gcm
    key, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    if cf is not None:
        for size in (64, KIB):
            data = secrets.token_bytes(size)
            assert gcm.AESGCM(key).encrypt(nonce, data, None) == bytes(
                cf.createAESGCM(bytearray(key), ["python"]).seal(bytearray(nonce), bytearray(data), bytearray()))
            _goal_row(f"AES-GCM seal {'64 B' if size == 64 else '1 KiB'}, fresh key per message",
                      lambda: gcm.AESGCM(key).encrypt(nonce, data, None),
                      lambda: cf.createAESGCM(bytearray(key), ["python"]).seal(
                          bytearray(nonce), bytearray(data), bytearray()), args.goal_rounds)
    _absolute_row("AESGCM(key) construction", lambda: gcm.AESGCM(key), args.goal_rounds)
    from refkx import impl
    twin = impl.fast("gcm")
    if twin is not None:
        _absolute_row("  + its fast per-key state for 1 KiB (key schedule, FastAES), paid by the first seal",
                      lambda: twin.FastGCM(key)._lane_cipher(), args.goal_rounds)
    if cf is not None:
        _absolute_row("  tlslite-ng createAESGCM(key), for comparison",
                      lambda: cf.createAESGCM(bytearray(key), ["python"]), args.goal_rounds)
    block = secrets.token_bytes(16)
    ours = aes.AES(key)
    expected = ours.encrypt_block(block)
    rijndael = _peer("tlslite.utils.rijndael", "tlslite-ng==0.8.2")
    if rijndael is not None:
        theirs = rijndael.Rijndael(bytearray(key), 16)
        assert bytes(theirs.encrypt(bytearray(block))) == expected
        _goal_row("AES-128 one block, key schedule reused (tlslite-ng)",
                  lambda: ours.encrypt_block(block), lambda: theirs.encrypt(bytearray(block)),
                  args.goal_rounds)
    pyaes = _peer("pyaes", "pyaes==1.6.1")
    if pyaes is not None:
        theirs_pyaes = pyaes.AES(key)
        assert bytes(theirs_pyaes.encrypt(list(block))) == expected
        _goal_row("AES-128 one block, key schedule reused (pyaes)",
                  lambda: ours.encrypt_block(block), lambda: theirs_pyaes.encrypt(list(block)),
                  args.goal_rounds)


def goals_curves(args) -> None:
    print("Goals: X448 and X25519 against tlslite-ng 0.8.2 (tlslite.utils.x25519)")
    tx = _peer("tlslite.utils.x25519", "tlslite-ng==0.8.2")
    if tx is None:
        return
    from refkx import x448, x25519
    for name, module, peer_fn, peer_base, size in (
            ("X448", x448, tx.x448, tx.X448_G, 56), ("X25519", x25519, tx.x25519, tx.X25519_G, 32)):
        k, k_peer = secrets.token_bytes(size), secrets.token_bytes(size)
        private = getattr(module, f"{name}PrivateKey")
        peer_public = private.from_private_bytes(k_peer).public_key()
        u = peer_public.public_bytes_raw()
        assert bytes(peer_fn(bytearray(k), bytearray(u))) == private.from_private_bytes(k).exchange(peer_public)
        _goal_row(f"{name} exchange", lambda: private.from_private_bytes(k).exchange(peer_public),
                  lambda: peer_fn(bytearray(k), bytearray(u)), args.goal_rounds)
        _goal_row(f"{name} keygen (public key of a fresh private key)",
                  lambda: private.from_private_bytes(k).public_key(),
                  lambda: peer_fn(bytearray(k), bytearray(peer_base)), args.goal_rounds)


def goals_rsa_keygen(args) -> None:
    print(f"Goals: RSA key generation against tlslite-ng 0.8.2 (Python_RSAKey.generate), "
          f"{args.keys} keys per side, alternating key by key")
    python_rsakey = _peer("tlslite.utils.python_rsakey", "tlslite-ng==0.8.2")
    if python_rsakey is None:
        return
    from refkx import rsa
    for bits in (int(b) for b in args.rsa_sizes.split(",")):
        t_ours, t_theirs = [], []
        for _ in range(args.keys):
            start = time.process_time()
            rsa.generate_private_key(key_size=bits)
            t_ours.append(time.process_time() - start)
            start = time.process_time()
            python_rsakey.Python_RSAKey.generate(bits)
            t_theirs.append(time.process_time() - start)
        # one key's time is geometric-like (the number of candidates), so the per-key ratios
        # spread widely; the ratio of medians and the ratio of means are the figures to read
        med = statistics.median(t_theirs) / statistics.median(t_ours)
        mean = statistics.mean(t_theirs) / statistics.mean(t_ours)
        q_o = statistics.quantiles(t_ours, n=4)
        q_t = statistics.quantiles(t_theirs, n=4)
        print(f"  RSA-{bits} keygen  refkx median {_fmt(statistics.median(t_ours))} "
              f"(quartiles {_fmt(q_o[0])}-{_fmt(q_o[2])})  peer median {_fmt(statistics.median(t_theirs))} "
              f"(quartiles {_fmt(q_t[0])}-{_fmt(q_t[2])})  ratio of medians {med:.2f}x, "
              f"of means {mean:.2f}x")
        RESULTS.append((f"RSA-{bits} keygen", statistics.median(t_ours),
                        statistics.median(t_theirs), med, mean))


_FIRST_CALLS = r"""
import sys, time
sys.path.insert(0, {root!r})
from refkx import dh, x25519
calls = {calls}
if {what!r} == "dh":
    group = dh.FFDHE2048
    fn = lambda: dh.DHPrivateKey.generate(group).public_key()
else:
    fn = lambda: x25519.X25519PrivateKey.generate().public_key()
times = []
for _ in range(calls):
    start = time.process_time()
    fn()
    times.append(time.process_time() - start)
print(" ".join(repr(t) for t in times))
"""


def goals_first_calls(args) -> None:
    print("Goals: the first public keys in a fresh process (no table-building cliff); "
          "bare pow(g, x, p) for comparison")
    import subprocess
    root = str(Path(__file__).resolve().parents[1])
    for what, label, calls in (("dh", "ffdhe2048 keygen", 20), ("x25519", "X25519 public key", 20)):
        runs = []
        for _ in range(args.goal_rounds):
            out = subprocess.run([sys.executable, "-c", _FIRST_CALLS.format(root=root, calls=calls, what=what)],
                                 capture_output=True, text=True, check=True, timeout=300).stdout
            runs.append([float(t) for t in out.split()])
        per_call = [statistics.median(run[i] for run in runs) for i in range(calls)]
        print(f"  {label}, calls 1-{calls} (median over {len(runs)} processes): first "
              f"{_fmt(per_call[0])}, slowest {_fmt(max(per_call))} (call {per_call.index(max(per_call)) + 1}), "
              f"calls 1-5 {' '.join(_fmt(t) for t in per_call[:5])}, last {_fmt(per_call[-1])}")
    from refkx import dh
    group = dh.FFDHE2048
    _absolute_row("bare pow(g, x, p) with a 225-bit x (ffdhe2048)",
                  lambda: pow(group.g, secrets.randbits(group.exponent_bits) | 2, group.p),
                  args.goal_rounds)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"Python {platform.python_version()} ({platform.python_implementation()}), {cpu}, "
            f"{os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1 MiB runs")
    parser.add_argument("--repeat", type=int, default=5, help="alternating runs per side")
    parser.add_argument("--only", default="gcm,ctr,x25519,dh,rsa,mlkem,tls",
                        help="comma-separated subset of gcm,ctr,x25519,dh,rsa,mlkem,tls and the "
                             "speed goals goals-gcm,goals-curves,goals-rsa-keygen,goals-first-calls "
                             "(or goals for all four)")
    parser.add_argument("--goal-rounds", type=int, default=9,
                        help="alternating rounds per goal row (median and spread of their ratios)")
    parser.add_argument("--keys", type=int, default=30, help="RSA keys per side and size (goals)")
    parser.add_argument("--rsa-sizes", default="2048,3072,4096", help="RSA key sizes (goals)")
    args = parser.parse_args(argv)
    print(machine())
    from refkx import impl
    modes = set(impl.active().values())
    print("implementation: " + (modes.pop() if len(modes) == 1 else
                                ", ".join(f"{k} {v}" for k, v in impl.active().items())))
    print("ratio = peer time / refkx time (> 1: refkx faster); CPU time, min of runs\n")
    benches = {"gcm": bench_gcm, "ctr": bench_ctr, "x25519": bench_x25519, "dh": bench_dh,
               "rsa": bench_rsa, "mlkem": bench_mlkem, "tls": bench_tls,
               "goals-gcm": goals_gcm, "goals-curves": goals_curves,
               "goals-rsa-keygen": goals_rsa_keygen, "goals-first-calls": goals_first_calls}
    only = args.only.replace("goals", "goals-gcm,goals-curves,goals-rsa-keygen,goals-first-calls"
                             ) if "goals" in args.only.split(",") else args.only
    for name in only.split(","):
        benches[name.strip()](args)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
