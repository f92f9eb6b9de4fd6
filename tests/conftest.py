"""Shared pytest configuration: the `slow` marker, hypothesis profiles, and the
`implementation` fixture that runs a test under each of refkx.impl.IMPLEMENTATIONS."""

import os

import pytest
from hypothesis import HealthCheck, settings

from refkx import impl

# CI runs a modest number of examples per property; `HYPOTHESIS_PROFILE=thorough` runs more.
settings.register_profile("ci", max_examples=50, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run tests marked slow (e.g. RFC 7748 1,000,000 iterations)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(params=impl.IMPLEMENTATIONS)
def implementation(request):
    """Run the test under `refkx.impl.using(mode)` for mode "readable" and "fast" (the mode is
    the fixture's value). Vector tests parametrise it per case (tests/kat_params.py)."""
    with impl.using(request.param):
        yield request.param
