"""The amortization chart (`bench --plot`; needs matplotlib, imported only here)."""

from __future__ import annotations

from .model import RECORD_SIZE, LinearFit, session_cost
from .operations import PURE
from .render import format_bytes
from .config import BREAK_EVEN_CIPHER


def plot_amortization(results: dict, path: str) -> None:
    """Cost per session against bytes sent, one curve per KEM and implementation."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    sizes = [2 ** e for e in range(6, 31)]
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    kems = list(dict.fromkeys(row["kem"] for row in results["break_even"]))
    color = {kem: palette[i % len(palette)] for i, kem in enumerate(kems)}
    for row in results["break_even"]:
        fit = None
        for f in results["aead_fits"]:
            if f["impl"] == row["impl"] and f["cipher"] == BREAK_EVEN_CIPHER:
                fit = LinearFit(f["per_message_s"], f["per_byte_s"], f["r2"])
        if fit is None:
            continue
        costs = [session_cost(row["handshake_s"], n, fit)[0] for n in sizes]
        style = "-" if row["impl"] == PURE else "--"
        ax.plot(sizes, costs, style, color=color[row["kem"]],
                label=f"{row['kem']} ({'pure Python' if row['impl'] == PURE else 'OpenSSL'})")
        ax.plot([row["bytes"]], [2 * row["handshake_s"]], "o", color=color[row["kem"]])
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(f"bytes sent ({BREAK_EVEN_CIPHER}, {format_bytes(RECORD_SIZE)} records)")
    ax.set_ylabel("seconds per session (handshake + bulk)")
    ax.set_title("Where the handshake stops mattering (dot: break-even, cost = 2 x handshake)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
