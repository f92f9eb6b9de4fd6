"""Vectors for ML-KEM (FIPS 203): KAT files, NIST ACVP sets and Wycheproof.

Files (vectors/mlkem/, all gzipped; provenance in vectors/SOURCES.md):

* kat_MLKEM_{512,768,1024}.rsp.gz: 1000 records each (d, z, msg -> pk, sk,
  ct, ss, and ct_n / ss_n: a ciphertext not made for the key and the
  implicit-rejection key J(z || ct_n) that decapsulation must return). Case
  `kat-mlkem768-count17` checks KeyGen_internal, Encaps_internal, Decaps and
  the implicit rejection of one record. Every record whose count is not a
  multiple of KAT_SUBSET_STEP is marked slow: `python -m refkx vectors` runs
  the every-20th subset by default and all 3000 with --slow.
* acvp-ML-KEM-{keyGen,encapDecap}-FIPS203-{prompt,expectedResults}.json.gz:
  NIST ACVP vector set 42 (keyGen: d, z -> ek, dk; encapsulation: ek, m -> c,
  k; decapsulation: dk, c -> k, some with modified c giving the
  implicit-rejection key). Ids `acvp-keyGen-tg2-tc31`, `acvp-encapDecap-tg5-tc83`.
* mlkem_{set}_{test,encaps_test,keygen_seed_test,semi_expanded_decaps_test}.json.gz:
  Wycheproof (all four kinds: decapsulation from a 64-byte seed, encapsulation
  with the §7.2 modulus check, key generation from a seed, decapsulation with
  the expanded key and the §7.3 checks). Ids `wycheproof-mlkem768-encaps-tc2`.
  Invalid cases must raise ValueError (InvalidKey is one) and nothing else.
"""

from __future__ import annotations

import gzip
import json
from typing import Callable, Iterator

from .. import mlkem
from . import Case, vector_path
from .parsers import unhex

SOURCE_KAT = "FIPS 203 KAT (cryptography-vectors asymmetric/MLKEM)"
SOURCE_ACVP = "NIST ACVP ML-KEM FIPS203 (vsId 42)"
SOURCE_WYCHEPROOF = "Wycheproof ML-KEM"
KAT_SUBSET_STEP = 20
SETS = {"512": mlkem.ML_KEM_512, "768": mlkem.ML_KEM_768, "1024": mlkem.ML_KEM_1024}
PRIVATE_CLASSES = {"512": mlkem.MLKEM512PrivateKey, "768": mlkem.MLKEM768PrivateKey,
                   "1024": mlkem.MLKEM1024PrivateKey}
WYCHEPROOF_KINDS = ("test", "encaps_test", "keygen_seed_test", "semi_expanded_decaps_test")


def read_text(*parts: str) -> str:
    path = vector_path(*parts)
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return handle.read()
    return path.read_text()


def kat_records(set_name: str) -> Iterator[dict[str, str]]:
    """The records of kat_MLKEM_<set>.rsp: `key = value` lines, each record starting at `count`."""
    record: dict[str, str] = {}
    for line in read_text("mlkem", f"kat_MLKEM_{set_name}.rsp.gz").splitlines():
        key, separator, value = line.strip().partition(" = ")
        if not separator:
            continue
        if key == "count" and record:
            yield record
            record = {}
        record[key] = value
    if record:
        yield record


def _expect(case_id: str, what: str, got: bytes, expected: bytes) -> None:
    assert got == expected, f"{case_id}: {what} {got.hex()[:64]}... != {expected.hex()[:64]}..."


def _expect_rejected(case_id: str, action: Callable[[], object]) -> None:
    """The action must raise ValueError (InvalidKey is a subclass); anything else fails."""
    try:
        action()
    except ValueError:
        return
    raise AssertionError(f"{case_id}: an invalid input was accepted")


def _kat_case(set_name: str, record: dict[str, str]) -> Case:
    params = SETS[set_name]
    count = int(record["count"])
    case_id = f"kat-mlkem{set_name}-count{count}"
    d, z, msg = unhex(record["d"]), unhex(record["z"]), unhex(record["msg"])
    pk, sk, ct, ss = (unhex(record[key]) for key in ("pk", "sk", "ct", "ss"))
    ct_n, ss_n = unhex(record["ct_n"]), unhex(record["ss_n"])

    def run() -> None:
        ek, dk = mlkem.keygen_internal(d, z, params)
        _expect(case_id, "ek", ek, pk)
        _expect(case_id, "dk", dk, sk)
        K, c = mlkem.encaps_internal(ek, msg, params)
        _expect(case_id, "c", c, ct)
        _expect(case_id, "K", K, ss)
        _expect(case_id, "Decaps(c)", mlkem.decaps(dk, c, params), ss)
        _expect(case_id, "Decaps(ct_n) (implicit rejection)", mlkem.decaps(dk, ct_n, params), ss_n)

    return Case(SOURCE_KAT, case_id, run, slow=count % KAT_SUBSET_STEP != 0)


