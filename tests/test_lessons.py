"""The lessons (refkx/tools/lessons): each attack works on its weak variant and fails on refkx.
The lessons on refkx.tls have their own file, tests/test_lessons_tls.py.

These tests check the key facts of each lesson (the recovered key equals the victim's key,
the forgery opens, refkx refuses), not the prose. A test here fails if an attack stops
working against the weak variant or starts working against refkx.
"""

import io
import random
import secrets

import pytest

from refkx.gcm import AESGCM
from refkx.tools import lessons
from refkx.tools.lessons import nonce_reuse, padding_oracle, replay, small_subgroup


def run_quietly(name, **kw):
    out = io.StringIO()
    code = lessons.run_lesson(name, out=out, **kw)
    return code, out.getvalue()


# --- the registry and the verdict contract ---------------------------------------------------

def test_list_names_every_lesson(capsys):
    assert lessons.list_lessons() == 0
    out = capsys.readouterr().out
    for name in lessons.LESSONS:
        assert name in out


def test_unknown_lesson_is_a_usage_error(capsys):
    assert lessons.run_lesson("no-such-lesson") == 2
    assert "unknown lesson" in capsys.readouterr().err


@pytest.mark.parametrize("name", list(lessons.LESSONS))
def test_every_lesson_ends_with_an_as_taught_verdict(name):
    code, out = run_quietly(name)
    assert out.rstrip().splitlines()[-1].startswith("verdict: as taught"), out[-400:]
    assert code == 0


def test_weak_variants_are_unreachable_from_the_library():
    """No module of refkx outside refkx/tools imports refkx.tools (so no lesson's weak
    variant can be reached from the library's API); refkx/__main__.py, the command line's
    entry point, is the one exception."""
    import ast
    import pathlib

    import refkx
    root = pathlib.Path(refkx.__file__).parent
    for path in root.rglob("*.py"):
        if "tools" in path.relative_to(root).parts or path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert "tools" not in name.split("."), f"{path} imports {name}"


def test_outcome_exit_codes():
    assert lessons.Outcome(True, True, "", "").exit_code == 0
    assert lessons.Outcome(False, True, "", "").exit_code == 1
    assert lessons.Outcome(True, False, "", "").exit_code == 1
    assert lessons.Outcome(True, False, "", "").verdict_line().startswith("verdict: NOT as taught")


# --- nonce-reuse -------------------------------------------------------------------------------

def test_gf_sqrt_and_inverse():
    x = int.from_bytes(secrets.token_bytes(16), "big") | 1
    one = 1 << 127
    assert nonce_reuse.gf_mult(x, nonce_reuse.gf_inverse(x)) == one
    root = nonce_reuse.gf_sqrt(x)
    assert nonce_reuse.gf_mult(root, root) == x


def test_nonce_reuse_breaks_the_weak_layer():
    key, iv = secrets.token_bytes(16), secrets.token_bytes(12)
    weak = nonce_reuse.against_weak(key, iv)
    assert weak["H"] == AESGCM(key)._H                     # the GHASH key itself
    assert weak["inner_2"][:-1] == nonce_reuse.SECRET_MESSAGE
    assert weak["accepted"] == nonce_reuse.CHOSEN_MESSAGE  # the forgery opens


def test_nonce_reuse_fails_against_refkx_records():
    ours = nonce_reuse.against_refkx(secrets.token_bytes(32))
    assert ours["delivered"] == [nonce_reuse.KNOWN_MESSAGE, nonce_reuse.SECRET_MESSAGE]
    assert ours["nonces"][0] != ours["nonces"][1]
    assert ours["H"] != ours["true_H"]
    assert ours["inner_2"][:-1] != nonce_reuse.SECRET_MESSAGE
    assert ours["refusals"] and all(refused for _, refused in ours["refusals"])




# --- replay ----------------------------------------------------------------------------------

def test_replay_is_executed_by_the_weak_layer():
    weak = replay.against_weak()
    assert weak["executed"] == [replay.PAYMENT] * (1 + replay.REPLAYS)


def test_replay_is_refused_by_refkx():
    ours = replay.against_refkx()
    assert ours["executed"] == [replay.PAYMENT]      # the genuine record went through
    assert ours["refused"] and ours["alert"] == "bad_record_mac" and ours["connection_dead"]


# --- small-subgroup ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def weak_dh_group():
    return small_subgroup.weak_group(*small_subgroup.DEFAULT_SIZES)


