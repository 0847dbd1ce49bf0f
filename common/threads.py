"""CPU-bound work (PDF rendering, PDF signatures) off the eventlet hub, one job at a time.

Such work runs in one of eventlet's real threads (``tpool``) so the service keeps answering.
But under Nameko the process is monkey-patched, so the locks that fpdf2, fontTools or pyHanko
take are green locks, and two real threads contending for one deadlock (eventlet #432: two
note sheets asked for at once hung the files service). So these jobs take turns: a green lock,
held by the green thread that waits for the job, lets one job into the thread pool at a time.
Password hashing (argon2-cffi, no Python locks) does not need this and runs in parallel.

One lock a job shares with the hub: logging's. fontTools logs while it subsets a font, and a
green lock held by a green thread while the job's real thread waits for it hung the files
service (found by the API fuzzer: a note sheet asked for while other requests logged errors).
So the logging locks are real thread locks: held for one write, they block the other side for
that long and never deadlock.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from eventlet import patcher, tpool
from eventlet.semaphore import Semaphore

T = TypeVar("T")
_ONE_AT_A_TIME = Semaphore(1)
_real_threading = patcher.original("threading")
_REAL_RLOCK = type(_real_threading.RLock())


def cpu_bound(job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``job(*args, **kwargs)`` in a real thread, after the jobs before it."""
    with _ONE_AT_A_TIME:
        _real_logging_locks()
        result: T = tpool.execute(job, *args, **kwargs)
        return result


def _real_logging_locks() -> None:
    """Give logging's module lock and every handler's lock a real thread lock (handlers may be
    added at any time, so this looks again before each job; it is a walk over a few objects)."""
    # (no public way to set it, and typeshed does not list it)
    if not isinstance(logging._lock, _REAL_RLOCK):  # type: ignore[attr-defined]
        logging._lock = _real_threading.RLock()  # type: ignore[attr-defined]
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if not isinstance(handler.lock, _REAL_RLOCK):
                handler.lock = _real_threading.RLock()
