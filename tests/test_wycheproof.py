"""Project Wycheproof vectors (refkx.kat.wycheproof) under every implementation.

Every case runs under the fast implementation. Under the readable one every case runs
too, except in the RSA decryption files (rsa_oaep_*, rsa_pkcs1_*), where a deterministic
subset runs: the tests whose tcId is 1 mod READABLE_RSA_DECRYPTION_EVERY (the readable
and fast RSA private operations are also compared directly in tests/test_fast_paths.py).
This keeps the file within the CI budget. Decryption tests with keys above 4096 bits are
marked slow (run with --slow).
"""

import gzip
import json
import re
from pathlib import Path

import pytest

from refkx import impl
from refkx.kat import VECTORS_DIR, area_cases
from refkx.kat import wycheproof

READABLE_RSA_DECRYPTION_EVERY = 8
RSA_DECRYPTION_FILES = ("rsa_oaep_", "rsa_pkcs1_")
SOURCES = Path(__file__).resolve().parents[1] / "vectors" / "SOURCES.md"

CASES = area_cases("wycheproof")


def _tc_id(case) -> int:
    return int(re.search(r"-tc(\d+)$", case.id).group(1))


def _file_of(case) -> str:
    return case.source.removeprefix("Wycheproof ")


def _runs_under(case, mode: str) -> bool:
    if mode == impl.FAST or not _file_of(case).startswith(RSA_DECRYPTION_FILES):
        return True
    return _tc_id(case) % READABLE_RSA_DECRYPTION_EVERY == 1


def _params():
    for mode in impl.IMPLEMENTATIONS:
        for case in CASES:
            if _runs_under(case, mode):
                yield pytest.param(case, mode, id=f"{mode}-{case.id}",
                                   marks=[pytest.mark.slow] if case.slow else [])


@pytest.mark.parametrize(("case", "implementation"), list(_params()), indirect=["implementation"])
def test_wycheproof(case, implementation):
    """`implementation` (tests/conftest.py) runs the case under refkx.impl.using(mode)."""
    case.run()


def test_every_test_of_every_file_is_a_case():
    """No Wycheproof test is dropped silently: cases + skipped = numberOfTests, per file."""
    per_file = {}
    for case in wycheproof.cases():
        per_file[_file_of(case)] = per_file.get(_file_of(case), 0) + 1
    skipped = {}
    for name, _, _ in wycheproof.skipped():
        skipped[name] = skipped.get(name, 0) + 1
    names = wycheproof.files()
    assert len(names) >= 53
    for name in names:
        data = wycheproof.load(name)
        tests = [t["tcId"] for g in data["testGroups"] for t in g["tests"]]
        assert len(tests) == data["numberOfTests"] == len(set(tests)), name
        assert per_file.get(name, 0) + skipped.get(name, 0) == len(tests), name
    # Everything vendored is something refkx implements: nothing is skipped today.
    assert wycheproof.skipped() == []


def test_ids_name_file_and_tcid():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert "wycheproof-x25519_test-tc33" in ids
    assert all(re.fullmatch(r"wycheproof-[a-z0-9_]+_test-tc\d+", i) for i in ids)


def test_unsupported_parameters_are_skipped_with_a_reason(tmp_path, monkeypatch):
    """A group refkx cannot run (an XOF hash, another MGF, a short tag, an unknown type)
    is counted with its reason, not silently dropped and not run wrongly."""
    data = wycheproof.load("rsa_pss_2048_sha256_mgf1_32_test.json")
    group = data["testGroups"][0]
    shake = dict(group, sha="SHAKE128", mgfSha="SHAKE128")
    other_mgf = dict(group, mgf="MGF2")
    gcm = wycheproof.load("aes_gcm_test.json")["testGroups"][0]
    short_tag = dict(gcm, tagSize=96)
    unknown = dict(group, type="EcdsaVerify")
    made = {"numberOfTests": 4 * len(group["tests"]) + len(gcm["tests"]),
            "testGroups": [shake, other_mgf, short_tag, unknown,
                           dict(group, tests=group["tests"])]}
    folder = tmp_path / "wycheproof"
    folder.mkdir()
    with gzip.open(folder / "made_up_test.json.gz", "wt") as f:
        json.dump(made, f)
    monkeypatch.setattr(wycheproof, "VECTORS_DIR", tmp_path)
    monkeypatch.setattr("refkx.kat.VECTORS_DIR", tmp_path)
    cases = list(wycheproof.cases())
    assert len(cases) == len(group["tests"])
    reasons = wycheproof.skipped_reasons()
    n = len(group["tests"])
    assert reasons == {"hash SHAKE128 not in hashlib (or an XOF)": n,
                       "mask generation function MGF2 (refkx: MGF1 only)": n,
                       "tag of 96 bits (refkx: 128 only)": len(gcm["tests"]),
                       "test group type EcdsaVerify": n}


def test_every_vendored_file_is_in_sources():
    text = SOURCES.read_text()
    for name in wycheproof.files():
        assert name in text or _pattern_listed(name, text), name


def _pattern_listed(name: str, text: str) -> bool:
    # SOURCES.md lists families with shell-style patterns: rsa_oaep_*_test, hkdf_sha{1,256}_test.
    for pattern in re.findall(r"`wycheproof/([^`]+)`", text):
        regex = re.escape(pattern.removesuffix(".gz")).replace(r"\*", ".*")
        regex = re.sub(r"\\\{([^}]*)\\\}", lambda m: "(" + m.group(1).replace(",", "|") + ")", regex)
        if re.fullmatch(regex, name):
            return True
    return False


def test_vector_files_are_gzipped_originals():
    for path in (VECTORS_DIR / "wycheproof").iterdir():
        assert path.name.endswith(".json.gz"), path.name
