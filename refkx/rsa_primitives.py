"""The RSA primitives of RFC 8017 (PKCS #1 v2.2) §5: RSAEP, RSADP, RSASP1, RSAVP1.

Integers in, integers out; the encoding schemes of refkx.pkcs1 and the key
classes of refkx.rsa sit on top. Names follow RFC 8017: n the modulus, e the
public exponent, d the private exponent, p and q the primes, dP, dQ the CRT
exponents and qInv the CRT coefficient (§3.2); m a message representative,
c a ciphertext representative, s a signature representative.

Every private-key operation (RSADP, RSASP1) goes through one function,
`private_operation`, which adds two countermeasures RFC 8017 §5.1.2 only
mentions in passing:

* base blinding: x is multiplied by r^e for a fresh random r before the
  exponentiation and the result by r^-1 afterwards, so the exponentiation never
  sees the attacker's input (against timing attacks on the CRT, Kocher 1996 /
  Brumley-Boneh 2003);
* a fault check: the result raised to e must give back x before it is released
  (a single faulty CRT half would otherwise reveal a prime: gcd(y^e - x, n),
  Boneh-DeMillo-Lipton 1997).

`crt_exponentiation` is the bare §5.1.2 step 2.b computation; benchmarks time it
to show the cost of the two countermeasures.

RSADP and RSASP1 ask refkx.impl at every call which implementation runs.
While the fast "rsa" implementation is selected (the default) they call the
optimised twin `refkx.fast.rsa.private_operation_fresh_r`, which computes the
same values, still with a fresh r per operation, but finds r^e and r^-1 modulo
p and q (half-size numbers) and joins them with Garner's formula. With
REFKX_READABLE=1 or refkx.impl.use("readable") the readable
`private_operation` below runs.

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets.
"""

from __future__ import annotations

import math
import secrets
from typing import Protocol

from . import impl
from .encoding import require_int
from .errors import RefkxError


class RSAPublicNumbers(Protocol):
    n: int
    e: int


PRIVATE_FIELDS = ("n", "e", "d", "p", "q", "dP", "dQ", "qInv")


class RSAPrivateNumbers(Protocol):
    n: int
    e: int
    d: int
    p: int
    q: int
    dP: int
    dQ: int
    qInv: int


def require_key_numbers(name: str, key: object, *fields: str) -> None:
    """TypeError unless `key` has int attributes `fields` (an RSA key or its numbers)."""
    for field in fields:
        value = getattr(key, field, None)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an RSA key (refkx.rsa.RSAPublicKey or RSAPrivateKey) "
                            f"with {', '.join(fields)}, not {type(key).__name__}")


def rsaep(public_key: RSAPublicNumbers, m: int) -> int:
    """RFC 8017 §5.1.1 RSAEP((n, e), m) -> c."""
    require_key_numbers("public_key", public_key, "n", "e")
    m = require_int("m", m)
    n, e = public_key.n, public_key.e
    # Step 1: if m is not between 0 and n - 1, output "message representative out of range".
    if not 0 <= m < n:
        raise ValueError("message representative out of range")
    # Step 2: c = m^e mod n.
    return pow(m, e, n)


def rsadp(private_key: RSAPrivateNumbers, c: int) -> int:
    """RFC 8017 §5.1.2 RSADP(K, c) -> m, with the CRT (step 2.b), blinding and fault check."""
    require_key_numbers("private_key", private_key, *PRIVATE_FIELDS)
    c = require_int("c", c)
    # Step 1: if c is not between 0 and n - 1, output "ciphertext representative out of range".
    if not 0 <= c < private_key.n:
        raise ValueError("ciphertext representative out of range")
    # Step 2: compute m = c^d mod n (via the CRT quintuple, step 2.b).
    return _private(private_key, c)


def rsasp1(private_key: RSAPrivateNumbers, m: int) -> int:
    """RFC 8017 §5.2.1 RSASP1(K, m) -> s; the same computation as RSADP."""
    require_key_numbers("private_key", private_key, *PRIVATE_FIELDS)
    m = require_int("m", m)
    # Step 1: if m is not between 0 and n - 1, output "message representative out of range".
    if not 0 <= m < private_key.n:
        raise ValueError("message representative out of range")
    # Step 2: s = m^d mod n (via the CRT, step 2.b).
    return _private(private_key, m)


def rsavp1(public_key: RSAPublicNumbers, s: int) -> int:
    """RFC 8017 §5.2.2 RSAVP1((n, e), s) -> m."""
    require_key_numbers("public_key", public_key, "n", "e")
    s = require_int("s", s)
    n, e = public_key.n, public_key.e
    # Step 1: if s is not between 0 and n - 1, output "signature representative out of range".
    if not 0 <= s < n:
        raise ValueError("signature representative out of range")
    # Step 2: m = s^e mod n.
    return pow(s, e, n)


def _private(key: RSAPrivateNumbers, x: int) -> int:
    """The one place that picks the private-operation path (refkx.impl: readable or fast)."""
    twin = impl.fast("rsa")
    if twin is not None:
        # A fresh r per operation, with r^e and r^-1 computed mod p and q.
        return twin.private_operation_fresh_r(key, x)
    return private_operation(key, x)


def crt_exponentiation(p: int, q: int, dP: int, dQ: int, qInv: int, x: int) -> int:
    """RFC 8017 §5.1.2 step 2.b (u = 2): x^d mod n from two half-size exponentiations."""
    # 2.b.i: m_1 = c^dP mod p and m_2 = c^dQ mod q.
    m_1 = pow(x, dP, p)
    m_2 = pow(x, dQ, q)
    # 2.b.iii: h = (m_1 - m_2) * qInv mod p.
    h = ((m_1 - m_2) * qInv) % p
    # 2.b.iv: m = m_2 + q * h.
    return m_2 + q * h


class FaultDetected(RefkxError, RuntimeError):
    """The private-key result failed its check; nothing was released.

    Happens only if the computation was corrupted (a hardware fault, a fault
    attack, a broken optimised path): a validated key cannot produce it.
    """


def _blinding_factor(n: int) -> int:
    """A fresh random r in [2, n - 1] with gcd(r, n) = 1."""
    while True:
        r = secrets.randbelow(n - 2) + 2
        if math.gcd(r, n) == 1:
            return r


def private_operation(key: RSAPrivateNumbers, x: int) -> int:
    """x^d mod n for 0 <= x < n: blinded CRT exponentiation, checked before release."""
    n, e = key.n, key.e
    # Blind: x_blind = x * r^e mod n for a fresh r, so (x_blind)^d = x^d * r mod n.
    r = _blinding_factor(n)
    x_blind = (x * pow(r, e, n)) % n
    y_blind = crt_exponentiation(key.p, key.q, key.dP, key.dQ, key.qInv, x_blind)
    # Unblind: y = y_blind * r^-1 mod n.
    y = (y_blind * pow(r, -1, n)) % n
    # Fault check: y^e must give back x (cheap, e is small) before y leaves.
    if pow(y, e, n) != x:
        raise FaultDetected("RSA private-key operation failed its consistency check")
    return y
