"""RSA keys: generation (FIPS 186-5 §5.1, Appendix A.1.3) and the key classes.

RFC 8017 (PKCS #1 v2.2) §3 defines the keys; names follow it: n, e, d, p, q,
dP = d mod (p - 1), dQ = d mod (q - 1), qInv = q^-1 mod p. The primitives of
§5 (RSAEP, RSADP, RSASP1, RSAVP1) live in refkx.rsa_primitives and are
re-exported here; the encoding schemes (OAEP, PKCS #1 v1.5, PSS) live in
refkx.pkcs1, and their padding objects are re-exported here:

    key = generate_private_key(public_exponent=65537, key_size=2048)
    C = key.public_key().encrypt(b"secret", OAEP("sha256"))
    key.decrypt(C, OAEP("sha256"))                       # -> b"secret"
    S = key.sign(b"transcript", PSS("sha256"))
    key.public_key().verify(S, b"transcript", PSS("sha256"))   # None, or InvalidSignature

Policy (decisions the specs leave to us):
* Generation: nlen >= MIN_KEY_BITS (2048, FIPS 186-5) and even; 1024-bit keys
  only with the test-only `_allow_weak=True`; below WEAK_KEY_BITS (1024) never.
  e odd with 2^16 < e < 2^256 (FIPS 186-5 §5.1), again relaxed to odd e >= 3 by
  `_allow_weak=True`. d = e^-1 mod lcm(p - 1, q - 1), and FIPS 186-5 requires
  d > 2^(nlen/2) (otherwise new primes are drawn).
* Loading numbers (vectors, peers): n odd with WEAK_KEY_BITS <= len(n) <=
  MAX_KEY_BITS, e odd with 3 <= e < n (published vectors use e = 3 and 17).
  Failures raise InvalidKey (a ValueError). A private key is checked for
  n = pq, 1 < d < n, e * d = 1 mod lcm(p - 1, q - 1), and by one trial
  private operation (a pairwise-consistency test); p and q are not tested for
  primality (that trial catches composite "primes" with overwhelming probability).

Key files: `private_bytes(encoding, format)` and `public_bytes(encoding,
format)` have pyca's signatures and are written by refkx.serialization (PKCS #1,
PKCS #8, SubjectPublicKeyInfo, PEM or DER). `public_bytes()` with no arguments
is the DER SubjectPublicKeyInfo (what the KEM layer sends), and
`from_public_bytes` reads exactly that, raising InvalidKey for anything else.

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets.
"""

from __future__ import annotations

import math
import secrets
from typing import Optional

from .encoding import require_bytes, require_int
from .errors import InvalidKey
from .pkcs1 import OAEP, PKCS1v15, PSS  # noqa: F401  (re-exported: the paddings of the API)
from .primes import Rng, generate_probable_prime_pair, random_int_below
from .rsa_primitives import (  # noqa: F401  (re-exported: the RFC 8017 §5 primitives)
    FaultDetected,
    crt_exponentiation,
    private_operation,
    rsadp,
    rsaep,
    rsasp1,
    rsavp1,
)

__all__ = [
    "MIN_KEY_BITS", "WEAK_KEY_BITS", "MAX_KEY_BITS", "OAEP", "PKCS1v15", "PSS",
    "RSAPrivateKey", "RSAPublicKey", "generate_private_key", "recover_prime_factors",
    "rsaep", "rsadp", "rsasp1", "rsavp1",
]

MIN_KEY_BITS = 2048  # FIPS 186-5 §5.1: nlen >= 2048 for generation
WEAK_KEY_BITS = 1024  # smallest modulus accepted at all (test keys and published vectors)
MAX_KEY_BITS = 16384  # largest modulus accepted from outside (bounds the work a peer can cause)
MIN_GENERATION_E = (1 << 16) + 1  # FIPS 186-5 §5.1: 2^16 < e < 2^256
MAX_GENERATION_E = 1 << 256


