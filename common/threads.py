"""CPU-bound work (PDF rendering, PDF signatures) off the eventlet hub, one job at a time.

Such work runs in one of eventlet's real threads (``tpool``) so the service keeps answering.
But under Nameko the process is monkey-patched, so the locks that fpdf2, fontTools or pyHanko
take are green locks, and two real threads contending for one deadlock (eventlet #432: two
note sheets asked for at once hung the files service). So these jobs take turns: a green lock,
held by the green thread that waits for the job, lets one job into the thread pool at a time.
Password hashing (argon2-cffi, no Python locks) does not need this and runs in parallel.
"""

from collections.abc import Callable
from typing import TypeVar

from eventlet import tpool
from eventlet.semaphore import Semaphore

T = TypeVar("T")
_ONE_AT_A_TIME = Semaphore(1)


def cpu_bound(job: Callable[..., T], *args, **kwargs) -> T:
    with _ONE_AT_A_TIME:
        return tpool.execute(job, *args, **kwargs)
