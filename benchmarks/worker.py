"""The process the runner starts: prepare a group's data once, then time its stages.

With ``--isolation fork`` every timed run happens in a child forked from the prepared process,
so each run starts from the same state and its peak memory is the child's own ``ru_maxrss``
(the prepared data it inherits included); nothing one run allocates or caches carries over to
the next. With ``--isolation inline`` (what ``run --isolation fresh`` uses, one stage and one
run per process) the run happens in this process after the preparation.

One JSON object per line on standard output: ``{"type": "prep", ...}`` then one
``{"type": "run", ...}`` per run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import select
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .stages import STAGES, Context, Stage, Unavailable, prepare_group, select as select_stages


def rss_mb() -> float:
    """This process's resident memory now, in MiB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory:
    """The largest memory of this process and every process it starts (the sum of their
    proportional set sizes), sampled every ``interval`` seconds by a watcher process of its
    own (``memwatch.py``), so that sampling costs the measured process nothing."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak = 0.0
        #: the CPU seconds the watcher took (it is a child: not the stage's own)
        self.cpu = 0.0

    def __enter__(self) -> "TreeMemory":
        self.watcher = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("memwatch.py")), str(os.getpid()),
             str(self.interval)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.watcher.stdout is not None
        self.watcher.stdout.readline()  # "ready": it has taken its first sample
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self.watcher.communicate("stop\n", timeout=60)
        peak, cpu = out.split()[-2:]
        self.peak, self.cpu = float(peak), float(cpu)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def measure(stage: Stage, ctx: Context, prepared: Any) -> dict[str, Any]:
    """Set the stage up, time its run, and describe what it made."""
    state = stage.setup(ctx, prepared)
    first = None
    if stage.warmup:
        t0 = time.perf_counter()
        stage.run(state)
        first = time.perf_counter() - t0
    gc.collect()
    start_rss = rss_mb()
    tree = TreeMemory() if stage.spawns else None
    if tree is not None:
        tree.__enter__()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    try:
        parts = stage.run(state)
    finally:
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        if tree is not None:
            tree.__exit__()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = peak_rss_mb()
    info = dict(parts or {})
    if first is not None:
        info["first_run_s"] = first
    info.update(stage.after(state))
    record = {"status": "ok", "wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak,
              "start_rss_mb": start_rss, "extra": _jsonable(info)}
    if tree is not None:
        record["tree_peak_pss_mb"] = tree.peak
        record["children_cpu_s"] = (children.ru_utime + children.ru_stime
                                    - children0.ru_utime - children0.ru_stime - tree.cpu)
        record["memory_watch_cpu_s"] = tree.cpu
    return record


def _failure(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, Unavailable):
        return {"status": "unavailable", "error": str(exc)}
    tail = "".join(traceback.format_exception(exc)).strip().splitlines()[-12:]
    return {"status": "error", "error": f"{type(exc).__name__}: {exc}", "traceback": tail}


def run_inline(stage: Stage, ctx: Context, prepared: Any) -> dict[str, Any]:
    try:
        return measure(stage, ctx, prepared)
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, not raised
        return _failure(exc)


def run_forked(stage: Stage, ctx: Context, prepared: Any, timeout: float) -> dict[str, Any]:
    """One run in a child process; its answer comes back through a pipe."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        code = 0
        try:
            answer = run_inline(stage, ctx, prepared)
            data = json.dumps(answer).encode("utf-8")
            while data:
                data = data[os.write(write_fd, data):]
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        ready, _, _ = select.select([read_fd], [], [], min(left, 5.0))
        if ready:
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return {"status": "error", "error": f"timed out after {timeout:.0f} s"}
    if chunks:
        return json.loads(b"".join(chunks))
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return {"status": "error", "error": f"the run was killed by {name} (out of memory?)"}
    return {"status": "error", "error": f"the run exited with status {os.waitstatus_to_exitcode(status)}"}


def _emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--base", default="https://kzgraph.example/")
    parser.add_argument("--scratch", type=Path, required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--stages", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--isolation", choices=("fork", "inline"), default="fork")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--no-verify", action="store_true",
                        help="rebuild: skip the cold build that checks the bytes")
    args = parser.parse_args(argv)

    ctx = Context(args.content.resolve(), args.base, args.scratch, verify=not args.no_verify)
    stages = [STAGES.get(name) or select_stages(name)[0] for name in args.stages.split(",")]
    t0 = time.perf_counter()
    try:
        prepared = prepare_group(args.group, ctx)
    except BaseException as exc:  # noqa: BLE001 - reported for every stage of the group
        failure = _failure(exc)
        _emit({"type": "prep", "group": args.group, **failure})
        for rep in range(args.repeat):
            for stage in stages:
                _emit({"type": "run", "stage": stage.name, "rep": rep, **failure,
                       "error": f"preparing '{args.group}' failed: {failure['error']}"})
        return 0
    _emit({"type": "prep", "group": args.group, "status": "ok",
           "prep_s": time.perf_counter() - t0, "rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb()})
    for rep in range(args.repeat):
        for stage in stages:
            if args.isolation == "fork":
                answer = run_forked(stage, ctx, prepared, args.timeout)
            else:
                answer = run_inline(stage, ctx, prepared)
            _emit({"type": "run", "stage": stage.name, "rep": rep, **answer})
    return 0


if __name__ == "__main__":
    sys.exit(main())
