"""The implementation registry: which code runs behind each public class, readable or fast.

Anchor: Go's crypto/internal/impl, where every primitive registers its implementations in one
place and tests select each in turn. In refkx each primitive has its readable module (the one
that follows the document, e.g. refkx/gcm.py) and may have one optimised twin in refkx/fast/.
The readable modules never import refkx.fast: a public class asks this registry, at each call,

    twin = impl.fast("gcm")      # the module refkx.fast.gcm, or None when readable code runs
    if twin is not None:
        return twin.something(...)
    ... the readable steps ...

so switching takes effect at once, for objects built before the switch too.

How to choose:
  * REFKX_READABLE=1 in the environment: readable code everywhere from the start;
  * `refkx.impl.use("readable")` / `use("fast")` at any time, for every primitive, or
    `use("readable", "gcm")` for one;
  * `with refkx.impl.using("readable"): ...` for a block (tests run every vector this way);
  * `refkx.impl.active()` says what runs: {primitive: "readable" | "fast"}.

`trace` always runs readable code. Both implementations compute the same values; every
published vector runs through each of IMPLEMENTATIONS in the tests and in `python -m refkx vectors`.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from types import ModuleType
from typing import Iterator, Optional

__all__ = ["IMPLEMENTATIONS", "TWINS", "register", "use", "using", "active", "fast",
           "readable_from_environment", "primitives"]

READABLE = "readable"
FAST = "fast"
IMPLEMENTATIONS = (READABLE, FAST)

# primitive name -> module of its optimised twin (loaded by name, only when first asked for).
TWINS: dict[str, str] = {
    "aes": "refkx.fast.aes",
    "gcm": "refkx.fast.gcm",
    "x25519": "refkx.fast.x25519",
    "dh": "refkx.fast.dh",
    "rsa": "refkx.fast.rsa",
    "mlkem": "refkx.fast.mlkem",
    "x448": "refkx.fast.x448",
    "primes": "refkx.fast.primes",
}

_lock = threading.Lock()
_loaded: dict[str, ModuleType] = {}


def readable_from_environment() -> bool:
    """True if REFKX_READABLE is set to 1/true/yes/on."""
    return os.environ.get("REFKX_READABLE", "").strip().lower() in ("1", "true", "yes", "on")


_default = READABLE if readable_from_environment() else FAST
_choice: dict[str, str] = {}           # primitive -> READABLE/FAST (missing: _default)


def register(primitive: str, module_name: str) -> None:
    """Register (or replace) the fast twin of `primitive`, a module name under refkx.fast."""
    if not isinstance(primitive, str) or not isinstance(module_name, str):
        raise TypeError("primitive and module_name must be str")
    with _lock:
        TWINS[primitive] = module_name
        _loaded.pop(primitive, None)


def primitives() -> tuple[str, ...]:
    """Every primitive that has a registered fast twin."""
    return tuple(TWINS)


def _check_mode(mode: str) -> None:
    if mode not in IMPLEMENTATIONS:
        raise ValueError(f"implementation must be one of {IMPLEMENTATIONS}, not {mode!r}")


def _check_primitive(primitive: str) -> None:
    if primitive not in TWINS:
        raise ValueError(f"unknown primitive {primitive!r}; registered: {', '.join(TWINS)}")


def use(mode: str, *only: str) -> None:
    """Run `mode` ("readable" or "fast") for every primitive, or only for those named."""
    _check_mode(mode)
    for primitive in only:
        _check_primitive(primitive)
    global _default
    with _lock:
        if only:
            for primitive in only:
                _choice[primitive] = mode
        else:
            _default = mode
            _choice.clear()


@contextlib.contextmanager
def using(mode: str, *only: str) -> Iterator[None]:
    """Context manager: `use(mode, *only)` inside the block, the previous choice after it."""
    global _default
    with _lock:
        saved = (_default, dict(_choice))
    use(mode, *only)
    try:
        yield
    finally:
        with _lock:
            _default, choice = saved
            _choice.clear()
            _choice.update(choice)


def active() -> dict[str, str]:
    """{primitive: "readable" | "fast"} for every registered primitive."""
    return {primitive: _choice.get(primitive, _default) for primitive in TWINS}


def fast(primitive: str) -> Optional[ModuleType]:
    """The fast twin's module if `primitive` runs fast now, else None (run the readable code)."""
    if _choice.get(primitive, _default) != FAST:
        return None
    module = _loaded.get(primitive)
    if module is None:
        _check_primitive(primitive)
        module = importlib.import_module(TWINS[primitive])
        _loaded[primitive] = module
    return module
