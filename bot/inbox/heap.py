"""Keep the web process's long-lived heap out of the garbage collector's full passes.

A full (generation 2) collection walks every tracked object. After start-up the process holds a few hundred
thousand long-lived ones (code lists, the majors catalogue, place tables, compiled parser rules, SQLAlchemy
metadata), and each full pass over them took 70-120 ms: under a webhook burst that was the p99 of the
acknowledgements (bench/RESULTS.md, webhook). Loading them first and then freezing them (gc.freeze: moved to a
permanent generation the collector no longer walks) brings a full pass down to 2-4 ms. They are never freed
anyway; what is allocated later is collected as usual.
"""

from __future__ import annotations

import gc
import threading

import structlog

from bot.dialogue import parse

log = structlog.get_logger(__name__)

_lock = threading.Lock()
_frozen = False

# An utterance that touches the parser's rules, place resolution, salary and position words.
_WARM_UP = "想回湖北宜昌，做护士，月薪五千以上"


def warm_and_freeze() -> int:
    """Load what every request will need, then freeze the heap (once per process); objects frozen."""
    global _frozen
    with _lock:
        if _frozen:
            return 0
        parse(_WARM_UP)
        gc.collect()
        gc.freeze()
        _frozen = True
        frozen = gc.get_freeze_count()
    log.info("heap.frozen", objects=frozen)
    return frozen
