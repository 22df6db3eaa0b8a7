"""docker-compose.yaml, Dockerfile and .dockerignore, checked without a Docker engine.

Debian's docker-compose (1.29, installed by scripts/bootstrap.sh) validates the compose file against
the compose schema offline and prints it normalised (variables substituted, short syntax expanded);
these tests then assert the facts operators rely on: health-gated start order, the listen address,
the volumes that keep data, a non-root runtime image that carries no compiler.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

COMPOSE = ROOT / "docker-compose.yaml"
SCALE = ROOT / "docker-compose.scale.yaml"
SPOOL = "/var/lib/chat-service/spool"


def docker_compose(*args, env=None):
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose is not installed (scripts/bootstrap.sh installs Debian's docker-compose)"
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("CHAT_SERVICE_", "OLLAMA_", "GEMINI_", "OPENAI_", "PROVIDERS", "MONGODB_"))}
    full_env.update(env or {})
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, env=full_env)


def normalised(*files, env=None):
    args = [a for f in files for a in ("-f", str(f))]
    result = docker_compose(*args, "config", env=env)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def compose():
    return normalised(COMPOSE)


def volume_mounts(service):
    """[(source or None, target)] from either the short or the long volume syntax."""
    mounts = []
    for v in service.get("volumes", []):
        if isinstance(v, dict):
            mounts.append((v.get("source"), v["target"]))
        else:
            parts = v.split(":")
            mounts.append((parts[0], parts[1]) if len(parts) > 1 else (None, parts[0]))
    return mounts


def healthcheck_text(service):
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_the_compose_file_validates_offline():
    for files in ([COMPOSE], [COMPOSE, SCALE]):
        args = [a for f in files for a in ("-f", str(f))]
        result = docker_compose(*args, "config", "-q")
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}"


def test_mongo_and_ollama_are_official_images_with_named_volumes_and_healthchecks(compose):
    services, volumes = compose["services"], compose.get("volumes", {})
    mongo, ollama = services["mongo"], services["ollama"]
    assert re.fullmatch(r"mongo(:[\w.]+)?", mongo["image"])
    assert re.fullmatch(r"ollama/ollama(:[\w.]+)?", ollama["image"])
    for service, target in ((mongo, "/data/db"), (ollama, "/root/.ollama")):
        sources = [s for s, t in volume_mounts(service) if t == target]
        assert sources and sources[0] in volumes, f"{target} is not on a named volume"
    assert "mongosh" in healthcheck_text(mongo) and "ping" in healthcheck_text(mongo)
    assert "ollama" in healthcheck_text(ollama)


def test_the_service_is_configured_for_containers(compose):
    service = compose["services"]["chat-service"]
    assert service["build"]["dockerfile"] == "Dockerfile"
    env = service["environment"]
    assert env["HOST"] == "0.0.0.0"
    assert env["MONGODB_URI"] == "mongodb://mongo:27017"
    assert env["OLLAMA_BASE_URL"] == "http://ollama:11434"
    assert env["SPOOL_DIR"] == SPOOL
    # Keys are passed through from the operator's shell, never baked into the file.
    assert env.get("GEMINI_API_KEY") is None and env.get("OPENAI_API_KEY") is None
    assert [str(p["target"]) for p in service["ports"]] == ["8080"]
    assert str(service["ports"][0]["published"]) == "8080"
    spool = [s for s, t in volume_mounts(service) if t == SPOOL]
    assert spool and spool[0] in compose["volumes"], "the spool must be on a named volume"
    assert {name: dep["condition"] for name, dep in service["depends_on"].items()} == {
        "mongo": "service_healthy", "ollama": "service_healthy"}
    assert "/health" in healthcheck_text(service)


def test_a_model_can_be_pulled_with_a_one_shot_service(compose):
    pull = compose["services"]["ollama-pull"]
    assert pull["profiles"] == ["pull"]
    assert pull["command"] == ["pull", "llama3.2"]
    assert pull["depends_on"]["ollama"]["condition"] == "service_healthy"
    pinned = normalised(COMPOSE, env={"OLLAMA_MODEL": "qwen2.5:0.5b"})["services"]
    assert pinned["ollama-pull"]["command"] == ["pull", "qwen2.5:0.5b"]
    assert pinned["chat-service"]["environment"]["OLLAMA_MODEL"] == "qwen2.5:0.5b"


def test_the_scale_override_gives_each_replica_its_own_spool_and_a_port_range():
    scaled = normalised(COMPOSE, SCALE, env={"CHAT_SERVICE_PORTS": "8080-8083"})["services"]["chat-service"]
    assert [s for s, t in volume_mounts(scaled) if t == SPOOL] == [None], "spool must be a per-container volume"
    assert str(scaled["ports"][0]["published"]) == "8080-8083"


def dockerfile_stages():
    """[(from-image, [instructions])] with continuation lines joined, comments dropped, ARG defaults
    substituted into FROM."""
    lines, current = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        if raw.strip().startswith("#") and not current:
            continue
        current += raw.rstrip("\\").strip() + " " if raw.rstrip().endswith("\\") else raw.strip()
        if not raw.rstrip().endswith("\\"):
            if current.strip():
                lines.append(current.strip())
            current = ""
    args, stages = {}, []
    for line in lines:
        op, _, rest = line.partition(" ")
        op = op.upper()
        if op == "ARG" and not stages and "=" in rest:
            k, _, v = rest.partition("=")
            args[k.strip()] = v.strip()
        elif op == "FROM":
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), rest.split()[0])
            stages.append((image, []))
        elif stages:
            stages[-1][1].append((op, rest))
    return stages


def test_the_dockerfile_builds_with_swift_and_runs_slim_as_a_non_root_user():
    stages = dockerfile_stages()
    assert len(stages) >= 2, "multi-stage: a Swift build image, then a runtime image"
    (build_image, build), (runtime_image, runtime) = stages[0], stages[-1]
    assert re.fullmatch(r"swift:6\.[\w.-]+", build_image), build_image
    assert re.fullmatch(r"debian:[\w.-]*slim", runtime_image), runtime_image
    build_runs = " ".join(rest for op, rest in build if op == "RUN")
    assert "libmongoc-dev" in build_runs and "libbson-dev" in build_runs
    assert re.search(r"swift build -c release --product chat-service --static-swift-stdlib", build_runs)

    runs = " ".join(rest for op, rest in runtime if op == "RUN")
    installed = set()
    for m in re.finditer(r"apt-get (?:-\S+ )*install ((?:\S+ ?)+?)(?:&&|$)", runs):
        installed |= {w for w in m.group(1).split() if not w.startswith("-")}
    assert installed == {"libmongoc-1.0-0", "libbson-1.0-0", "ca-certificates"}, installed
    for tool in ("gcc", "g++", "clang", "build-essential", "swiftlang", "-dev "):
        assert tool not in runs, f"the runtime image must not carry {tool}"
    copies = [rest for op, rest in runtime if op == "COPY"]
    assert copies and all(c.startswith("--from=") for c in copies), "runtime stage copies only build output"

    users = [rest.split(":")[0] for op, rest in runtime if op == "USER"]
    assert users and users[-1] not in ("root", "0"), "the service must not run as root"
    assert any(op == "EXPOSE" and "8080" in rest.split() for op, rest in runtime)
    assert re.search(rf"chown -R {users[-1]}:\S+ /var/lib/chat-service", runs), "spool dir owned by the user"
    envs = " ".join(rest for op, rest in runtime if op == "ENV")
    assert "HOST=0.0.0.0" in envs and f"SPOOL_DIR={SPOOL}" in envs


def test_the_docker_build_context_leaves_out_build_products_and_local_data():
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".build", ".venv", "data", ".git"} <= ignored
    assert not {"Sources", "Tests", "Package.swift"} & ignored