def test_weak_group_has_the_advertised_structure(weak_dh_group):
    group, factors = weak_dh_group
    assert not group.is_safe_prime
    assert pow(group.g, group.q, group.p) == 1
    for f in factors:
        assert (group.p - 1) % f == 0
        h = small_subgroup.element_of_order(group, f)
        assert h != 1 and pow(h, f, group.p) == 1
    assert small_subgroup.weak_group(*small_subgroup.DEFAULT_SIZES)[0].p == group.p  # seeded


def test_small_subgroup_recovers_the_static_key(weak_dh_group):
    group, factors = weak_dh_group
    x = small_subgroup.generate_private_value(group)
    found = small_subgroup.attack(small_subgroup.WeakStaticServer(group, x), group, factors)
    assert found["recovered_x"] == x
    assert found["queries"] == len(factors)


def test_small_subgroup_refused_by_refkx_dh(weak_dh_group):
    group, factors = weak_dh_group
    x = small_subgroup.generate_private_value(group)
    server = small_subgroup.RefkxStaticServer(group, x)
    # An honest client's value works (the refusal below is not a broken server) ...
    honest = small_subgroup.DHPrivateKey.generate(group)
    assert server.handshake(honest.public_key().y) == small_subgroup.finished_tag(
        group, int.from_bytes(honest.exchange(small_subgroup.DHPublicKey(
            group, server.public_value)), "big"))
    # ... and the attack stops at its first small-order element, having learned nothing.
    ours = small_subgroup.attack(server, group, factors)
    assert ours["refusal"] is not None and ours["residues"] == [] and ours["recovered_x"] is None


# --- padding-oracle ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def padding_run():
    rng = random.Random(padding_oracle.SEED)
    key = padding_oracle.teaching_key(padding_oracle.DEFAULT_BITS, rng)
    weak = padding_oracle.against_weak(key, rng)
    return key, weak, padding_oracle.against_refkx(key, weak, rng)


def test_bleichenbacher_decrypts_through_the_weak_server(padding_run):
    key, weak, _ = padding_run
    assert weak["recovered"] == weak["secret"]
    assert weak["plaintext"] == padding_oracle.MESSAGE
    assert weak["yes"] and weak["queries"] < 20_000


def test_bleichenbacher_gets_nothing_from_refkx(padding_run):
    key, weak, ours = padding_run
    assert ours["genuine_ir"] == ours["genuine_oaep"] == padding_oracle.OK
    # The queries that said "yes" to the weak server get the answer its "no" queries get.
    assert len(ours["ir_yes"]) == padding_oracle.SAMPLE
    assert set(ours["ir_yes"]) == set(ours["ir_no"]) == {padding_oracle.ALERT_BAD_RECORD_MAC}
    assert ours["oaep_yes"] and set(ours["oaep_yes"]) == set(ours["oaep_no"])
    assert ours["ir_attack"]["recovered"] != weak["secret"]
    assert ours["oaep_attack"]["recovered"] != weak["secret"]


def test_bleichenbacher_on_refkx_explicit_rejection_would_leak(padding_run):
    """refkx.pkcs1's default explicit rejection is an oracle if the caller shows it: the
    reason implicit rejection exists (and why the lesson's refkx server uses it)."""
    key, weak, _ = padding_run
    c = padding_oracle.os2ip(weak["recorded"]["C"])

    def outcome(s):
        probe = padding_oracle.i2osp(c * pow(s, key.e, key.n) % key.n, key.k)
        try:
            padding_oracle.rsaes_pkcs1_v1_5_decrypt(key, probe)
            return "decoded"
        except padding_oracle.DecryptionError:
            return "DecryptionError"

    assert "decoded" in {outcome(s) for s in weak["yes"][:50]}
    assert {outcome(s) for s in weak["no"][:5]} == {"DecryptionError"}


# --- the command line ------------------------------------------------------------------------

def _cli(*args):
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-m", "refkx", "lesson", *args], cwd=root,
                          capture_output=True, text=True, timeout=120)


def test_cli_lesson_list_run_and_unknown():
    listed = _cli("--list")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(lessons.LESSONS)
    ran = _cli("replay")
    assert ran.returncode == 0 and ran.stdout.rstrip().splitlines()[-1].startswith("verdict:")
    assert _cli("no-such-lesson").returncode == 2
    assert _cli().returncode == 2


def test_a_lesson_that_breaks_still_ends_with_a_verdict(monkeypatch):
    class Broken:
        SUMMARY = "broken"

        @staticmethod
        def run(narrator, full=False):
            raise RuntimeError("boom")

    monkeypatch.setattr(lessons, "lesson_module", lambda name: Broken)
    code, out = run_quietly("replay")
    assert code == 1
    assert out.rstrip().splitlines()[-1].startswith("verdict: NOT as taught")
