"""NamedGroup code points for the key_share of TLS 1.3: RFC 8446 §4.2.7, RFC 7919 §2,
draft-ietf-tls-ecdhe-mlkem (X25519MLKEM768) and draft-ietf-tls-mlkem (pure ML-KEM).

Every group runs through the one KEM interface of refkx.kem (client: generate_keypair;
server: encapsulate to the client's share; client: decapsulate the server's share), which
is exactly how TLS 1.3 uses (EC)DHE and ML-KEM key shares (RFC 8446 §4.2.8):

    x25519 / x448           key_exchange = the u-coordinate (RFC 8446 §4.2.8.2)
    ffdhe*                  key_exchange = Y left-padded to len(p) (RFC 8446 §4.2.8.1)
    x25519mlkem768          client: ek || X25519 public (1216 bytes); server: ciphertext
                            || X25519 public (1120 bytes); secret: ML-KEM secret || X25519
    mlkem512/768/1024       client: ek; server: ciphertext; secret: the ML-KEM secret

refkx-only groups. The RFC 3526 MODP groups, the RFC 5114 groups and RSA-OAEP key transport
are not TLS 1.3 groups. refkx peers can still negotiate them with each other under
code points of the private-use range 0xFE00..0xFEFF (RFC 8446 §4.2.7, "ecdhe_private_use"
/ "ffdhe_private_use" ranges), so the demos can compare them; no other TLS stack knows
them. RSA transport reverses the roles: the CLIENT encapsulates to the server's long-term
RSA key (which it must know in advance) and the server's share is the SHA-256 of that
public key. That is the design TLS 1.3 removed, for lack of forward secrecy.

CPython integers are not constant-time: this code teaches and cross-checks; it does not
protect production secrets.
"""

from __future__ import annotations

from .. import kem as kem_module

# RFC 8446 §4.2.7, RFC 7919 §2, draft-ietf-tls-ecdhe-mlkem, draft-ietf-tls-mlkem.
STANDARD_GROUPS = {
    "x25519": 0x001D,
    "x448": 0x001E,
    "ffdhe2048": 0x0100,
    "ffdhe3072": 0x0101,
    "ffdhe4096": 0x0102,
    "ffdhe6144": 0x0103,
    "ffdhe8192": 0x0104,
    "mlkem512": 0x0200,
    "mlkem768": 0x0201,
    "mlkem1024": 0x0202,
    "x25519mlkem768": 0x11EC,
}

PRIVATE_USE_FIRST = 0xFE00          # RFC 8446 §4.2.7: private use 0xFE00..0xFEFF
# refkx-only: RFC 3526 MODP groups, RFC 5114 groups, RSA-OAEP key transport.
REFKX_ONLY_GROUPS = {
    "modp1536": 0xFE00,
    "modp2048": 0xFE01,
    "modp3072": 0xFE02,
    "modp4096": 0xFE03,
    "modp6144": 0xFE04,
    "modp8192": 0xFE05,
    "rfc5114_1024_160": 0xFE10,
    "rfc5114_2048_224": 0xFE11,
    "rfc5114_2048_256": 0xFE12,
    "rsa2048-oaep": 0xFE20,
    "rsa3072-oaep": 0xFE21,
    "rsa4096-oaep": 0xFE22,
}

GROUP_CODES = {**STANDARD_GROUPS, **REFKX_ONLY_GROUPS}
GROUP_NAMES = {code: name for name, code in GROUP_CODES.items()}

# What `serve` and `connect` offer unless told otherwise: cheap groups only (a costly
# group on demand lets a replayed ClientHello make the server work hard for free), the
# post-quantum hybrid first, as OpenSSL 3.5 and the browsers do. A client shares a key for
# its first group only; a server without that group answers with a HelloRetryRequest.
DEFAULT_SERVER_GROUPS = ("x25519mlkem768", "x25519", "ffdhe2048")
DEFAULT_CLIENT_GROUPS = ("x25519mlkem768", "x25519", "ffdhe2048")


def available(name: str) -> bool:
    """True if refkx.kem implements the group (the ML-KEM ones need refkx.mlkem)."""
    return name in GROUP_CODES and name in kem_module.KEMS


def is_transport(name: str) -> bool:
    """True for RSA key transport, where the client encapsulates to the server's key."""
    return not kem_module.KEMS[name].forward_secrecy


def check_groups(names, what: str = "groups") -> tuple[str, ...]:
    """The names as a tuple, each a known and available group (ValueError otherwise)."""
    if isinstance(names, str):
        names = tuple(n.strip() for n in names.split(",") if n.strip())
    names = tuple(names)
    if not names:
        raise ValueError(f"{what} must name at least one group")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{what} must be group names (str), not {type(name).__name__}")
        if not available(name):
            known = ", ".join(n for n in GROUP_CODES if available(n))
            raise ValueError(f"unknown or unavailable group {name!r}; choose from {known}")
    if len(set(names)) != len(names):
        raise ValueError(f"{what} names a group twice")
    return names


def default_groups(preference) -> tuple[str, ...]:
    """The available groups of a default list (ML-KEM ones drop out without refkx.mlkem)."""
    return tuple(name for name in preference if available(name))
