"""Throwaway PostgreSQL and Redis servers on loopback, for tests and benchmarks.

    from localengines import engines

    with engines() as started:          # or engines(postgres=False) for Redis only
        env = {**os.environ, **started.env}   # DATABASE_URL, REDIS_URL of what did start
        print(started.skipped)               # why the others did not, in plain words

Each server listens on 127.0.0.1 only, on a free port picked at run time, keeps
its data in a fresh temporary folder and is stopped, and that folder removed,
when the block ends: normally, on an exception, on Ctrl-C or on SIGTERM. (A
SIGKILL of this process cannot be caught; the servers would then outlive it.)

An engine whose binaries are missing is skipped with a reason; one whose
binaries are present but which fails to start raises `EngineError` with its log,
so a broken installation is not mistaken for an absent one.

PostgreSQL refuses to run as root: as root, initdb and postgres run as the
`postgres` system user (Debian's postgresql package creates it) in a folder that
user owns. Authentication is `trust`, which is safe only because nothing but
loopback and a socket inside that private folder is listened on.

Run as a script to use the servers from a shell:
`python platform/localengines.py [command ...]` runs the command with the
variables set (or prints them and waits for Ctrl-C).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

DATABASE_NAME = "marketplace"
READY_TIMEOUT = 60.0  # seconds; initdb plus first start take about 2 s here
STOP_TIMEOUT = 30.0
PORT_ATTEMPTS = 3


class EngineError(RuntimeError):
    """An installed engine failed to initialise, start or answer."""


@dataclass
class Engines:
    """What `engines()` started: `env` to merge into a child's environment, `skipped` reasons for the rest."""

    env: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line naming the engines in use, for logs."""
        database = "PostgreSQL" if "DATABASE_URL" in self.env else "SQLite"
        layer = "Redis" if "REDIS_URL" in self.env else "in-memory channel layer"
        return f"{database} + {layer}"


def free_port() -> int:
    """A loopback TCP port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: str, lines: int = 30) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:]).rstrip()
    except FileNotFoundError:
        return "(no log written)"


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen, name: str, log: str) -> None:
    """Poll `ready` (bounded by READY_TIMEOUT); fail at once if the server process has exited."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EngineError(f"{name} exited with code {process.returncode} while starting:\n{_log_tail(log)}")
        if ready():
            return
        time.sleep(0.1)
    raise EngineError(f"{name} did not become ready within {READY_TIMEOUT:.0f} s:\n{_log_tail(log)}")


def _launch(start: Callable[[int], subprocess.Popen], ready: Callable[[int], bool], name: str, log: str,
            started: list[subprocess.Popen]) -> int:
    """Start a server on a free port and wait until it answers; return the port.

    The port is free when picked but another process may bind it before the server does, so a start that
    fails with "Address already in use" is retried on a new port (a few times). Every process started is
    appended to `started`, so the caller's cleanup stops it whatever happens here.
    """
    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = free_port()
        process = start(port)
        started.append(process)
        try:
            _wait_until(lambda port=port: ready(port), process, name, log)
            return port
        except EngineError:
            if process.poll() is None or attempt == PORT_ATTEMPTS or "already in use" not in _log_tail(log):
                raise
    raise AssertionError("unreachable")


def _stop(process: subprocess.Popen, stop_signal: int) -> None:
    """Ask the server to shut down; kill it if it lingers (PostgreSQL's children then exit on their own)."""
    if process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)
    except KeyboardInterrupt:  # a second Ctrl-C while waiting: stop at once, then let it propagate
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)
        raise


# --- PostgreSQL -------------------------------------------------------------------------------------------------

_PG_TOOLS = ("initdb", "postgres", "pg_isready", "createdb")


def postgres_bin_dir() -> str | None:
    """The folder holding initdb, postgres, pg_isready and createdb of one PostgreSQL version, or None."""
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(os.path.dirname(os.path.realpath(on_path)))
    version_dirs = glob.glob("/usr/lib/postgresql/*/bin")
    version_dirs.sort(key=lambda path: int(path.split("/")[-2]) if path.split("/")[-2].isdigit() else 0, reverse=True)
    candidates += version_dirs
    for folder in candidates:
        if all(os.access(os.path.join(folder, tool), os.X_OK) for tool in _PG_TOOLS):
            return folder
    return None


def _postgres_runs_as() -> tuple[pwd.struct_passwd | None, str | None]:
    """(user to switch to or None for ourselves, reason PostgreSQL cannot run or None)."""
    if os.geteuid() != 0:
        return None, None
    try:
        return pwd.getpwnam("postgres"), None
    except KeyError:
        return None, ("PostgreSQL skipped: running as root and there is no 'postgres' system user to run it as "
                      "(install Debian's postgresql package, or run as an unprivileged user)")