def _load_json(name: str) -> dict:
    return json.loads(read_text("mlkem", name))


def _acvp_cases() -> Iterator[Case]:
    for mode in ("keyGen", "encapDecap"):
        prompt = _load_json(f"acvp-ML-KEM-{mode}-FIPS203-prompt.json.gz")
        results = _load_json(f"acvp-ML-KEM-{mode}-FIPS203-expectedResults.json.gz")
        answers = {(group["tgId"], test["tcId"]): test
                   for group in results["testGroups"] for test in group["tests"]}
        for group in prompt["testGroups"]:
            params = mlkem.PARAMETER_SETS[group["parameterSet"]]
            for test in group["tests"]:
                answer = answers[(group["tgId"], test["tcId"])]
                case_id = f"acvp-{mode}-tg{group['tgId']}-tc{test['tcId']}"
                yield Case(SOURCE_ACVP, case_id,
                           _acvp_run(case_id, mode, group, test, answer, params))


def _acvp_run(case_id, mode, group, test, answer, params) -> Callable[[], None]:
    if mode == "keyGen":
        def run() -> None:
            ek, dk = mlkem.keygen_internal(unhex(test["d"]), unhex(test["z"]), params)
            _expect(case_id, "ek", ek, unhex(answer["ek"]))
            _expect(case_id, "dk", dk, unhex(answer["dk"]))
    elif group["function"] == "encapsulation":
        def run() -> None:
            K, c = mlkem.encaps_internal(unhex(test["ek"]), unhex(test["m"]), params)
            _expect(case_id, "c", c, unhex(answer["c"]))
            _expect(case_id, "K", K, unhex(answer["k"]))
    else:
        def run() -> None:
            K = mlkem.decaps(unhex(group["dk"]), unhex(test["c"]), params)
            _expect(case_id, "K", K, unhex(answer["k"]))
    return run


def _wycheproof_cases(set_name: str, kind: str) -> Iterator[Case]:
    params = SETS[set_name]
    data = _load_json(f"mlkem_{set_name}_{kind}.json.gz")
    short_kind = {"test": "decaps-seed", "encaps_test": "encaps", "keygen_seed_test": "keygen",
                  "semi_expanded_decaps_test": "decaps-expanded"}[kind]
    for group in data["testGroups"]:
        for test in group["tests"]:
            case_id = f"wycheproof-mlkem{set_name}-{short_kind}-tc{test['tcId']}"
            valid = test["result"] == "valid"
            yield Case(SOURCE_WYCHEPROOF, case_id,
                       _wycheproof_run(case_id, set_name, kind, test, valid, params))


def _wycheproof_run(case_id, set_name, kind, test, valid, params) -> Callable[[], None]:
    get = lambda key: unhex(test.get(key, ""))      # noqa: E731 (a one-line accessor)
    if kind == "test":
        def action():
            key = PRIVATE_CLASSES[set_name].from_seed_bytes(get("seed"))
            if valid:
                _expect(case_id, "ek", key.public_key().public_bytes_raw(), get("ek"))
            return key.decapsulate(get("c"))
    elif kind == "encaps_test":
        def action():
            K, c = mlkem.encaps_internal(get("ek"), get("m"), params)
            if valid:
                _expect(case_id, "c", c, get("c"))
            return K
    elif kind == "keygen_seed_test":
        def action():
            seed = get("seed")
            ek, dk = mlkem.keygen_internal(seed[:32], seed[32:], params)
            _expect(case_id, "ek", ek, get("ek"))
            _expect(case_id, "dk", dk, get("dk"))
            return None
    else:
        def action():
            return mlkem.decaps(get("dk"), get("c"), params)

    def run() -> None:
        if not valid:
            _expect_rejected(case_id, action)
            return
        K = action()
        if "K" in test:
            _expect(case_id, "K", K, get("K"))

    return run


def cases() -> Iterator[Case]:
    for set_name in SETS:
        for record in kat_records(set_name):
            yield _kat_case(set_name, record)
    yield from _acvp_cases()
    for set_name in SETS:
        for kind in WYCHEPROOF_KINDS:
            yield from _wycheproof_cases(set_name, kind)
