"""The batch progress line an operator watches on a terminal: records, records/s, ETA.

Drawn on stderr at most every ``INTERVAL`` seconds (a nightly run of millions of lines must not
spend its time printing) and only when asked: the CLI asks when stderr is a terminal, so logs
and pipes stay quiet. The ETA comes from the share of the input file's bytes read, when its size
is known (a regular file); on standard input there is no ETA, only the rate. The clock read here
is the operator's display only: it never reaches an agenda.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO

#: Seconds between two redraws.
INTERVAL = 0.5
#: Width of the bar, in characters.
WIDTH = 24


def _duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """``update(records)`` after each record; ``close()`` once, to end the line."""

    def __init__(
        self,
        stream: IO[str],
        total_bytes: int | None = None,
        position: Callable[[], int] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._total = total_bytes if total_bytes else None
        self._position = position
        self._clock = clock
        self._start = clock()
        self._next = self._start + INTERVAL
        self._drawn = False

    def update(self, records: int) -> None:
        now = self._clock()
        if now < self._next:
            return
        self._next = now + INTERVAL
        self._stream.write("\r" + self.line(records, now))
        self._stream.flush()
        self._drawn = True

    def line(self, records: int, now: float) -> str:
        """The text of the progress line for ``records`` done at time ``now``."""
        elapsed = max(now - self._start, 1e-9)
        rate = records / elapsed
        text = f"{records} records, {rate:,.0f} records/s, {_duration(elapsed)} elapsed"
        done = self._fraction()
        if done is None:
            return text
        bar = "#" * int(done * WIDTH)
        eta = elapsed * (1 - done) / done if done > 0 else None
        eta_text = _duration(eta) if eta is not None else "?"
        return f"[{bar:<{WIDTH}}] {done:4.0%} {text}, ETA {eta_text}"

    def _fraction(self) -> float | None:
        if self._total is None or self._position is None:
            return None
        try:
            return min(max(self._position() / self._total, 0.0), 1.0)
        except (OSError, ValueError):  # the stream was closed or cannot tell
            return None

    def close(self, records: int) -> None:
        """Draw the last state (when anything was drawn) and end the line."""
        if self._drawn:
            self._stream.write("\r" + self.line(records, self._clock()) + "\n")
            self._stream.flush()
