"""TLS 1.3 alerts: RFC 8446 §6 (Alert protocol), §6.1 (closure), §6.2 (error alerts), §B.2.

    struct {
        AlertLevel level;                  /* warning(1), fatal(2) */
        AlertDescription description;
    } Alert;

In TLS 1.3 every error alert is fatal (§6.2) and close_notify / user_canceled are the
only warnings a peer sends. `encode_alert` / `decode_alert` sit side by side.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from ..errors import HandshakeError

# RFC 8446 §6: AlertLevel.
WARNING = 1
FATAL = 2

# RFC 8446 §6 / §B.2: AlertDescription, by name.
ALERT_CODES = {
    "close_notify": 0,
    "unexpected_message": 10,
    "bad_record_mac": 20,
    "record_overflow": 22,
    "handshake_failure": 40,
    "bad_certificate": 42,
    "unsupported_certificate": 43,
    "certificate_revoked": 44,
    "certificate_expired": 45,
    "certificate_unknown": 46,
    "illegal_parameter": 47,
    "unknown_ca": 48,
    "access_denied": 49,
    "decode_error": 50,
    "decrypt_error": 51,
    "protocol_version": 70,
    "insufficient_security": 71,
    "internal_error": 80,
    "inappropriate_fallback": 86,
    "user_canceled": 90,
    "missing_extension": 109,
    "unsupported_extension": 110,
    "unrecognized_name": 112,
    "bad_certificate_status_response": 113,
    "unknown_psk_identity": 115,
    "certificate_required": 116,
    "no_application_protocol": 120,
}
ALERT_NAMES = {code: name for name, code in ALERT_CODES.items()}
ALERT_SIZE = 2


def encode_alert(description: str, level: int | None = None) -> bytes:
    """The two bytes level || description; close_notify and user_canceled are warnings,
    every other alert fatal (RFC 8446 §6.1, §6.2)."""
    if description not in ALERT_CODES:
        raise ValueError(f"unknown alert {description!r}")
    if level is None:
        level = WARNING if description in ("close_notify", "user_canceled") else FATAL
    if level not in (WARNING, FATAL):
        raise ValueError(f"alert level must be {WARNING} or {FATAL}, got {level!r}")
    return bytes([level, ALERT_CODES[description]])


def decode_alert(data: bytes) -> tuple[int, str]:
    """(level, description name) of an Alert; unknown codes are named "alert_N".

    Anything but exactly two bytes, or an unknown level, is a decode_error (§6).
    """
    if len(data) != ALERT_SIZE or data[0] not in (WARNING, FATAL):
        raise HandshakeError("malformed alert", "decode_error")
    return data[0], ALERT_NAMES.get(data[1], f"alert_{data[1]}")
