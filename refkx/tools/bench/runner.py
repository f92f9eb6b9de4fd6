"""The benchmark run: Bench measures what a Config asks for into a JSON-ready dict."""

from __future__ import annotations

import secrets
import time
from typing import Callable

from .config import (AEAD_CIPHERS, AEAD_SIZES, AMORTIZATION_SIZES, BREAK_EVEN_CIPHER,
                     FFDH_GROUPS, QUICK_FFDH_GROUPS, QUICK_KEMS, RSA_BITS, SCHEMA, Config)
from .environment import environment
from .model import RECORD_SIZE, LinearFit, break_even_bytes, fit_aead, fit_power, session_cost
from .operations import (PURE, NativeOps, PureOps, native_available, refkx_key_from_native,
                         ssl_memory_handshake, tlslite_socketpair_handshake, tlslite_version)
from .render import format_bytes
from .stats import Stats, measure



def _readable_env() -> bool:
    from ... import impl
    return impl.readable_from_environment()

class Bench:
    """Runs the measurements for one Config; results are a JSON-ready dict."""

    def __init__(self, config: Config):
        self.config = config
        self.impls = [PureOps()]
        if config.compare:
            self.impls.append(NativeOps())
        self.results: dict = {"schema": SCHEMA, "environment": environment(config.compare),
                              "config": {"quick": config.quick, "compare": config.compare,
                                         "sections": list(config.sections),
                                         "kems": config.kems, "sizes": config.sizes,
                                         "repeat": config.repeat, "readable": config.readable,
                                         # what chose the implementations: --readable, the
                                         # environment (REFKX_READABLE=1), or neither
                                         "readable_from": ("--readable" if config.readable else
                                                           "REFKX_READABLE=1"
                                                           if _readable_env() else None),
                                         "record_size": RECORD_SIZE,
                                         "break_even_cipher": BREAK_EVEN_CIPHER},
                              "kems": [], "sessions": [], "aead": [], "aead_fits": [],
                              "break_even": [], "amortization": [], "scaling": [],
                              "scaling_fits": [], "ratios": [], "notes": []}
        self._rsa_keys: dict[tuple[str, int], object] = {}
        self._started = time.perf_counter()

    # -- plumbing --
    def progress(self, text: str) -> None:
        stream = self.config.progress
        if stream is not None:
            elapsed = time.perf_counter() - self._started
            print(f"[bench {elapsed:6.1f} s] {text}", file=stream, flush=True)

    def note(self, text: str) -> None:
        self.results["notes"].append(text)
        self.progress("note: " + text)

    def time(self, label: str, fn: Callable[[], object], **kw) -> Stats:
        self.progress(label)
        kw.setdefault("repeat", self.config.samples)
        kw.setdefault("max_time", self.config.max_time)
        kw.setdefault("min_sample_time", self.config.min_sample_time)
        return measure(fn, **kw)

    def kem_names(self) -> list[str]:
        from ...kem import KEMS
        if self.config.kems:
            unknown = [k for k in self.config.kems if k not in KEMS]
            if unknown:
                raise ValueError(f"unknown KEM(s) {', '.join(unknown)}; choose from "
                                 f"{', '.join(KEMS)}")
            return list(self.config.kems)
        if self.config.quick:
            return [k for k in QUICK_KEMS if k in KEMS]
        return list(KEMS)

    def rsa_key(self, ops, bits: int, timed: bool = False):
        """An RSA key of `bits` for `ops`, generated once; quick refkx runs borrow OpenSSL's."""
        cache_key = (ops.impl, bits)
        if cache_key not in self._rsa_keys:
            if ops.impl == PURE and bits > 2048 and self.config.quick and native_available():
                self.progress(f"refkx RSA-{bits}: key from OpenSSL (keygen not timed in --quick)")
                self._rsa_keys[cache_key] = refkx_key_from_native(NativeOps().rsa_generate(bits))
            else:
                self.progress(f"{ops.impl} RSA-{bits}: generating a key")
                self._rsa_keys[cache_key] = ops.rsa_generate(bits)
        return self._rsa_keys[cache_key]

    # -- sections --
    def run(self) -> dict:
        """Every configured section, under refkx.impl "readable" when config.readable."""
        from ... import impl

        if not self.config.readable:
            return self._run()
        with impl.using(impl.READABLE):   # the readable modules, as a learner steps through them
            self.results["environment"]["refkx_implementation"] = impl.active()
            return self._run()

    def _run(self) -> dict:
        sections = self.config.sections
        if "kem" in sections or "session" in sections:
            self.bench_kems()
        if "session" in sections:
            self.bench_sessions()
        if "aead" in sections:
            self.bench_aead()
        if "aead" in sections and "kem" in sections:
            self.compute_break_even()
        if "scaling" in sections:
            self.bench_scaling()
        if self.config.compare:
            self.compute_ratios()
        self.results["elapsed_s"] = time.perf_counter() - self._started
        return self.results

    def bench_kems(self) -> None:
        for name in self.kem_names():
            for ops in self.impls:
                try:
                    keygen, encapsulate, decapsulate, static = ops.kem(name)
                except (ImportError, KeyError, ValueError, NotImplementedError) as exc:
                    self.note(f"{ops.impl} {name}: not measured ({type(exc).__name__}: {exc})")
                    continue
                row = {"impl": ops.impl, "kem": name, "static_key": static}
                row["keygen"] = self.time(f"{ops.impl} {name} keygen", keygen).to_json()
                row["encapsulate"] = self.time(f"{ops.impl} {name} encapsulate",
                                               encapsulate).to_json()
                row["decapsulate"] = self.time(f"{ops.impl} {name} decapsulate",
                                               decapsulate).to_json()
                # A static (long-term) key is generated once, not per handshake.
                row["handshake_s"] = (row["encapsulate"]["median_s"] + row["decapsulate"]["median_s"]
                                      + (0.0 if static else row["keygen"]["median_s"]))
                self.results["kems"].append(row)

    def bench_sessions(self) -> None:
        """Whole TLS 1.3 handshakes (refkx.tls Client and Server in this process, RSA-2048
        certificate, TLS_AES_128_GCM_SHA256). The asymmetric share is estimated from the
        KEM table (keygen + encapsulate + decapsulate) plus one RSA-PSS sign and verify."""
        try:
            from ... import kem as kem_module
            from ...tls import Client, Server
            from ...tls import groups as tls_groups
            from ..demo import self_signed
            from ...tls import signatures
        except ImportError as exc:
            self.note(f"TLS handshake not measured: {exc}")
            return
        identity = self.rsa_key(PureOps(), 2048)
        certificate = self_signed(identity)
        pin = certificate.spki_pin()
        transcript_hash = bytes(32)
        signature = signatures.sign(identity, signatures.RSA_PSS_RSAE_SHA256, transcript_hash)
        sign = self.time("refkx RSA-2048 PSS sign (CertificateVerify)", lambda: signatures.sign(
            identity, signatures.RSA_PSS_RSAE_SHA256, transcript_hash)).median
        verify = self.time("refkx RSA-2048 PSS verify", lambda: signatures.verify(
            identity.public_key(), signatures.RSA_PSS_RSAE_SHA256, signature,
            transcript_hash)).median
        kem_costs = {r["kem"]: r["handshake_s"] for r in self.results["kems"]
                     if r["impl"] == PURE}
        for name in self.kem_names():
            if not tls_groups.available(name):
                continue
            transport = not kem_module.KEMS[name].forward_secrecy
            if transport and getattr(kem_module.KEMS[name], "bits", 2048) != 2048:
                self.note(f"TLS {name}: not measured (needs a {kem_module.KEMS[name].bits}-bit "
                          "server key)")
                continue
            client_options = {"server_transport_key": identity.public_key()} if transport else {}
            server_options = {"transport_keys": {name: identity}} if transport else {}

            def handshake(name=name, client_options=client_options,
                          server_options=server_options):
                client = Client("localhost", pins=[pin], groups=[name], trace=False,
                                cipher_suites=["TLS_AES_128_GCM_SHA256"], **client_options)
                server = Server([certificate], identity, groups=[name], trace=False,
                                **server_options)
                client.start()
                server.receive(client.data_to_send())
                client.receive(server.data_to_send())
                server.receive(client.data_to_send())
                if not (client.handshake_complete and server.handshake_complete):
                    raise RuntimeError("handshake did not complete")
            stats = self.time(f"refkx TLS 1.3 handshake {name}", handshake)
            asymmetric = kem_costs.get(name, 0.0) + sign + verify
            self.results["sessions"].append({
                "impl": PURE, "kem": name, "mode": "RSA-2048 certificate",
                "handshake": stats.to_json(), "asymmetric_s": asymmetric,
                "asymmetric_share": min(1.0, asymmetric / stats.median) if stats.median else 0.0})
        self._bench_peer_handshakes(identity, certificate)

    def _bench_peer_handshakes(self, identity, certificate) -> None:
        """The same handshake by the stdlib ssl module (OpenSSL in C, memory BIOs), for scale."""
        import ssl
        import tempfile

        from ... import serialization
        with tempfile.TemporaryDirectory() as directory:
            certfile = f"{directory}/cert.pem"
            keyfile = f"{directory}/key.pem"
            with open(certfile, "wb") as f:
                f.write(serialization.pem_encode("CERTIFICATE", certificate.der))
            with open(keyfile, "wb") as f:
                f.write(identity.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
            try:
                server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                server_context.load_cert_chain(certfile, keyfile)
            except (ssl.SSLError, OSError, ValueError) as exc:
                self.note(f"stdlib ssl handshake not measured: {exc}")
                return
        client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client_context.minimum_version = ssl.TLSVersion.TLSv1_3
        client_context.check_hostname = False
        client_context.verify_mode = ssl.CERT_NONE

        def handshake():
            ssl_memory_handshake(client_context, server_context)
        stats = self.time("stdlib ssl TLS 1.3 handshake (x25519)", handshake)
        self.results["sessions"].append({
            "impl": "openssl (ssl module)", "kem": "x25519", "mode": "RSA-2048 certificate",
            "handshake": stats.to_json(), "asymmetric_s": 0.0, "asymmetric_share": 0.0})
        self._bench_tlslite_handshakes(identity, certificate)

    def _bench_tlslite_handshakes(self, identity, certificate) -> None:
        """The same handshakes by tlslite-ng (pure Python, the `peers` extra), when installed:
        x25519 and, with kyber-py, x25519mlkem768. tlslite runs over a socketpair with a server
        thread (it has no memory-BIO interface), so its figure includes that plumbing."""
        from ... import serialization
        try:
            version = tlslite_version()
        except ImportError:
            self.note("tlslite-ng handshake not measured: install the peers extra "
                      "(pip install -e '.[peers]')")
            return
        cert_pem = serialization.pem_encode("CERTIFICATE", certificate.der).decode()
        key_pem = identity.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode()
        for group in ("x25519", "x25519mlkem768"):
            if group not in self.kem_names():
                continue
            try:
                handshake = tlslite_socketpair_handshake(cert_pem, key_pem, group)
                handshake()
            except Exception as exc:            # e.g. no kyber-py for the hybrid
                self.note(f"tlslite-ng {group} handshake not measured: {exc!r}")
                continue
            stats = self.time(f"tlslite-ng TLS 1.3 handshake ({group})", handshake)
            self.results["sessions"].append({
                "impl": f"tlslite-ng {version} (socketpair)", "kem": group,
                "mode": "RSA-2048 certificate", "handshake": stats.to_json(),
                "asymmetric_s": 0.0, "asymmetric_share": 0.0})

    def aead_sizes(self, ops) -> list[int]:
        if self.config.sizes:
            return list(self.config.sizes)
        if ops.impl == PURE and self.config.quick:
            return [s for s in AEAD_SIZES if s <= 16 * 1024]   # 1 MiB takes seconds in Python
        return list(AEAD_SIZES)

    def bench_aead(self) -> None:
        for ops in self.impls:
            for cipher, key_size in AEAD_CIPHERS:
                try:
                    seal = ops.aead(key_size)
                except ImportError as exc:
                    self.note(f"{ops.impl} {cipher}: not measured ({exc})")
                    continue
                sizes, medians = [], []
                for size in self.aead_sizes(ops):
                    data = secrets.token_bytes(size)
                    stats = self.time(f"{ops.impl} {cipher} seal {format_bytes(size)}",
                                      lambda data=data: seal(data))
                    self.results["aead"].append({"impl": ops.impl, "cipher": cipher, "size": size,
                                                 "seal": stats.to_json(),
                                                 "bytes_per_s": size / stats.median})
                    sizes.append(size)
                    medians.append(stats.median)
                if len(set(sizes)) < 2:
                    self.note(f"{ops.impl} {cipher}: no AEAD cost model, break-even or "
                              "total-cost tables: a fit t(n) = a + b*n needs at least two "
                              f"different --sizes (got {', '.join(map(format_bytes, set(sizes)))})")
                if len(set(sizes)) >= 2:
                    fit = fit_aead(sizes, medians)
                    self.results["aead_fits"].append({
                        "impl": ops.impl, "cipher": cipher, "per_message_s": fit.intercept,
                        "per_byte_s": fit.slope, "r2": fit.r2, "sizes": sizes})

    def _fit(self, impl: str, cipher: str = BREAK_EVEN_CIPHER) -> LinearFit | None:
        for row in self.results["aead_fits"]:
            if row["impl"] == impl and row["cipher"] == cipher:
                return LinearFit(row["per_message_s"], row["per_byte_s"], row["r2"])
        return None

    def compute_break_even(self) -> None:
        for row in self.results["kems"]:
            fit = self._fit(row["impl"])
            if fit is None:
                continue
            self.results["break_even"].append({
                "impl": row["impl"], "kem": row["kem"], "cipher": BREAK_EVEN_CIPHER,
                "handshake_s": row["handshake_s"],
                "bytes": break_even_bytes(row["handshake_s"], fit)})
            for size in AMORTIZATION_SIZES:
                total, share = session_cost(row["handshake_s"], size, fit)
                self.results["amortization"].append({
                    "impl": row["impl"], "kem": row["kem"], "bytes": size,
                    "total_s": total, "handshake_share": share})

    def bench_scaling(self) -> None:
        groups = self.config.dh_groups or (QUICK_FFDH_GROUPS if self.config.quick else FFDH_GROUPS)
        rsa_bits = self.config.rsa_bits or RSA_BITS
        if self.config.quick and not self.config.rsa_bits and not native_available():
            rsa_bits = (2048, 3072)
            self.note("--quick without `cryptography`: RSA-4096 left out (a pure-Python 4096-bit "
                      "key takes 10-60 s to generate)")
        for ops in self.impls:
            for group in groups:
                try:
                    keygen, exchange = ops.dh(group)
                except (ImportError, KeyError) as exc:
                    self.note(f"{ops.impl} {group}: not measured ({exc})")
                    continue
                bits = int("".join(c for c in group if c.isdigit()))
                for op, fn in (("keygen", keygen), ("exchange", exchange)):
                    stats = self.time(f"{ops.impl} {group} {op}", fn)
                    self.results["scaling"].append({"impl": ops.impl, "family": "ffdh",
                                                    "op": op, "bits": bits, "stats": stats.to_json()})
            for bits in rsa_bits:
                time_keygen = not (self.config.quick and bits > 2048)
                try:
                    if time_keygen:
                        keys = []
                        stats = self.time(f"{ops.impl} RSA-{bits} keygen",
                                          lambda: keys.append(ops.rsa_generate(bits)),
                                          repeat=min(self.config.samples, 3))
                        self._rsa_keys.setdefault((ops.impl, bits), keys[-1])
                        self.results["scaling"].append({"impl": ops.impl, "family": "rsa",
                                                        "op": "keygen", "bits": bits,
                                                        "stats": stats.to_json()})
                    key = self.rsa_key(ops, bits)
                    sign, verify = ops.rsa_ops(key)
                except ImportError as exc:
                    self.note(f"{ops.impl} RSA-{bits}: not measured ({exc})")
                    continue
                for op, fn in (("sign", sign), ("verify", verify)):
                    stats = self.time(f"{ops.impl} RSA-{bits} {op}", fn)
                    self.results["scaling"].append({"impl": ops.impl, "family": "rsa", "op": op,
                                                    "bits": bits, "stats": stats.to_json()})
        series: dict[tuple, list[tuple[int, float]]] = {}
        for row in self.results["scaling"]:
            series.setdefault((row["impl"], row["family"], row["op"]), []).append(
                (row["bits"], row["stats"]["median_s"]))
        for (impl, family, op), points in series.items():
            if len({b for b, _ in points}) >= 2:
                fit = fit_power([b for b, _ in points], [t for _, t in points])
                self.results["scaling_fits"].append({"impl": impl, "family": family, "op": op,
                                                     "exponent": fit.slope, "r2": fit.r2})

    def compute_ratios(self) -> None:
        """refkx median / OpenSSL median for every operation measured by both."""
        pure, native = {}, {}
        for row in self.results["kems"]:
            for op in ("keygen", "encapsulate", "decapsulate"):
                (pure if row["impl"] == PURE else native)[f"{row['kem']} {op}"] = row[op]["median_s"]
        for row in self.results["aead"]:
            (pure if row["impl"] == PURE else native)[
                f"{row['cipher']} seal {format_bytes(row['size'])}"] = row["seal"]["median_s"]
        for row in self.results["scaling"]:
            label = (f"FFDH-{row['bits']} {row['op']}" if row["family"] == "ffdh"
                     else f"RSA-{row['bits']} {row['op']}")
            (pure if row["impl"] == PURE else native)[label] = row["stats"]["median_s"]
        for label, t in pure.items():
            if label in native and native[label] > 0:
                self.results["ratios"].append({"op": label, "refkx_s": t, "openssl_s": native[label],
                                               "ratio": t / native[label]})
