"""One key-encapsulation interface over every key-exchange mechanism in refkx.

A KEM (the shape RFC 9180 §4 and the NIST KEM documents use) has three operations:

    private_key, public_bytes = kem.generate_keypair()      # recipient, once
    shared_secret, enc = kem.encapsulate(public_bytes)      # sender
    shared_secret = kem.decapsulate(enc, private_key)       # recipient

Three families implement it:

* `x25519`, `x448` (RFC 7748 §6): Diffie-Hellman as a KEM. Encapsulate draws
  an ephemeral key pair; enc is its public u-coordinate and the shared secret
  is the raw DH output K (§6.1/§6.2), refused when all zero (InvalidKey).
* `ffdhe2048` ... `ffdhe8192` (RFC 7919) and `modp1536` ... `modp8192`
  (RFC 3526): finite-field Diffie-Hellman as a KEM. enc and the public bytes
  are y left-padded to the byte length of p; the shared secret is Z, also
  left-padded to len(p) (SP 800-56A §5.7.1.1). Peer values get full public-key
  validation (refkx.dh: 2 <= y <= p - 2 and y^q = 1 mod p).
* `mlkem512`, `mlkem768`, `mlkem1024` (FIPS 203): ML-KEM itself. The public
  bytes are the encapsulation key ek (384k + 32 bytes; the §7.2 checks apply,
  InvalidKey), enc is the ciphertext c, the shared secret is K (32 bytes); a
  tampered enc gives the implicit-rejection key, not an exception.
* `x25519mlkem768` (draft-ietf-tls-ecdhe-mlkem §3.1, the TLS group 0x11EC):
  the hybrid, ML-KEM part first everywhere. Public bytes: ek || X25519 public
  (1184 + 32 = 1216 bytes); enc: c || the sender's ephemeral X25519 public
  (1088 + 32 = 1120 bytes); shared secret: K || X25519 K (64 bytes). Both
  checks apply: ML-KEM's §7.2/§7.3 and X25519's all-zero refusal (InvalidKey).
* `rsa2048-oaep`, `rsa3072-oaep`, `rsa4096-oaep`: RSA key transport. The
  encapsulator draws a random 32-byte secret and encrypts it with RSAES-OAEP
  (RFC 8017 §7.1, SHA-256 for the label hash and MGF1, empty label) to the
  recipient's public key; enc is the k-octet ciphertext and the shared secret
  is the 32-byte secret itself. Public bytes are RSAPublicKey.public_bytes(),
  the DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, rsaEncryption).

The shared secret is the mechanism's raw secret, not yet a key: the DH
outputs are group elements, not uniform strings, so every caller must feed it
through a KDF together with the transcript (refkx.hpke and refkx.tls do).

Forward secrecy. No KEM gives forward secrecy when the recipient's key pair is
long-term: whoever later obtains that private key decapsulates every recorded
enc. Forward secrecy comes from the recipient using a fresh key pair per
session and deleting it afterwards. `forward_secrecy` says whether the
mechanism is meant for (and cheap enough for) that: True for the DH kinds
(keygen costs one exponentiation / ladder, as in TLS 1.3's key_share), False
for RSA transport (keygen means a prime search, so RSA keys are long-term in
practice, the reason TLS 1.3 removed RSA key transport).

Errors: str or other non-bytes where bytes belong, or a private key of the
wrong class, raise TypeError; a private key of another group or size is
ValueError; public bytes or an enc of the wrong length or failing validation
raise refkx.errors.InvalidKey (DH kinds, and RSA public bytes); every RSA
decapsulation failure raises refkx.errors.DecryptionError.

CPython integers are not constant-time: this module teaches and cross-checks;
it does not protect production secrets.
"""

from __future__ import annotations

import secrets
from typing import Any, Callable, Optional

from . import dh, mlkem, rsa, x25519, x448
from .encoding import require_bytes
from .errors import DecryptionError, InvalidKey
from .pkcs1 import DECRYPTION_ERROR

Rng = Callable[[int], bytes]

RSA_SECRET_SIZE = 32     # bytes of the random secret RSA-OAEP transports
RSA_OAEP_HASH = "sha256"
KEYGEN_ATTEMPTS = 4      # RSA keygen restarts after a FIPS 186-5 A.1.3 FAILURE


