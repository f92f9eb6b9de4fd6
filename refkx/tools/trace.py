"""Every intermediate value, in the layout of the document: `python -m refkx trace TOPIC`.

Topics and the documents whose intermediate values they reproduce:

- aes      FIPS 197 (2023 update) Appendix B "Cipher Example" (the round table) and
           Appendix C (the round[r].step lines, with --flat).
- gcm      McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B
           test cases (H, Y0, E(K,Y0), the GHASH values X_i, GHASH, C, T); SP 800-38D
           calls Y0 J_0 and GHASH's result S.
- x25519   RFC 7748 §5 (clamping, decoding) and the §5 ladder, one row per step.
- dh       SP 800-56A Rev. 3 §5.6.1.1.4 / §5.7.1.1 over an RFC 7919 or RFC 3526 group.
- rsa-oaep RSA Laboratories' oaep-int.txt (PKCS #1 v2.0 example; RFC 8017 §7.1.1).
- rsa-pss  RSA Laboratories' pss-int.txt (PKCS #1 v2.1 draft 2 example; RFC 8017 §8.1.1
           RSASSA-PSS-SIGN with EMSA-PSS-ENCODE §9.1.1).
- session  RFC 8446 §7.1 key schedule, every secret with its label, in the order of
           RFC 8448 §3 (on RFC 8448's inputs by default, or a fresh refkx session).
- mlkem    FIPS 203 Algorithms 13-18: every intermediate of KeyGen, Encaps and Decaps
           (refkx/tools/trace_mlkem.py); --reject takes the implicit-rejection path.
- x509     RFC 5280 §4.1: a certificate FILE (PEM or DER; --pem reads stdin) as its DER
           tree with offsets, tags and meanings, then the signature check of RFC 8017
           §8.2.2 step by step (refkx/tools/trace_x509.py; --issuer FILE for the key).

Each topic has a `*_lines(...)` function returning the text as a list of lines, so
tests compare the output with the published values. The computation itself is done
by the algorithm modules' own trace hooks (aes.trace_cipher, gcm.trace_encrypt,
x25519.trace_x25519, pkcs1.oaep_encrypt_trace / pss_sign_trace, the key schedule's
recorded values): this module only lays the values out.

CPython integers are not constant-time, and printing secrets is the point here:
never trace a key you care about.
"""

from __future__ import annotations

import re
import sys

TOPICS = ("aes", "gcm", "x25519", "dh", "rsa-oaep", "rsa-pss", "session", "mlkem", "x509")

# FIPS 197 Appendix B's example
FIPS197_B_KEY = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
FIPS197_B_INPUT = bytes.fromhex("3243f6a8885a308d313198a2e0370734")
# RFC 7748 §5.2, first X25519 test vector
RFC7748_K = bytes.fromhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")
RFC7748_U = bytes.fromhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
MV_DEFAULT_CASE = 4


# --------------------------------------------------------------------------
# Layout helpers
# --------------------------------------------------------------------------

def spaced_hex(data: bytes, per_line: int = 24) -> list[str]:
    """Bytes as 'bb f8 2f ...', per_line octets a line (the RSA Laboratories layout)."""
    octets = [f"{b:02x}" for b in data]
    return [" ".join(octets[i:i + per_line]) for i in range(0, len(octets), per_line)] or [""]


def short_hex(data: bytes, keep: int = 8) -> str:
    """'a546e36b..ba449ac4 (32 bytes)' for long values; the full hex when short."""
    if len(data) <= 2 * keep:
        return data.hex()
    return f"{data[:keep].hex()}..{data[-keep:].hex()} ({len(data)} bytes)"


def _state_rows(block: bytes) -> list[str]:
    """FIPS 197 §3.4: the state is read in column by column: s[r, c] = in[r + 4c]."""
    return [" ".join(f"{block[r + 4 * c]:02x}" for c in range(4)) for r in range(4)]


# --------------------------------------------------------------------------
# aes
# --------------------------------------------------------------------------

AES_COLUMNS = (("start", "Start of"), ("s_box", "After"), ("s_row", "After"),
               ("m_col", "After"), ("k_sch", "Round Key"))
AES_COLUMNS_2 = ("Round", "SubBytes", "ShiftRows", "MixColumns", "Value")


def aes_rows(key: bytes, block: bytes) -> list[tuple[int, str, bytes]]:
    from ..aes import trace_cipher
    return trace_cipher(key, block)


def aes_flat_lines(key: bytes, block: bytes) -> list[str]:
    """FIPS 197 Appendix C layout: 'round[ 1].start = 193de3be...'."""
    return [f"round[{rnd:2d}].{name} = {value.hex()}" for rnd, name, value in aes_rows(key, block)]


