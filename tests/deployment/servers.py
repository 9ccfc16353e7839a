"""Real servers for the tests of running on several hosts (issue 17), each on a free port of
this machine: moto's S3 server (in this process, on a thread), redis-server (a child process,
keeping nothing on disk) and gunicorn nodes of the portal (child processes)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
S3_KEY, S3_SECRET, S3_REGION = "test-key", "test-secret", "us-east-1"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, *, seconds=20, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered on port {port} within {seconds} s")


@contextmanager
def moto_s3_server():
    """moto's S3 server; yields its endpoint URL (``http://127.0.0.1:<port>``)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def create_bucket(endpoint, name):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name=S3_REGION,
    )
    client.create_bucket(Bucket=name)
    return client


def s3_environment(endpoint, bucket):
    """The portal's environment variables for that bucket (README「設定」)."""
    return {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": S3_KEY,
        "S3_SECRET_ACCESS_KEY": S3_SECRET,
        "S3_REGION": S3_REGION,
    }


@contextmanager
def redis_server():
    """A redis-server of its own on a free port (no file on disk); yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        import pytest

        pytest.skip("redis-server がありません (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process=process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def portal_environment(database_url, **variables):
    """A production-like environment for a node (DEBUG off, plain HTTP on loopback)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("S3_", "CACHE_URL", "REDIS_URL", "PYTEST", "DJANGO_SETTINGS"))
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "two-node-test-secret-key-" + "x" * 40,
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "http://127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "OTP_REQUIRED_FOR_STAFF": "0",
            "EMAIL_BACKEND": "console",
            "DJANGO_SETTINGS_MODULE": "kyodo_portal.settings",
            "WEB_CONCURRENCY": "1",
        }
    )
    env.update({key: str(value) for key, value in variables.items()})
    return env


class Node:
    """One gunicorn node of the portal, with the repository's gunicorn.conf.py."""

    def __init__(self, name, env, log_dir):
        self.name = name
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log = Path(log_dir) / f"{name}.log"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(self.port, seconds=60, process=self.process)
        except Exception as error:
            raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text()}") from error
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(url, headers=None, timeout=30):
    """GET without following redirects: (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
