"""The batch's worker processes: tasks in through a pipe each, results back through a pipe each.

``concurrent.futures.ProcessPoolExecutor`` shares one result pipe between its workers: a worker
killed while it writes a result (by the system's out-of-memory killer, by an operator) leaves
half a message in that pipe, and the parent waits for the rest for ever: a nightly run hangs
without a word. Here each worker has its own result pipe, whose write end only the worker
holds, so its death is an end of file for the parent, raised as ``WorkerDied``: the run stops
at once, saying which worker ended and how, and the other workers are killed. Likewise only
the worker holds the read end of its task pipe: a task on its way to a dead worker fails at
once instead of blocking the thread that writes it for ever (``multiprocessing.Queue`` keeps
a read end in the parent: its feeder thread stayed blocked, with the task, in a long-lived
process that used the batch as a library).
"""

from __future__ import annotations

import os
import queue
import signal
import threading
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


def _next_task(tasks: Connection, parent: int) -> Any:
    """The next task, or ``None`` once the parent is gone. A parent ended without a word
    (SIGTERM or SIGKILL to it alone, the out-of-memory killer) never says stop, and workers
    forked after this one hold a write end of its task pipe, so no end of file comes either:
    without this check its workers would wait for ever, holding its stdout and stderr open (a
    ``| gzip`` after it would never end)."""
    while True:
        try:
            if tasks.poll(PARENT_CHECK_SECONDS):
                return tasks.recv()
        except EOFError:
            return None
        if os.getppid() != parent:
            return None


def _serve(tasks: Connection, results: Connection, parent_ends: tuple[Connection, ...],
           init: Callable[..., None], init_args: tuple[Any, ...], work: Callable[[Any], Any],
           parent: int) -> None:
    """A worker's life: set up, then one result per task until told to stop (``None``) or
    its parent is gone. Ctrl-C is the parent's to handle (it ends the workers), not a
    traceback per worker: the parent starts a worker with SIGINT blocked, and the worker
    ignores it before unblocking it. The parent's ends of the pipes that fork copied here
    are closed: kept, a worker whose parent died would wait for ever to write its result.
    A setup that fails is said to the parent (with why), not left to a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for end in parent_ends:
        end.close()
    try:
        try:
            init(*init_args)
        except Exception as exc:
            results.send((False, f"could not start: {type(exc).__name__}: {exc}"))
            return
        while (task := _next_task(tasks, parent)) is not None:
            try:
                results.send((True, work(task)))
            except Exception as exc:  # said to the parent, which stops the run with it
                results.send((False, f"{type(exc).__name__}: {exc}"))
    except BrokenPipeError:  # the parent is gone: nobody to tell
        return
    results.close()


#: Tells a task sender to stop.
_STOP = object()


class _Sender:
    """Writes one worker's tasks from a thread of its own, so that ``send`` never blocks the
    parent (a worker busy writing a large result would otherwise wait for the parent while
    the parent waits for it to read). Ends on ``close`` or once the worker is gone."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._tasks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="prevention-engine-task-sender")
        self._thread.start()

    def put(self, task: Any) -> None:
        self._tasks.put(task)

    def _run(self) -> None:
        while (task := self._tasks.get()) is not _STOP:
            try:
                self._conn.send(task)
            except OSError:  # the worker is gone (BrokenPipeError): its run stops anyway
                break
        self._conn.close()

    def close(self) -> None:
        """Once the worker has ended: its pipe's read end is gone, so a write in progress
        fails at once and the thread ends."""
        self._tasks.put(_STOP)
        self._thread.join(JOIN_SECONDS)


class Workers:
    """``n`` worker processes; ``send(i, task)`` queues a task for worker ``i`` (never
    blocks), ``receive(i)`` waits for its next result, in the order its tasks were sent.
    Used as a context manager: a normal end stops the workers, an error kills them."""

    def __init__(self, n: int, work: Callable[[Any], Any], init: Callable[..., None],
                 init_args: tuple[Any, ...], context: BaseContext) -> None:
        writers: list[Connection] = []
        self._results: list[Connection] = []
        self._processes: list[Any] = []
        try:
            for _ in range(n):
                writer, reader, process = _start(context, (init, init_args, work))
                writers.append(writer)
                self._results.append(reader)
                self._processes.append(process)
        except BaseException:  # a worker the system would not start: none left behind
            for process in self._processes:
                process.kill()
                process.join()
            for conn in [*writers, *self._results]:
                conn.close()
            raise
        # the threads start once every worker is forked (a fork copies no thread, but could
        # copy a lock one of them holds)
        self._tasks = [_Sender(w) for w in writers]

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
        for sender in self._tasks:
            sender.close()
        for reader in self._results:
            reader.close()


#: What a worker runs: its setup, the setup's arguments, and the work done per task.
Job = tuple[Callable[..., None], tuple[Any, ...], Callable[[Any], Any]]


def _start(context: BaseContext, job: Job) -> tuple[Connection, Connection, Any]:
    """One worker started: the parent's ends of its task and result pipes, and its process.
    The worker holds the only read end of its tasks and the only write end of its results:
    its death is a broken pipe for the one and an end of file for the other. Nothing is
    left open when the system refuses a pipe or the process."""
    init, init_args, work = job
    ends: list[Connection] = []
    try:
        task_reader, task_writer = context.Pipe(duplex=False)
        ends += [task_reader, task_writer]
        reader, writer = context.Pipe(duplex=False)
        ends += [reader, writer]
        process = context.Process(  # type: ignore[attr-defined]
            target=_serve, daemon=True,
            args=(task_reader, writer, (reader, task_writer), init, init_args, work,
                  os.getpid()))
        _start_without_sigint(process)
    except BaseException:
        for end in ends:
            end.close()
        raise
    writer.close()
    task_reader.close()
    return task_writer, reader, process


def _start_without_sigint(process: Any) -> None:
    """Start a worker with SIGINT blocked, so that a Ctrl-C between its start and its
    ``SIG_IGN`` is not a traceback from it (the parent gets its own SIGINT once unblocked)."""
    if not hasattr(signal, "pthread_sigmask"):
        process.start()
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
