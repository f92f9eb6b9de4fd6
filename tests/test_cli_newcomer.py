"""The newcomer's path through the CLI: progress, estimates, options that go together,
numeric options checked at parse time (exit 2), and traces that show what the papers show."""

import json
import re

import pytest

from refkx.kat import Case
from refkx.tools import cli


def _cases(*cases):
    return lambda area: list(cases)


# --- vectors ------------------------------------------------------------------------------

def test_vectors_progress_line_per_source(monkeypatch, capsys):
    monkeypatch.setattr("refkx.kat.area_cases", _cases(
        Case("Source A", "a-1", lambda: None), Case("Source A", "a-2", lambda: None),
        Case("Source B", "b-1", lambda: None)))
    assert cli.main(["vectors", "--only", "hmac", "--implementation", "fast"]) == 0
    err = capsys.readouterr().err
    assert "[1/2] Source A: 2 cases" in err and "[2/2] Source B: 1 cases" in err


def test_vectors_slow_announces_estimate_before_running(monkeypatch, capsys):
    order = []

    def estimate():
        order.append("estimate")
        return 16 * 60.0

    monkeypatch.setattr("refkx.kat.area_cases", _cases(
        Case("S", "iter1000000", lambda: order.append("run"), slow=True, estimate=estimate),
        Case("S", "other-slow", lambda: order.append("run"), slow=True)))
    assert cli.main(["vectors", "--only", "hmac", "--slow", "--implementation", "fast"]) == 0
    err = capsys.readouterr().err
    assert order[0] == "estimate" and order.count("run") == 2
    assert "about 16 min on this machine" in err and "iter1000000: about 16 min" in err
    assert "1 without an estimate" in err and "ETA" in err


def test_rfc7748_iterated_vectors_estimate_and_eta(capsys):
    from refkx.kat import area_cases
    from refkx.kat.rfc7748 import format_duration, iterate
    from refkx import x25519

    slow = [c for c in area_cases("rfc7748") if c.slow]
    assert {c.id for c in slow} == {"rfc7748-5.2-x25519-iter1000000", "rfc7748-5.2-x448-iter1000000"}
    assert all(c.estimate is not None for c in slow)
    iterate(x25519.x25519, x25519.BASE_POINT, 4, "demo", progress_every=2)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(re.search(r"demo: [24] / 4 iterations, ETA \d+ s", l) for l in lines)
    assert (format_duration(30), format_duration(16 * 60), format_duration(100 * 60)) == \
        ("30 s", "16 min", "1 h 40 min")


def test_vectors_only_wycheproof_names_each_file(monkeypatch, capsys):
    from refkx.kat import wycheproof

    few = [c for c in wycheproof.cases() if c.source in
           ("Wycheproof hkdf_sha1_test.json", "Wycheproof aes_gcm_test.json")][:40]
    calls = []

    def area_cases(area):
        calls.append(area)
        return few

    monkeypatch.setattr("refkx.kat.area_cases", area_cases)
    assert cli.main(["vectors", "--only", "wycheproof", "--implementation", "fast"]) == 0
    out = capsys.readouterr().out
    assert calls == ["wycheproof"]                      # that area alone
    assert re.search(r"^ok\s+Wycheproof aes_gcm_test\.json\s+\d+ passed", out, re.M)


def test_wycheproof_is_an_area():
    from refkx.kat import AREAS
    assert "wycheproof" in AREAS


