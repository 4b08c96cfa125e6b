"""The web process freezes its start-up heap once, after loading what every request needs."""

from __future__ import annotations

import gc
import sys

from bot.inbox import heap


def test_warm_up_loads_the_parser_and_place_tables_then_freezes_once() -> None:
    heap.warm_and_freeze()
    assert "cpca" in sys.modules  # place resolution was loaded before the freeze, not on the first request
    frozen = gc.get_freeze_count()
    assert frozen > 0
    assert heap.warm_and_freeze() == 0 and gc.get_freeze_count() >= frozen
