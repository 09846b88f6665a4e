"""The batch's worker processes: results in order, and a worker that fails or dies stops the
run at once with a clear error, never a hang (a killed ``ProcessPoolExecutor`` worker left the
parent waiting for ever), and leaves no process behind."""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prevention_engine.batch import run_batch
from prevention_engine.batch_workers import WorkerDied, Workers
from prevention_engine.engine import bundled_rules_dir
from prevention_engine.errors import InputError
from tests.snapshot.record import _benchmark_module

from .conftest import AS_OF, default_engine

pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods()
                                or not hasattr(signal, "SIGALRM"),
                                reason="needs fork and SIGALRM (Linux, macOS)")
FORK = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None


def _setup(tag: str) -> None:
    os.environ["WORKER_TAG"] = tag


def _square(x: int) -> tuple[str, int]:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return os.environ["WORKER_TAG"], x * x


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A hang is a failure after 60 s, not a frozen test run."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("the batch workers hung")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_results_come_back_in_the_order_the_tasks_were_sent() -> None:
    with Workers(2, _square, _setup, ("w",), FORK) as pool:  # type: ignore[arg-type]
        for x in range(10):
            pool.send(x % 2, x)
        assert [pool.receive(x % 2) for x in range(10)] == [("w", x * x) for x in range(10)]
    assert mp.active_children() == []


def test_a_task_that_raises_stops_the_run_with_its_error() -> None:
    with pytest.raises(WorkerDied, match=r"batch worker 2 failed: ValueError: negative: -3"), \
            Workers(2, _square, _setup, ("w",), FORK) as pool:  # type: ignore[arg-type]
        pool.send(1, -3)
        pool.receive(1)
    assert mp.active_children() == []


def test_a_killed_worker_stops_the_run_at_once() -> None:
    start = time.monotonic()
    with pytest.raises(WorkerDied, match=r"batch worker 1 ended .*exit code -9"), \
            Workers(2, _square, _setup, ("w",), FORK) as pool:  # type: ignore[arg-type]
        pool.send(0, 2)
        assert pool.receive(0) == ("w", 4)
        os.kill(pool._processes[0].pid, signal.SIGKILL)
        pool.send(0, 3)
        pool.receive(0)
    assert time.monotonic() - start < 30
    assert mp.active_children() == []


def test_a_dead_worker_leaves_no_thread_blocked_in_the_parent() -> None:
    """Used as a library in a long-lived process, a run that ended with ``WorkerDied`` while
    a task larger than a pipe holds was on its way to the dead worker must not leave a thread
    (and the task) behind for ever."""
    import threading

    def senders() -> set[threading.Thread]:  # ours, and multiprocessing.Queue's before them
        return {t for t in threading.enumerate()
                if t.name in ("prevention-engine-task-sender", "QueueFeederThread")}

    before = senders()
    with pytest.raises(WorkerDied), \
            Workers(2, _square, _setup, ("w",), FORK) as pool:  # type: ignore[arg-type]
        os.kill(pool._processes[0].pid, signal.SIGKILL)
        pool._processes[0].join()
        pool.send(0, "x" * 4_000_000)  # far more than a pipe holds: the write cannot finish
        pool.receive(0)
    deadline = time.monotonic() + 10
    while senders() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert senders() - before == set()
    assert mp.active_children() == []


def _failing_setup(tag: str) -> None:
    raise RuntimeError(f"cannot read the rules ({tag})")


def test_a_worker_that_cannot_set_up_says_why() -> None:
    with pytest.raises(WorkerDied, match=r"batch worker 1 failed: could not start: "
                       r"RuntimeError: cannot read the rules \(w\)"), \
            Workers(2, _square, _failing_setup, ("w",), FORK) as pool:  # type: ignore[arg-type]
        pool.send(0, 2)
        pool.receive(0)
    assert mp.active_children() == []


def test_a_batch_whose_worker_is_killed_mid_run_says_so() -> None:
    """A worker killed while the run goes on (as the system's out-of-memory killer does):
    ``run_batch`` raises ``WorkerDied`` (the CLI prints it and exits 1) instead of waiting."""
    lines = _benchmark_module().population(400)

    def killing() -> Iterator[str]:
        for n, line in enumerate(lines):
            if n == 200:
                os.kill(mp.active_children()[0].pid, signal.SIGKILL)
            yield line

    with pytest.raises(WorkerDied, match="exit code -9"):
        run_batch(killing(), _Sink(), _Sink(), AS_OF, engine=default_engine(), workers=2)
    assert mp.active_children() == []


class _Sink:
    """A text output that keeps nothing."""

    def write(self, text: str) -> int:
        return len(text)


