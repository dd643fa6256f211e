"""bench/server.py: a killed process takes its children with it; a paused one waits."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bench.server import Process

PARENT_AND_CHILD = (
    "import subprocess, sys, time;"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
    "print(child.pid, flush=True); time.sleep(60)"
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie that nobody has reaped yet is dead too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_kill_takes_down_the_process_and_its_children(tmp_path: Path) -> None:
    process = Process("parent", [sys.executable, "-c", PARENT_AND_CHILD], dict(os.environ), tmp_path)
    process.start()
    deadline = time.monotonic() + 10
    while not process.tail().strip() and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(process.tail().strip())

    process.kill()

    assert not process.running
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_paused_process_is_frozen_until_resumed(tmp_path: Path) -> None:
    process = Process("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"],
                      dict(os.environ), tmp_path)
    process.start()
    assert process.process is not None
    pid = process.process.pid
    try:
        process.pause()
        deadline = time.monotonic() + 5
        while state(pid) != "T" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert state(pid) == "T"

        process.resume()
        deadline = time.monotonic() + 5
        while state(pid) == "T" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert state(pid) != "T"
    finally:
        process.kill()
