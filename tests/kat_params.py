"""Turn refkx.kat cases into pytest parameters (ids say where each vector comes from)."""

import pytest

from refkx.kat import area_cases


def kat_params(area: str):
    """pytest.param per vector case of `area`; slow cases carry the `slow` marker."""
    return [
        pytest.param(case, id=case.id, marks=[pytest.mark.slow] if case.slow else [])
        for case in area_cases(area)
    ]
