"""The default thread count leaves out the cores other processes keep busy."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from pinnsolve.io.cores import available_cores, busy_cores, default_threads, last_choice, threads_for


def test_threads_for_counts_a_core_taken_when_busy_more_than_half_the_time():
    assert threads_for(2, 0.0) == 2 and threads_for(2, 0.4) == 2
    assert threads_for(2, 1.0) == 1 and threads_for(2, 0.6) == 1
    assert threads_for(2, 2.0) == 1 and threads_for(8, 3.2) == 5  # never below one thread


def test_a_busy_process_is_seen_and_leaves_its_core_out(tmp_path):
    before = busy_cores(0.3)
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        during = busy_cores(0.5)
    finally:
        spinner.kill()
    assert during > before + 0.5  # one more core's worth of work
    assert threads_for(available_cores(), during) < available_cores() or available_cores() == 1


def test_default_threads_says_how_it_chose():
    threads, why = default_threads()
    assert 1 <= threads <= available_cores() and last_choice() == why


def test_an_unreadable_proc_stat_counts_as_idle(tmp_path):
    missing = tmp_path / "stat"
    assert busy_cores(0.0, missing) == 0.0
    missing.write_text("cpu garbage\n")
    assert busy_cores(0.0, missing) == pytest.approx(0.0)
