"""`make test`: the whole suite on the embedded defaults, then again on real PostgreSQL and Redis.

Pass 1 runs every test on SQLite and the in-memory channel layer (what `make run` uses).
Pass 2 starts a throwaway PostgreSQL and Redis (platform/localengines.py) when they are
installed and runs the suite again against them, so the `postgres`/`redis` tests run
and everything else is checked on the production engines too. Browser tests run in
pass 1 only: they exercise templates and CSS, which do not depend on the engines;
except the `live_browser` ones, which need Daphne in a second process on a database
it can open (not pass 1's in-memory SQLite), so they run in pass 2 (and skip in pass 1).

Each pass gets its own empty MARKETPLACE_VAR_DIR, so tests never touch the developer's
var/ (database, media, search index) nor each other's.

The passes run side by side (their output lines tagged `1|` and `2|`); `--sequential` runs them one
after the other. Arguments are passed to pytest (both passes), e.g. `tests/run_suite.py -k portal -x`;
`--embedded-only` skips pass 2. Exits non-zero if any pass failed; a pass that collects
no tests (pytest exit code 5) counts as failed, as does an installed engine failing to start.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "platform"))

from localengines import EngineError, Engines, engines  # noqa: E402  (needs platform/ on the path first)

PYTEST_BASE = ["-p", "no:cacheprovider", "-q", "-rs"]
ENGINE_VARIABLES = ("DATABASE_URL", "REDIS_URL")
NO_TESTS_COLLECTED = 5


@dataclass
class PassResult:
    name: str
    engines: str
    returncode: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def verdict(self) -> str:
        if self.ok:
            return "passed"
        if self.returncode == NO_TESTS_COLLECTED:
            return "FAILED (no tests collected)"
        return f"FAILED (pytest exit code {self.returncode})"


def _banner(text: str) -> None:
    print(f"\n{'=' * 8} {text} {'=' * max(8, 100 - len(text))}", flush=True)


def _with_marker(args: list[str], exclude: str) -> list[str]:
    """Add `not <exclude>` to the -m expression, merged with one the caller gave (pytest keeps only the last -m)."""
    args, expression = list(args), None
    for index, arg in enumerate(args):
        if arg == "-m" and index + 1 < len(args):
            expression = args[index + 1]
            del args[index:index + 2]
            break
        if arg.startswith("-m") and len(arg) > 2:
            expression = arg[2:].lstrip("=")
            del args[index]
            break
    combined = f"({expression}) and not {exclude}" if expression else f"not {exclude}"
    return ["-m", combined, *args]


class RunningPass:
    """One pass's pytest in a child process with exactly the engines in `started` and a fresh var folder.

    Its output is streamed line by line, prefixed with `tag` when passes run side by side."""

    def __init__(self, name: str, started: Engines, pytest_args: list[str], *, tag: str = ""):
        env = {key: value for key, value in os.environ.items() if key not in ENGINE_VARIABLES}
        env.update(started.env)
        self.name, self.description, self.tag = name, started.describe(), tag
        _banner(f"{name}: {self.description}")
        for reason in started.skipped:
            print(f"  {reason}", flush=True)
        self.var_dir = tempfile.TemporaryDirectory(prefix="marketplace-test-var-")
        env["MARKETPLACE_VAR_DIR"] = self.var_dir.name
        command = [sys.executable, "-m", "pytest", *PYTEST_BASE, *pytest_args]
        print(f"  {tag}$ {shlex.join(command)}", flush=True)
        self.began = time.monotonic()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._stream, daemon=True)
        self.reader.start()

    def _stream(self) -> None:
        for line in self.process.stdout:
            with PRINTING:
                sys.stdout.write(f"{self.tag}{line}")
                sys.stdout.flush()

    def wait(self) -> PassResult:
        returncode = self.process.wait()
        self.reader.join()
        seconds = time.monotonic() - self.began
        self.var_dir.cleanup()
        result = PassResult(self.name, self.description, returncode, seconds)
        with PRINTING:
            print(f"{self.name}: {result.verdict()} in {seconds:.1f} s on {self.description}", flush=True)
        return result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        self.var_dir.cleanup()


PRINTING = threading.Lock()


def main(argv: list[str]) -> int:
    embedded_only = "--embedded-only" in argv
    sequential = "--sequential" in argv
    pytest_args = [arg for arg in argv if arg not in ("--embedded-only", "--sequential")]
    results: list[PassResult] = []
    notes: list[str] = []
    side_by_side = not (embedded_only or sequential)

    # The two passes share nothing (own var folder, own database, free ports), so by default they run side by
    # side: the machine's second core takes pass 2 (PostgreSQL + Redis) while pass 1 runs. Lines are tagged.
    first = RunningPass("pass 1/2", Engines(), pytest_args, tag="1| " if side_by_side else "")
    try:
        if not side_by_side:
            results.append(first.wait())
        if embedded_only:
            notes.append("pass 2 (PostgreSQL + Redis) not run: --embedded-only")
        else:
            try:
                with engines() as started:
                    notes += started.skipped
                    if started.env:
                        pass_two = _with_marker(pytest_args, "(browser and not live_browser)")
                        second = RunningPass("pass 2/2", started, pass_two, tag="2| " if side_by_side else "")
                        try:
                            if side_by_side:
                                results.append(first.wait())
                            results.append(second.wait())
                        finally:
                            second.stop()
                    else:
                        notes.append("pass 2 not run: neither PostgreSQL nor Redis is installed")
            except EngineError as error:
                print(f"\npass 2: an installed engine failed to start:\n{error}", file=sys.stderr, flush=True)
                results.append(PassResult("pass 2/2", "engines failed to start", 1, 0.0))
        if side_by_side and not any(result.name == "pass 1/2" for result in results):
            results.insert(0, first.wait())
    finally:
        first.stop()

    _banner("summary")
    for result in results:
        print(f"{result.name}  {result.verdict():<34} {result.seconds:7.1f} s  {result.engines}")
    for note in notes:
        print(f"note: {note}")
    if len(results) > 1:
        print("(browser tests run in pass 1 only, except the live_browser ones: pass 2)")
    sys.stdout.flush()
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\ninterrupted; throwaway servers stopped", file=sys.stderr)
        sys.exit(130)