def aes_grid_lines(key: bytes, block: bytes) -> list[str]:
    """FIPS 197 Appendix B layout: one 4x4 state per column, one block of rows per round."""
    rows = aes_rows(key, block)
    by_round: dict[int, dict[str, bytes]] = {}
    for rnd, name, value in rows:
        by_round.setdefault(rnd, {})[name] = value
    width = 11                                   # "xx xx xx xx"
    head1 = "Round   " + "   ".join(h.ljust(width) for _, h in AES_COLUMNS)
    head2 = "Number  " + "   ".join(h.ljust(width) for h in AES_COLUMNS_2)
    out = [head1.rstrip(), head2.rstrip(), ""]
    blank = " " * width
    for rnd in sorted(by_round):
        states = by_round[rnd]
        cells = []
        for step, _ in AES_COLUMNS:
            value = states.get(step)
            if rnd == 0 and step == "start":
                value = states.get("input")      # Appendix B puts the input in column one
            cells.append(_state_rows(value) if value is not None else [blank] * 4)
        label = "input" if rnd == 0 else str(rnd)
        for r in range(4):
            prefix = label if r == 1 else ""
            out.append((f"{prefix:<8}" + "   ".join(c[r] for c in cells)).rstrip())
        out.append("")
    last = max(by_round)
    out += [f"{'output':<8}" + row for row in _state_rows(by_round[last]["output"])][:1]
    out += [" " * 8 + row for row in _state_rows(by_round[last]["output"])[1:]]
    return out


def aes_lines(key: bytes = FIPS197_B_KEY, block: bytes = FIPS197_B_INPUT,
              flat: bool = False) -> list[str]:
    title = (f"AES-{8 * len(key)} Cipher (FIPS 197 §5.1), "
             + ("the Appendix B example" if (key, block) == (FIPS197_B_KEY, FIPS197_B_INPUT)
                else "your key and input"))
    header = [title, f"Key    = {key.hex()}", f"Input  = {block.hex()}",
              "States are 4x4 bytes, filled column by column (§3.4)." if not flat else
              "Steps: start of round, s_box (SubBytes), s_row (ShiftRows), "
              "m_col (MixColumns), k_sch (round key).", ""]
    return header + (aes_flat_lines(key, block) if flat else aes_grid_lines(key, block))


# --------------------------------------------------------------------------
# gcm
# --------------------------------------------------------------------------

def mcgrew_viega_case(number: int) -> dict[str, bytes | list[bytes]]:
    """Test case `number` (1-18) of the vendored McGrew-Viega Appendix B file."""
    from ..kat import vector_path
    text = vector_path("gcm", "mcgrew-viega-gcm-spec-appendix-b.txt").read_text()
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        for line in block.splitlines():
            if "=" in line and not line.startswith("#"):
                name, _, value = line.partition("=")
                fields[name.strip()] = value.strip()
        if fields.get("TestCase") == str(number):
            case = {k: bytes.fromhex(v) for k, v in fields.items() if k not in ("TestCase", "X")}
            case["X"] = [bytes.fromhex(x) for x in fields.get("X", "").split(",") if x]
            return case
    raise ValueError(f"no McGrew-Viega test case {number} (1-18)")


