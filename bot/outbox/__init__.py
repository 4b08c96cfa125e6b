"""The durable outbound queue: rows are enqueued in the caller's transaction (`queue`), claimed under a lease
(`claim`), sent by the worker (`worker`), and their outcomes written back in groups (`recorder`, `results`); what
to do after a send is `policy` (pure). The send-time re-check is injected into the worker by the caller.

The package exposes the queue's API: `from bot import outbox; outbox.enqueue(...)`.
"""

from bot.outbox.queue import MAX_KEY, STATUS_LABELS, TARGET_KINDS, counts_by_status, enqueue, enqueue_many, retry

__all__ = ["MAX_KEY", "STATUS_LABELS", "TARGET_KINDS", "counts_by_status", "enqueue", "enqueue_many", "retry"]
