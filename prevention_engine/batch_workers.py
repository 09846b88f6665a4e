"""The batch's worker processes: tasks in through a queue each, results back through a pipe each.

``concurrent.futures.ProcessPoolExecutor`` shares one result pipe between its workers: a worker
killed while it writes a result (by the system's out-of-memory killer, by an operator) leaves
half a message in that pipe, and the parent waits for the rest for ever: a nightly run hangs
without a word. Here each worker has its own result pipe, whose write end only the worker
holds, so its death is an end of file for the parent, raised as ``WorkerDied``: the run stops
at once, saying which worker ended and how, and the other workers are killed.
"""

from __future__ import annotations

import os
import queue
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from types import TracebackType
from typing import Any

from .errors import PreventionError

#: How long a worker may take to end once told to (seconds), before it is killed.
JOIN_SECONDS = 10
#: How often a waiting worker checks that its parent is still there (seconds).
PARENT_CHECK_SECONDS = 1.0


class WorkerDied(PreventionError):
    """A batch worker ended in the middle of a run (the output written so far is whole, in
    input order, up to the first record it had not returned)."""


def _next_task(tasks: Any, parent: int) -> Any:
    """The next task, or ``None`` once the parent is gone. A parent ended without a word
    (SIGTERM or SIGKILL to it alone, the out-of-memory killer) never says stop, and each
    worker holds a write end of the task queues, so no end of file comes either: without
    this check its workers would wait for ever, holding its stdout and stderr open (a
    ``| gzip`` after it would never end)."""
    while True:
        try:
            return tasks.get(timeout=PARENT_CHECK_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                return None


def _serve(tasks: Any, results: Connection, parents_end: Connection,
           init: Callable[..., None], init_args: tuple[Any, ...], work: Callable[[Any], Any],
           parent: int) -> None:
    """A worker's life: set up, then one result per task until told to stop (``None``) or
    its parent is gone. Ctrl-C is the parent's to handle (it ends the workers), not a
    traceback per worker. The read end of the result pipe that fork copied here is closed:
    kept, a worker whose parent died would wait for ever to write its result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parents_end.close()
    init(*init_args)
    try:
        while (task := _next_task(tasks, parent)) is not None:
            try:
                results.send((True, work(task)))
            except Exception as exc:  # said to the parent, which stops the run with it
                results.send((False, f"{type(exc).__name__}: {exc}"))
    except BrokenPipeError:  # the parent is gone: nobody to tell
        return
    results.close()


class Workers:
    """``n`` worker processes; ``send(i, task)`` queues a task for worker ``i`` (never
    blocks), ``receive(i)`` waits for its next result, in the order its tasks were sent.
    Used as a context manager: a normal end stops the workers, an error kills them."""

    def __init__(self, n: int, work: Callable[[Any], Any], init: Callable[..., None],
                 init_args: tuple[Any, ...], context: BaseContext) -> None:
        self._tasks: list[Any] = []
        self._results: list[Connection] = []
        self._processes: list[Any] = []
        for _ in range(n):
            tasks = context.Queue()
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(  # type: ignore[attr-defined]
                target=_serve, daemon=True,
                args=(tasks, writer, reader, init, init_args, work, os.getpid()))
            process.start()
            writer.close()  # the worker holds the only write end: its death is an end of file
            self._tasks.append(tasks)
            self._results.append(reader)
            self._processes.append(process)

    def send(self, i: int, task: Any) -> None:
        self._tasks[i].put(task)

    def receive(self, i: int) -> Any:
        try:
            ok, value = self._results[i].recv()
        except (EOFError, OSError):
            process = self._processes[i]
            process.join(JOIN_SECONDS)
            raise WorkerDied(
                f"batch worker {i + 1} ended in the middle of the run (exit code "
                f"{process.exitcode}; a negative code is the signal that ended it, -9 a kill, "
                "often the system out of memory): try fewer --workers") from None
        if not ok:
            raise WorkerDied(f"batch worker {i + 1} failed: {value}")
        return value

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            for tasks in self._tasks:
                tasks.put(None)
        for process in self._processes:
            if kind is not None:
                process.kill()
            process.join(JOIN_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        for tasks in self._tasks:
            tasks.cancel_join_thread()  # a dead reader must not keep the parent from ending
            tasks.close()
        for reader in self._results:
            reader.close()