def _check_public_numbers(n: int, e: int) -> None:
    if n.bit_length() < WEAK_KEY_BITS:
        raise InvalidKey(f"RSA modulus of {n.bit_length()} bits is below the minimum of "
                         f"{WEAK_KEY_BITS}")
    if n.bit_length() > MAX_KEY_BITS:
        raise InvalidKey(f"RSA modulus of {n.bit_length()} bits is above the maximum of "
                         f"{MAX_KEY_BITS}")
    if n % 2 == 0:
        raise InvalidKey("RSA modulus must be odd")
    if e < 3 or e % 2 == 0:
        raise InvalidKey("RSA public exponent must be odd and at least 3")
    if e >= n:
        raise InvalidKey("RSA public exponent must be smaller than n")


class RSAPublicKey:
    """An RSA public key (n, e), RFC 8017 §3.1. Attributes: n, e, key_size (bits of n)."""

    def __init__(self, n: int, e: int) -> None:
        n = require_int("n", n)
        e = require_int("e", e)
        _check_public_numbers(n, e)
        self.n = n
        self.e = e
        self.key_size = n.bit_length()

    def __repr__(self) -> str:
        return f"RSAPublicKey(<{self.key_size}-bit n>, e={self.e})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RSAPublicKey):
            return NotImplemented
        return (self.n, self.e) == (other.n, other.e)

    def __hash__(self) -> int:
        return hash((RSAPublicKey, self.n, self.e))

    def encrypt(self, plaintext: bytes, padding) -> bytes:
        """RSAES-OAEP or RSAES-PKCS1-v1_5 encryption of `plaintext` (k-octet ciphertext).

        ValueError if the plaintext is too long for the key and padding.
        """
        if not isinstance(padding, (OAEP, PKCS1v15)):
            raise TypeError("padding must be refkx.rsa.OAEP or refkx.rsa.PKCS1v15 for encryption")
        return padding._encrypt(self, plaintext)

    def verify(self, signature: bytes, message: bytes, padding) -> None:
        """RSASSA-PSS or RSASSA-PKCS1-v1_5 verification: returns None, or raises InvalidSignature."""
        if not isinstance(padding, (PSS, PKCS1v15)):
            raise TypeError("padding must be refkx.rsa.PSS or refkx.rsa.PKCS1v15 for signatures")
        padding._verify(self, signature, message)

    def public_bytes(self, encoding=None, format=None) -> bytes:
        """pyca's public_bytes(encoding, format); no arguments: DER SubjectPublicKeyInfo."""
        # refkx.serialization builds on this module, so it is imported at call time (see docs/architecture.md).
        from . import serialization
        if encoding is None and format is None:
            encoding = serialization.Encoding.DER
            format = serialization.PublicFormat.SubjectPublicKeyInfo
        return serialization.public_bytes(self, encoding, format)

    @classmethod
    def from_public_bytes(cls, data: bytes) -> "RSAPublicKey":
        """The key in a DER SubjectPublicKeyInfo (rsaEncryption); InvalidKey for anything else."""
        from . import serialization
        data = require_bytes("data", data)
        try:
            key = serialization.load_der_public_key(data)
        except ValueError as exc:     # DERError, UnsupportedAlgorithm (InvalidKey passes through)
            if isinstance(exc, InvalidKey):
                raise
            raise InvalidKey(f"not an RSA SubjectPublicKeyInfo ({exc})") from None
        if not isinstance(key, RSAPublicKey) or key.public_bytes() != data:
            raise InvalidKey("not an RSA SubjectPublicKeyInfo")
        return key


