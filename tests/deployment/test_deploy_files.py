"""The deployment files of the repository (Containerfile, compose.yaml, Procfile, the systemd
units, gunicorn.conf.py) agree with each other and with the code: the same command for each
process, commands that exist, a non-root image with its static files collected, and every
variable they set explained in the README."""

import re
import subprocess
import sys

import pytest
import yaml
from django.core.management import get_commands

from tests.deployment.servers import ROOT

PROCESSES = ("release", "web", "worker", "scheduler")


def procfile():
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def systemd_command(process):
    unit = (ROOT / "deploy" / "systemd" / f"kyodo-{process}.service").read_text()
    command = re.search(r"^ExecStart=(.+)$", unit, re.MULTILINE).group(1)
    return command.replace("/opt/kyodo-portal/.venv/bin/", "")


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_runs_the_same_command_everywhere(process):
    expected = procfile()[process]

    assert " ".join(compose()["services"][process]["command"]) == expected
    assert systemd_command(process) == expected


@pytest.mark.parametrize("process", ["release", "worker", "scheduler"])
def test_the_management_commands_of_the_processes_exist(process):
    command = procfile()[process].split()
    assert command[:2] == ["python", "manage.py"]
    assert command[2] in get_commands()


def test_web_worker_and_scheduler_start_only_after_the_release_step_migrated():
    services = compose()["services"]
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["release"] == {
            "condition": "service_completed_successfully"
        }
    assert services["release"]["restart"] == "no"
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])


def test_the_image_runs_as_a_user_without_privileges_with_static_files_collected():
    text = (ROOT / "Containerfile").read_text()

    assert re.search(r"^FROM python:3\.12-slim\b", text, re.MULTILINE)
    assert "collectstatic --noinput" in text
    user = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert user and user[-1] not in {"root", "0"}
    assert re.search(r'^CMD \["gunicorn", "-c", "gunicorn.conf.py"\]$', text, re.MULTILINE)


def test_gunicorn_reads_its_configuration_file():
    def config(**env):
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--print-config"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return dict(
            (key.strip(), value.strip())
            for key, _, value in (line.partition("=") for line in result.stdout.splitlines())
        )

    alone = config(TRUSTED_PROXY_COUNT="0")
    assert alone["worker_class"] == "gthread"
    assert (alone["timeout"], alone["graceful_timeout"]) == ("60", "30")
    assert alone["forwarded_allow_ips"] == "[]"  # no proxy: X-Forwarded-Proto from nobody
    behind = config(TRUSTED_PROXY_COUNT="1", FORWARDED_ALLOW_IPS="10.0.0.10")
    assert behind["forwarded_allow_ips"] == "['10.0.0.10']"


def documented_variables():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## 設定（環境変数）", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", section))


def test_every_variable_the_deployment_files_set_is_explained_in_the_readme():
    portal = compose()["x-portal"]["environment"]
    example = [
        line.split("=", 1)[0]
        for line in (ROOT / "deploy" / "portal.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    missing = (set(portal) | set(example)) - documented_variables()

    assert not missing, f"README「設定（環境変数）」にない変数: {sorted(missing)}"
