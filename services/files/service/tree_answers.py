"""Identity's answers about the office tree (a post, the chain above it, an office, a
department's file heads), kept in the files process between changes of the tree, so a move asks
identity one thing (may this person act from this post now?) instead of four.

Only answers that stay the same until an admin changes the tree are kept. Whether a person may
act is never kept: a transfer, an ended delegation or a disabled account must count at once.
That fresh answer carries the tree's version (a tag identity sets anew after every change of a
post's holder or place, or an office's name or place), and kept answers are used only by a call
that has just heard the version they were kept under: the first call after a change forgets
them all. Events would tell of a change too, but only after the outbox relay: a send in between
would use the old chain.

One keeper per process, shared by every worker (eventlet greenthreads: nothing here yields, so
no lock is needed), holding at most ``SIZE`` answers, the least recently used going first.
"""

import copy
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

SIZE = 4096  # a district's posts and chains many times over, a few MB at most


class TreeAnswers:
    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._version: str | None = None
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    def heard(self, version: str) -> None:
        """Identity has just told the tree's version: if it changed, forget what was kept."""
        if version != self._version:
            self._kept.clear()
            self._version = version

    def answer(self, version: str | None, key: Hashable, ask: Callable[[], T]) -> T:
        """The answer for ``key`` by a call that heard ``version`` (None: heard none, so ask).
        An answer is kept only if the version is still the one the call heard: one asked
        while the tree changed may be older than the new version."""
        if version is not None and version == self._version and key in self._kept:
            self._kept.move_to_end(key)
            return copy.deepcopy(self._kept[key])  # callers may change what they are given
        found = ask()
        if version is not None and version == self._version:
            self._kept[key] = copy.deepcopy(found)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return found
