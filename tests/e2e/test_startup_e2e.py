"""Start-up failures of the real binary: one line on stderr naming the cause, exit status 1,
nothing secret printed (issue 9: main used to trap on anything but a configuration error)."""

import socket
import subprocess
import tempfile

import pytest

from conftest import free_port


def run_service(binaries, env, timeout=30):
    return subprocess.run([str(binaries["service"])], env=env, capture_output=True, text=True, timeout=timeout)


def base_env(mongo_uri):
    return {"PATH": "/usr/bin:/bin", "MONGODB_URI": mongo_uri, "SPOOL_DIR": tempfile.mkdtemp(prefix="chat-startup-"),
            "OLLAMA_BASE_URL": "http://127.0.0.1:9", "LOG_LEVEL": "warning"}


def test_a_port_in_use_ends_start_up_with_one_line_and_exit_1(binaries, mongo_uri):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = base_env(mongo_uri) | {"PORT": str(port)}
        result = run_service(binaries, env)
    assert result.returncode == 1, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("chat-service: ") and str(port) in lines[0], lines[0]
    assert "in use" in lines[0].lower(), lines[0]
    assert "Fatal error" not in result.stderr


def test_an_unresolvable_host_ends_start_up_with_one_line_and_exit_1(binaries, mongo_uri):
    env = base_env(mongo_uri) | {"HOST": "no-such-host.invalid", "PORT": str(free_port())}
    result = run_service(binaries, env)
    assert result.returncode == 1, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("chat-service: "), result.stderr


def test_an_unusable_spool_directory_ends_start_up_with_one_line_naming_spool_dir(binaries, mongo_uri):
    with tempfile.NamedTemporaryFile() as not_a_directory:
        env = base_env(mongo_uri) | {"SPOOL_DIR": not_a_directory.name + "/spool", "PORT": str(free_port())}
        result = run_service(binaries, env)
    assert result.returncode == 1, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "SPOOL_DIR" in lines[0], result.stderr


@pytest.mark.parametrize("uri", ["postgres://admin:S3cretPassw0rd@127.0.0.1:27017/",
                                 "mongodb://admin:S3cr@tPassw0rd@127.0.0.1:27017/?w="])
def test_a_bad_mongodb_uri_is_refused_without_printing_its_password(binaries, uri):
    env = base_env("unused") | {"MONGODB_URI": uri, "PORT": str(free_port())}
    result = run_service(binaries, env)
    assert result.returncode == 1, result
    assert "MONGODB_URI" in result.stderr
    assert "s3cr" not in (result.stdout + result.stderr).lower()