class KEM:
    """The interface: `name`, sizes, generate_keypair, encapsulate, decapsulate.

    Sizes are in bytes; None means "not fixed" (e.g. RSA public bytes, whose
    length depends on e). `forward_secrecy` is explained in the module doc.
    """

    name: str
    public_key_size: Optional[int]
    enc_size: int
    shared_secret_size: int
    forward_secrecy: bool

    def generate_keypair(self, *, rng: Optional[Rng] = None) -> tuple[Any, bytes]:
        """(private_key, public_bytes) for a recipient."""
        raise NotImplementedError

    def encapsulate(self, public_bytes: bytes, *, rng: Optional[Rng] = None
                    ) -> tuple[bytes, bytes]:
        """(shared_secret, enc) for the recipient whose public bytes are given."""
        raise NotImplementedError

    def decapsulate(self, enc: bytes, private_key: Any) -> bytes:
        """The shared_secret inside `enc`, using the recipient's private key."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<KEM {self.name}>"


def _require_length(what: str, data: object, length: int) -> bytes:
    data = require_bytes(what, data)
    if len(data) != length:
        raise InvalidKey(f"{what} must be {length} bytes, got {len(data)}")
    return data


class MontgomeryDHKEM(KEM):
    """X25519 or X448 (RFC 7748 §6) as a KEM: enc = ephemeral public u, secret = raw K.

    forward_secrecy = True: meant for a fresh recipient key pair per session
    (cheap: one ladder); with a long-term recipient key there is none.
    """

    forward_secrecy = True

    def __init__(self, name: str, module) -> None:
        self.name = name
        self._private_class = getattr(module, f"{name.upper()}PrivateKey")
        self._public_class = getattr(module, f"{name.upper()}PublicKey")
        self.public_key_size = self.enc_size = self.shared_secret_size = module.KEY_SIZE

    def generate_keypair(self, *, rng: Optional[Rng] = None):
        private_key = self._private_class.generate(rng)
        return private_key, private_key.public_key().public_bytes_raw()

    def encapsulate(self, public_bytes, *, rng: Optional[Rng] = None):
        peer = self._public_class.from_public_bytes(
            _require_length(f"{self.name} public bytes", public_bytes, self.public_key_size))
        ephemeral = self._private_class.generate(rng)
        shared_secret = ephemeral.exchange(peer)          # RFC 7748 §6: InvalidKey if all zero
        return shared_secret, ephemeral.public_key().public_bytes_raw()

    def decapsulate(self, enc, private_key):
        if not isinstance(private_key, self._private_class):
            raise TypeError(f"private_key must be a {self._private_class.__name__}, "
                            f"not {type(private_key).__name__}")
        peer = self._public_class.from_public_bytes(
            _require_length(f"{self.name} enc", enc, self.enc_size))
        return private_key.exchange(peer)


class FiniteFieldDHKEM(KEM):
    """Finite-field DH over a named group as a KEM: enc = ephemeral y, secret = Z.

    Both are left-padded to len(p) bytes. The peer's y (public bytes on
    encapsulate, enc on decapsulate) gets SP 800-56A full validation, so a
    bad value raises InvalidKey. forward_secrecy = True: meant for a fresh
    recipient key pair per session (one short-exponent exponentiation); with a
    long-term recipient key there is none.
    """

    forward_secrecy = True

    def __init__(self, group: dh.DHGroup) -> None:
        self.group = group
        self.name = group.name
        self.public_key_size = self.enc_size = self.shared_secret_size = group.byte_length

    def generate_keypair(self, *, rng: Optional[Rng] = None):
        private_key = dh.DHPrivateKey.generate(self.group, rng=rng)
        return private_key, private_key.public_key().public_bytes()

    def encapsulate(self, public_bytes, *, rng: Optional[Rng] = None):
        peer = dh.DHPublicKey.from_public_bytes(
            self.group, _require_length(f"{self.name} public bytes", public_bytes,
                                        self.public_key_size))
        ephemeral = dh.DHPrivateKey.generate(self.group, rng=rng)
        shared_secret = ephemeral.exchange(peer)
        return shared_secret, ephemeral.public_key().public_bytes()

    def decapsulate(self, enc, private_key):
        if not isinstance(private_key, dh.DHPrivateKey):
            raise TypeError("private_key must be a DHPrivateKey, not "
                            f"{type(private_key).__name__}")
        if private_key.group.p != self.group.p or private_key.group.g != self.group.g:
            raise ValueError(f"private_key is in group {private_key.group.name}, not {self.name}")
        peer = dh.DHPublicKey.from_public_bytes(
            self.group, _require_length(f"{self.name} enc", enc, self.enc_size))
        return private_key.exchange(peer)


class RSAOAEPKEM(KEM):
    """RSA key transport as a KEM: enc = RSAES-OAEP(SHA-256) of a random 32-byte secret.

    forward_secrecy = False: the recipient's RSA key is long-term in practice
    (generating one takes a prime search), and whoever obtains it later
    decrypts every recorded enc. Every decapsulation failure (wrong length,
    c >= n, OAEP decoding, a transported secret that is not 32 bytes) raises
    the one DecryptionError.
    """

    forward_secrecy = False
    public_key_size = None       # u16(len n) || n || u16(len e) || e: depends on e

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.name = f"rsa{bits}-oaep"
        self.enc_size = bits // 8                  # k, the modulus length in octets
        self.shared_secret_size = RSA_SECRET_SIZE

    def _padding(self, rng: Optional[Rng] = None) -> rsa.OAEP:
        return rsa.OAEP(RSA_OAEP_HASH, rng=rng)

    def generate_keypair(self, *, rng: Optional[Rng] = None):
        # FIPS 186-5 A.1.3 returns FAILURE after 5(nlen/2) candidates without a prime
        # (refkx.primes raises RuntimeError; rare, about e^-14 per prime at 2048 bits);
        # the remedy is to start over.
        for attempt in range(KEYGEN_ATTEMPTS):
            try:
                private_key = rsa.generate_private_key(key_size=self.bits, rng=rng)
                break
            except RuntimeError:
                if attempt == KEYGEN_ATTEMPTS - 1:
                    raise
        return private_key, private_key.public_key().public_bytes()

    def encapsulate(self, public_bytes, *, rng: Optional[Rng] = None):
        public_key = rsa.RSAPublicKey.from_public_bytes(
            require_bytes(f"{self.name} public bytes", public_bytes))   # InvalidKey if malformed
        if public_key.key_size != self.bits:
            raise InvalidKey(f"{self.name} needs a {self.bits}-bit RSA key, "
                             f"got {public_key.key_size} bits")
        shared_secret = (rng or secrets.token_bytes)(RSA_SECRET_SIZE)
        return shared_secret, public_key.encrypt(shared_secret, self._padding(rng))

    def decapsulate(self, enc, private_key):
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise TypeError("private_key must be an RSAPrivateKey, not "
                            f"{type(private_key).__name__}")
        if private_key.key_size != self.bits:
            raise ValueError(f"{self.name} needs a {self.bits}-bit RSA key, "
                             f"got {private_key.key_size} bits")
        enc = require_bytes("enc", enc)
        shared_secret = private_key.decrypt(enc, self._padding())   # DecryptionError on failure
        if len(shared_secret) != RSA_SECRET_SIZE:
            raise DecryptionError(DECRYPTION_ERROR)   # the same message as every RSA failure
        return shared_secret


class MLKEM(KEM):
    """ML-KEM (FIPS 203) as it is: generate = Algorithm 19, encapsulate = 20, decapsulate = 21.

    forward_secrecy = True: key generation costs about as much as one encapsulation,
    so a fresh key pair per session is cheap (TLS 1.3 key_share uses it so).
    """

    forward_secrecy = True

    def __init__(self, name: str, private_class, public_class) -> None:
        self.name = name
        self._private_class = private_class
        self._public_class = public_class
        params = private_class._params
        self.params = params
        self.public_key_size = params.ek_size
        self.enc_size = params.ciphertext_size
        self.shared_secret_size = mlkem.SHARED_SECRET_SIZE

    def generate_keypair(self, *, rng: Optional[Rng] = None):
        private_key = self._private_class.generate(rng)
        return private_key, private_key.public_key().public_bytes_raw()

    def encapsulate(self, public_bytes, *, rng: Optional[Rng] = None):
        peer = self._public_class.from_public_bytes(     # §7.2: InvalidKey
            require_bytes(f"{self.name} public bytes", public_bytes))
        return peer.encapsulate(rng)

    def decapsulate(self, enc, private_key):
        if not isinstance(private_key, self._private_class):
            raise TypeError(f"private_key must be a {self._private_class.__name__}, "
                            f"not {type(private_key).__name__}")
        return private_key.decapsulate(require_bytes(f"{self.name} enc", enc))   # §7.3


class X25519MLKEM768PrivateKey:
    """The recipient's half of X25519MLKEM768: an ML-KEM-768 key and an X25519 key."""

    def __init__(self, mlkem_key: mlkem.MLKEM768PrivateKey,
                 x25519_key: x25519.X25519PrivateKey) -> None:
        self.mlkem_key = mlkem_key
        self.x25519_key = x25519_key

    def public_bytes(self) -> bytes:
        """draft-ietf-tls-ecdhe-mlkem §3.1.1: ek || X25519 public (1216 bytes)."""
        return (self.mlkem_key.public_key().public_bytes_raw()
                + self.x25519_key.public_key().public_bytes_raw())

    def __repr__(self) -> str:
        return "<X25519MLKEM768PrivateKey>"


