"""Fixtures: the AWS signing suite, and real servers on 127.0.0.1 (``sigv4 serve`` from the
workspace's build, moto from ``.venv-servers``), each stopped when its test ends."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SUITE = ROOT / "tests" / "vectors" / "aws-signing-test-suite" / "v4"
AK, SK = "AKIDLOCALTEST", "local/secret+KEY"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve():
    """``sigv4 serve`` for s3 on a free port: ``(port, credentials)``."""
    binary = os.environ.get("SIGV4_BIN", str(ROOT / "target" / "debug" / "sigv4"))
    # Port 0: the server binds a free port itself and names it on its first stderr line.
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--access-key", AK, "--secret-key", SK,
         "--service", "s3", "--region", "us-east-1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stderr.readline()
        if "http://127.0.0.1:" not in line:
            raise RuntimeError(f"{binary} serve did not start: {line!r}")
        port = int(line.rsplit("http://127.0.0.1:", 1)[1].split(",")[0])
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        yield port
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def moto():
    """moto checking every signature: ``{"port", "access_key_id", "secret", "role_arn"}``."""
    python = os.environ.get("SIGV4_SERVERS_PYTHON", str(ROOT / ".venv-servers" / "bin" / "python"))
    port = free_port()
    proc = subprocess.Popen(
        [python, str(ROOT / "tests" / "servers" / "moto_server.py"), str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())
        yield info
    finally:
        proc.kill()
        proc.wait()


def suite_cases():
    return sorted(p.name for p in SUITE.iterdir() if (p / "context.json").exists())


def parse_http(text):
    """``(method, target, [(name, value)], body)`` of a suite request file."""
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    method, rest = lines[0].split(" ", 1)
    target = rest[: -len(" HTTP/1.1")]
    headers = []
    for line in lines[1:]:
        if line.startswith((" ", "\t")):
            name, value = headers[-1]
            headers[-1] = (name, value + "\n" + line)
        elif ":" in line:
            name, value = line.split(":", 1)
            headers.append((name, value))
    return method, target, headers, body.encode()


sys.path.insert(0, str(Path(__file__).parent))
