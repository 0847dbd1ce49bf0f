"""pyHanko and pyhanko-certvalidator are asynchronous; our services are eventlet green threads.
This is the one place the two meet.

Under eventlet, a green thread's asyncio loop hands control to the hub while it waits (its
``select`` is green), and another green thread of the same OS thread entering ``asyncio.run``
then finds a loop running and fails. Such a caller waits (a green sleep) until that loop is
done. A lock would not do: a green lock taken from ``tpool`` threads breaks ("Cannot switch to a
different thread"), and each OS thread has its own loop anyway.
"""

import asyncio
import sys
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end on a fresh event loop, from synchronous code (a green
    thread, a ``tpool`` thread or a plain program)."""
    if _green_sleep_available():
        while _loop_running_here():
            time.sleep(0.001)
    return asyncio.run(coroutine)


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _green_sleep_available() -> bool:
    eventlet = sys.modules.get("eventlet")
    return eventlet is not None and bool(eventlet.patcher.is_monkey_patched("time"))