class RSAPrivateKey:
    """An RSA private key, RFC 8017 §3.2 (second representation: p, q, dP, dQ, qInv).

    Attributes: n, e, d, p, q, dP, dQ, qInv, key_size. Inconsistent numbers
    raise InvalidKey (a ValueError).
    """

    def __init__(self, n: int, e: int, d: int, p: int, q: int) -> None:
        n, e, d, p, q = (require_int(name, value)
                         for name, value in (("n", n), ("e", e), ("d", d), ("p", p), ("q", q)))
        _check_public_numbers(n, e)
        if p < 3 or q < 3 or p == q:
            raise InvalidKey("p and q must be distinct numbers greater than 2")
        if p * q != n:
            raise InvalidKey("n is not p * q")
        if not 1 < d < n:
            raise InvalidKey("d must satisfy 1 < d < n")
        lam = math.lcm(p - 1, q - 1)  # lambda(n), RFC 8017 §3.2
        if (e * d) % lam != 1:
            raise InvalidKey("e * d is not 1 mod lcm(p - 1, q - 1)")
        self.n, self.e, self.d, self.p, self.q = n, e, d, p, q
        self.key_size = n.bit_length()
        # RFC 8017 §3.2: e * dP = 1 (mod p - 1), e * dQ = 1 (mod q - 1), q * qInv = 1 (mod p).
        self.dP = d % (p - 1)
        self.dQ = d % (q - 1)
        try:
            self.qInv = pow(q, -1, p)
        except ValueError:
            raise InvalidKey("q has no inverse mod p") from None
        # Pairwise-consistency test: one CRT private operation must invert RSAEP.
        x = random_int_below(n - 3) + 2
        y = crt_exponentiation(p, q, self.dP, self.dQ, self.qInv, x)
        if pow(y, e, n) != x:
            raise InvalidKey("RSA private key fails the consistency test (are p and q prime?)")

    @classmethod
    def from_private_exponent(cls, n: int, e: int, d: int) -> "RSAPrivateKey":
        """A key from (n, e, d) only: p and q recovered by `recover_prime_factors`."""
        n, e = require_int("n", n), require_int("e", e)
        _check_public_numbers(n, e)  # bounds the factoring work before it starts
        p, q = recover_prime_factors(n, e, d)
        return cls(n, e, d, p, q)

    def __repr__(self) -> str:
        return f"RSAPrivateKey(<{self.key_size}-bit n>, e={self.e})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RSAPrivateKey):
            return NotImplemented
        return ((self.n, self.e, self.d, {self.p, self.q})
                == (other.n, other.e, other.d, {other.p, other.q}))

    __hash__ = None  # keys with secrets are not dict keys

    def public_key(self) -> RSAPublicKey:
        return RSAPublicKey(self.n, self.e)

    def private_bytes(self, encoding, format, encryption_algorithm=None) -> bytes:
        """pyca's private_bytes: PrivateFormat.PKCS8 or .TraditionalOpenSSL, PEM or DER."""
        from . import serialization   # builds on this module: imported at call time
        return serialization.private_bytes(self, encoding, format, encryption_algorithm)

    def decrypt(self, ciphertext: bytes, padding) -> bytes:
        """RSAES-OAEP or RSAES-PKCS1-v1_5 decryption; DecryptionError for every failure."""
        if not isinstance(padding, (OAEP, PKCS1v15)):
            raise TypeError("padding must be refkx.rsa.OAEP or refkx.rsa.PKCS1v15 for decryption")
        return padding._decrypt(self, ciphertext)

    def sign(self, message: bytes, padding) -> bytes:
        """RSASSA-PSS or RSASSA-PKCS1-v1_5 signature of `message` (k octets)."""
        if not isinstance(padding, (PSS, PKCS1v15)):
            raise TypeError("padding must be refkx.rsa.PSS or refkx.rsa.PKCS1v15 for signatures")
        return padding._sign(self, message)


