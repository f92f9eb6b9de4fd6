"""refkx.tools.trace: the printed intermediates against the published ones.

FIPS 197 Appendix B (vectors/aes/), McGrew-Viega Appendix B (vectors/gcm/), RFC 7748
§5.2 (vectors/rfc7748/), RSA Laboratories' oaep-int.txt and pss-int.txt (vectors/rsa/),
RFC 8448 §3 (vectors/tls13/).
"""

import importlib.util
import re

import pytest

from refkx.kat.tls13 import trace as rfc8448_trace
from refkx.tools import trace
from refkx.kat import vector_path


def _key_values(path):
    out = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, _, value = line.partition("=")
            out[name.strip()] = value.strip()
    return out


# --- aes: FIPS 197 Appendix B ---

def test_aes_flat_matches_fips197_appendix_b_line_for_line():
    published = [line for line in vector_path("aes", "fips197-appendix-b-cipher-example.txt")
                 .read_text().splitlines() if line.startswith("round[")]
    assert trace.aes_flat_lines(trace.FIPS197_B_KEY, trace.FIPS197_B_INPUT) == published


def test_aes_grid_holds_every_appendix_b_state():
    """Read the 4x4 grids back (column by column) and compare with Appendix B."""
    published = _key_values(vector_path("aes", "fips197-appendix-b-cipher-example.txt"))
    lines = trace.aes_grid_lines(trace.FIPS197_B_KEY, trace.FIPS197_B_INPUT)
    text = "\n".join(lines)
    for name, value in published.items():
        if not name.startswith("round["):
            continue
        block = bytes.fromhex(value)
        rows = [" ".join(f"{block[r + 4 * c]:02x}" for c in range(4)) for r in range(4)]
        # the four rows of the state appear on four consecutive lines, same column
        found = False
        for i in range(len(lines) - 3):
            col = lines[i].find(rows[0])
            while col >= 0 and not found:
                found = all(lines[i + r][col:col + 11] == rows[r] for r in range(4))
                col = lines[i].find(rows[0], col + 1)
            if found:
                break
        assert found, f"{name} = {value} not in the grid:\n{text}"


def test_aes_grid_has_appendix_b_columns():
    lines = trace.aes_lines()
    assert any("SubBytes" in line and "ShiftRows" in line and "MixColumns" in line
               for line in lines)
    assert any(line.startswith("output  39 02 dc 19") for line in lines)   # 3925841d... by columns


@pytest.mark.parametrize("section", ["C.1", "C.2", "C.3"])
def test_aes_trace_with_key_and_input_ends_in_appendix_c_ciphertext(section):
    text = vector_path("aes", "fips197-appendix-c-example-vectors.txt").read_text()
    block = text.split(f"Section = {section}")[1].split("Section =")[0]
    values = dict(line.split(" = ") for line in block.strip().splitlines())
    lines = trace.aes_flat_lines(bytes.fromhex(values["KEY"]), bytes.fromhex(values["PLAINTEXT"]))
    nr = {16: 10, 24: 12, 32: 14}[len(bytes.fromhex(values["KEY"]))]
    assert lines[-1] == f"round[{nr:2d}].output = {values['CIPHERTEXT']}"


# --- gcm: McGrew-Viega Appendix B ---

@pytest.mark.parametrize("number", range(1, 19))
def test_gcm_trace_matches_mcgrew_viega(number):
    case = trace.mcgrew_viega_case(number)
    lines = trace.gcm_lines(case["K"], case["IV"], case["P"], case["A"], "t")
    values = {}
    for line in lines:
        m = re.match(r"^(\S+)\s+= ([0-9a-f]*)", line)
        if m:
            values[m.group(1)] = m.group(2)
    assert values["H"] == case["H"].hex()
    assert values["Y0"] == case["Y0"].hex()
    published_x = [x.hex() for x in case["X"]] + [case["GHASH"].hex()]
    ours_x = [values[f"X_{i}"] for i in range(1, len(published_x) + 1)]
    assert ours_x == published_x
    assert f"X_{len(published_x) + 1}" not in values
    assert values["GHASH"] == case["GHASH"].hex()
    assert values["C"] == case["C"].hex()
    assert values["T"] == case["T"].hex()


def test_gcm_default_is_test_case_4():
    text = "\n".join(trace._lines_for(_args("gcm")))
    assert "test case 4" in text and "5bc94fbc3221a5db94fae95ae7121a47" in text


def test_gcm_unknown_case():
    with pytest.raises(ValueError):
        trace.mcgrew_viega_case(19)
    with pytest.raises(ValueError):             # --case 0 is not "the default case"
        trace._lines_for(_args("gcm", case=0))


# --- x25519: RFC 7748 §5.2 ---

