"""What a benchmark run measures: the named constants (sizes, ciphers, KEMs, sections) and
Config, the options of one run."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field


SCHEMA = "refkx-bench/1"
AEAD_SIZES = (64, 1024, 16 * 1024, 1024 * 1024)
AEAD_CIPHERS = (("AES-128-GCM", 16), ("AES-256-GCM", 32))
BREAK_EVEN_CIPHER = "AES-128-GCM"
AMORTIZATION_SIZES = tuple(1024 * 16 ** i for i in range(6))   # 1 KiB, 16 KiB, ... 1 GiB
QUICK_KEMS = ("x25519", "x448", "ffdhe2048", "ffdhe4096", "rsa2048-oaep", "mlkem768",
              "x25519mlkem768")
FFDH_GROUPS = ("ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192")
QUICK_FFDH_GROUPS = ("ffdhe2048", "ffdhe4096", "ffdhe8192")
RSA_BITS = (2048, 3072, 4096)
SECTIONS = ("kem", "session", "aead", "scaling")


@dataclass
class Config:
    quick: bool = False
    compare: bool = False
    kems: list[str] | None = None           # None: every KEM (QUICK_KEMS with --quick)
    sizes: list[int] | None = None          # AEAD sizes
    sections: tuple[str, ...] = SECTIONS
    repeat: int | None = None               # override the samples per measurement
    readable: bool = False                  # refkx.impl "readable" for every primitive
    rsa_bits: tuple[int, ...] | None = None
    dh_groups: tuple[str, ...] | None = None
    progress: object = field(default_factory=lambda: sys.stderr, repr=False)  # stderr at run time

    @property
    def samples(self) -> int:
        return self.repeat if self.repeat is not None else (5 if self.quick else 11)

    @property
    def max_time(self) -> float:
        if self.repeat is not None:
            return math.inf       # exactly `repeat` samples: testing mode
        return 0.6 if self.quick else 4.0

    @property
    def min_sample_time(self) -> float:
        return 0.002 if self.quick or self.repeat is not None else 0.02
