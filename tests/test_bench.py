"""refkx.tools.bench: the arithmetic on synthetic timings, then a smoke run (no time assertions)."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from refkx.tools import bench
from refkx.tools.bench import (LinearFit, Stats, break_even_bytes, bulk_cost, fit_aead, fit_linear,
                         fit_power, format_bytes, format_rate, format_ratio, format_seconds,
                         format_table, measure, parse_size, parse_sizes, quantile,
                         session_cost, summarize)

ROOT = Path(__file__).resolve().parents[1]


# --- statistics ---

def test_quantile_interpolates():
    values = [1.0, 2.0, 3.0, 4.0]
    assert quantile(values, 0.0) == 1.0
    assert quantile(values, 1.0) == 4.0
    assert quantile(values, 0.5) == 2.5
    assert quantile(values, 0.25) == pytest.approx(1.75)
    assert quantile([7.0], 0.3) == 7.0


@pytest.mark.parametrize("q", [-0.1, 1.5])
def test_quantile_rejects_out_of_range(q):
    with pytest.raises(ValueError):
        quantile([1.0, 2.0], q)


def test_summarize():
    s = summarize([5.0, 1.0, 3.0, 2.0, 4.0], number=10)
    assert (s.median, s.min, s.max, s.n, s.number) == (3.0, 1.0, 5.0, 5, 10)
    assert (s.q1, s.q3) == (2.0, 4.0)
    assert s.to_json()["median_s"] == 3.0
    with pytest.raises(ValueError):
        summarize([])


class FakeClock:
    """Each call of the measured function advances time by the next scripted duration."""

    def __init__(self, durations):
        self.now = 0.0
        self.durations = list(durations)
        self.calls = 0

    def clock(self):
        return self.now

    def fn(self):
        self.now += self.durations[min(self.calls, len(self.durations) - 1)]
        self.calls += 1


def test_measure_fast_operation_batches_calls():
    fake = FakeClock([0.001])          # 1 ms per call, samples of >= 5 ms -> 5 calls each
    stats = measure(fake.fn, repeat=4, max_time=math.inf, min_sample_time=0.005,
                    clock=fake.clock)
    assert stats.number == 5
    assert stats.n == 4
    assert stats.median == pytest.approx(0.001)
    assert fake.calls == 1 + 4 * 5      # warm-up + samples


def test_measure_slow_operation_counts_first_call():
    fake = FakeClock([2.0, 1.0, 3.0])
    stats = measure(fake.fn, repeat=3, max_time=math.inf, clock=fake.clock)
    assert stats.number == 1 and stats.n == 3
    assert sorted([stats.min, stats.median, stats.max]) == [1.0, 2.0, 3.0]
    assert fake.calls == 3


def test_measure_stops_at_time_budget():
    fake = FakeClock([1.0])
    stats = measure(fake.fn, repeat=100, max_time=2.5, clock=fake.clock)
    assert 1 <= stats.n < 100
    with pytest.raises(ValueError):
        measure(fake.fn, repeat=0)


def test_measure_real_clock_smoke():
    stats = measure(lambda: sum(range(100)), repeat=3, min_sample_time=0.0005)
    assert stats.n == 3 and stats.min <= stats.median <= stats.max


# --- fits ---

def test_fit_linear_exact_line():
    fit = fit_linear([1, 2, 3, 4], [5, 7, 9, 11])
    assert fit.intercept == pytest.approx(3)
    assert fit.slope == pytest.approx(2)
    assert fit.r2 == pytest.approx(1)
    assert fit(10) == pytest.approx(23)


def test_fit_linear_least_squares_known_answer():
    # x = 0,1,2 ; y = 0,2,1: slope 0.5, intercept 0.5 (textbook normal equations)
    fit = fit_linear([0, 1, 2], [0, 2, 1])
    assert fit.slope == pytest.approx(0.5)
    assert fit.intercept == pytest.approx(0.5)
    assert fit.r2 == pytest.approx(0.25)


@pytest.mark.parametrize("xs, ys", [([1], [1]), ([1, 1], [1, 2]), ([1, 2], [1])])
def test_fit_linear_rejects_degenerate(xs, ys):
    with pytest.raises(ValueError):
        fit_linear(xs, ys)


def test_fit_power_recovers_exponent():
    xs = [2048, 3072, 4096, 8192]
    fit = fit_power(xs, [3e-12 * x ** 2.6 for x in xs])
    assert fit.slope == pytest.approx(2.6)
    assert math.exp(fit.intercept) == pytest.approx(3e-12)
    with pytest.raises(ValueError):
        fit_power([1, 2], [0, 1])


def test_fit_aead_recovers_fixed_and_per_byte_cost():
    a, b = 40e-6, 2.5e-6            # 40 us per message, 2.5 us per byte
    sizes = [64, 1024, 16384, 1 << 20]
    fit = fit_aead(sizes, [a + b * n for n in sizes])
    assert fit.intercept == pytest.approx(a, rel=1e-6)
    assert fit.slope == pytest.approx(b, rel=1e-9)


def test_fit_aead_relative_weights_keep_small_sizes():
    # 10 % noise on the 1 MiB point must not swamp the fixed cost seen at 64 bytes
    a, b = 1e-6, 1e-9
    sizes = [64, 1024, 16384, 1 << 20]
    times = [a + b * n for n in sizes]
    times[-1] *= 1.1
    fit = fit_aead(sizes, times)
    assert fit.intercept == pytest.approx(a, rel=0.1)


# --- the cost model ---

def test_bulk_cost_counts_records():
    fit = LinearFit(intercept=10.0, slope=1.0, r2=1.0)
    assert bulk_cost(0, fit, record_size=100) == 0
    assert bulk_cost(1, fit, record_size=100) == 11
    assert bulk_cost(100, fit, record_size=100) == 110
    assert bulk_cost(101, fit, record_size=100) == 121
    with pytest.raises(ValueError):
        bulk_cost(-1, fit)


def test_bulk_cost_ignores_negative_fitted_intercept():
    assert bulk_cost(10, LinearFit(-5.0, 1.0, 1.0), record_size=100) == 10


def test_break_even_known_answer():
    # per byte 1 s, per record 10 s, records of 100 bytes: cost(n) = ceil(n/100)*10 + n
    fit = LinearFit(10.0, 1.0, 1.0)
    assert break_even_bytes(11, fit, record_size=100) == 1      # 1 byte costs 11
    assert break_even_bytes(12, fit, record_size=100) == 2
    assert break_even_bytes(110, fit, record_size=100) == 100
    assert break_even_bytes(111, fit, record_size=100) == 101   # crossing into a new record
    assert break_even_bytes(0, fit) == 0


def test_break_even_realistic_magnitudes():
    # pure Python: 5 ms handshake, 0.5 us/byte -> about 10 kB; native: 50 us, 0.5 ns/B -> 100 kB
    assert break_even_bytes(5e-3, LinearFit(0, 0.5e-6, 1)) == pytest.approx(10_000, rel=1e-3)
    assert break_even_bytes(50e-6, LinearFit(0, 0.5e-9, 1)) == pytest.approx(100_000, rel=1e-3)


def test_break_even_rejects_free_encryption():
    with pytest.raises(ValueError):
        break_even_bytes(1.0, LinearFit(0.0, 0.0, 1.0))


@given(handshake=st.floats(1e-6, 10.0), a=st.floats(0, 1e-3), b=st.floats(1e-10, 1e-5),
       record=st.sampled_from([16, 1000, 16384]))
def test_break_even_is_the_smallest_size_that_costs_a_handshake(handshake, a, b, record):
    fit = LinearFit(a, b, 1.0)
    n = break_even_bytes(handshake, fit, record_size=record)
    assert bulk_cost(n, fit, record) >= handshake
    assert n == 0 or bulk_cost(n - 1, fit, record) < handshake


def test_session_cost_share():
    fit = LinearFit(0.0, 1.0, 1.0)
    total, share = session_cost(3.0, 1, fit)
    assert total == 4.0 and share == 0.75
    assert session_cost(0.0, 0, fit) == (0.0, 0.0)


# --- units ---

@pytest.mark.parametrize("seconds, text", [
    (0, "0 ns"), (812e-9, "812 ns"), (12.34e-6, "12.3 µs"), (4.567e-3, "4.57 ms"),
    (1.234, "1.23 s"), (999.6e-6, "1.00 ms"), (150.0, "2.50 min"), (20880.0, "5.80 h"),
    (3 * 86400.0, "3.00 d"), (-1e-3, "-1.00 ms")])
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


@pytest.mark.parametrize("n, text", [
    (64, "64 B"), (1024, "1 KiB"), (1536, "1.50 KiB"), (16384, "16 KiB"),
    (1 << 20, "1 MiB"), (1 << 30, "1 GiB"), (3.21 * (1 << 30), "3.21 GiB"), (10_000, "9.77 KiB")])
def test_format_bytes(n, text):
    assert format_bytes(n) == text


def test_format_rate_and_ratio():
    assert format_rate(52.3 * 1024) == "52.3 KiB/s"
    assert format_rate(1.8 * (1 << 30)) == "1.80 GiB/s"
    assert format_ratio(1.5) == "x1.50"
    assert format_ratio(1234.4) == "x1234"


@pytest.mark.parametrize("text, n", [("64", 64), ("1K", 1024), ("16KiB", 16384), ("1m", 1 << 20),
                                     ("1 GiB", 1 << 30), ("1.5K", 1536), ("2kb", 2048)])
def test_parse_size(text, n):
    assert parse_size(text) == n


@pytest.mark.parametrize("text", ["", "K", "1X", "-1", "0", "1.3", "abc"])
def test_parse_size_rejects(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_parse_sizes():
    assert parse_sizes("64,1K, 16K,1M") == [64, 1024, 16384, 1 << 20]
    with pytest.raises(ValueError):
        parse_sizes(",")


def test_format_table_aligns():
    text = format_table(["name", "time"], [["x25519", "1 ms"], ["rsa", "12.5 ms"]])
    lines = text.splitlines()
    assert lines[0].startswith("name") and set(lines[1]) <= {"-", " "}
    assert lines[2].endswith("   1 ms") and lines[3].endswith("12.5 ms")


# --- rendering synthetic results ---

def _synthetic_results():
    def stats(t):
        return Stats(t, t, t, t * 0.9, t * 1.1, 3).to_json()

    results = {"schema": bench.SCHEMA,
               "environment": {"refkx": "0", "python": "3.x", "implementation": "CPython",
                               "platform": "test", "cpu": "synthetic", "cpu_count": 2},
               "config": {"quick": True, "compare": False, "record_size": bench.RECORD_SIZE,
                          "break_even_cipher": bench.BREAK_EVEN_CIPHER},
               "kems": [{"impl": "refkx", "kem": "x25519", "static_key": False,
                         "keygen": stats(1e-3), "encapsulate": stats(2e-3),
                         "decapsulate": stats(1e-3), "handshake_s": 4e-3}],
               "sessions": [], "aead": [], "aead_fits": [
                   {"impl": "refkx", "cipher": "AES-128-GCM", "per_message_s": 0.0,
                    "per_byte_s": 1e-6, "r2": 1.0, "sizes": [64, 1024]}],
               "break_even": [], "amortization": [], "scaling": [], "scaling_fits": [],
               "ratios": [], "notes": ["synthetic"]}
    b = bench.Bench.__new__(bench.Bench)
    b.results = results
    b.compute_break_even()
    return results


def test_break_even_from_synthetic_results_and_render():
    results = _synthetic_results()
    (row,) = results["break_even"]
    assert row["bytes"] == 4000           # 4 ms / 1 us per byte
    assert len(results["amortization"]) == len(bench.AMORTIZATION_SIZES)
    text = bench.render(results)
    assert "Break-even" in text and "3.91 KiB" in text and "synthetic" in text
    json.dumps(results)                   # JSON-ready


# --- the command (smoke: tiny repetition counts, no time assertions) ---

def _run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "refkx", "bench", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_bench_rejects_unknown_section():
    result = _run("--sections", "nonsense")
    assert result.returncode == 2 and "unknown section" in result.stderr


def test_bench_rejects_bad_sizes():
    result = _run("--sizes", "12X")
    assert result.returncode == 2 and "not a size" in result.stderr


def test_bench_refuses_unwritable_json_path_before_measuring(tmp_path):
    result = _run("--quick", "--json", str(tmp_path / "missing-dir" / "bench.json"))
    assert result.returncode == 2 and "no such directory" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_bench_aead_smoke_json(tmp_path):
    out = tmp_path / "bench.json"
    result = _run("--quick", "--repeat", "1", "--sections", "aead", "--sizes", "64,1K",
                  "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "AEAD cost model" in result.stdout
    data = json.loads(out.read_text())
    assert data["schema"] == bench.SCHEMA
    assert {r["size"] for r in data["aead"]} == {64, 1024}
    assert {r["cipher"] for r in data["aead_fits"]} == {"AES-128-GCM", "AES-256-GCM"}


def test_bench_readable_paths_smoke(tmp_path):
    out = tmp_path / "r.json"
    result = _run("--quick", "--repeat", "1", "--sections", "aead", "--sizes", "64,1K",
                  "--readable", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "implementation: readable" in result.stdout
    data = json.loads(out.read_text())
    assert data["config"]["readable"] is True
    assert set(data["environment"]["refkx_implementation"].values()) == {"readable"}


def test_bench_kem_and_break_even_smoke():
    pytest.importorskip("refkx.kem")
    result = _run("--quick", "--repeat", "1", "--sections", "kem,aead", "--kems", "x25519",
                  "--sizes", "64,1K")
    assert result.returncode == 0, result.stderr
    assert "Break-even" in result.stdout and "x25519" in result.stdout


def test_bench_unknown_kem():
    pytest.importorskip("refkx.kem")
    result = _run("--kems", "nonsense")
    assert result.returncode == 2 and "unknown KEM" in result.stderr


def test_bench_scaling_smoke():
    result = _run("--quick", "--repeat", "1", "--sections", "scaling", "--rsa-bits", "1024",
                  "--dh-groups", "ffdhe2048,ffdhe3072")
    assert result.returncode == 0, result.stderr
    assert "Scaling with key size" in result.stdout


def test_bench_compare_smoke():
    pytest.importorskip("cryptography")
    result = _run("--quick", "--repeat", "1", "--compare", "--sections", "aead",
                  "--sizes", "64,1K")
    assert result.returncode == 0, result.stderr
    assert "openssl" in result.stdout and "Pure Python vs OpenSSL" in result.stdout


def test_bench_plot_without_matplotlib_says_so(tmp_path):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        result = _run("--plot", str(tmp_path / "x.png"))
        assert result.returncode == 1 and "matplotlib" in result.stderr
    else:
        result = _run("--quick", "--repeat", "1", "--sections", "aead", "--sizes", "64,1K",
                      "--plot", str(tmp_path / "x.svg"))
        assert result.returncode == 0, result.stderr


def test_compare_without_cryptography_says_so(monkeypatch, capsys):
    from refkx.tools import cli
    monkeypatch.setattr(bench.operations, "native_available", lambda: False)
    assert cli.main(["bench", "--compare", "--quick"]) == 1
    assert "needs the `cryptography` package" in capsys.readouterr().err


def test_config_json_records_the_options():
    b = bench.Bench(bench.Config(quick=True, kems=["x25519"], sizes=[64], repeat=1,
                                 sections=("aead",), progress=None))
    assert b.results["config"]["kems"] == ["x25519"]
    assert b.results["config"]["sections"] == ["aead"]
