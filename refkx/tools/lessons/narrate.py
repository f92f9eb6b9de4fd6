"""Telling a lesson: numbered steps, shortened values, and the one verdict line.

Every lesson prints what the attacker sees, does and gets, with the real bytes, and ends
with a line that starts with ``verdict:``. The verdict is "as taught" only when both halves
of the lesson behaved as it teaches: the attack worked against the deliberately weak
variant AND failed against refkx as it is. `Outcome.exit_code` turns that into the exit
status of ``python -m refkx lesson NAME`` (0 as taught, 1 otherwise).
"""

from __future__ import annotations

import sys
import textwrap
import time
from dataclasses import dataclass, field

WIDTH = 78
SHORT_KEEP = 8            # bytes shown at each end of a long value


def short(data: bytes, keep: int = SHORT_KEEP) -> str:
    """'a546e36b..ba449ac4 (32 B)': enough to compare two values by eye."""
    if len(data) <= 2 * keep:
        return f"{data.hex()} ({len(data)} B)"
    return f"{data[:keep].hex()}..{data[-keep:].hex()} ({len(data)} B)"


@dataclass
class Outcome:
    """What a lesson established: did the attack break the weak variant, did refkx hold?

    `facts` holds the values the tests check (recovered keys, query counts, ...)."""
    weak_broken: bool
    refkx_held: bool
    weak_summary: str
    refkx_summary: str
    facts: dict = field(default_factory=dict)

    @property
    def as_taught(self) -> bool:
        return self.weak_broken and self.refkx_held

    @property
    def exit_code(self) -> int:
        return 0 if self.as_taught else 1

    def verdict_line(self) -> str:
        """The summaries say what the lesson teaches happens; a half that did not behave
        that way is reported as "NOT ..., expected: <summary>"."""
        weak = (f"broken ({self.weak_summary})" if self.weak_broken
                else f"NOT broken (expected: {self.weak_summary})")
        held = (f"held ({self.refkx_summary})" if self.refkx_held
                else f"did NOT hold (expected: {self.refkx_summary})")
        head = "as taught" if self.as_taught else "NOT as taught"
        return f"verdict: {head}: weak variant {weak}; refkx {held}"


class Narrator:
    """Prints a lesson to `out` (stdout by default)."""

    def __init__(self, out=None) -> None:
        self.out = out if out is not None else sys.stdout
        self.step_number = 0
        self.started = time.perf_counter()

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def title(self, text: str) -> None:
        self.say("=" * WIDTH)
        self.say(text)
        self.say("=" * WIDTH)

    def part(self, text: str) -> None:
        self.say()
        self.say(f"--- {text} " + "-" * max(0, WIDTH - len(text) - 5))

    def step(self, text: str) -> None:
        self.step_number += 1
        self.say()
        self.say(f"{self.step_number}. {text}")

    def value(self, label: str, data) -> None:
        shown = short(data) if isinstance(data, (bytes, bytearray)) else str(data)
        self.say(f"     {label:<34} {shown}")

    def point(self, text: str) -> None:
        self.say(f"     {text}")

    def moral(self, *parts: str) -> None:
        """The lesson in a box; the parts are joined and wrapped to fit."""
        self.say()
        self.say("  +" + "-" * (WIDTH - 4) + "+")
        for line in textwrap.wrap(" ".join(parts), WIDTH - 6):
            self.say(f"  | {line:<{WIDTH - 6}} |")
        self.say("  +" + "-" * (WIDTH - 4) + "+")

    def finish(self, outcome: Outcome) -> int:
        """Print the elapsed time and the verdict line (always the last line); return the
        exit code."""
        self.say()
        self.say(f"(lesson ran in {time.perf_counter() - self.started:.2f} s)")
        self.say(outcome.verdict_line())
        return outcome.exit_code