@contextlib.contextmanager
def postgres_server() -> Iterator[tuple[str | None, str | None]]:
    """Yield (DATABASE_URL, None) for a running throwaway server, or (None, reason) when it cannot run here."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        yield None, ("PostgreSQL skipped: initdb/postgres not found on PATH or in /usr/lib/postgresql/*/bin "
                     "(apt-get install postgresql)")
        return
    user, reason = _postgres_runs_as()
    if reason:
        yield None, reason
        return

    as_user: dict = {}
    if user is not None:
        as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    base = tempfile.mkdtemp(prefix="localengines-pg-")
    processes: list[subprocess.Popen] = []
    try:
        if user is not None:
            os.chown(base, user.pw_uid, user.pw_gid)
        data, log = os.path.join(base, "data"), os.path.join(base, "postgres.log")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": base, "LC_ALL": "C.UTF-8", "TZ": "UTC"}
        initdb = subprocess.run(
            [os.path.join(bin_dir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync",
             "-E", "UTF8", "--no-locale"],
            cwd=base, env=env, capture_output=True, text=True, check=False, **as_user,
        )
        if initdb.returncode != 0:
            raise EngineError(f"initdb failed ({initdb.returncode}):\n{initdb.stdout}{initdb.stderr}")
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": base,
            "fsync": "off",  # a throwaway server: durability buys nothing here
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
        }
        options = [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]

        def start(port: int) -> subprocess.Popen:
            with open(log, "wb") as log_file:
                return subprocess.Popen([os.path.join(bin_dir, "postgres"), "-D", data, "-p", str(port), *options],
                                        cwd=base, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True, **as_user)

        def accepting(port: int) -> bool:
            probe = subprocess.run([os.path.join(bin_dir, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)],
                                   check=False, env=env)
            return probe.returncode == 0

        port = _launch(start, accepting, "PostgreSQL", log, processes)
        created = subprocess.run(
            [os.path.join(bin_dir, "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE_NAME],
            env=env, capture_output=True, text=True, check=False,
        )
        if created.returncode != 0:
            raise EngineError(f"createdb {DATABASE_NAME} failed: {created.stderr.strip()}")
        yield f"postgres://postgres@127.0.0.1:{port}/{DATABASE_NAME}", None
    finally:
        try:
            for process in processes:
                _stop(process, signal.SIGINT)  # SIGINT = PostgreSQL's "fast" shutdown
        finally:
            shutil.rmtree(base, ignore_errors=True)


# --- Redis ------------------------------------------------------------------------------------------------------


def _redis_pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def redis_server() -> Iterator[tuple[str | None, str | None]]:
    """Yield (REDIS_URL, None) for a running throwaway server, or (None, reason) when it cannot run here."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None, "Redis skipped: redis-server not found on PATH (apt-get install redis-server)"
        return
    base = tempfile.mkdtemp(prefix="localengines-redis-")
    log = os.path.join(base, "redis.log")
    processes: list[subprocess.Popen] = []

    def start(port: int) -> subprocess.Popen:
        with open(log, "w"):  # empty the log of an earlier attempt
            pass
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--protected-mode", "yes", "--dir", base,
                   "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", log]
        return subprocess.Popen(command, cwd=base, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT, start_new_session=True)

    try:
        port = _launch(start, _redis_pings, "Redis", log, processes)
        yield f"redis://127.0.0.1:{port}/0", None
    finally:
        try:
            for process in processes:
                _stop(process, signal.SIGTERM)
        finally:
            shutil.rmtree(base, ignore_errors=True)


# --- Both, with signal handling ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into SystemExit inside the block, so `finally` clauses stop the servers (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def engines(postgres: bool = True, redis: bool = True) -> Iterator[Engines]:
    """Start what is asked for and installed; yield an `Engines`; stop everything when the block ends."""
    started = Engines()
    with _sigterm_raises(), contextlib.ExitStack() as stack:
        if postgres:
            url, reason = stack.enter_context(postgres_server())
            if url:
                started.env["DATABASE_URL"] = url
            else:
                started.skipped.append(reason)
        if redis:
            url, reason = stack.enter_context(redis_server())
            if url:
                started.env["REDIS_URL"] = url
            else:
                started.skipped.append(reason)
        yield started


def main(argv: list[str]) -> int:
    """`localengines.py [command ...]`: run command with the servers' variables set, or print them and wait."""
    try:
        with engines() as started:
            for reason in started.skipped:
                print(reason, file=sys.stderr)
            if argv:
                return subprocess.run(argv, env={**os.environ, **started.env}, check=False).returncode
            for key, value in started.env.items():
                print(f"export {key}={value}", flush=True)
            print("Servers running; Ctrl-C stops them.", file=sys.stderr, flush=True)
            signal.pause()
    except KeyboardInterrupt:  # the servers are already stopped by now
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
