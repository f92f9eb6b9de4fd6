"""Vectors for finite-field Diffie–Hellman (refkx.dh, refkx.dh_groups).

* RFC 5114 Appendix A.1–A.3: both parties' static keys and Z for the three RFC 5114
  groups (file `dh/RFC5114.txt`, which also repeats each group's p, q, g).
* NIST CAVP KAS FFC validity tests, dhStatic, no key confirmation, ZZ only
  (`KASValidityTest_FFCStatic_NOKC_ZZOnly_{init,resp}.fax`): every case must reproduce
  its Result, P or F, and an F for the reason the file gives (see `_cavp_verdict`).
* The RFC 3526 §2–§7 and RFC 7919 Appendix A group parameters as published, compared
  with refkx.dh_groups (the recomputation from pi and e is in tests/test_dh_groups.py).
"""

from __future__ import annotations

from ..dh import GROUPS, DHGroup, DHPrivateKey, DHPublicKey
from ..errors import InvalidKey
from . import Case, vector_path
from .parsers import parse_key_value_blocks, parse_records_by_key, unhex

# RFC 5114 Appendix A.1-A.3, in file order.
RFC5114_CASES = (("A.1", "rfc5114_1024_160"), ("A.2", "rfc5114_2048_224"),
                 ("A.3", "rfc5114_2048_256"))

# RFC 3526 sections 2-7, in file order (COUNT 0-5).
RFC3526_SECTIONS = (("2", "modp1536"), ("3", "modp2048"), ("4", "modp3072"),
                    ("5", "modp4096"), ("6", "modp6144"), ("7", "modp8192"))

# SP 800-56A parameter sets of the CAVP files: FA = 1024/160, FB = 2048/224,
# FC = 2048/256, with the security strengths of SP 800-56A Rev. 3 Table 25.
CAVP_STRENGTH = {"FA": 80, "FB": 112, "FC": 112}

# CAVP result codes ("Result = F (3 - IUT's Static public key fails PKV 5.6.2.4)").
CAVS_PUBLIC_KEY_INVALID = 1   # the peer's (CAVS's) public key fails validation
IUT_PUBLIC_KEY_INVALID = 3    # our own public key fails validation
IUT_PRIVATE_KEY_CHANGED = 4   # our x does not match our y (pair-wise consistency)
Z_CHANGED = 5                 # Z differs


def _x_y_pair(rec: dict[str, str], who: str) -> tuple[int, int]:
    return int(rec[f"Xstat{who}"], 16), int(rec[f"Ystat{who}"], 16)


def _rfc5114_case(section: str, group: DHGroup, rec: dict[str, str]) -> Case:
    def run() -> None:
        p, q, g = (int(rec[k], 16) for k in ("P", "Q", "G"))
        assert (p, q, g) == (group.p, group.q, group.g), f"{group.name}: p, q, g differ"
        x_cavs, y_cavs = _x_y_pair(rec, "CAVS")
        x_iut, y_iut = _x_y_pair(rec, "IUT")
        z_expected = unhex(rec["Z"])
        cavs, iut = DHPrivateKey(group, x_cavs), DHPrivateKey(group, x_iut)
        assert cavs.public_key().y == y_cavs, "CAVS public key"
        assert iut.public_key().y == y_iut, "IUT public key"
        z1 = iut.exchange(DHPublicKey(group, y_cavs))
        z2 = cavs.exchange(DHPublicKey(group, y_iut))
        assert z1 == z2 == z_expected, f"Z {z1.hex()} / {z2.hex()}"

    return Case("RFC 5114 Appendix A (DH test data)", f"rfc5114-{section}", run)


def _cavp_verdict(group: DHGroup, rec: dict[str, str]) -> tuple[int, bytes | None]:
    """What an SP 800-56A IUT concludes: (0, Z) or (failure code, None).

    The checks run in the order an implementation would: assurance about our own
    key pair first (public-key validation §5.6.2.3.1, then pair-wise consistency
    §5.6.2.1.4: y = g^x), then validation of the peer's public key, then the primitive.
    """
    x_iut, y_iut = _x_y_pair(rec, "IUT")
    _, y_cavs = _x_y_pair(rec, "CAVS")
    try:
        DHPublicKey(group, y_iut)
    except InvalidKey:
        return IUT_PUBLIC_KEY_INVALID, None
    try:
        ours = DHPrivateKey(group, x_iut)
    except InvalidKey:
        return IUT_PRIVATE_KEY_CHANGED, None
    if ours.public_key().y != y_iut:
        return IUT_PRIVATE_KEY_CHANGED, None
    try:
        theirs = DHPublicKey(group, y_cavs)
    except InvalidKey:
        return CAVS_PUBLIC_KEY_INVALID, None
    z = ours.exchange(theirs)
    return (0, z) if z == unhex(rec["Z"]) else (Z_CHANGED, z)


