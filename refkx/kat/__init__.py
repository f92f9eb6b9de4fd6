"""Published test vectors, in one place for the tests and `python -m refkx vectors`.

Each module in this package reads the files of one area from `vectors/` (see
vectors/SOURCES.md for where every file comes from) and yields `Case` objects.
A case knows its source document, a stable id that says where it comes from
(`rfc4231-4.3-sha256`, `cavp-gcmDecrypt128-count7`) and a `run()` that raises
AssertionError (or the exception under test) on a mismatch. The test suite
parametrises over the same cases, so pytest and the CLI check the same things.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

VECTORS_DIR = Path(__file__).resolve().parents[2] / "vectors"

# One module per area, in the order of the layers (docs/architecture.md).
AREAS = ("hmac", "aes", "gcm", "rfc7748", "mlkem", "dh", "rsa", "rsa_sig", "keyfiles", "x509",
         "hpke", "tls13", "wycheproof")


@dataclass(frozen=True)
class Case:
    source: str                 # the document, e.g. "RFC 4231 §4"
    id: str                     # e.g. "rfc4231-4.3-sha256"
    run: Callable[[], None]     # raises on mismatch
    slow: bool = False          # long-running (skipped unless asked for)
    # For slow cases: a quick measurement that returns the expected run time in seconds
    # (`vectors --slow` prints it before starting), or None when there is no estimate.
    estimate: Optional[Callable[[], float]] = None


def vector_path(*parts: str) -> Path:
    """Path of a vendored vector file, e.g. vector_path("hmac", "rfc-4231-sha256.txt")."""
    path = VECTORS_DIR.joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"vector file missing: {path} (see vectors/SOURCES.md)")
    return path


def area_cases(area: str) -> list[Case]:
    """Every case of one area (module refkx.kat.<area>)."""
    if area not in AREAS:
        raise ValueError(f"unknown vector area {area!r}; choose from {', '.join(AREAS)}")
    module = importlib.import_module(f"{__name__}.{area}")
    return list(module.cases())


def all_cases(include_slow: bool = False) -> Iterator[Case]:
    for area in AREAS:
        for case in area_cases(area):
            if include_slow or not case.slow:
                yield case