def test_ctrl_c_ends_a_batch_and_its_workers_in_one_line(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) ends the run: exit
    130, one line on stderr, no traceback, no worker left."""
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(_benchmark_module().population(3000)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "prevention_engine", "batch", str(inp), "--out", str(out),
         "--rejects", str(tmp_path / "rej.jsonl"), "--as-of", AS_OF.isoformat(),
         "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    while proc.poll() is None and (not out.exists() or out.stat().st_size < 100_000):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    if shutil.which("pgrep"):
        time.sleep(0.2)
        assert subprocess.run(["pgrep", "-f", str(inp)], capture_output=True).stdout == b""


_DYING_PARENT = """
import os, signal, sys, time
from prevention_engine.batch_workers import Workers
from tests.robustness.test_batch_workers import FORK, _setup, _square
pool = Workers(2, _square, _setup, ("w",), FORK)
pool.send(0, 2)
assert pool.receive(0) == ("w", 4)
pool.send(0, 10 ** 200_000)  # a result larger than the pipe: worker 1 waits to write it
time.sleep(0.5)
print(" ".join(str(p.pid) for p in pool._processes), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer: no clean-up at all
"""


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    """A parent killed alone (SIGKILL, or SIGTERM to it only) cannot stop its workers: they
    notice it is gone and end, the idle one as the busy one whose result no longer fits in
    the pipe, instead of waiting for ever and holding its stdout open (found by review: a
    caller reading that stdout hung)."""
    out, err = tmp_path / "pids", tmp_path / "err"
    with out.open("w") as stdout, err.open("w") as stderr:  # files: the workers may hold them
        proc = subprocess.run([sys.executable, "-c", _DYING_PARENT], stdout=stdout,
                              stderr=stderr, timeout=30, cwd=Path(__file__).parents[2])
    assert proc.returncode == -signal.SIGKILL, err.read_text()
    pids = [int(p) for p in out.read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        if Path("/proc/self").exists():
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_without_fork_an_engine_needs_the_rule_paths_it_was_built_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where processes cannot be forked (macOS, Windows), each worker compiles its own engine
    from ``rule_paths``: an engine given without them would be the bundled rules in the
    workers, a silently other agenda, so it is refused; with them the run is the same."""
    import prevention_engine.batch as batch

    monkeypatch.setattr(batch.mp, "get_all_start_methods", lambda: ["spawn"])
    lines = _benchmark_module().population(20)
    with pytest.raises(InputError, match="rule_paths"):
        run_batch(iter(lines), _Sink(), _Sink(), AS_OF, engine=default_engine(), workers=2)
    out, one = io.StringIO(), io.StringIO()
    run_batch(iter(lines), out, _Sink(), AS_OF, engine=default_engine(), workers=2,
              rule_paths=[str(bundled_rules_dir())])
    run_batch(iter(lines), one, _Sink(), AS_OF, engine=default_engine())
    assert out.getvalue() == one.getvalue() and out.getvalue().count("\n") == 20


def test_without_fork_the_workers_load_the_engines_jurisdictions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers that compile their own engine load the same jurisdictions as the engine given:
    a US resident is rejected by them as by the engine in one process."""
    import json

    import prevention_engine.batch as batch
    from prevention_engine import Engine

    fr_only = Engine.from_paths([bundled_rules_dir()], ["FR"])
    lines = [*_benchmark_module().population(6),
             json.dumps({"id": "us", "birth_date": "2020-01-01",
                         "residence": {"country": "US"}})]
    one_out, one_rej = io.StringIO(), io.StringIO()
    run_batch(iter(lines), one_out, one_rej, AS_OF, engine=fr_only)
    monkeypatch.setattr(batch.mp, "get_all_start_methods", lambda: ["spawn"])
    out, rej = io.StringIO(), io.StringIO()
    summary = run_batch(iter(lines), out, rej, AS_OF, engine=fr_only, workers=2,
                        rule_paths=[str(bundled_rules_dir())])
    assert (summary.read, summary.written, summary.rejected) == (7, 6, 1)
    assert out.getvalue() == one_out.getvalue() and rej.getvalue() == one_rej.getvalue()
    assert "loaded: FR" in rej.getvalue()


class _FailingThirdStart:
    """A fork context whose third worker cannot be started (too many open files, no memory
    for a fork): what the system, not our code, does."""

    def __init__(self) -> None:
        self.started = 0

    def Pipe(self, duplex: bool) -> object:
        return FORK.Pipe(duplex)  # type: ignore[union-attr]

    def Process(self, **kwargs: object) -> object:
        process = FORK.Process(**kwargs)  # type: ignore[union-attr]
        self.started += 1
        if self.started == 3:
            def refuse() -> None:
                raise OSError(24, "Too many open files")
            process.start = refuse
        return process


def test_workers_that_cannot_all_start_leave_none_behind() -> None:
    """The two workers started before the third failed were left waiting for tasks for as
    long as the process lived (a library in a long-lived service: 15 MB each, for ever)."""
    with pytest.raises(OSError, match="Too many open files"):
        Workers(4, _square, _setup, ("w",), _FailingThirdStart())  # type: ignore[arg-type]
    assert mp.active_children() == []
