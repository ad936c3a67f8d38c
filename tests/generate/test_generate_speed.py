"""Generation stays fast enough for benchmark-sized communities."""

from __future__ import annotations

import time
from datetime import date

from matcher._internal.generate import generate_community


def test_ten_thousand_volunteers_in_seconds() -> None:
    began = time.perf_counter()
    vols, reqs = generate_community(10_000, 15_000, days=1, seed=1, start=date(2026, 12, 1))
    assert len(vols) == 10_000 and len(reqs) == 15_000
    assert time.perf_counter() - began < 10.0  # about one second on a laptop
