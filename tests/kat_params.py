"""Turn refkx.kat cases into pytest parameters, one per (case, implementation).

Every published vector runs through every implementation in refkx.impl.IMPLEMENTATIONS
("readable" and "fast"): the ids say both, e.g. `fast-cavp-gcmDecrypt128-...-count7` and
`readable-cavp-gcmDecrypt128-...-count7`. The `implementation` fixture (tests/conftest.py)
runs the case under `refkx.impl.using(mode)`.

Use it as
    @kat_parametrize("gcm")
    def test_published_vector(case, implementation):
        case.run()
"""

import pytest

from refkx import impl
from refkx.kat import area_cases


def kat_params(area: str, where=None):
    """pytest.param(case, mode) for every vector case of `area` (those for which `where(case)`
    is true, if given) and every implementation; slow cases carry the `slow` marker."""
    cases = [case for case in area_cases(area) if where is None or where(case)]
    return [
        pytest.param(case, mode, id=f"{mode}-{case.id}",
                     marks=[pytest.mark.slow] if case.slow else [])
        for mode in impl.IMPLEMENTATIONS
        for case in cases
    ]


def kat_parametrize(area: str, where=None):
    """The parametrize mark for a test taking (case, implementation)."""
    return pytest.mark.parametrize("case, implementation", kat_params(area, where),
                                   indirect=["implementation"])