class X25519MLKEM768KEM(KEM):
    """X25519MLKEM768, draft-ietf-tls-ecdhe-mlkem §3.1: ML-KEM-768 and X25519 side by side.

    The two mechanisms run independently on their own halves of each value and the
    secrets are concatenated, ML-KEM's first (§3.1.3); the TLS key schedule then
    hashes the 64 bytes. Failing either half fails the whole: an ek failing §7.2,
    a c of the wrong length, or an all-zero X25519 output raise InvalidKey.
    """

    name = "x25519mlkem768"
    forward_secrecy = True
    ML_KEM_PARAMS = mlkem.ML_KEM_768
    public_key_size = ML_KEM_PARAMS.ek_size + x25519.KEY_SIZE        # 1216
    enc_size = ML_KEM_PARAMS.ciphertext_size + x25519.KEY_SIZE       # 1120
    shared_secret_size = mlkem.SHARED_SECRET_SIZE + x25519.KEY_SIZE  # 64

    def generate_keypair(self, *, rng: Optional[Rng] = None):
        """rng draws, in order: ML-KEM's d and z (32 bytes each), then the X25519 key (32)."""
        private_key = X25519MLKEM768PrivateKey(mlkem.MLKEM768PrivateKey.generate(rng),
                                               x25519.X25519PrivateKey.generate(rng))
        return private_key, private_key.public_bytes()

    def encapsulate(self, public_bytes, *, rng: Optional[Rng] = None):
        """rng draws, in order: the ephemeral X25519 key (32 bytes), then ML-KEM's m (32)."""
        public_bytes = _require_length(f"{self.name} public bytes", public_bytes,
                                       self.public_key_size)
        split = self.ML_KEM_PARAMS.ek_size
        ek, x25519_public = public_bytes[:split], public_bytes[split:]     # §3.1.1
        mlkem_peer = mlkem.MLKEM768PublicKey.from_public_bytes(ek)        # FIPS 203 §7.2
        x25519_peer = x25519.X25519PublicKey.from_public_bytes(x25519_public)
        ephemeral = x25519.X25519PrivateKey.generate(rng)
        x25519_secret = ephemeral.exchange(x25519_peer)                   # all-zero: InvalidKey
        mlkem_secret, c = mlkem_peer.encapsulate(rng)
        enc = c + ephemeral.public_key().public_bytes_raw()               # §3.1.2
        return mlkem_secret + x25519_secret, enc                           # §3.1.3

    def decapsulate(self, enc, private_key):
        if not isinstance(private_key, X25519MLKEM768PrivateKey):
            raise TypeError("private_key must be an X25519MLKEM768PrivateKey, not "
                            f"{type(private_key).__name__}")
        enc = _require_length(f"{self.name} enc", enc, self.enc_size)
        split = self.ML_KEM_PARAMS.ciphertext_size
        c, x25519_public = enc[:split], enc[split:]                        # §3.1.2
        x25519_secret = private_key.x25519_key.exchange(
            x25519.X25519PublicKey.from_public_bytes(x25519_public))      # all-zero: InvalidKey
        mlkem_secret = private_key.mlkem_key.decapsulate(c)               # FIPS 203 §7.3
        return mlkem_secret + x25519_secret                                 # §3.1.3


