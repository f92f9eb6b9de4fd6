"""`python -m refkx trace mlkem`: the FIPS 203 layout, the published values it ends in,
the implicit-rejection path, and readable code only."""

import argparse

import pytest

from refkx import impl, mlkem
from refkx.kat.mlkem import kat_records
from refkx.tools import trace
from refkx.tools.trace_mlkem import mlkem_lines


def args(**overrides):
    parser = argparse.ArgumentParser()
    parser.add_argument("topic")
    trace.add_arguments(parser)
    namespace = parser.parse_args(["mlkem"])
    for key, value in overrides.items():
        setattr(namespace, key, value)
    return namespace


def test_default_trace_ends_in_the_kat_record():
    record = next(kat_records("768"))
    text = "\n".join(mlkem_lines())
    for heading in ("Algorithm 16 ML-KEM.KeyGen_internal", "Algorithm 13 K-PKE.KeyGen",
                    "Algorithm 17 ML-KEM.Encaps_internal", "Algorithm 14 K-PKE.Encrypt",
                    "Algorithm 18 ML-KEM.Decaps_internal", "Algorithm 15 K-PKE.Decrypt"):
        assert heading in text
    for name in ("rho", "sigma", "A_hat[2][2]", "s[0]", "e[2]", "s_hat[0]", "t_hat[2]", "y[0]",
                 "e1[2]", "e2", "y_hat[0]", "u[0]", "mu", "v", "c1", "c2", "u'[0]", "v'", "w",
                 "m'", "K'", "K_bar"):
        assert f"    {name}" in text, name
    assert record["ss"] in text                        # K of record count 0
    assert "c == c'                      True" in text


def test_full_prints_every_coefficient_and_byte():
    record = next(kat_records("768"))
    text = "\n".join(mlkem_lines(full=True))
    ct_lines = []
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("    c      "))
    ct_lines.append(lines[start].split()[-1])
    for line in lines[start + 1:]:
        if not line.startswith(" " * 33):
            break
        ct_lines.append(line.strip())
    assert "".join(ct_lines) == record["ct"]


def test_reject_shows_the_implicit_rejection_key():
    lines = mlkem_lines("512", reject=True)
    text = "\n".join(lines)
    assert "c == c'                      False" in text
    K_bar = next(line.split()[-1] for line in lines if line.startswith("    K_bar"))
    K = [line.split()[-1] for line in lines if line.startswith("    K  ")][-1]   # step 12
    assert K == K_bar and "implicit-rejection key comes back" in text


def test_inputs_and_sets():
    d, z, m = bytes(32), bytes(range(32)), bytes([7]) * 32
    ek, dk = mlkem.keygen_internal(d, z, mlkem.ML_KEM_1024)
    K, _ = mlkem.encaps_internal(ek, m, mlkem.ML_KEM_1024)
    assert K.hex() in "\n".join(mlkem_lines("1024", d, z, m))
    with pytest.raises(ValueError):
        mlkem_lines("999")
    with pytest.raises(ValueError):
        mlkem_lines("768", d=bytes(31))


def test_cli_runs_readable_code(monkeypatch, capsys):
    from refkx.fast import mlkem as twin

    def refuse(*_):
        raise AssertionError("the trace ran the fast twin")

    for name in ("keygen_internal", "encaps_internal", "decaps"):
        monkeypatch.setattr(twin, name, refuse)
    with impl.using("fast"):
        assert trace.run_trace(args()) == 0
    assert "Algorithm 18" in capsys.readouterr().out
    assert trace.run_trace(args(d="00")) == 2             # a usage error, not a traceback
