"""The common flags mean the same on every subcommand that runs work (issue 16): --quiet, --debug, --threads,
--out, --set, --seed and --overwrite are accepted by solve, reference, validate, generate, classify and tune,
parsed alike, and checked alike (one message for a bad --threads or --seed, a --set naming no parameter
refused by the loader, --debug showing the traceback, --threads setting torch's thread count)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from pinnsolve.cli import WORK_COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parents[1]
DECAY = str(ROOT / "problems" / "decay.py")

#: the smallest command line of each subcommand that runs work
BASE = {
    "solve": ["solve", DECAY],
    "reference": ["reference", DECAY],
    "validate": ["validate", DECAY],
    "generate": ["generate", str(ROOT / "problems" / "stochastic_decay.py"), "--model", "vae"],
    "classify": ["classify", str(ROOT / "problems" / "regimes" / "damped_oscillator.py")],
    "tune": ["tune", DECAY, "--trials", "1"],
}
COMMON = ["--quiet", "--debug", "--threads", "3", "--out", "d", "--set", "a=1", "--set", "b=2", "--overwrite"]


def test_every_work_command_is_covered():
    assert set(BASE) == set(WORK_COMMANDS)


@pytest.mark.parametrize("command", WORK_COMMANDS)
def test_common_flags_parse_alike(command):
    args = build_parser().parse_args([*BASE[command], *COMMON, "--seed", "7"])
    assert (args.quiet, args.debug, args.threads, args.out) == (True, True, 3, "d")
    assert (args.set, args.overwrite, args.seed) == (["a=1", "b=2"], True, 7)
    defaults = build_parser().parse_args(BASE[command])
    assert defaults.quiet is False and defaults.overwrite is False and defaults.out is None and not defaults.set


def _run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.mark.parametrize("command", WORK_COMMANDS)
@pytest.mark.parametrize(
    "flags, words",
    [
        (["--threads", "0"], ["error: --threads 0 is out of range"]),
        (["--seed", "-1"], ["error: --seed -1 is out of range"]),
        (["--set", "nope=1"], ["--set nope", "names no parameter"]),
    ],
    ids=["threads", "seed", "set"],
)
def test_common_flags_are_checked_alike(command, flags, words, tmp_path, capsys):
    code, err = _run([*BASE[command], *flags, "--out", str(tmp_path / "out")], capsys)
    assert code == 2, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, (word, err)
    assert not (tmp_path / "out").exists() or command == "tune" and not (tmp_path / "out" / "trials").exists()


@pytest.mark.parametrize("command", WORK_COMMANDS)
def test_debug_after_the_subcommand_shows_the_traceback(command, capsys):
    code, err = _run([*BASE[command], "--threads", "0", "--debug"], capsys)
    assert code == 2 and "Traceback" in err and "--threads 0" in err, err


@pytest.mark.parametrize("command", WORK_COMMANDS)
def test_threads_sets_the_process_thread_count(command, tmp_path, capsys):
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        code, err = _run([*BASE[command], "--threads", "1", "--set", "nope=1", "--out", str(tmp_path / "o")], capsys)
        assert code == 2 and "--set nope" in err, err  # refused by the loader, after --threads took effect
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("command", [c for c in WORK_COMMANDS if c != "tune"])
def test_out_holding_an_earlier_run_is_refused_alike(command, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "config.json").write_text("{}")
    code, err = _run([*BASE[command], "--threads", "1", "--out", str(out)], capsys)
    assert code == 2 and f"--out {out}" in err and "--overwrite" in err, err
    assert (out / "config.json").read_text() == "{}"


def test_tune_overwrite_starts_a_fresh_study(tmp_path, capsys):
    """tune continues the study kept in --out when run again (its way to resume); --overwrite empties --out
    first, as on the other subcommands, and is refused with an outside --storage it would not touch."""
    from pinnsolve.commands.tune import _fresh

    out = tmp_path / "tune"
    (out / "trials").mkdir(parents=True)
    (out / "tune.db").write_text("old study")
    args = build_parser().parse_args([*BASE["tune"], "--out", str(out)])
    _fresh(out, args)
    assert (out / "tune.db").is_file()  # without --overwrite: the study continues
    args = build_parser().parse_args([*BASE["tune"], "--out", str(out), "--overwrite"])
    _fresh(out, args)
    assert not out.exists()
