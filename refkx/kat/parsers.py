"""Parsers for the vector file formats we vendor.

* NIST CAVP `.rsp` / `.fax` / `.txt`: `[section]` headers, `KEY = value`
  lines, records separated by blank lines, `#` comments.
* RFC-style files in the same `KEY = value` form (RFC 4231, RFC 5869 as
  packaged by cryptography-vectors).
"""

from __future__ import annotations

import gzip
from pathlib import Path


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a name ending in .gz is decompressed (large vendored files are gzipped)."""
    data = Path(path).read_bytes()
    return gzip.decompress(data) if str(path).endswith(".gz") else data


def read_text(path: Path) -> str:
    return read_bytes(path).decode("utf-8")


def parse_key_value_blocks(path: Path) -> list[dict[str, str]]:
    """Records of a CAVP-style file.

    Each record is a dict of its `KEY = value` lines; keys set in the most
    recent `[KEY = value]` (or bare `[name]`) section header are copied into
    every record of that section under the same key ("section" for bare names).
    A record ends at a blank line. Key case is kept as written.
    """
    records: list[dict[str, str]] = []
    section: dict[str, str] = {}
    current: dict[str, str] = {}

    def flush() -> None:
        nonlocal current
        if current:
            records.append({**section, **current})
            current = {}

    for raw in read_text(path).splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            flush()
            body = line[1:-1].strip()
            if "=" in body:
                key, value = (s.strip() for s in body.split("=", 1))
                section = {**section, key: value}
            else:
                section = {"section": body}
            continue
        if "=" in line:
            key, value = (s.strip() for s in line.split("=", 1))
            current[key] = value
        else:
            current.setdefault("flags", "")
            current["flags"] = (current["flags"] + " " + line).strip()
    flush()
    return records


def unhex(value: str) -> bytes:
    """bytes.fromhex that also accepts the empty string and spaces."""
    return bytes.fromhex(value.replace(" ", ""))


def parse_records_by_key(path: Path, start_key: str) -> list[dict[str, str]]:
    """Records of a `KEY = value` file in which every record starts with `start_key`.

    Blank lines and `#` comments inside a record are ignored (the RFC 5869
    files put blank lines between a record's inputs and outputs).
    """
    records: list[dict[str, str]] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (s.strip() for s in line.split("=", 1))
        if key == start_key:
            records.append({})
        if records:
            records[-1][key] = value
    return records


def hash_name_from_label(label: str) -> str:
    """hashlib name for a vector file's label: "SHA-256" -> "sha256", "SHA-512/224" -> "sha512_224"."""
    return label.strip().lower().replace("-", "").replace("/", "_")


def cavp_siggen_records(path: Path):
    """The signature records of a CAVP RSA SigGen file, in file order, as
    (count, record, n, e, d): count numbers them from 1; n is the modulus of the latest record
    that set one, e and d the exponents of the latest record that set d (hex decoded)."""
    n = e = d = None
    count = 0
    for record in parse_key_value_blocks(path):
        if "n" in record:
            n = int(record["n"], 16)
        if "d" in record:
            e, d = int(record["e"], 16), int(record["d"], 16)
        if "S" not in record:
            continue
        count += 1
        yield count, record, n, e, d