def _cavp_case(role: str, param_set: str, group: DHGroup, rec: dict[str, str]) -> Case:
    result = rec["Result"]                      # e.g. "F (5 - Z changed )"
    expected_pass = result.startswith("P")
    expected_code = int(result.split("(", 1)[1].split("-", 1)[0])

    def run() -> None:
        code, z = _cavp_verdict(group, rec)
        if expected_pass:
            assert code == 0, f"expected P, got failure code {code}"
            # Code 10: Z has a leading zero nibble; it must keep its full length.
            assert len(z) == group.byte_length and z.hex() == rec["Z"].lower()
            # The CAVS side of the same exchange agrees.
            x_cavs, _ = _x_y_pair(rec, "CAVS")
            _, y_iut = _x_y_pair(rec, "IUT")
            assert DHPrivateKey(group, x_cavs).exchange(DHPublicKey(group, y_iut)) == z
        else:
            assert code == expected_code, f"expected F code {expected_code}, got {code}"

    case_id = f"cavp-kasffc-zzonly-{role}-{param_set}-count{rec['COUNT']}"
    return Case("NIST CAVP KAS FFC ZZ-only validity (SP 800-56A)", case_id, run)


def _cavp_cases(role: str):
    path = vector_path("dh", f"KASValidityTest_FFCStatic_NOKC_ZZOnly_{role}.fax")
    group = None
    for rec in parse_key_value_blocks(path):
        param_set = rec["section"].split()[0]               # "FA - SHA1" -> "FA"
        if "P" in rec:                                     # the section's domain parameters
            p, q, g = (int(rec[k], 16) for k in ("P", "Q", "G"))
            group = DHGroup(f"cavp-{param_set}", p, g, q, CAVP_STRENGTH[param_set])
            continue
        if "Result" in rec:
            assert group is not None and group.name == f"cavp-{param_set}"
            yield _cavp_case(role, param_set, group, rec)


def _group_parameters_case(source: str, case_id: str, group: DHGroup, p: int, g: int,
                           extra=None) -> Case:
    def run() -> None:
        assert group.p == p, f"{group.name}: p differs from the published value"
        assert group.g == g, f"{group.name}: g differs"
        assert group.q == (p - 1) // 2 and group.is_safe_prime
        if extra is not None:
            extra()

    return Case(source, case_id, run)


def _rfc7919_case(rec: dict[str, str]) -> Case:
    group = GROUPS[rec["section"]]
    short_exponent_bits = int(rec["ShortExponentBits"])

    def extra() -> None:
        assert group.bit_length == int(rec["b"])
        # RFC 7919 §5.2 / App. A: "a secret key of at least ... bits".
        assert group.exponent_bits >= short_exponent_bits

    return _group_parameters_case("RFC 7919 Appendix A (FFDHE groups)",
                                  f"rfc7919-{rec['Section']}-{group.name}", group,
                                  int(rec["P"].replace(" ", ""), 16), int(rec["G"]), extra)


def cases():
    records = parse_records_by_key(vector_path("dh", "RFC5114.txt"), "COUNT")
    assert len(records) == len(RFC5114_CASES), "unexpected RFC5114.txt layout"
    for (section, name), rec in zip(RFC5114_CASES, records):
        yield _rfc5114_case(section, GROUPS[name], rec)
    for role in ("init", "resp"):
        yield from _cavp_cases(role)
    records = parse_records_by_key(vector_path("dh", "rfc3526.txt"), "COUNT")
    assert len(records) == len(RFC3526_SECTIONS), "unexpected rfc3526.txt layout"
    for (section, name), rec in zip(RFC3526_SECTIONS, records):
        yield _group_parameters_case("RFC 3526 §2-§7 (MODP groups)",
                                     f"rfc3526-{section}-{name}", GROUPS[name],
                                     int(rec["P"], 16), int(rec["G"]))
    for rec in parse_key_value_blocks(vector_path("dh", "rfc7919-appendix-a.txt")):
        yield _rfc7919_case(rec)
