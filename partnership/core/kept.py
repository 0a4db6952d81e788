"""Rendered parts of pages kept in each process, the least recently used dropped first.

Whoever keeps a part puts in its key everything the part was rendered from (the language, the
address, a number that grows with each change of the data it shows), so a key is never asked
for again once its data has changed: nothing is ever taken out for being stale, only for being
the oldest. The directory (``organisations.directory_cache``) and the proposals pages
(``matching.page_cache``) keep theirs here.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class Kept:
    """At most ``entries`` parts (0 keeps none), shared by a process's threads."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._parts: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any | None:
        with self._lock:
            part = self._parts.get(key)
            if part is not None:
                self._parts.move_to_end(key)
            return part

    def put(self, key: tuple, part: Any) -> None:
        if not self.entries:
            return
        with self._lock:
            self._parts[key] = part
            self._parts.move_to_end(key)
            while len(self._parts) > self.entries:
                self._parts.popitem(last=False)

    def fetch(self, key: tuple, render: Callable[[], Any], lookups) -> Any:
        """The part kept under ``key``, or ``render()``ed and kept; counts the ``hit`` or
        ``miss`` on ``lookups`` (a Prometheus counter with the label ``result``)."""
        part = self.get(key)
        lookups.labels("miss" if part is None else "hit").inc()
        if part is None:
            part = render()
            self.put(key, part)
        return part

    def __len__(self) -> int:
        return len(self._parts)
