"""A throwaway PostgreSQL server for the tests of studies shared through a database.

Debian's ``postgresql`` package provides the server (``.ci/run`` installs it on CI machines);
the fixture makes a cluster in a temporary directory, starts it on a free localhost port with
its unix socket in that directory, and stops and deletes it afterwards. The server refuses to
run as root, so as root it runs as the ``postgres`` user. Tests skip, saying why, only where
no server can be started (no binaries, no driver, no postgres user).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--", *command] if runuser else ["su", "postgres", "-c", " ".join(command)]


@pytest.fixture(scope="session")
def postgres_url():
    """``postgresql://tune@127.0.0.1:PORT/postgres`` of a server that lives for the test session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("no PostgreSQL driver: pip install 'pinnsolve[postgres]' (make test does)")
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql (.ci/run does)")
    if os.geteuid() == 0:
        import pwd

        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and there is no 'postgres' user to run the server as")
    home = Path(tempfile.mkdtemp(prefix="pinnsolve-pg-"))
    if os.geteuid() == 0:
        os.chown(home, user.pw_uid, user.pw_gid)
    data, port = home / "data", _free_port()

    def run(cmd: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(_as_server_user(cmd), capture_output=True, text=True, timeout=120, check=False)

    made = run([initdb, "-D", str(data), "-U", "tune", "--auth=trust", "--no-sync"])
    if made.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"initdb failed: {made.stderr.strip()[-300:]}")
    started = run(
        [
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(home / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ]
    )
    if started.returncode != 0:
        log = (home / "server.log").read_text() if (home / "server.log").exists() else started.stderr
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"the PostgreSQL server did not start: {log.strip()[-300:]}")
    try:
        yield f"postgresql://tune@127.0.0.1:{port}/postgres"
    finally:
        run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(home, ignore_errors=True)
