"""The two implementations under test: refkx itself (PureOps) and OpenSSL through the
`cryptography` package (NativeOps), each offering the same operations to the runner."""

from __future__ import annotations

import secrets

PURE, NATIVE = "refkx", "openssl"


def _kem_family(name: str) -> tuple[str, int | None]:
    """The family of a KEM name and, for RSA, its modulus size: ('x25519', None),
    ('x448', None), ('rsa', 2048) for 'rsa2048-oaep', ('ffdh', None) for the groups;
    ('mlkem', 768) for 'mlkem768' and ('x25519mlkem', 768) for the hybrid."""
    if name in ("x25519", "x448"):
        return name, None
    if name == "x25519mlkem768":
        return "x25519mlkem", 768
    if name.startswith("mlkem"):
        return "mlkem", int(name[5:])
    if name.startswith("rsa") and name.endswith("-oaep"):
        return "rsa", int(name[3:-5])
    return "ffdh", None


class PureOps:
    """Operations of refkx itself (imports are lazy, so `--help` stays fast)."""
    impl = PURE

    def kem(self, name: str):
        """(keygen, encapsulate, decapsulate, static_key) callables for a KEM of kem.KEMS."""
        from ...kem import KEMS
        kem = KEMS[name]
        private_key, public = kem.generate_keypair()
        _, enc = kem.encapsulate(public)
        # RSA key transport has no forward secrecy: its key is the server's long-term key.
        static = not getattr(kem, "forward_secrecy", _kem_family(name)[0] != "rsa")
        return (kem.generate_keypair, lambda: kem.encapsulate(public),
                lambda: kem.decapsulate(enc, private_key), static)

    def aead(self, key_size: int):
        from ...gcm import AESGCM
        aead = AESGCM(secrets.token_bytes(key_size))
        # One nonce for every call is fine for TIMING; reusing a GCM nonce on real data
        # reveals the XOR of the plaintexts and lets anyone forge tags.
        nonce = secrets.token_bytes(12)
        return lambda data: aead.encrypt(nonce, data, None)

    def dh(self, group_name: str):
        """(keygen, exchange) callables for a finite-field group."""
        from ... import dh
        group = dh.GROUPS[group_name]
        theirs = dh.DHPrivateKey.generate(group).public_key()
        mine = dh.DHPrivateKey.generate(group)
        return (lambda: dh.DHPrivateKey.generate(group).public_key(),
                lambda: mine.exchange(theirs))

    def rsa_generate(self, bits: int):
        from ... import rsa
        # keys below 2048 bits only for the testing knob --rsa-bits (smoke tests)
        return rsa.generate_private_key(key_size=bits, _allow_weak=bits < 2048)

    def rsa_ops(self, key):
        """(sign, verify) callables with RSASSA-PSS/SHA-256."""
        from ... import rsa
        message = b"refkx benchmark message"
        signature = key.sign(message, rsa.PSS())
        public = key.public_key()
        return (lambda: key.sign(message, rsa.PSS()),
                lambda: public.verify(signature, message, rsa.PSS()))


class NativeOps:
    """The same operations through `cryptography` (OpenSSL)."""
    impl = NATIVE

    def __init__(self):
        import cryptography.hazmat.primitives.asymmetric  # noqa: F401  (fail early if absent)

    def kem(self, name: str):
        family, bits = _kem_family(name)
        if family in ("x25519", "x448"):
            if family == "x25519":
                from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey as K
            else:
                from cryptography.hazmat.primitives.asymmetric.x448 import X448PrivateKey as K

            def keygen():
                key = K.generate()
                return key, key.public_key()

            private_key, public = keygen()

            def encapsulate():
                eph = K.generate()
                return eph.exchange(public), eph.public_key()

            _, enc = encapsulate()
            return keygen, encapsulate, lambda: private_key.exchange(enc), False
        if family in ("mlkem", "x25519mlkem"):
            return self._mlkem(family, bits)
        if family == "rsa":
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding, rsa as native_rsa
            oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
                                label=None)

            def keygen():
                key = native_rsa.generate_private_key(65537, bits)
                return key, key.public_key()

            private_key, public = keygen()
            enc = public.encrypt(secrets.token_bytes(32), oaep)
            return (keygen, lambda: public.encrypt(secrets.token_bytes(32), oaep),
                    lambda: private_key.decrypt(enc, oaep), True)
        keygen, exchange, params = self._dh(name)
        peer = params.generate_private_key().public_key()

        def encapsulate():
            eph = params.generate_private_key()
            return eph.exchange(peer), eph.public_key()

        return keygen, encapsulate, exchange, False

    def _mlkem(self, family: str, bits: int):
        """ML-KEM (and X25519MLKEM768: OpenSSL's ML-KEM-768 and X25519 side by side)."""
        from cryptography.hazmat.primitives.asymmetric import mlkem as native_mlkem
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
        private_class = getattr(native_mlkem, f"MLKEM{bits}PrivateKey", None)
        if private_class is None:
            raise NotImplementedError(f"cryptography has no ML-KEM-{bits}")
        hybrid = family == "x25519mlkem"

        def keygen():
            key = private_class.generate()
            key.public_key()
            if hybrid:
                X25519PrivateKey.generate().public_key()
            return key

        private_key = private_class.generate()
        public = private_key.public_key()
        x_private = X25519PrivateKey.generate()
        x_public = x_private.public_key()

        def encapsulate():
            result = public.encapsulate()
            if hybrid:
                ephemeral = X25519PrivateKey.generate()
                return result, ephemeral.exchange(x_public), ephemeral.public_key()
            return result

        _, ciphertext = public.encapsulate()
        x_enc = X25519PrivateKey.generate().public_key()

        def decapsulate():
            secret = private_key.decapsulate(ciphertext)
            return secret + x_private.exchange(x_enc) if hybrid else secret

        return keygen, encapsulate, decapsulate, False

    def _dh(self, group_name: str):
        from cryptography.hazmat.primitives.asymmetric import dh as native_dh
        from ... import dh
        group = dh.GROUPS[group_name]
        params = native_dh.DHParameterNumbers(group.p, group.g, group.q).parameters()
        mine = params.generate_private_key()
        theirs = params.generate_private_key().public_key()
        return (lambda: params.generate_private_key().public_key(),
                lambda: mine.exchange(theirs), params)

    def dh(self, group_name: str):
        keygen, exchange, _ = self._dh(group_name)
        return keygen, exchange

    def aead(self, key_size: int):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        aead = AESGCM(secrets.token_bytes(key_size))
        nonce = secrets.token_bytes(12)
        return lambda data: aead.encrypt(nonce, data, None)

    def rsa_generate(self, bits: int):
        from cryptography.hazmat.primitives.asymmetric import rsa as native_rsa
        return native_rsa.generate_private_key(65537, bits)

    def rsa_ops(self, key):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        message = b"refkx benchmark message"
        signature = key.sign(message, pss, hashes.SHA256())
        public = key.public_key()
        return (lambda: key.sign(message, pss, hashes.SHA256()),
                lambda: public.verify(signature, message, pss, hashes.SHA256()))