def _rfc7748_vectors():
    """(COUNT 1 and 2 of x25519-rfc7748.txt joined with the decoded decimals of §5.2)."""
    blocks = vector_path("rfc7748", "x25519-rfc7748.txt").read_text().split("\n\n")
    hexes = [dict(l.split(" = ") for l in b.strip().splitlines() if " = " in l) for b in blocks]
    hexes = [h for h in hexes if "INPUT_SCALAR" in h]
    decoded = vector_path("rfc7748", "rfc7748-5.2-decoded.txt").read_text().split("\n\n")
    decoded = [dict(l.split(" = ") for l in b.strip().splitlines() if " = " in l) for b in decoded]
    decoded = [d for d in decoded if d.get("CURVE") == "X25519"]
    return [(h, d) for h, d in zip(hexes, decoded)]


@pytest.mark.parametrize("index", [0, 1])
def test_x25519_trace_matches_rfc7748_5_2(index):
    h, d = _rfc7748_vectors()[index]
    lines = trace.x25519_lines(bytes.fromhex(h["INPUT_SCALAR"]), bytes.fromhex(h["INPUT_U"]))
    assert lines[-1] == f"X25519(k, u) = {h['OUTPUT_U']}"
    text = "\n".join(lines)
    assert f"k_clamped = 0x{int(d['SCALAR_BASE10']):064x}" in text
    assert f"u         = 0x{int(d['U_BASE10']):064x}" in text


def test_x25519_trace_bits_are_the_clamped_scalar():
    from refkx.x25519 import trace_x25519
    t = trace_x25519(trace.RFC7748_K, trace.RFC7748_U)
    lines = trace.x25519_lines()
    bits = "".join(line.split()[-1] for line in lines if line.startswith("  t="))
    assert len(bits) == 255
    assert int(bits, 2) == t["k_clamped"]
    assert f"0x{t['k_clamped']:064x}" in "\n".join(lines)


def test_x25519_projective():
    lines = trace.x25519_lines(projective=True)
    assert sum(1 for line in lines if line.startswith("t=")) == 255
    assert sum(1 for line in lines if line.strip().startswith("z_3 =")) == 255


# --- dh ---

@pytest.mark.parametrize("group", ["ffdhe2048", "modp2048"])
def test_dh_trace_agrees(group):
    lines = trace.dh_lines(group)
    text = "\n".join(lines)
    assert group in text and "Same Z on both sides: True" in text
    z = [line.split("=")[-1].strip() for line in lines if "Z = y_" in line]
    assert len(z) == 2 and z[0] == z[1]


def test_dh_unknown_group():
    with pytest.raises(ValueError):
        trace._lines_for(_args("dh", group="ffdhe1"))


# --- rsa-oaep / rsa-pss: RSA Laboratories' intermediate files ---

def _doc_values(name):
    return trace.parse_intermediate_file(vector_path("rsa", name))


def _blocks(lines):
    """('# label...' -> bytes) of our own output."""
    out, label, hexes = {}, None, []
    for line in lines + ["#"]:
        if line.startswith("#"):
            if label is not None:
                out[label] = bytes.fromhex("".join(hexes))
            label = line[2:].split("   (")[0].rstrip(":") if len(line) > 1 else None
            hexes = []
        elif label is not None and line.strip():
            hexes.append(line.replace(" ", ""))
    return out


def test_rsa_oaep_trace_matches_oaep_int():
    doc = _doc_values("oaep-int.txt")
    ours = _blocks(trace.rsa_oaep_lines())
    for name, doc_label in trace.OAEP_NAMES:
        expected = trace._find(doc, doc_label.split(" = ")[0] if name != "C" else "Ciphertext")
        got = ours[name]
        if name == "EM":
            assert got == b"\x00" + expected         # RFC 8017 keeps the leading Y = 0x00
        else:
            assert got == expected, name


def test_rsa_oaep_trace_text_is_in_the_documents_layout():
    text = vector_path("rsa", "oaep-int.txt").read_text(encoding="latin-1")
    doc_lines = {line.strip() for line in text.splitlines()}
    lines = trace.rsa_oaep_lines()
    db_start = lines.index(next(line for line in lines if line.startswith("# DB")))
    for line in lines[db_start + 1:db_start + 6]:
        assert line in doc_lines


def test_rsa_pss_trace_matches_pss_int():
    doc = _doc_values("pss-int.txt")
    ours = _blocks(trace.rsa_pss_lines())
    for name, doc_label in trace.PSS_NAMES:
        assert ours[name] == trace._find(doc, doc_label.split(" = ")[0].split(",")[0]), name


def test_parse_intermediate_file_reads_labels():
    doc = _doc_values("oaep-int.txt")
    labels = [label for label, _ in doc]
    assert "Modulus" in labels and "seed" in labels
    assert len(trace._find(doc, "Modulus")) == 128


