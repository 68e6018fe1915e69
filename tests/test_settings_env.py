"""Settings come from the environment; bad values stop start-up naming the setting."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k3Y-" + "".join(chr(33 + (i * 7) % 90) for i in range(60)).replace("'", "x").replace('"', "y")


def manage(*args, tmp_path, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                          "DJANGO_SETTINGS_MODULE", "TASKS_BACKEND",
                          "NOTIFICATIONS_MAX_SOCKETS_PER_USER"}}
    clean["MARKETPLACE_VAR_DIR"] = str(tmp_path)
    clean.update(env)
    return subprocess.run([sys.executable, str(REPO / "manage.py"), *args], capture_output=True, text=True,
                          env=clean, cwd=REPO, timeout=120)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://user@host"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://cache:6379"}, "REDIS_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"TASKS_BACKEND": "rq"}, "REDIS_URL"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND"),
        ({"NOTIFICATIONS_MAX_SOCKETS_PER_USER": "many"}, "NOTIFICATIONS_MAX_SOCKETS_PER_USER"),
    ],
)
def test_malformed_setting_stops_startup_naming_it(tmp_path, env, named):
    result = manage("check", tmp_path=tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_production_requires_secret_key(tmp_path):
    result = manage("check", tmp_path=tmp_path, DJANGO_SETTINGS_MODULE="marketplace.settings.production",
                    ALLOWED_HOSTS="market.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]


def test_production_requires_allowed_hosts(tmp_path):
    result = manage("check", tmp_path=tmp_path, DJANGO_SETTINGS_MODULE="marketplace.settings.production",
                    SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr.splitlines()[-1]


def test_production_passes_deploy_check_without_warnings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                    DJANGO_SETTINGS_MODULE="marketplace.settings.production", SECRET_KEY=GOOD_SECRET,
                    ALLOWED_HOSTS="market.example.com")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_defaults_are_embedded_engines(settings):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] in {
        "channels.layers.InMemoryChannelLayer", "channels_redis.core.RedisChannelLayer"}
    if not os.environ.get("REDIS_URL"):
        assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    if not os.environ.get("DATABASE_URL"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_stripe_not_offered_without_keys(tmp_path):
    result = manage("shell", "-c", "from django.conf import settings; print(settings.STRIPE_ENABLED)",
                    tmp_path=tmp_path, STRIPE_SECRET_KEY="", STRIPE_PUBLISHABLE_KEY="")
    assert result.stdout.strip().splitlines()[-1] == "False"


TASKS_PROBE = ("from django.conf import settings; from django.core.management import call_command, get_commands; "
               "call_command('check'); "
               "print(settings.TASKS['default']['BACKEND'], getattr(settings, 'RQ_QUEUES', None), "
               "'django_rq' in settings.INSTALLED_APPS, 'rqworker' in get_commands() and 'rqcron' in get_commands())")


def test_tasks_run_in_process_by_default(tmp_path):
    result = manage("shell", "-c", TASKS_PROBE, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "django_tasks.backends.immediate.ImmediateBackend None False False")


def test_tasks_backend_rq_puts_tasks_on_redis_for_rq_workers(tmp_path):
    result = manage("shell", "-c", TASKS_PROBE, tmp_path=tmp_path, TASKS_BACKEND="rq",
                    REDIS_URL="redis://cache.internal:6379/2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "django_tasks_rq.RQBackend {'default': {'URL': 'redis://cache.internal:6379/2'}} True True")


def test_production_with_rq_workers_passes_deploy_check(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                    DJANGO_SETTINGS_MODULE="marketplace.settings.production", SECRET_KEY=GOOD_SECRET,
                    ALLOWED_HOSTS="market.example.com", TASKS_BACKEND="rq", REDIS_URL="redis://cache.internal:6379/0")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
