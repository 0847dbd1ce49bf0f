"""`make run`'s supervisor: a service that dies is started again, a little later after each
crash in a row, and one that keeps crashing is reported loudly with its last words."""

import sys
import time

import pytest

from tools.supervisor import RestartPolicy, Restarts, Supervisor

POLICY = RestartPolicy()


def crash_after(restarts: Restarts, up_for: float, at: float):
    return restarts.crashed(started_at=at - up_for, now=at)


def test_each_crash_in_a_row_waits_twice_as_long_up_to_half_a_minute():
    restarts = Restarts(POLICY)
    # Crashes far enough apart not to be a loop, but each soon after its start.
    delays = [crash_after(restarts, up_for=1, at=100.0 * i).delay for i in range(1, 10)]
    assert delays == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_the_restart_number_counts_every_restart():
    restarts = Restarts(POLICY)
    numbers = [crash_after(restarts, up_for=1, at=100.0 * i).number for i in range(1, 4)]
    assert numbers == [1, 2, 3]
    assert crash_after(restarts, up_for=600, at=1000).number == 4  # a healthy spell keeps count


def test_a_service_that_stayed_up_a_while_starts_over_at_the_first_delay():
    restarts = Restarts(POLICY)
    for i in range(1, 5):
        crash_after(restarts, up_for=1, at=100.0 * i)
    assert crash_after(restarts, up_for=POLICY.healthy_after, at=1000).delay == 0.5
    assert crash_after(restarts, up_for=1, at=1100).delay == 1


def test_five_crashes_within_a_minute_are_a_crash_loop_and_wait_the_longest():
    restarts = Restarts(POLICY)
    decisions = [crash_after(restarts, up_for=1, at=10.0 * i) for i in range(1, 6)]
    assert [d.crash_looping for d in decisions] == [False, False, False, False, True]
    assert decisions[-1].delay == POLICY.max_delay
    # It stays a loop while it keeps crashing, and each try waits the longest.
    again = crash_after(restarts, up_for=1, at=60)
    assert again.crash_looping and again.delay == POLICY.max_delay


def test_crashes_spread_over_more_than_a_minute_are_not_a_loop():
    restarts = Restarts(POLICY)
    decisions = [crash_after(restarts, up_for=1, at=16.0 * i) for i in range(1, 8)]
    assert not any(d.crash_looping for d in decisions)


def test_a_crash_loop_ends_when_the_crashes_stop_coming_so_fast():
    restarts = Restarts(POLICY)
    for i in range(1, 6):
        crash_after(restarts, up_for=1, at=float(i))
    later = crash_after(restarts, up_for=POLICY.healthy_after, at=200)
    assert not later.crash_looping and later.delay == 0.5


# --- the supervisor itself, with small programs for services ----------------------------------

FAST = RestartPolicy(first_delay=0.05, max_delay=0.2, healthy_after=60, loop_window=60)


def tend_until(sup: Supervisor, done, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the supervisor did not get there"
        sup.tend()
        time.sleep(0.02)


def test_a_program_that_dies_is_started_again_and_the_log_says_so(tmp_path, capsys):
    sup = Supervisor(tmp_path, FAST)
    sup.start("files", [sys.executable, "-c", "import time; time.sleep(60)"])
    first = sup.children["files"].proc
    try:
        first.kill()
        tend_until(sup, lambda: sup.children["files"].proc is not first)
        assert sup.children["files"].proc.poll() is None  # running again
    finally:
        sup.stop()
    out = capsys.readouterr().out
    assert f"[office] files started (pid {first.pid})" in out
    assert "[office] files exited with -9; restarting in 0.05 s (restart 1)" in out
    assert f"[office] files started (pid {sup.children['files'].proc.pid})" in out


def test_a_program_that_keeps_crashing_is_reported_with_its_last_lines(tmp_path, capsys):
    sup = Supervisor(tmp_path, FAST)
    crash = "import sys; print('cannot open the data directory', flush=True); sys.exit(3)"
    sup.start("files", [sys.executable, "-c", crash])
    try:
        tend_until(sup, lambda: sup.children["files"].restarts.number >= 6)
    finally:
        sup.stop()
    out = capsys.readouterr().out
    assert "[office] files exited with 3; restarting in 0.05 s (restart 1)" in out
    assert "[office] files exited with 3; restarting in 0.1 s (restart 2)" in out
    looping = out[out.index("[office] files is crash-looping") :]
    assert "    cannot open the data directory" in looping
    # It keeps trying, each time after the longest wait.
    assert "restarting in 0.2 s (restart 6)" in out


def test_stopping_ends_every_program_even_one_that_ignores_sigterm(tmp_path):
    sup = Supervisor(tmp_path, FAST)
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    sup.start("gateway", [sys.executable, "-c", stubborn])
    sup.start("notify", [sys.executable, "-c", "import time; time.sleep(60)"])
    procs = [c.proc for c in sup.children.values()]
    time.sleep(0.5)  # let the stubborn one install its handler

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("tools.supervisor.STOP_SECONDS", 1)
        sup.stop()
    assert all(p.poll() is not None for p in procs)
