"""`python -m refkx trace mlkem`: every intermediate of ML-KEM, in the layout of FIPS 203.

One run shows, for one parameter set and fixed randomness d, z (KeyGen) and m (Encaps):

* Algorithm 16 / 13 (KeyGen): rho and sigma from G(d || k), the matrix A_hat, the
  noise s and e, their NTTs s_hat and e_hat, t_hat = A_hat o s_hat + e_hat, ek, dk;
* Algorithm 17 / 14 (Encaps): K and r from G(m || H(ek)), the vector y (r in the 2023
  draft) and e1, e2, y_hat, u, mu, v, and the two halves c1, c2 of the ciphertext;
* Algorithm 18 / 15 (Decaps): u', v', w, m', (K', r') = G(m' || h), K_bar = J(z || c),
  the re-encryption c' and the comparison that picks K' or K_bar. With --reject the
  ciphertext is first changed in one bit, so the implicit-rejection path is taken.

A polynomial is printed as its coefficients (the noise polynomials s, e, y, e1, e2
centred in [-(q-1)/2, (q-1)/2], the way they were sampled) and as ByteEncode_12 hex; by
default only the first and last coefficients and bytes are shown, `--full` prints all.
Putting s[0] next to s_hat[0] shows what the NTT does: coefficients in -eta..eta become
256 values spread over all of Z_q, the polynomial's values at the 128 quadratic factors.

The values come from refkx.mlkem's own trace hooks (the `trace=` argument of
keygen_internal, encaps_internal and decaps_internal), run on the readable code.
Printing secrets is the point here: never trace a key you care about.
"""

from __future__ import annotations

from .. import mlkem

# The inputs of record count 0 of the FIPS 203 KAT file kat_MLKEM_768.rsp (vectors/mlkem/),
# so that `trace mlkem` with no options ends in that record's ct and ss.
DEFAULT_D = bytes.fromhex("6dbbc4375136df3b07f7c70e639e223e177e7fd53b161b3f4d57791794f12624")
DEFAULT_Z = bytes.fromhex("f696484048ec21f96cf50a56d0759c448f3779752f0383d37449690694cf7a68")
DEFAULT_M = bytes.fromhex("20a7b7e10f70496cc38220b944def699bf14d14e55cf4c90a12c1b33fc80ffff")
SETS = {"512": mlkem.ML_KEM_512, "768": mlkem.ML_KEM_768, "1024": mlkem.ML_KEM_1024}
SHOWN = 8                  # coefficients (and bytes) at each end of a shortened line
PER_LINE = 16              # coefficients per line with --full
HEX_PER_LINE = 32          # bytes per hex line with --full
INDENT = "      "


def _centred(x: int) -> int:
    return x - mlkem.Q if x > mlkem.Q // 2 else x


def _numbers(values: list[int], full: bool) -> list[str]:
    if full:
        return [" ".join(f"{v:5d}" for v in values[i:i + PER_LINE])
                for i in range(0, len(values), PER_LINE)]
    head = " ".join(str(v) for v in values[:SHOWN])
    tail = " ".join(str(v) for v in values[-SHOWN:])
    return [f"[{head} ... {tail}]"]


def _hex(data: bytes, full: bool) -> list[str]:
    if full:
        return [data[i:i + HEX_PER_LINE].hex() for i in range(0, len(data), HEX_PER_LINE)]
    if len(data) <= 2 * SHOWN * 2:
        return [data.hex()]
    return [f"{data[:2 * SHOWN].hex()}..{data[-2 * SHOWN:].hex()} ({len(data)} bytes)"]


def _poly(name: str, f: list[int], full: bool, centred: bool = False) -> list[str]:
    shown = [_centred(x) for x in f] if centred else list(f)
    kind = "coefficients (centred)" if centred else "coefficients"
    lines = [f"    {name}"]
    lines += [f"{INDENT}{kind:<24} {line}" if i == 0 else f"{INDENT}{'':<24} {line}"
              for i, line in enumerate(_numbers(shown, full))]
    encoded = _hex(mlkem.byte_encode(mlkem.COEFFICIENT_BITS, list(f)), full)
    lines += [f"{INDENT}{'ByteEncode_12' if i == 0 else '':<24} {line}"
              for i, line in enumerate(encoded)]
    return lines


def _vector(name: str, polys: list[list[int]], full: bool, centred: bool = False) -> list[str]:
    lines = []
    for i, f in enumerate(polys):
        lines += _poly(f"{name}[{i}]", f, full, centred)
    return lines