def _j0_lines(H: bytes, iv: bytes, J_0: bytes) -> list[str]:
    """How J_0 comes from the IV (SP 800-38D §7.1 step 2), recomputed with refkx.gcm.ghash."""
    from ..gcm import BLOCK_SIZE, NONCE_SIZE, ghash
    if len(iv) == NONCE_SIZE:
        return ["J_0 = IV || 0^31 || 1   (a 96-bit IV, SP 800-38D §7.1 step 2)"]
    # s = 128 * ceil(len(IV) / 128) - len(IV); the GHASH input is IV || 0^(s+64) || [len(IV)]_64.
    s_bits = 8 * (-len(iv) % BLOCK_SIZE)
    ghash_input = iv + bytes(s_bits // 8 + 8) + (8 * len(iv)).to_bytes(8, "big")
    trace: list = []
    assert ghash(H, ghash_input, trace) == J_0
    out = [f"J_0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64)   (a {8 * len(iv)}-bit IV, "
           f"SP 800-38D §7.1 step 2; s = {s_bits})"]
    for i in range(0, len(ghash_input), BLOCK_SIZE):
        block = ghash_input[i:i + BLOCK_SIZE]
        what = "[len(IV)]_64" if i + BLOCK_SIZE == len(ghash_input) else "IV"
        out.append(f"  IV block {i // BLOCK_SIZE + 1:<3} = {block.hex()}   ({what})")
    for i, value in enumerate(trace, 1):
        out.append(f"  {'after block ' + str(i):<13}= {value.hex()}   (previous xor IV block {i}) * H")
    return out


def gcm_lines(key: bytes, iv: bytes, plaintext: bytes, aad: bytes, title: str) -> list[str]:
    from ..aes import AES
    from ..gcm import BLOCK_SIZE, inc_32, trace_encrypt
    rows = trace_encrypt(key, iv, plaintext, aad)
    values = dict(rows)
    m = -(-len(aad) // BLOCK_SIZE)
    n = -(-len(values["C"]) // BLOCK_SIZE)
    cipher = AES(key)
    out = [title, f"K  = {key.hex()}", f"P  = {plaintext.hex()}", f"A  = {aad.hex()}",
           f"IV = {iv.hex()}", "",
           f"H        = {values['H'].hex()}   H = E(K, 0^128)"]
    out += _j0_lines(values["H"], iv, values["J0"])
    out += [f"Y0       = {values['J0'].hex()}   pre-counter block (J_0 in SP 800-38D)",
            f"E(K,Y0)  = {cipher.encrypt_block(values['J0']).hex()}   masks the tag"]
    # The counter blocks Y_i = incr(Y_(i-1)) and the key stream E(K, Y_i), as in the paper.
    y = values["J0"]
    for i in range(1, n + 1):
        y = inc_32(y)
        out.append(f"{'Y' + str(i):<8} = {y.hex()}")
        out.append(f"{'E(K,Y' + str(i) + ')':<8} = {cipher.encrypt_block(y).hex()}   "
                   f"C_{i} = P_{i} xor E(K,Y{i})")
    for name, value in rows:
        if name.startswith("X_"):
            i = int(name[2:])
            if i <= m:
                what = f"A_{i}"
            elif i <= m + n:
                what = f"C_{i - m}"
            else:
                what = "len(A)||len(C)"
            out.append(f"{'X_' + str(i):<8} = {value.hex()}   (X_{i - 1} xor {what}) * H")
    out += [f"GHASH    = {values['S'].hex()}   GHASH(H, A, C) (S in SP 800-38D)",
            f"C        = {values['C'].hex()}",
            f"T        = {values['T'].hex()}   T = GHASH xor E(K,Y0)"]
    return out


# --------------------------------------------------------------------------
# x25519
# --------------------------------------------------------------------------

def x25519_lines(k: bytes = RFC7748_K, u: bytes = RFC7748_U,
                 projective: bool = False) -> list[str]:
    from ..x25519 import trace_x25519
    t = trace_x25519(k, u, projective=projective)
    width = (t["bits"] + 3) // 4
    out = ["X25519 (RFC 7748 §5): scalar multiplication on the Montgomery ladder",
           f"k (input scalar, 32 bytes LE)  = {t['k'].hex()}",
           f"u (input u-coordinate, LE)     = {t['u'].hex()}",
           f"decodeScalar25519(k): clear bits 0-2, clear bit 255, set bit 254",
           f"  k_clamped = 0x{t['k_clamped']:0{width}x}",
           f"decodeUCoordinate(u): mask bit 255, little-endian",
           f"  u         = 0x{t['u_decoded']:0{width}x}",
           "",
           "Ladder (RFC 7748 §5): for t = bits-1 down to 0: swap ^= k_t; cswap; "
           "ladder step; swap = k_t"]
    if projective:
        out.append("Values after each step (before the pending swap): "
                   "(x_2 : z_2) and (x_3 : z_3), hex")
        for row in t["rows"]:
            out.append(f"t={row['t']:3d} k_t={row['k_t']}")
            for name in ("x_2", "z_2", "x_3", "z_3"):
                out.append(f"    {name} = {row[name]:0{width}x}")
    else:
        bits = [row["k_t"] for row in t["rows"]]
        out.append(f"{len(bits)} steps, bits k_t from t = {t['rows'][0]['t']} down to "
                   f"{t['rows'][-1]['t']} (64 a line):")
        for i in range(0, len(bits), 64):
            out.append(f"  t={t['rows'][i]['t']:3d}..  " + "".join(map(str, bits[i:i + 64])))
        out.append("(--projective prints x_2, z_2, x_3, z_3 at every step)")
    out += ["", "Result: x_2 * z_2^(p-2) mod p, encoded little-endian",
            f"X25519(k, u) = {t['result'].hex()}"]
    return out


# --------------------------------------------------------------------------
# dh
# --------------------------------------------------------------------------

def _dh_group_lines(group, plen: int) -> list[str]:
    """What kind of group it is: a safe prime with short exponents (RFC 3526, RFC 7919) or an
    RFC 5114 prime with a small prime-order subgroup, whose exponents are as long as q."""
    p_hex = short_hex(group.p.to_bytes(plen, "big"))
    if group.is_safe_prime:
        return [f"p: {group.p.bit_length()}-bit safe prime (p = 2q + 1), p = {p_hex}",
                f"g = {group.g}",
                f"q = (p-1)/2: {group.q.bit_length()} bits",
                f"private exponents: {group.exponent_bits} bits, short exponents of at least "
                "twice the security strength (SP 800-56A §5.6.1.1.4; RFC 7919 §5.2)"]
    return [f"p: {group.p.bit_length()}-bit prime, not a safe prime: p - 1 = j * q with a "
            f"{group.q.bit_length()}-bit prime q (RFC 5114 §2), p = {p_hex}",
            f"g = {short_hex(group.g.to_bytes(plen, 'big'))}, of order q",
            f"q: {group.q.bit_length()} bits (the order of g)",
            f"private exponents: x in [2, q - 1], {group.q.bit_length()} bits, as long as q; "
            "every peer value needs the subgroup check y^q = 1 (SP 800-56A §5.6.2.3.1)"]


def dh_lines(group_name: str = "ffdhe2048", rng=None) -> list[str]:
    from .. import dh
    group = dh.GROUPS[group_name]
    alice = dh.DHPrivateKey.generate(group, rng=rng)
    bob = dh.DHPrivateKey.generate(group, rng=rng)
    y_a, y_b = alice.public_key(), bob.public_key()
    z_a = alice.exchange(dh.DHPublicKey.from_public_bytes(group, y_b.public_bytes()))
    z_b = bob.exchange(dh.DHPublicKey.from_public_bytes(group, y_a.public_bytes()))
    plen = (group.p.bit_length() + 7) // 8
    out = [f"Finite-field Diffie-Hellman over {group.name} (SP 800-56A Rev. 3 §5.6.1.1.4, §5.7.1.1)",
           *_dh_group_lines(group, plen),
           "",
           f"Alice: x_A ({alice.x.bit_length()} bits) = {short_hex(alice.x.to_bytes((alice.x.bit_length() + 7) // 8, 'big'))}",
           f"       y_A = g^x_A mod p  = {short_hex(y_a.public_bytes())}",
           f"Bob:   x_B ({bob.x.bit_length()} bits) = {short_hex(bob.x.to_bytes((bob.x.bit_length() + 7) // 8, 'big'))}",
           f"       y_B = g^x_B mod p  = {short_hex(y_b.public_bytes())}",
           "",
           "Each checks the other's y: 2 <= y <= p-2 and y^q = 1 mod p (§5.6.2.3.1)",
           f"Alice: Z = y_B^x_A mod p = {short_hex(z_a)}",
           f"Bob:   Z = y_A^x_B mod p = {short_hex(z_b)}",
           f"Same Z on both sides: {z_a == z_b} (both are g^(x_A x_B) mod p; "
           f"Z is left-padded to {plen} bytes)"]
    if z_a != z_b:
        raise AssertionError("DH shared secrets differ")
    return out


# --------------------------------------------------------------------------
# rsa-oaep / rsa-pss: the RSA Laboratories intermediate-value files
# --------------------------------------------------------------------------

def parse_intermediate_file(path) -> list[tuple[str, bytes]]:
    """('# Label:' line, hex lines) pairs of oaep-int.txt / pss-int.txt, in file order."""
    out: list[tuple[str, bytes]] = []
    label, hex_lines = None, []

    def flush():
        if label is not None and hex_lines:
            out.append((label, bytes.fromhex("".join(hex_lines))))

    for raw in open(path, encoding="latin-1"):
        line = raw.strip()
        if line.startswith("#"):
            flush()
            text = line.lstrip("#").strip()
            label, hex_lines = (text.rstrip(":").strip(), []) if text.endswith(":") else (None, [])
        elif label is not None and re.fullmatch(r"([0-9a-fA-F]{2}\s*)+", line):
            hex_lines.append(line.replace(" ", ""))
        elif line and label is not None and hex_lines:
            flush()
            label, hex_lines = None, []
    flush()
    return out


def _find(values: list[tuple[str, bytes]], prefix: str, start: int = 0) -> bytes:
    for label, value in values[start:]:
        if label.lower().startswith(prefix.lower()):
            return value
    raise KeyError(prefix)


# The names of refkx.pkcs1's trace (RFC 8017) against those of the documents.
OAEP_NAMES = (("lHash", "pHash = Hash(encoding parameters)"), ("DB", "DB = pHash || Padding || M"),
              ("seed", "seed"), ("dbMask", "dbMask = MGF(seed, length(DB))"),
              ("maskedDB", "maskedDB = DB xor dbMask"),
              ("seedMask", "seedMask = MGF(maskedDB, length(seed))"),
              ("maskedSeed", "maskedSeed = seed xor seedMask"),
              ("EM", "EM = maskedSeed || maskedDB"), ("C", "Ciphertext, the RSA encryption of EM"))
PSS_NAMES = (("mHash", "Message hash"),
             ("M'", "inBlock = 00 00 00 00 00 00 00 00 || messageHash || salt"),
             ("H", "hash = Hash(inBlock)"), ("DB", "DB = 00...00 01 || salt"),
             ("dbMask", "dbMask = MGF(hash, outputLen - digestLen - 1)"),
             ("maskedDB", "maskedDB = dbMask  xor DB"), ("EM", "EM = maskedDB || hash || bc"),
             ("S", "Signature, the RSA decryption of EM"))


def oaep_inputs():
    """(public key, message, seed) of oaep-int.txt, read from vectors/rsa/."""
    from ..kat import vector_path
    from ..rsa import RSAPublicKey
    values = parse_intermediate_file(vector_path("rsa", "oaep-int.txt"))
    n, e = _find(values, "Modulus"), _find(values, "Public exponent")
    return (RSAPublicKey(int.from_bytes(n, "big"), int.from_bytes(e, "big")),
            _find(values, "Message to be encrypted"), _find(values, "seed"))


def pss_inputs():
    """(private key, message, salt) of pss-int.txt, read from vectors/rsa/."""
    from ..kat import vector_path
    from ..rsa import RSAPrivateKey
    values = parse_intermediate_file(vector_path("rsa", "pss-int.txt"))
    number = {k: int.from_bytes(_find(values, k), "big")
              for k in ("Modulus", "Public exponent", "Exponent", "Prime 1", "Prime 2")}
    key = RSAPrivateKey(number["Modulus"], number["Public exponent"], number["Exponent"],
                        number["Prime 1"], number["Prime 2"])
    return key, _find(values, "Message to be signed"), _find(values, "salt")


def _value_block(name: str, doc_name: str, value: bytes) -> list[str]:
    heading = f"# {name}" + (f"   ({doc_name})" if doc_name and doc_name != name else "") + ":"
    return [heading] + spaced_hex(value) + [""]


def rsa_oaep_lines() -> list[str]:
    from ..pkcs1 import oaep_encrypt_trace
    public_key, message, seed = oaep_inputs()
    rows = oaep_encrypt_trace(public_key, message, seed, b"", "sha1")
    docs = dict(OAEP_NAMES)
    out = ["RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1) on the example of RSA Laboratories' oaep-int.txt",
           f"{public_key.n.bit_length()}-bit modulus, e = {public_key.e}, SHA-1 and MGF1-SHA-1, "
           "empty label. Names: RFC 8017 (oaep-int.txt's PKCS #1 v2.0 names in brackets).",
           "EM here has RFC 8017's leading octet Y = 0x00; oaep-int.txt's EM omits it.", ""]
    out += _value_block("Message M", "", message)
    for name, value in rows:
        out += _value_block(name, docs.get(name, ""), value)
    return out


def rsa_pss_lines() -> list[str]:
    from ..pkcs1 import pss_sign_trace
    private_key, message, salt = pss_inputs()
    rows = pss_sign_trace(private_key, message, salt, "sha1")
    docs = dict(PSS_NAMES)
    out = ["RSASSA-PSS-SIGN (RFC 8017 §8.1.1, EMSA-PSS-ENCODE §9.1.1) on the example of RSA "
           "Laboratories' pss-int.txt",
           f"{private_key.public_key().n.bit_length()}-bit modulus, SHA-1 and MGF1-SHA-1, "
           f"{len(salt)}-byte salt. Names: RFC 8017 (pss-int.txt's in brackets).", ""]
    out += _value_block("Message M", "", message)
    for name, value in rows:
        out += _value_block(name, docs.get(name, ""), value)
    return out


# --------------------------------------------------------------------------
# session: the key schedule
# --------------------------------------------------------------------------

# (name in KeySchedule.values, label used to derive it)
SCHEDULE_LABELS = {
    "early_secret": 'HKDF-Extract(0, 0) = Early Secret',
    "derived_from_early_secret": 'Derive-Secret(Early Secret, "derived", "")',
    "shared_secret": "(EC)DHE / KEM shared secret (the IKM)",
    "handshake_secret": "HKDF-Extract(derived, shared secret) = Handshake Secret",
    "transcript_hash_client_hello..server_hello": "Transcript-Hash(ClientHello..ServerHello)",
    "client_handshake_traffic_secret": 'Derive-Secret(HS, "c hs traffic", CH..SH)',
    "server_handshake_traffic_secret": 'Derive-Secret(HS, "s hs traffic", CH..SH)',
    "derived_from_handshake_secret": 'Derive-Secret(Handshake Secret, "derived", "")',
    "master_secret": "HKDF-Extract(derived, 0) = Master Secret",
    "transcript_hash_client_hello..server_finished": "Transcript-Hash(ClientHello..server Finished)",
    "client_application_traffic_secret_0": 'Derive-Secret(MS, "c ap traffic", CH..SF)',
    "server_application_traffic_secret_0": 'Derive-Secret(MS, "s ap traffic", CH..SF)',
    "exporter_master_secret": 'Derive-Secret(MS, "exp master", CH..SF)',
    "transcript_hash_client_hello..client_finished": "Transcript-Hash(ClientHello..client Finished)",
    "resumption_master_secret": 'Derive-Secret(MS, "res master", CH..CF)',
}


def _schedule_label(name: str) -> str:
    if name in SCHEDULE_LABELS:
        return SCHEDULE_LABELS[name]
    if name.endswith("_key"):
        return 'HKDF-Expand-Label(traffic secret, "key", "", key_length)  (RFC 8446 §7.3)'
    if name.endswith("_iv"):
        return 'HKDF-Expand-Label(traffic secret, "iv", "", 12)  (RFC 8446 §7.3)'
    if "traffic_secret_" in name:
        return 'HKDF-Expand-Label(previous secret, "traffic upd", "", Hash.length)  (§7.2)'
    return ""


def rfc8448_values() -> dict[str, bytes]:
    """RFC 8448 §3's values by name (vectors/tls13/rfc8448-section3.json, via refkx.kat.tls13)."""
    from ..kat.tls13 import trace
    return trace()


def session_lines_from(values, keys, title: str) -> list[str]:
    out = [title, 'Labels get the "tls13 " prefix inside HKDF-Expand-Label (RFC 8446 §7.1).', ""]
    for name, value in values:
        out.append(f"{name}")
        out.append(f"    {_schedule_label(name)}".rstrip())
        out.append(f"    {value.hex()}")
    if keys:
        out += ["", 'Traffic keys (RFC 8446 §7.3): key = HKDF-Expand-Label(secret, "key", "", 16),'
                ' iv = HKDF-Expand-Label(secret, "iv", "", 12)']
        for name, value in keys:
            out.append(f"{name:<30} {value.hex()}")
    return out


ROW_BYTES = 16          # bytes shown per field before shortening


def _row_line(row) -> str:
    offset, field, data, meaning = row
    shown = data[:ROW_BYTES].hex() + (f".. ({len(data)} B)" if len(data) > ROW_BYTES else "")
    return f"  {offset:5d}  {field:<38} {shown:<44} {meaning}".rstrip()


def message_lines(title: str, message: bytes) -> list[str]:
    """One handshake message field by field: offset, field (RFC 8446 names), bytes, meaning."""
    from ..tls.dissect import handshake_rows
    return [title, f"  {'offset':>5}  {'field':<38} {'bytes':<44} meaning",
            *map(_row_line, handshake_rows(message)), ""]


def record_lines(title: str, record: bytes) -> list[str]:
    from ..tls.dissect import record_rows
    return [title, *map(_row_line, record_rows(record)), ""]


RFC8448_MESSAGES = (("client_hello", "client"), ("server_hello", "server"),
                    ("encrypted_extensions", "server"), ("certificate", "server"),
                    ("certificate_verify", "server"), ("server_finished", "server"),
                    ("client_finished", "client"))


def rfc8448_message_lines() -> list[str]:
    from ..tls.messages import MESSAGE_NAMES
    v = rfc8448_values()
    out = ["The handshake messages of RFC 8448 §3, field by field (RFC 8446 §4 names; "
           "offsets from the start of each message)", ""]
    for name, sender in RFC8448_MESSAGES:
        message = v[name]
        label = MESSAGE_NAMES.get(message[0], name)
        arrow = "client -> server" if sender == "client" else "server -> client"
        encrypted = "" if name in ("client_hello", "server_hello") else ", sent encrypted"
        out += message_lines(f"{label} ({arrow}, {len(message)} bytes{encrypted})", message)
    out += record_lines("The server's first protected record (RFC 8446 §5.2): EncryptedExtensions "
                        ".. Finished inside", v["server_handshake_record"])
    return out


def session_lines(fresh: bool = False, kem: str = "x25519") -> list[str]:
    if not fresh:
        from ..kat.tls13 import schedule_trace      # the same computation the vectors check
        values, keys = schedule_trace()
        return rfc8448_message_lines() + session_lines_from(
            values, keys, "TLS 1.3 key schedule (RFC 8446 §7.1) on the inputs of RFC 8448 §3 "
                          "(X25519, SHA-256): compare with the RFC")
    return fresh_session_lines(kem)


def fresh_session_lines(kem: str = "x25519") -> list[str]:
    """A fresh refkx.tls handshake in this process: every record on the wire, every handshake
    message field by field, then the key schedule as the client derived it."""
    from .. import kem as kem_module
    from ..tls import Client, Server
    from ..tls import groups as tls_groups
    if not tls_groups.available(kem) or kem not in kem_module.KEMS:
        raise ValueError(f"unknown group {kem!r}")
    try:
        from .demo import self_signed
        from .net import _new_rsa_key
        key = _new_rsa_key()
        certificate = self_signed(key)
    except ImportError:
        raise ValueError("session --fresh needs refkx.x509 for the server's certificate") from None
    transport = not kem_module.KEMS[kem].forward_secrecy
    client = Client("localhost", pins=[certificate.spki_pin()], groups=[kem],
                    **({"server_transport_key": key.public_key()} if transport else {}))
    server = Server([certificate], key, groups=[kem],
                    **({"transport_keys": {kem: key}} if transport else {}))
    client.start()
    for _ in range(3):
        server.receive(client.data_to_send())
        client.receive(server.data_to_send())
    out = [f"A fresh TLS 1.3 handshake (refkx.tls, group {kem}): the records on the wire", ""]
    for sender, record in client.records:
        arrow = "client -> server" if sender == "client" else "server -> client"
        out += record_lines(f"record ({arrow}, {len(record)} bytes)", record)
    out += ["The handshake messages (decrypted by the endpoints), field by field", ""]
    for sender, name, message in client.transcript_messages:
        arrow = "client -> server" if sender == "client" else "server -> client"
        out += message_lines(f"{name} ({arrow}, {len(message)} bytes)", message)
    return out + session_lines_from(client.key_schedule_trace(), [],
                                    f"Key schedule of this connection (group {kem}), as the "
                                    "client derived it; same labels as RFC 8446 §7.1")


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _hex_arg(text: str | None, name: str) -> bytes | None:
    if text is None:
        return None
    try:
        return bytes.fromhex(text.replace(" ", "").replace(":", ""))
    except ValueError:
        raise ValueError(f"--{name} must be hex, got {text!r}") from None


MV_CASES = 18   # McGrew-Viega Appendix B has test cases 1-18

# The options each topic reads; any other option given is a usage error (not ignored).
TOPIC_OPTIONS = {
    "aes": ("key", "input", "flat"),
    "gcm": ("key", "input", "iv", "aad", "case"),
    "x25519": ("scalar", "u", "projective"),
    "dh": ("group",),
    "rsa-oaep": (),
    "rsa-pss": (),
    "session": ("fresh", "kem"),
    "mlkem": ("set", "d", "z", "m", "reject", "full"),
    "x509": ("issuer", "pem"),       # and the FILE argument, checked in run_trace
}
# The values the parser gives options that were not given.
_OPTION_DEFAULTS = {"group": "ffdhe2048", "set": "768", "flat": False, "projective": False,
                    "fresh": False, "reject": False, "full": False, "pem": False}


def _case_number(text: str) -> int:
    """--case N: an int in 1..MV_CASES (argparse turns ValueError into exit status 2)."""
    import argparse
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a test case number: {text!r}") from None
    if not 1 <= number <= MV_CASES:
        raise argparse.ArgumentTypeError(f"McGrew-Viega test cases are 1-{MV_CASES}, not {number}")
    return number


def _given_options(args) -> list[str]:
    every = {name for names in TOPIC_OPTIONS.values() for name in names}
    return [name for name in sorted(every)
            if getattr(args, name, _OPTION_DEFAULTS.get(name)) != _OPTION_DEFAULTS.get(name)]


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def check_options(args) -> None:
    """ValueError naming the options that do not go with args.topic (or with each other)."""
    topic = args.topic
    given = _given_options(args)
    stray = [name for name in given if name not in TOPIC_OPTIONS[topic]]
    if stray:
        owners = {name: [t for t, names in TOPIC_OPTIONS.items() if name in names] for name in stray}
        parts = [f"{_flag(name)} is for {', '.join(owners[name])}" for name in stray]
        takes = ", ".join(_flag(n) for n in TOPIC_OPTIONS[topic]) or "no options"
        raise ValueError(f"{'; '.join(parts)}, not {topic} ({topic} takes {takes})")
    if topic == "gcm" and "case" in given:
        custom = [_flag(name) for name in given if name in ("key", "input", "iv", "aad")]
        if custom:
            raise ValueError(f"--case does not go with {', '.join(custom)}: --case N traces a "
                             "McGrew-Viega test case, --key/--iv/--input/--aad trace your inputs")
    if topic == "session" and "kem" in given and "fresh" not in given:
        raise ValueError("--kem goes with --fresh (the RFC 8448 trace has its own X25519 keys)")


def add_arguments(parser) -> None:
    parser.add_argument("--key", help="aes, gcm: key in hex")
    parser.add_argument("--input", help="aes: 16-byte block in hex; gcm: plaintext in hex")
    parser.add_argument("--iv", help="gcm: IV in hex")
    parser.add_argument("--aad", help="gcm: associated data in hex")
    parser.add_argument("--case", type=_case_number, default=None,
                        help=f"gcm: McGrew-Viega test case 1-{MV_CASES} (default {MV_DEFAULT_CASE})")
    parser.add_argument("--flat", action="store_true",
                        help="aes: one line per step (FIPS 197 Appendix C layout)")
    parser.add_argument("--scalar", help="x25519: scalar k (32 bytes hex, little-endian)")
    parser.add_argument("--u", help="x25519: u-coordinate (32 bytes hex)")
    parser.add_argument("--projective", action="store_true",
                        help="x25519: print x_2, z_2, x_3, z_3 at every ladder step")
    parser.add_argument("--group", default="ffdhe2048", help="dh: group name (dh.GROUPS)")
    parser.add_argument("--fresh", action="store_true",
                        help="session: a fresh refkx.tls handshake instead of RFC 8448's")
    parser.add_argument("--kem", default=None, help="session --fresh: the group (default x25519)")
    parser.add_argument("--set", default="768", choices=("512", "768", "1024"),
                        help="mlkem: the parameter set (default 768)")
    parser.add_argument("--d", help="mlkem: KeyGen seed d (32 bytes hex)")
    parser.add_argument("--z", help="mlkem: implicit-rejection seed z (32 bytes hex)")
    parser.add_argument("--m", help="mlkem: Encaps randomness m (32 bytes hex)")
    parser.add_argument("--reject", action="store_true",
                        help="mlkem: change the ciphertext, show the implicit rejection")
    parser.add_argument("--full", action="store_true",
                        help="mlkem: every coefficient and byte, not shortened")
    parser.add_argument("file", nargs="?", default=None,
                        help="x509: the certificate, PEM or DER (default: a PKITS CA)")
    parser.add_argument("--issuer", help="x509: the issuer's certificate (PEM or DER)")
    parser.add_argument("--pem", action="store_true",
                        help="x509: read a PEM certificate from standard input")


def run_trace(args) -> int:
    """Print the trace; exit status 2 when the inputs given are unusable (a usage error).

    Traces always run the readable code (refkx.impl "readable"), the code they show."""
    from .. import impl

    if args.topic != "x509" and getattr(args, "file", None) is not None:
        print(f"trace {args.topic}: takes no FILE argument", file=sys.stderr)
        return 2
    try:
        check_options(args)
    except ValueError as exc:
        print(f"trace {args.topic}: {exc}", file=sys.stderr)
        return 2
    try:
        with impl.using(impl.READABLE):
            lines = _lines_for(args)
    except (ValueError, TypeError, KeyError) as exc:
        print(f"trace {args.topic}: {exc}", file=sys.stderr)
        return 2
    status = 0
    if isinstance(lines, tuple):          # (lines, exit status): x509's signature verdict
        lines, status = lines
    print("\n".join(lines))
    return status


def _lines_for(args) -> list[str]:
    topic = args.topic
    if topic == "aes":
        key = _hex_arg(args.key, "key") or FIPS197_B_KEY
        block = _hex_arg(args.input, "input") or FIPS197_B_INPUT
        return aes_lines(key, block, flat=args.flat)
    if topic == "gcm":
        custom = any(v is not None for v in (args.key, args.iv, args.input, args.aad))
        if custom:
            if args.key is None or args.iv is None:
                raise ValueError("give at least --key and --iv (and --input/--aad) or --case N")
            return gcm_lines(_hex_arg(args.key, "key"), _hex_arg(args.iv, "iv"),
                             _hex_arg(args.input, "input") or b"", _hex_arg(args.aad, "aad") or b"",
                             "GCM-AE (SP 800-38D §7.1) on your inputs")
        number = MV_DEFAULT_CASE if args.case is None else args.case
        case = mcgrew_viega_case(number)
        return gcm_lines(case["K"], case["IV"], case["P"], case["A"],
                         f"GCM-AE, McGrew-Viega test case {number} "
                         f"(AES-{8 * len(case['K'])}; compare with the paper's Appendix B)")
    if topic == "x25519":
        k = _hex_arg(args.scalar, "scalar") or RFC7748_K
        u = _hex_arg(args.u, "u") or RFC7748_U
        return x25519_lines(k, u, projective=args.projective)
    if topic == "dh":
        from ..dh import GROUPS
        if args.group not in GROUPS:
            raise ValueError(f"unknown group {args.group!r}; choose from {', '.join(GROUPS)}")
        return dh_lines(args.group)
    if topic == "rsa-oaep":
        return rsa_oaep_lines()
    if topic == "rsa-pss":
        return rsa_pss_lines()
    if topic == "session":
        return session_lines(fresh=args.fresh, kem=args.kem or "x25519")
    if topic == "mlkem":
        from .trace_mlkem import mlkem_lines
        return mlkem_lines(args.set, _hex_arg(args.d, "d"), _hex_arg(args.z, "z"),
                           _hex_arg(args.m, "m"), reject=args.reject, full=args.full)
    if topic == "x509":
        from .trace_x509 import x509_lines
        return x509_lines(args.file, args.issuer, pem_stdin=args.pem)
    raise ValueError(f"unknown topic {topic!r}")
