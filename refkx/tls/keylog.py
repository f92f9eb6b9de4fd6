"""The key log of RFC 9850 (the NSS SSLKEYLOGFILE format), which Wireshark, curl, Firefox
and OpenSSL write and read:

    <label> <client_random in hex> <secret in hex>

one line per secret, with the TLS 1.3 labels (RFC 9850 §3.1) below. Whoever holds the
file decrypts the recorded connection: write it only for debugging and teaching.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

import os
import threading

CLIENT_HANDSHAKE_TRAFFIC_SECRET = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
SERVER_HANDSHAKE_TRAFFIC_SECRET = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
CLIENT_TRAFFIC_SECRET_0 = "CLIENT_TRAFFIC_SECRET_0"
SERVER_TRAFFIC_SECRET_0 = "SERVER_TRAFFIC_SECRET_0"
EXPORTER_SECRET = "EXPORTER_SECRET"
ENVIRONMENT_VARIABLE = "SSLKEYLOGFILE"


def keylog_line(label: str, client_random: bytes, secret: bytes) -> str:
    """One line of the key log, without its newline."""
    return f"{label} {client_random.hex()} {secret.hex()}"


class KeyLogFile:
    """Appends key log lines to a file (thread-safe; one write and flush per line)."""

    _lock = threading.Lock()

    def __init__(self, path: str) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"keylog must be a path or a callable, not {type(path).__name__}")
        self.path = os.fspath(path)

    def __call__(self, line: str) -> None:
        with self._lock, open(self.path, "a", encoding="ascii") as f:
            f.write(line + "\n")

    def __repr__(self) -> str:
        return f"KeyLogFile({self.path!r})"


def keylog_writer(keylog):
    """A callable(line) from `keylog` (a path, a callable or None); None falls back to the
    SSLKEYLOGFILE environment variable, as curl and Python's ssl do."""
    if keylog is None:
        path = os.environ.get(ENVIRONMENT_VARIABLE)
        return KeyLogFile(path) if path else None
    if callable(keylog):
        return keylog
    return KeyLogFile(keylog)