def native_available() -> bool:
    try:
        NativeOps()
    except ImportError:
        return False
    return True


def refkx_key_from_native(native_key):
    """A refkx RSAPrivateKey with the numbers of a `cryptography` key (fast key generation)."""
    from ... import rsa
    n = native_key.private_numbers()
    return rsa.RSAPrivateKey(n.public_numbers.n, n.public_numbers.e, n.d, n.p, n.q)


# Client and server each need a few do_handshake() turns: ClientHello, the server's flight,
# the client's Finished, and one more for the server to take it.
SSL_HANDSHAKE_TURNS = 4


def ssl_memory_handshake(client_context, server_context):
    """One TLS handshake by the stdlib ssl module (OpenSSL) between two ssl.SSLContexts, both
    sides in this process over memory BIOs (no socket); returns the client's SSLObject."""
    import ssl
    client_in, client_out, server_in, server_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_context.wrap_bio(client_in, client_out)
    server = server_context.wrap_bio(server_in, server_out, server_side=True)
    for _ in range(SSL_HANDSHAKE_TURNS):
        for side in (client, server):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
        server_in.write(client_out.read())
        client_in.write(server_out.read())
    return client


# tlslite-ng (pure Python, the `peers` extra) needs a socket and a thread per side.
TLSLITE_TIMEOUT_S = 30.0


def tlslite_version() -> str:
    """The installed tlslite-ng version; raises ImportError without it."""
    import tlslite
    return getattr(tlslite, "__version__", "?")


def tlslite_socketpair_handshake(cert_pem: str, key_pem: str, group: str):
    """A function that runs one TLS 1.3 handshake (TLS_AES_128_GCM_SHA256, key share `group`)
    by tlslite-ng between a client and a server thread over a socketpair, the way it is used:
    tlslite has no memory-BIO interface. Each call is bounded: both sockets time out after
    TLSLITE_TIMEOUT_S and the server thread is joined with the same limit. Raises ImportError
    without tlslite-ng."""
    import socket
    import threading
    from tlslite.api import HandshakeSettings, TLSConnection, X509CertChain, parsePEMKey
    chain = X509CertChain()
    chain.parsePemList(cert_pem)
    key = parsePEMKey(key_pem, private=True)

    def settings():
        s = HandshakeSettings()
        s.minVersion = s.maxVersion = (3, 4)
        s.keyShares = [group]
        s.eccCurves = [group] + [c for c in s.eccCurves if c != group]
        s.cipherNames = ["aes128gcm"]
        return s

    def handshake():
        client_socket, server_socket = socket.socketpair()
        errors = []

        def serve():
            try:
                TLSConnection(server_socket).handshakeServer(certChain=chain, privateKey=key,
                                                             settings=settings())
            except Exception as exc:        # reported by the caller's thread below
                errors.append(exc)
        try:
            for s in (client_socket, server_socket):
                s.settimeout(TLSLITE_TIMEOUT_S)
            server = threading.Thread(target=serve, daemon=True)
            server.start()
            TLSConnection(client_socket).handshakeClientCert(settings=settings())
            server.join(TLSLITE_TIMEOUT_S)
        finally:
            client_socket.close()
            server_socket.close()
        if server.is_alive() or errors:
            raise RuntimeError(f"tlslite-ng server failed: {errors or 'timed out'}")
    return handshake