# --- options that go together ---------------------------------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["demo", "--mitm", "--kem", "x448"], ["--kem", "--mitm"]),
    (["demo", "--forward-secrecy", "--kem", "ffdhe2048"], ["--kem", "--forward-secrecy"]),
    (["trace", "aes", "--case", "3"], ["--case", "gcm"]),
    (["trace", "rsa-oaep", "--key", "00"], ["--key", "rsa-oaep"]),
    (["trace", "gcm", "--case", "4", "--key", "00" * 16], ["--case", "--key"]),
    (["trace", "x25519", "--group", "ffdhe3072"], ["--group", "dh"]),
    (["trace", "session", "--kem", "x448"], ["--kem", "--fresh"]),
])
def test_ignored_options_are_usage_errors(argv, words, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, err


# --- numeric options at parse time ---------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["trace", "gcm", "--case", "0"], ["trace", "gcm", "--case", "19"],
    ["trace", "gcm", "--case", "x"],
    ["bench", "--repeat", "0"], ["bench", "--repeat", "-3"],
    ["bench", "--rsa-bits", "100"], ["bench", "--rsa-bits", "2048,abc"],
    ["bench", "--sizes", "0"], ["bench", "--sizes", "1.5"], ["bench", "--sizes", "128M"],
])
def test_numeric_options_range_checked_at_parse_time(argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli.build_parser().parse_args(argv)
    assert info.value.code == 2


# --- bench ----------------------------------------------------------------------------------

def test_bench_refuses_sizes_that_would_eat_gibibytes(capsys):
    with pytest.raises(SystemExit) as info:                  # at parse time
        cli.main(["bench", "--sizes", "64,1G", "--sections", "aead"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "1 GiB" in err and "memory" in err


def test_bench_refuses_sizes_that_would_take_too_long(monkeypatch, capsys):
    from refkx.tools.bench import arguments
    monkeypatch.setattr(arguments, "estimate_seal_rate", lambda: 1000.0)   # 1 kB/s: a slow machine
    assert cli.main(["bench", "--sizes", "1M", "--sections", "aead"]) == 2
    err = capsys.readouterr().err
    assert "would take about" in err and "--sizes" in err


def test_bench_one_size_says_why_the_cost_model_is_dropped(tmp_path, capsys):
    path = tmp_path / "out.json"
    assert cli.main(["bench", "--sizes", "64", "--sections", "aead", "--repeat", "1",
                     "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "at least two different --sizes" in out
    results = json.loads(path.read_text())
    assert results["aead_fits"] == [] and any("two different" in n for n in results["notes"])


@pytest.mark.parametrize("target", ["dir", "missing/out.json"])
def test_bench_json_path_checked_before_measuring(tmp_path, monkeypatch, capsys, target):
    from refkx.tools import bench
    monkeypatch.setattr(bench.Bench, "run", lambda self: pytest.fail("measured first"))
    path = tmp_path if target == "dir" else tmp_path / target
    assert cli.main(["bench", "--json", str(path)]) == 2
    assert "--json" in capsys.readouterr().err


def test_bench_json_ratios_without_compare_match_the_docs(tmp_path):
    from pathlib import Path
    path = tmp_path / "out.json"
    assert cli.main(["bench", "--sizes", "64,128", "--sections", "aead", "--repeat", "1",
                     "--json", str(path)]) == 0
    results = json.loads(path.read_text())
    assert results["ratios"] == []
    docs = (Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md").read_text()
    assert "`ratios` is `[]` without `--compare`" in docs


def test_bench_environment_readable_is_not_the_option(tmp_path, monkeypatch):
    """REFKX_READABLE=1 is reported as the environment's choice, not as --readable."""
    from refkx import impl
    path = tmp_path / "out.json"
    monkeypatch.setenv("REFKX_READABLE", "1")
    with impl.using(impl.READABLE):
        assert cli.main(["bench", "--sizes", "64,128", "--sections", "aead", "--repeat", "1",
                         "--json", str(path)]) == 0
    config = json.loads(path.read_text())["config"]
    assert config["readable"] is False and config["readable_from"] == "REFKX_READABLE=1"


# --- trace gcm with a non-96-bit IV ---------------------------------------------------------

@pytest.mark.parametrize("number", [5, 6])
def test_trace_gcm_long_iv_shows_ghash_of_the_iv(number, capsys):
    assert cli.main(["trace", "gcm", "--case", str(number)]) == 0
    out = capsys.readouterr().out
    assert "J_0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64)" in out
    assert re.search(r"^Y1\s+= [0-9a-f]{32}", out, re.M)
    assert re.search(r"^E\(K,Y1\)\s+= [0-9a-f]{32}", out, re.M)


def test_trace_gcm_long_iv_values_match_the_paper(capsys):
    """Test case 6 of McGrew-Viega Appendix B: Y0 and E(K, Y0) as printed in the paper."""
    from refkx.tools.trace import mcgrew_viega_case
    case = mcgrew_viega_case(6)
    assert cli.main(["trace", "gcm", "--case", "6"]) == 0
    out = capsys.readouterr().out
    assert f"Y0       = {case['Y0'].hex()}" in out