def _value(name: str, data: bytes, full: bool) -> list[str]:
    hex_lines = _hex(data, full)
    return [f"    {name:<28} {hex_lines[0]}"] + [f"    {'':<28} {line}" for line in hex_lines[1:]]


def _step(text: str) -> str:
    return f"  {text}"


def mlkem_lines(set_name: str = "768", d: bytes | None = None, z: bytes | None = None,
                m: bytes | None = None, reject: bool = False, full: bool = False) -> list[str]:
    """The whole trace as lines. Run under the readable implementation (refkx.tools.trace
    does that for the CLI); raises ValueError for an unknown set or wrong-length inputs."""
    if set_name not in SETS:
        raise ValueError(f"unknown parameter set {set_name!r}; choose from {', '.join(SETS)}")
    params = SETS[set_name]
    d = DEFAULT_D if d is None else d
    z = DEFAULT_Z if z is None else z
    m = DEFAULT_M if m is None else m
    for name, value in (("d", d), ("z", z), ("m", m)):
        if len(value) != mlkem.SYMMETRIC_SIZE:
            raise ValueError(f"--{name} must be {mlkem.SYMMETRIC_SIZE} bytes, got {len(value)}")
    k = params.k

    keygen: dict = {}
    ek, dk = mlkem.keygen_internal(d, z, params, trace=keygen)
    encaps: dict = {}
    K, c = mlkem.encaps_internal(ek, m, params, trace=encaps)

    out = [f"{params.name} (FIPS 203, August 2024), readable code: k = {k}, eta1 = {params.eta1}, "
           f"eta2 = {params.eta2}, du = {params.du}, dv = {params.dv}",
           f"q = {mlkem.Q}, n = {mlkem.N}, zeta = {mlkem.ZETA}; sizes: ek {params.ek_size}, "
           f"dk {params.dk_size}, c {params.ciphertext_size} bytes",
           "Polynomials: coefficients, then ByteEncode_12 of them (Algorithm 5, d = 12)."
           + ("" if full else " Shortened; --full prints all."),
           ""]

    out += ["Algorithm 16 ML-KEM.KeyGen_internal(d, z)"]
    out += _value("d", d, full) + _value("z", z, full)
    out += [" Algorithm 13 K-PKE.KeyGen(d)",
            _step("step 1      (rho, sigma) <- G(d || k)")]
    out += _value("rho", keygen["rho"], full) + _value("sigma", keygen["sigma"], full)
    out += [_step("steps 3-7   A_hat[i, j] <- SampleNTT(rho || j || i)   (already in T_q)")]
    for i in range(k):
        for j in range(k):
            out += _poly(f"A_hat[{i}][{j}]", keygen["A_hat"][i][j], full)
    out += [_step(f"steps 8-11  s[i] <- SamplePolyCBD_eta1(PRF_eta1(sigma, N)), N = 0..{k - 1}")]
    out += _vector("s", keygen["s"], full, centred=True)
    out += [_step(f"steps 12-15 e[i] <- SamplePolyCBD_eta1(PRF_eta1(sigma, N)), "
                  f"N = {k}..{2 * k - 1}")]
    out += _vector("e", keygen["e"], full, centred=True)
    out += [_step("step 16     s_hat <- NTT(s)   (small coefficients in, values spread over "
                  "Z_q out)")]
    out += _vector("s_hat", keygen["s_hat"], full)
    out += [_step("step 17     e_hat <- NTT(e)")]
    out += _vector("e_hat", keygen["e_hat"], full)
    out += [_step("step 18     t_hat <- A_hat o s_hat + e_hat   (MultiplyNTTs, Algorithm 11)")]
    out += _vector("t_hat", keygen["t_hat"], full)
    out += [_step("step 19     ek_PKE <- ByteEncode_12(t_hat) || rho"),
            _step("step 20     dk_PKE <- ByteEncode_12(s_hat)"),
            " Algorithm 16, continued",
            _step("step 2      ek <- ek_PKE"),
            _step("step 3      dk <- dk_PKE || ek || H(ek) || z")]
    out += _value("ek", ek, full) + _value("H(ek)", mlkem.H(ek), full) + _value("dk", dk, full)
    out += [""]

    out += ["Algorithm 17 ML-KEM.Encaps_internal(ek, m)"]
    out += _value("m", m, full)
    out += [_step("step 1      (K, r) <- G(m || H(ek))")]
    out += _value("K", encaps["K"], full) + _value("r", encaps["r"], full)
    out += [" Algorithm 14 K-PKE.Encrypt(ek, m, r)",
            _step("steps 2-8   t_hat <- ByteDecode_12(ek[0:384k]), rho, and A_hat again"),
            _step(f"steps 9-12  y[i] <- SamplePolyCBD_eta1(PRF_eta1(r, N))   "
                  "(the 2023 draft called y 'r')")]
    out += _vector("y", encaps["y"], full, centred=True)
    out += [_step("steps 13-16 e1[i] <- SamplePolyCBD_eta2(PRF_eta2(r, N))")]
    out += _vector("e1", encaps["e1"], full, centred=True)
    out += [_step("step 17     e2 <- SamplePolyCBD_eta2(PRF_eta2(r, N))")]
    out += _poly("e2", encaps["e2"], full, centred=True)
    out += [_step("step 18     y_hat <- NTT(y)")]
    out += _vector("y_hat", encaps["y_hat"], full)
    out += [_step("step 19     u <- NTT^-1(A_hat^T o y_hat) + e1")]
    out += _vector("u", encaps["u"], full)
    out += [_step("step 20     mu <- Decompress_1(ByteDecode_1(m))   (each bit of m -> 0 or 1665)")]
    out += _poly("mu", encaps["mu"], full)
    out += [_step("step 21     v <- NTT^-1(t_hat^T o y_hat) + e2 + mu")]
    out += _poly("v", encaps["v"], full)
    out += [_step(f"step 22     c1 <- ByteEncode_{params.du}(Compress_{params.du}(u))")]
    out += _value("c1", encaps["c1"], full)
    out += [_step(f"step 23     c2 <- ByteEncode_{params.dv}(Compress_{params.dv}(v))")]
    out += _value("c2", encaps["c2"], full)
    out += [_step("step 24     c <- c1 || c2")]
    out += _value("c", c, full)
    out += [""]

    received = c
    if reject:
        received = bytes([c[0] ^ 0x01]) + c[1:]
        out += ["--reject: the ciphertext is changed before decapsulation (bit 0 of byte 0 of c1)"]
        out += _value("c (received)", received, full)
        out += [""]
    dk, received = mlkem.check_decapsulation_inputs(dk, received, params)
    decaps: dict = {}
    K_result = mlkem.decaps_internal(dk, received, params, trace=decaps)
    out += ["Algorithm 21 ML-KEM.Decaps(dk, c): the §7.3 checks pass (lengths; H(ek) == h)",
            "Algorithm 18 ML-KEM.Decaps_internal(dk, c)",
            _step("steps 1-4   dk_PKE, ek_PKE, h, z <- the four parts of dk"),
            " Algorithm 15 K-PKE.Decrypt(dk_PKE, c)",
            _step(f"step 3      u' <- Decompress_{params.du}(ByteDecode_{params.du}(c1))")]
    out += _vector("u'", decaps["u_prime"], full)
    out += [_step(f"step 4      v' <- Decompress_{params.dv}(ByteDecode_{params.dv}(c2))")]
    out += _poly("v'", decaps["v_prime"], full)
    out += [_step("step 6      w <- v' - NTT^-1(s_hat^T o NTT(u'))   (mu plus small noise)")]
    out += _poly("w", decaps["w"], full)
    out += [_step("step 7      m' <- ByteEncode_1(Compress_1(w))   (near 0 -> 0, near q/2 -> 1)")]
    out += _value("m'", decaps["m_prime"], full)
    out += [" Algorithm 18, continued",
            _step("step 6      (K', r') <- G(m' || h)")]
    out += _value("K'", decaps["K_prime"], full) + _value("r'", decaps["r_prime"], full)
    out += [_step("step 7      K_bar <- J(z || c)   (the implicit-rejection key)")]
    out += _value("K_bar", decaps["K_bar"], full)
    out += [_step("step 8      c' <- K-PKE.Encrypt(ek_PKE, m', r')")]
    out += _value("c'", decaps["c_prime"], full)
    same = decaps["accepted"]
    out += [_step("steps 9-11  if c != c' then K' <- K_bar   (every byte compared)"),
            f"    c == c'                      {same}",
            _step("step 12     return K'")]
    out += _value("K", K_result, full)
    out += [f"    {'result':<28} " + (
        "K' (the sender's key): Encaps and Decaps agree" if same and K_result == K else
        "K_bar: the ciphertext was not made for this key, so the implicit-rejection key "
        "comes back, not an error")]
    return out
