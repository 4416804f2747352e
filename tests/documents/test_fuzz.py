"""The readers under fuzzing (issue 12): whatever the bytes, only the documented error family
(CdcheckError) comes out, and every input is answered in seconds.

A bounded run (the `readers-test` profile: 300 examples a reader, derandomized so CI always
tries the same inputs); bench/fuzz_readers.py runs the same strategies over 10,000 inputs a
reader and prints the slowest.
"""

from __future__ import annotations

import time

import docbuild
import pytest
from hypothesis import HealthCheck, given, settings

from cdcheck.documents import load_bytes
from cdcheck.errors import CdcheckError

settings.register_profile(
    "readers-test", max_examples=300, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

STRATEGIES = docbuild.fuzz_strategies()


@pytest.mark.parametrize("kind", sorted(STRATEGIES))
def test_readers_raise_only_the_documented_errors(kind):
    @settings(settings.get_profile("readers-test"))
    @given(STRATEGIES[kind])
    def reader_holds(case):
        data, suffix = case
        start = time.perf_counter()
        try:
            load_bytes(data, "fuzz" + suffix, suffix)
        except CdcheckError:
            pass
        assert time.perf_counter() - start < 10

    reader_holds()
