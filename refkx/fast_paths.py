"""Which code path the public classes use: the optimised *_fast modules or the readable ones.

Every module that has a fast twin carries a module-level switch `USE_FAST` (default True):

    refkx.gcm.USE_FAST             AESGCM -> refkx.gcm_fast (whole-message AES, table GHASH)
    refkx.ctr.USE_FAST             ctr_encrypt / ctr_decrypt -> refkx.aes_fast
    refkx.x25519.USE_FAST          X25519PrivateKey -> refkx.x25519_fast
    refkx.dh.USE_FAST              DHPrivateKey.public_key -> refkx.dh_fast (fixed-base table);
                                   safe-prime subgroup check -> refkx.dh_fast.jacobi
    refkx.rsa_primitives.USE_FAST  every RSA private operation -> refkx.rsa_fast

Learners who want to step through the readable code can

* start Python with the environment variable REFKX_READABLE=1 (every switch starts False), or
* call refkx.fast_paths.set_fast(False) (before creating AESGCM objects: an AESGCM picks its
  path when it is constructed; the other switches are read at every call), or
* set one module's switch, e.g. `refkx.gcm.USE_FAST = False`.

Both paths compute the same values; tests/test_fast_paths.py checks that against every
published vector and with hypothesis. See docs/performance.md for the ideas and the numbers.
"""

from __future__ import annotations

import importlib
import os

__all__ = ["use_fast_default", "set_fast", "fast_enabled", "MODULES"]

MODULES = ("refkx.gcm", "refkx.ctr", "refkx.x25519", "refkx.dh", "refkx.rsa_primitives")


def use_fast_default() -> bool:
    """False if the environment says REFKX_READABLE=1 (or true/yes), else True."""
    return os.environ.get("REFKX_READABLE", "").strip().lower() not in ("1", "true", "yes", "on")


def set_fast(enabled: bool) -> None:
    """Set USE_FAST in every module listed in MODULES."""
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool, not {type(enabled).__name__}")
    for name in MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "USE_FAST"):
            module.USE_FAST = enabled


def fast_enabled() -> dict[str, bool]:
    """{module name: its USE_FAST} (modules without the switch are reported as False)."""
    return {name: bool(getattr(importlib.import_module(name), "USE_FAST", False))
            for name in MODULES}