def generate_private_key(public_exponent: int = 65537, key_size: int = 2048, *,
                         rng: Optional[Rng] = None, _allow_weak: bool = False) -> RSAPrivateKey:
    """A fresh RSA key of exactly `key_size` bits (FIPS 186-5 §5.1 with Appendix A.1.3 primes).

    The order and names of pyca/cryptography: generate_private_key(public_exponent=65537,
    key_size=2048). `_allow_weak=True` (tests only) admits 1024-bit keys and odd e >= 3.
    `rng(n) -> bytes` replaces `secrets` for the prime search (tests only).
    """
    e = require_int("public_exponent", public_exponent)
    bits = require_int("key_size", key_size)
    if not isinstance(_allow_weak, bool):
        raise TypeError("_allow_weak must be a bool")
    if WEAK_KEY_BITS <= e <= MAX_KEY_BITS and e % 2 == 0:
        # generate_private_key(2048) or (2048, 65537): the order of an older refkx.
        raise ValueError(f"public_exponent={e} looks like a key size: the arguments are "
                         "generate_private_key(public_exponent, key_size), as in "
                         "pyca/cryptography (e.g. generate_private_key(65537, 2048))")
    min_bits = WEAK_KEY_BITS if _allow_weak else MIN_KEY_BITS
    if bits < min_bits:
        hint = "" if _allow_weak or bits < WEAK_KEY_BITS else " (1024 only with _allow_weak=True, for tests)"
        raise ValueError(f"key size must be at least {min_bits} bits{hint}")
    if bits > MAX_KEY_BITS:
        raise ValueError(f"key size must be at most {MAX_KEY_BITS} bits")
    if bits % 2:
        raise ValueError("key size must be even (p and q have nlen/2 bits each)")
    if e % 2 == 0:
        raise ValueError("public_exponent must be odd")
    if _allow_weak:
        if e < 3:
            raise ValueError("public_exponent must be at least 3")
    elif not MIN_GENERATION_E <= e < MAX_GENERATION_E:
        raise ValueError("public_exponent must satisfy 2^16 < e < 2^256 (FIPS 186-5 §5.1); "
                         "65537 is the usual choice")
    while True:
        # FIPS 186-5 A.1.3: p and q.
        p, q = generate_probable_prime_pair(bits, e, rng)
        # FIPS 186-5 §5.1 / A.1.1: d = e^-1 mod LCM(p - 1, q - 1), with 2^(nlen/2) < d.
        d = pow(e, -1, math.lcm(p - 1, q - 1))
        if d > 1 << (bits // 2):
            return RSAPrivateKey(p * q, e, d, p, q)


def recover_prime_factors(n: int, e: int, d: int, *, tries: int = 100) -> tuple[int, int]:
    """p and q from (n, e, d): NIST SP 800-56B Rev. 2 Appendix C.2 (probabilistic).

    RFC 8017 does not cover this; we need it for vectors that give only n, e, d
    (CAVP SigGenPSS). Returns (p, q) with p > q; ValueError if d does not fit.
    """
    n, e, d = require_int("n", n), require_int("e", e), require_int("d", d)
    # Step 1: a = de - 1; if a is odd, FAIL.
    a = d * e - 1
    if a <= 0 or a % 2:
        raise ValueError("d * e - 1 must be even and positive")
    # Step 2: a = 2^t * r with r odd.
    t = (a & -a).bit_length() - 1
    r = a >> t
    # Step 3: look for a nontrivial square root of 1 mod n.
    for _ in range(tries):
        g = secrets.randbelow(n - 3) + 2  # 3.a: random g (0, 1, n - 1 are useless)
        y = pow(g, r, n)  # 3.b
        if y in (1, n - 1):  # 3.c
            continue
        for _ in range(t):  # 3.d-3.e: square up to t times
            x = pow(y, 2, n)
            if x == 1:
                # Step 5: y is a square root of 1 other than +-1, so gcd(y - 1, n) is a factor.
                p = math.gcd(y - 1, n)
                q = n // p
                return max(p, q), min(p, q)
            if x == n - 1:
                break
            y = x
    # Step 4: FAIL.
    raise ValueError("could not factor n with this (e, d)")
