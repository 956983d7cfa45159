"""Shared test helpers: paths, the CLI runner, and the external tools interop tests need."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))
NODE_BIN = ROOT / "node_modules" / ".bin"


def require_tool(name: str) -> str:
    """The path of an external program; skipped locally when missing, a failure in CI.

    CI installs every tool (.ci/run), so a missing one there means the
    install step broke and the interop checks would silently not run.
    """
    local = NODE_BIN / name
    found = str(local) if local.exists() else shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own build cache (manifests), never the user's ~/.cache."""
    monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _separate_streams_runner() -> CliRunner:
    """A CliRunner that keeps stdout and stderr apart, on every click setup.cfg allows.

    click 8.2 always separates them and removed ``mix_stderr``; before 8.2 it
    mixed them unless told not to.
    """
    import inspect

    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)
    return CliRunner()


@pytest.fixture
def cli():
    """Invoke the real click command in-process; returns (exit_code, stdout, stderr)."""
    from outlookgen.cli import main

    def run(*args: str, cwd: Path | None = None):
        runner = _separate_streams_runner()
        old = Path.cwd()
        if cwd:
            os.chdir(cwd)
        try:
            result = runner.invoke(main, [str(a) for a in args], catch_exceptions=True)
        finally:
            os.chdir(old)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception  # a traceback is a bug: let pytest show it
        return result.exit_code, result.stdout, result.stderr

    return run


def build_loading(args: list, out: Path, cache: Path, modules: tuple[str, ...]) -> tuple[list[str], dict[str, bytes]]:
    """``outlookgen build -q -j 1 --force ARGS -o OUT`` in a fresh process: which of ``modules`` it loaded, and its outputs.

    One process (``-j 1``), so what the build imports is what this process imports.
    """
    code = (
        "import sys; from outlookgen.cli import main\n"
        "try:\n    main(['build', '-q', '-j', '1', '--force', *sys.argv[2:]])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(m for m in sys.argv[1].split() if m in sys.modules))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), OUTLOOKGEN_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-c", code, " ".join(modules), *map(str, args), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split(), {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def reader_names(spec: Path) -> list[str]:
    """Every name a reader must find in a document: tasks, milestones, risks, KPIs, roles, objectives, drivers, phases."""
    from outlookgen.model import build_outlook
    from outlookgen.spec.validate import load_valid

    o = build_outlook(load_valid(spec).data)
    road = o.roadmap
    return (
        [t.name for t in road.tasks]
        + [m.name for m in road.milestones]
        + [r.title for r in o.risks]
        + [k.name for k in o.evaluation.kpis]
        + [r.title for r in o.resources.roles]
        + [obj.statement for obj in o.objectives]
        + [d.pain_point for d in o.drivers]
        + [p.name for p in road.phases]
    )


def pytest_collection_modifyitems(session, config, items):
    """Run the tests that start MPXJ's JVM last.

    The JVM lives in the test process until it exits (JPype cannot start a
    second one), with a score of threads of its own. A process forked after
    that (the build's workers, the forked renders of large specs, the preview
    server's subprocesses) inherits locks those threads held and can hang on
    them for ever; nothing forks once the JVM tests are the last to run.
    """
    jvm = [item for item in items if "mpxj" in getattr(item, "fixturenames", ())]
    if jvm:
        later = set(map(id, jvm))
        items[:] = [item for item in items if id(item) not in later] + jvm


@pytest.fixture(scope="session")
def mpxj():
    """MPXJ (the reference reader of MS Project files) on a JVM started once per test session, lazily.

    JPype cannot start a second JVM in one process, so it is never shut
    down. Java and the ``mpxj`` wheel (which carries its jars) are required
    in CI; locally a missing one skips the test.
    """
    require_tool("java")
    try:
        import jpype
        import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"MPXJ is not installed ({exc}); the test extra installs it")
        pytest.skip(f"MPXJ is not installed ({exc})")
    if not jpype.isJVMStarted():
        jpype.startJVM("-Xmx512m", "-XX:TieredStopAtLevel=1", convertStrings=False)
    return jpype
