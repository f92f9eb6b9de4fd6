"""The machine and the code under test: Python, platform, CPU model, refkx.impl's choice."""

from __future__ import annotations

import os
import platform
import time


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (Linux), else whatever platform reports."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def implementation_lines(active: dict[str, str]) -> list[str]:
    """`implementation: fast` (or readable) when every primitive runs the same, else one line
    per primitive (`implementation: gcm readable`)."""
    modes = set(active.values())
    if len(modes) == 1:
        return [f"implementation: {modes.pop()}"]
    return [f"implementation: {name} {mode}" for name, mode in active.items()]


def environment(native: bool) -> dict:
    from ... import __version__, impl
    env = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "refkx": __version__,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "refkx_implementation": impl.active(),       # refkx.impl: {primitive: readable|fast}
    }
    if native:
        try:
            import cryptography
            from cryptography.hazmat.backends.openssl import backend
            env["cryptography"] = cryptography.__version__
            env["openssl"] = backend.openssl_version_text()
        except Exception:  # pragma: no cover - depends on the installation
            pass
    return env