# --- session: RFC 8448 §3 ---

RFC8448_NAMES = {
    "early_secret": "early_secret",
    "derived_from_early_secret": "derived_for_handshake",
    "shared_secret": "shared_secret",
    "handshake_secret": "handshake_secret",
    "transcript_hash_client_hello..server_hello": "hash_client_hello_server_hello",
    "client_handshake_traffic_secret": "client_handshake_traffic_secret",
    "server_handshake_traffic_secret": "server_handshake_traffic_secret",
    "derived_from_handshake_secret": "derived_for_master",
    "master_secret": "master_secret",
    "transcript_hash_client_hello..server_finished": "hash_client_hello_server_finished",
    "client_application_traffic_secret_0": "client_application_traffic_secret_0",
    "server_application_traffic_secret_0": "server_application_traffic_secret_0",
    "exporter_master_secret": "exporter_master_secret",
    "transcript_hash_client_hello..client_finished": "hash_client_hello_client_finished",
    "resumption_master_secret": "resumption_master_secret",
}


def _session_values(lines):
    values, order = {}, []
    for i, line in enumerate(lines):
        if line and not line.startswith(" ") and i + 2 < len(lines) \
                and lines[i + 2].startswith("    ") and re.fullmatch(r"\s+[0-9a-f]+", lines[i + 2]):
            values[line] = lines[i + 2].strip()
            order.append(line)
    return values, order


def test_session_trace_matches_rfc8448_in_order():
    published = rfc8448_trace()
    lines = trace.session_lines()
    values, order = _session_values(lines)
    assert order == list(RFC8448_NAMES)
    for ours, theirs in RFC8448_NAMES.items():
        assert values[ours] == published[theirs].hex(), ours


def test_session_trace_traffic_keys_match_rfc8448():
    published = rfc8448_trace()
    text = "\n".join(trace.session_lines())
    for name in ("server_handshake_write_key", "server_handshake_write_iv",
                 "client_handshake_write_key", "client_handshake_write_iv",
                 "server_application_write_key", "server_application_write_iv",
                 "client_application_write_key", "client_application_write_iv"):
        who, phase = name.split("_")[0], name.split("_")[1]
        what = name.split("_")[-1]
        line = next(l for l in text.splitlines() if l.startswith(f"{who} {phase} write {what}"))
        assert line.split()[-1] == published[name].hex(), name


def test_session_trace_decodes_rfc8448_messages_field_by_field():
    text = "\n".join(trace.session_lines())
    for expected in ("ClientHello (client -> server, 196 bytes)", "legacy_session_id",
                     "key_share data", "x25519: 32-byte key_exchange",
                     "SignatureScheme algorithm", "rsa_pss_rsae_sha256", "verify_data",
                     "encrypted_record"):
        assert expected in text, expected


@pytest.mark.skipif(importlib.util.find_spec("refkx.x509") is None,
                    reason="a fresh handshake needs refkx.x509 for the certificate")
def test_session_fresh_trace_names_every_secret():
    text = "\n".join(trace.session_lines(fresh=True))
    for name in ("early_secret", "handshake_secret", "master_secret",
                 "client_application_traffic_secret_0", "exporter_master_secret"):
        assert f"\n{name}\n" in text
    assert "HelloRetryRequest" not in text and "CertificateVerify (server -> client" in text


# --- helpers and the argument layer ---

def _args(topic, **kw):
    import argparse
    defaults = dict(topic=topic, key=None, input=None, iv=None, aad=None, case=None, flat=False,
                    scalar=None, u=None, projective=False, group="ffdhe2048", fresh=False,
                    kem="x25519")
    defaults.update(kw)
    return argparse.Namespace(**defaults)


def test_hex_arguments_are_checked():
    with pytest.raises(ValueError):
        trace._lines_for(_args("aes", key="zz"))
    with pytest.raises(ValueError):
        trace._lines_for(_args("aes", input="00"))          # not 16 bytes
    with pytest.raises(ValueError):
        trace._lines_for(_args("gcm", key="00" * 16))       # no --iv


def test_custom_gcm_inputs():
    lines = trace._lines_for(_args("gcm", key="00" * 16, iv="00" * 12, input="00" * 16))
    assert any(line.startswith("T ") and "ab6e47d42cec13bdf53a67b21257bddf" in line
               for line in lines)                            # McGrew-Viega test case 2


def test_short_and_spaced_hex():
    assert trace.short_hex(bytes(4)) == "00000000"
    assert trace.short_hex(bytes(range(40))) == "0001020304050607..2021222324252627 (40 bytes)"
    assert trace.spaced_hex(bytes(range(3)), per_line=2) == ["00 01", "02"]