MLKEM_NAMES = ("mlkem512", "mlkem768", "mlkem1024")

FFDH_GROUP_NAMES = ("ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
                    "modp1536", "modp2048", "modp3072", "modp4096", "modp6144", "modp8192")
RSA_KEY_BITS = (2048, 3072, 4096)

KEMS: dict[str, KEM] = {
    "x25519": MontgomeryDHKEM("x25519", x25519),
    "x448": MontgomeryDHKEM("x448", x448),
    **{name: FiniteFieldDHKEM(dh.GROUPS[name]) for name in FFDH_GROUP_NAMES},
    **{f"rsa{bits}-oaep": RSAOAEPKEM(bits) for bits in RSA_KEY_BITS},
    **{name: MLKEM(name, getattr(mlkem, f"MLKEM{name[5:]}PrivateKey"),
                   getattr(mlkem, f"MLKEM{name[5:]}PublicKey")) for name in MLKEM_NAMES},
    "x25519mlkem768": X25519MLKEM768KEM(),
}


def get_kem(name: str) -> KEM:
    """KEMS[name], with a ValueError that lists the names for an unknown one."""
    if not isinstance(name, str):
        raise TypeError(f"KEM name must be a str, not {type(name).__name__}")
    try:
        return KEMS[name]
    except KeyError:
        raise ValueError(f"unknown KEM {name!r}; choose from {', '.join(KEMS)}") from None
