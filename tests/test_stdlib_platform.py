"""Our `platform/` folder must never shadow Python's stdlib `platform` module."""

import platform
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_stdlib_platform_under_pytest():
    assert Path(platform.__file__).resolve().parent == Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert platform.system() in {"Linux", "Darwin", "Windows"}


def test_platform_folder_is_not_a_package():
    assert (REPO / "platform").is_dir()
    assert not (REPO / "platform" / "__init__.py").exists()


def test_running_app_uses_stdlib_platform(client, db):
    body = client.get("/healthz/").json()
    assert body["status"] == "ok"
    assert body["platform_system"] == platform.system()
    assert Path(body["platform_module"]).resolve() == Path(platform.__file__).resolve()
