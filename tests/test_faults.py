"""Faults around a build: a renderer or a write failing midway, two builds at once, planted
symlinks, FIFOs and folders, odd spec names, permissions, a damaged build cache.

What must hold every time: earlier outputs stay as they were unless the whole
build succeeds, no temporary file is left behind, nothing is written outside
the output folder or through a link, and nothing hangs (cases that could block
run in a child process with a timeout, see test_hostile.run_limited).
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT
from test_hostile import check_error_lines, run_limited

from outlookgen.errors import OutputError, SpecError, TemplateError
from outlookgen.project import cache as manifest
from outlookgen.project.build import BuildOptions, build
from outlookgen.render import html as html_renderer
from outlookgen.render import registry

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
FORMATS = ("md", "html", "docx")

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and umask are POSIX")


def write_spec(folder: Path, title: str = "Minimal outlook", name: str = "plan.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / name
    spec.write_text(MINIMAL.read_text(encoding="utf-8").replace("Minimal outlook", title, 1), encoding="utf-8")
    return spec


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def documents(folder: Path) -> dict[str, bytes]:
    """The snapshot without hidden files (temporary files start with a dot)."""
    return {name: data for name, data in snapshot(folder).items() if not name.startswith(".")}


def temp_files(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*.tmp")]


@pytest.fixture
def built(tmp_path):
    """A spec already built into out/ (md, html, docx), then edited so the next build must write again."""
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    build([spec], BuildOptions(formats=FORMATS, output_dir=out, jobs=1))
    before = snapshot(out)
    assert set(before) == {"plan.md", "plan.html", "plan.docx"}
    write_spec(tmp_path / "specs", title="Edited outlook")
    return spec, out, before


# --------------------------------------------------------------------------- a failure midway


@pytest.mark.parametrize(
    "error",
    [TemplateError("html/outlook.html.j2 broke"), RuntimeError("a bug in a renderer")],
    ids=["outlookgen-error", "unexpected-error"],
)
def test_failure_rendering_the_second_of_three_formats_keeps_every_earlier_output(built, monkeypatch, error):
    spec, out, before = built
    rendered = []

    def fail(*args, **kwargs):
        raise error

    for fmt in FORMATS:
        module = importlib.import_module(registry.FORMATS[fmt].module)
        real = module.render
        monkeypatch.setattr(
            module,
            "render",
            fail if fmt == "html" else (lambda *a, _real=real, _fmt=fmt, **k: rendered.append(_fmt) or _real(*a, **k)),
        )
    expected = SpecError if isinstance(error, TemplateError) else type(error)
    with pytest.raises(expected):
        build([spec], BuildOptions(formats=FORMATS, output_dir=out, jobs=1))
    assert rendered == ["md"]  # the first format was rendered, then html failed
    assert snapshot(out) == before
    assert not temp_files(out)


def test_failure_in_a_renderer_is_an_error_line_from_the_command_line(built, monkeypatch, cli):
    spec, out, before = built

    def fail(*args, **kwargs):
        raise TemplateError("html/outlook.html.j2 broke")

    monkeypatch.setattr(html_renderer, "render", fail)
    code, _, err = cli("build", spec, "-o", out, "-f", "md,html,docx")
    assert code == 1
    assert check_error_lines(err) == [f"{spec}:1:1: error: $: html/outlook.html.j2 broke"]
    assert snapshot(out) == before and not temp_files(out)


def test_one_spec_failing_in_a_worker_process_writes_nothing_for_any_spec(tmp_path, monkeypatch):
    good = write_spec(tmp_path / "a", title="Good outlook")
    bad = write_spec(tmp_path / "b", title="Bad outlook", name="bad.yaml")
    out = tmp_path / "out"
    real = html_renderer.render

    def fail_for_bad(doc):
        if doc.outlook.meta.title == "Bad outlook":
            raise RuntimeError("a bug in a renderer")
        return real(doc)

    monkeypatch.setattr(html_renderer, "render", fail_for_bad)  # forked workers inherit it
    with pytest.raises(RuntimeError):
        build([good, bad], BuildOptions(formats=FORMATS, output_dir=out, jobs=2))
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("call", [1, 2, 3])
def test_failure_writing_an_output_writes_none_of_them(built, monkeypatch, call):
    spec, out, before = built
    real = tempfile.mkstemp
    calls = []

    def mkstemp(*args, **kwargs):
        if Path(kwargs.get("dir", "")) == out:  # an output, not an entry of the user's cache
            calls.append(1)
            if len(calls) == call:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr("outlookgen.output.files.tempfile.mkstemp", mkstemp)
    with pytest.raises(OutputError) as info:
        build([spec], BuildOptions(formats=FORMATS, output_dir=out, jobs=1))
    name = ("plan.md", "plan.html", "plan.docx")[call - 1]
    assert str(info.value) == f"cannot write {out / name}: No space left on device"
    assert snapshot(out) == before and not temp_files(out)


def test_failure_at_rename_time_leaves_whole_files_and_no_temporary_file(built, monkeypatch):
    # Renames cannot be undone together: the outputs renamed before the failure are
    # new, the others old — but each is a whole file, and the error names the output.
    spec, out, before = built
    real = os.replace
    calls = []

    def replace(src, dst):
        if Path(dst).parent != out:  # an entry of the user's cache, not an output
            return real(src, dst)
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(src, dst)

    monkeypatch.setattr("outlookgen.output.files.os.replace", replace)
    with pytest.raises(OutputError, match=r"cannot write .*plan\.html: Input/output error"):
        build([spec], BuildOptions(formats=FORMATS, output_dir=out, jobs=1))
    after = snapshot(out)
    assert after["plan.html"] == before["plan.html"] and after["plan.docx"] == before["plan.docx"]
    assert after["plan.md"] != before["plan.md"] and b"Edited outlook" in after["plan.md"]
    assert not temp_files(out)


def test_an_interrupted_write_leaves_no_temporary_file(built, monkeypatch):
    # Found by these tests: only an OSError removed the temporary files; Ctrl-C
    # between writing them and renaming them left them in the output folder.
    spec, out, before = built

    real = os.replace

    def interrupt(src, dst):
        if Path(dst).parent != out:  # an entry of the user's cache, not an output
            return real(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr("outlookgen.output.files.os.replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build([spec], BuildOptions(formats=FORMATS, output_dir=out, jobs=1))
    assert snapshot(out) == before and not temp_files(out)


def test_a_folder_at_an_output_path_is_refused_before_anything_is_written(built, cli):
    # Found by these tests: the folder was found only when its rename failed, after
    # plan.md had already been replaced, and the message named a temporary file.
    spec, out, before = built
    (out / "plan.html").unlink()
    (out / "plan.html").mkdir()
    code, _, err = cli("build", spec, "-o", out, "-q")
    assert code == 1
    assert check_error_lines(err) == [
        f"outlookgen: error: cannot write {out / 'plan.html'}: a folder of that name is in the way"
    ]
    assert snapshot(out) == {k: v for k, v in before.items() if k != "plan.html"}
    assert not temp_files(out)


# --------------------------------------------------------------------------- two builds at once

_LOOP = """
import sys
from pathlib import Path
from outlookgen.project.build import BuildOptions, build
spec, out, go, rounds = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
while not go.exists():
    pass
for _ in range(rounds):
    build([spec], BuildOptions(formats=("md", "html", "docx"), output_dir=out, force=True, jobs=1))
"""


@posix_only
@pytest.mark.parametrize("same_spec", [True, False], ids=["same-spec", "two-specs-one-output-name"])
def test_two_builds_writing_one_folder_at_once_leave_complete_valid_files(tmp_path, same_spec):
    specs = [write_spec(tmp_path / "a", "Alpha outlook"), write_spec(tmp_path / "b", "Beta outlook")]
    if same_spec:
        specs[1] = specs[0]
    expected: dict[str, set[bytes]] = {f"plan.{fmt}": set() for fmt in FORMATS}
    for i, spec in enumerate(specs):
        result = build([spec], BuildOptions(formats=FORMATS, output_dir=tmp_path / f"expected{i}", jobs=1))
        for path in result.written:
            expected[path.name].add(path.read_bytes())
    out, go = tmp_path / "out", tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _LOOP, str(spec), str(out), str(go), "6"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for spec in specs
    ]
    go.touch()
    for proc in procs:
        try:
            _, err = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            pytest.fail("two concurrent builds hung")
        assert proc.returncode == 0, err.decode("utf-8", "replace")[-3000:]
    final = snapshot(out)
    assert set(final) == set(expected)
    for name, data in final.items():
        assert data in expected[name], f"{name} is not a complete output of either build"
    assert not temp_files(out)
    for path in (manifest.cache_dir() / "specs").glob("*/*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # the shared cache stayed valid JSON


# --------------------------------------------------------------------------- links, FIFOs and folders at outputs


@posix_only
@pytest.mark.parametrize("kind", ["file", "dangling", "folder"])
def test_a_symlink_planted_at_an_output_is_replaced_not_written_through(tmp_path, kind, cli):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    if kind == "file":
        victim.write_text("VICTIM", encoding="utf-8")
    elif kind == "folder":
        victim.mkdir()
    for fmt in FORMATS:
        (out / f"plan.{fmt}").symlink_to(victim)
    code, _, err = cli("build", spec, "-o", out, "-q")
    assert code == 0, err
    for fmt in FORMATS:
        target = out / f"plan.{fmt}"
        assert not target.is_symlink() and target.is_file() and target.stat().st_size > 0
    if kind == "file":
        assert victim.read_text(encoding="utf-8") == "VICTIM"
    elif kind == "folder":
        assert list(victim.iterdir()) == []
    else:
        assert not victim.exists()


@posix_only
def test_a_fifo_planted_at_an_output_does_not_block_the_next_build_or_check(tmp_path):
    # Found by these tests: the up-to-date check read the FIFO and waited forever.
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    assert run_limited(["build", spec, "-o", out, "-q"], cwd=tmp_path)[0] == 0
    (out / "plan.md").unlink()
    os.mkfifo(out / "plan.md")
    code, _, err = run_limited(["build", spec, "-o", out, "--check"], cwd=tmp_path, cpu_seconds=20)
    assert code == 1
    assert f"{spec}:1:1: error: $: {out / 'plan.md'} is not a regular file; run outlookgen build" in check_error_lines(
        err
    )
    code, _, err = run_limited(["build", spec, "-o", out, "-q"], cwd=tmp_path, cpu_seconds=20)
    assert code == 0, err
    assert stat.S_ISREG((out / "plan.md").lstat().st_mode)


@posix_only
@pytest.mark.parametrize("which", ["spec", "fragment"])
def test_an_input_replaced_by_a_fifo_after_a_build_is_an_error_not_a_hang(tmp_path, which):
    # Found by these tests: the manifest digested the spec and fragments it had seen
    # before the loader could say the file is not a regular file.
    (tmp_path / ".git").mkdir()
    (tmp_path / "shared").mkdir()
    fragment = tmp_path / "shared" / "risks.yaml"
    fragment.write_text("x-shared: 1\n", encoding="utf-8")
    spec = write_spec(tmp_path / "specs")
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("outlook: 1", "outlook: 1\ninclude: [../shared/risks.yaml]")
    )
    out = tmp_path / "out"
    assert run_limited(["build", spec, "-o", out, "-q"], cwd=tmp_path)[0] == 0
    victim = spec if which == "spec" else fragment
    victim.unlink()
    os.mkfifo(victim)
    code, _, err = run_limited(["build", spec, "-o", out, "-q"], cwd=tmp_path, cpu_seconds=20)
    assert code == 1
    lines = check_error_lines(err)
    assert any("is not a regular file" in line or "is not a file" in line for line in lines), lines


# --------------------------------------------------------------------------- permissions


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_outputs_get_the_permissions_any_new_file_gets(tmp_path, umask):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.md").write_text("old", encoding="utf-8")
    os.chmod(out / "plan.md", 0o600)  # an existing output's own mode does not carry over
    old = os.umask(umask)
    try:
        build([spec], BuildOptions(formats=FORMATS, output_dir=out, jobs=1))
    finally:
        os.umask(old)
    for fmt in FORMATS:
        assert stat.S_IMODE((out / f"plan.{fmt}").stat().st_mode) == 0o666 & ~umask, fmt


# --------------------------------------------------------------------------- output names


ODD_NAMES = [
    ".hidden.yaml",
    "..yaml",
    "...yaml",
    ".yaml",
    "a b.yaml",
    "计划 v2.yaml",
    "x.YAML",
    "new\nline.yaml",
    "-dash.yaml",
    "back\\slash.yaml",
    "plan",
    "plan.md",
    "semi;colon $(touch pwned).yaml",
]


@posix_only
@pytest.mark.parametrize("name", ODD_NAMES, ids=repr)
@pytest.mark.parametrize("to_folder", [True, False], ids=["-o", "beside"])
def test_output_names_from_odd_spec_names_stay_in_the_output_folder(tmp_path, name, to_folder, cli):
    specs = tmp_path / "specs"
    spec = write_spec(specs, name=name)
    original = spec.read_bytes()
    out = tmp_path / "out" if to_folder else specs
    args = ["build", f"./{name}", "-q"] + (["-o", out] if to_folder else [])
    code, _, err = cli(*args, cwd=specs)
    assert code == 0, err
    stem = name[: -len(".yaml")] if name.lower().endswith(".yaml") else name
    written = sorted(p for p in out.iterdir() if p != spec)
    assert written == sorted(out / f"{stem}.{fmt}" for fmt in FORMATS)
    assert all(p.resolve().parent == out.resolve() for p in written)
    assert spec.read_bytes() == original  # "plan.md" is built into "plan.md.md", never over itself
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted([name, *(p.name for p in written)])


@posix_only
def test_a_spec_name_that_is_not_utf8_builds_and_errors_stay_one_printable_line(tmp_path, cli):
    specs = tmp_path / "specs"
    good = write_spec(specs, name=os.fsdecode(b"\xff-good.yaml"))
    code, _, err = cli("build", good, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    assert sorted(os.listdir(os.fsencode(tmp_path / "out"))) == sorted(b"\xff-good." + f.encode() for f in FORMATS)
    bad = specs / os.fsdecode(b"\xfe\nbad.yaml")
    bad.write_text("outlook: 1\nmeta: [\n", encoding="utf-8")
    code, _, err = cli("build", bad, "-o", tmp_path / "out", "-q")
    assert code == 1
    [line] = check_error_lines(err)
    assert line.startswith(str(specs) + "/\\udcfe\\nbad.yaml:3:1: error: $: YAML syntax"), line


# --------------------------------------------------------------------------- the build cache


def _record_file(spec: Path) -> Path:
    """The build cache's record of ``spec`` as a build run in ``spec``'s project folder names it."""
    return manifest.record_path(manifest.spec_key("specs/plan.yaml", manifest.digest_file(spec)))


def _record(**fields) -> bytes:
    """A record of plan.yaml with ``fields`` in place of sound ones (JSON text)."""
    document = {"format": 2, "spec": "specs/plan.yaml", "dependencies": [], "sources": "x", "builds": {}}
    document.update(fields)
    return json.dumps(document).encode()


DAMAGED = {
    "garbage": b"\x00\xff not json",
    "empty": b"",
    "a-list": b"[1, 2, 3]",
    "builds-a-list": _record(builds=[]),
    "build-a-string": _record(builds={"a": "x"}),
    "numbers-not-strings": _record(sources=1, dependencies=[3, None], builds={"a": {"md": 2}}),
    "dependencies-mixed": _record(dependencies=["x", 1]),
    "dependencies-a-string": _record(dependencies="abc"),
    "dependency-a-list": _record(dependencies=[["x"]]),
    "dependency-a-fifo": _record(dependencies=["@FIFO@"]),
    "dependency-outside": _record(dependencies=["../../../../../../etc/passwd"]),
    "facts-of-the-wrong-kind": _record(facts="x", findings={"a": 1}, tasks=True),
    "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
    "huge-number": b'{"format": 2' + b"0" * 5000 + b"}",
    "future-format": _record(format=99),
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_cache_record_costs_a_rebuild_never_the_build(tmp_path, content):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    build([spec], BuildOptions(output_dir=out, jobs=1))
    fifo = tmp_path / "fifo"
    if b"@FIFO@" in content:
        os.mkfifo(fifo)
    record = _record_file(spec)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_bytes(content.replace(b"@FIFO@", str(fifo).encode()))
    for _ in range(2):  # the damaged cache, then the one the first build rewrote
        # In a child process: a regression that reads the FIFO must fail, not hang.
        code, _, err = run_limited(["build", spec, "-o", out, "-q"], cwd=tmp_path, cpu_seconds=30)
        assert code == 0, err
        assert not check_error_lines(err)
        assert set(snapshot(out)) == {"plan.md", "plan.html", "plan.docx"}


@posix_only
@pytest.mark.parametrize("kind", ["folder", "fifo", "cache-is-a-file", "records-is-a-file"])
def test_an_unreadable_or_unwritable_cache_never_fails_a_build(tmp_path, kind):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    path = _record_file(spec)
    if kind == "folder":
        path.mkdir(parents=True)
    elif kind == "fifo":
        path.parent.mkdir(parents=True)
        os.mkfifo(path)
    elif kind == "cache-is-a-file":
        manifest.cache_dir().rmdir()
        manifest.cache_dir().write_text("not a folder", encoding="utf-8")
    else:
        (manifest.cache_dir() / "specs").write_text("not a folder", encoding="utf-8")
    for _ in range(2):
        code, _, err = run_limited(["build", spec, "-o", out, "-q"], cwd=tmp_path, cpu_seconds=30)
        assert code == 0, err
        assert not check_error_lines(err)
    assert set(snapshot(out)) == {"plan.md", "plan.html", "plan.docx"}


# --------------------------------------------------------------------------- faults injected at real I/O calls

# Installed as ``sitecustomize`` in a child process (never in this one): an audit
# hook that turns a real open() or rename into a fault, chosen by the file's name,
# so the pool, the watcher and the writer meet it exactly where a real one strikes.
FAULT_HOOK = """
import os
import signal
import sys

_PARENT = os.getpid()  # forked workers inherit it: a worker is a process whose pid differs


def _raise(kind, path):
    if kind == "PermissionError":
        raise PermissionError(13, "Permission denied", path)
    if kind == "MemoryError":
        raise MemoryError()
    raise ZeroDivisionError("a fault injected by the test")  # stands for a bug in outlookgen


def _opened(path):
    name = os.path.basename(path)
    if name.startswith("fault-raise-"):
        _raise(name[len("fault-raise-"):].partition(".")[0], path)
    if os.getpid() == _PARENT or name.endswith(".killed"):
        return
    if name.startswith("fault-kill-"):
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    if name.startswith("fault-killonce-") and not os.path.exists(path + ".killed"):
        os.close(os.open(path + ".killed", os.O_CREAT | os.O_WRONLY))
        os.kill(os.getpid(), signal.SIGKILL)


def _hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened(os.fsdecode(args[0]))
    elif event == "os.rename" and os.environ.get("OUTLOOKGEN_FAULT_KILL_AT_RENAME"):
        source = os.fsdecode(args[0])
        if source.endswith(".tmp") and not source.startswith(os.environ.get("OUTLOOKGEN_CACHE_DIR") or "//no cache"):
            os.kill(os.getpid(), signal.SIGKILL)  # killed between writing the temporary files and renaming them


sys.addaudithook(_hook)
"""


def fault_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process with FAULT_HOOK installed."""
    hook = tmp_path / "fault-hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(FAULT_HOOK, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(hook), str(ROOT), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path, **extra)


def run_outlookgen(args, *, env: dict[str, str], cwd: Path, timeout: int = 240) -> tuple[int, str, str]:
    """``python -m outlookgen ARGS`` in a child process; a hang fails the test."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "outlookgen", *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"outlookgen {' '.join(map(str, args))} did not finish in {timeout} s: it hangs")
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


# --------------------------------------------------------------------------- a worker process that dies (-j N)


@posix_only
def test_a_worker_killed_by_a_signal_names_its_spec_and_writes_nothing(tmp_path):
    # Found by these tests: the killed worker broke the process pool, and the build
    # ended in a BrokenProcessPool traceback that blamed no spec (or every one).
    specs = tmp_path / "specs"
    names = ["a.yaml", "b.yaml", "fault-kill-c.yaml", "d.yaml", "e.yaml"]
    paths = [write_spec(specs, name=name) for name in names]
    out = tmp_path / "out"
    env = fault_env(tmp_path)
    code, _, err = run_outlookgen(["build", *paths, "-o", out, "-f", "md", "-j", "1", "-q"], env=env, cwd=tmp_path)
    assert code == 0, err  # in one process nothing is killed: the hook spares the parent
    before = snapshot(out)
    for path in paths:
        write_spec(specs, title="Edited outlook", name=path.name)
    code, _, err = run_outlookgen(["build", *paths, "-o", out, "-f", "md", "-j", "2", "-q"], env=env, cwd=tmp_path)
    assert code == 1, err
    culprit = specs / "fault-kill-c.yaml"
    [line] = check_error_lines(err)  # the culprit only: the specs its death took down were built again
    assert line.startswith(
        f"{culprit}:1:1: error: $: the build of this spec was stopped: its process was killed (signal 9, SIGKILL)"
    ), line
    assert "out of memory" in line and "ulimit -v" in line, line
    assert snapshot(out) == before and not temp_files(out)


@posix_only
def test_a_worker_killed_once_costs_a_retry_not_the_build(tmp_path):
    # A worker the system kills for a reason outside the spec (memory pressure from
    # the other workers, an operator's kill) takes every unfinished spec down with
    # the pool: each is built again in a process of its own, and the build succeeds.
    specs = tmp_path / "specs"
    paths = [write_spec(specs, name=name) for name in ["a.yaml", "fault-killonce-b.yaml", "c.yaml"]]
    out = tmp_path / "out"
    code, _, err = run_outlookgen(
        ["build", *paths, "-o", out, "-f", "md,html", "-j", "2", "-q"], env=fault_env(tmp_path), cwd=tmp_path
    )
    assert code == 0, err
    assert not check_error_lines(err)
    assert (specs / "fault-killonce-b.yaml.killed").exists()  # the worker really was killed
    stems = ["a", "fault-killonce-b", "c"]
    assert set(snapshot(out)) == {f"{stem}.{fmt}" for stem in stems for fmt in ("md", "html")}
    expected = tmp_path / "expected"
    build(paths, BuildOptions(formats=("md", "html"), output_dir=expected, jobs=1))
    assert snapshot(out) == snapshot(expected)  # the retried spec's outputs are the same bytes


# --------------------------------------------------------------------------- errors from the system, not the spec


@posix_only
def test_a_pack_file_that_cannot_be_read_is_an_error_line(tmp_path):
    # Found by these tests: digesting the pack for the build cache let the
    # PermissionError out as a traceback.
    spec = write_spec(tmp_path / "specs")
    pack = tmp_path / "acme"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: acme\nextends: default\n", encoding="utf-8")
    (pack / "fault-raise-PermissionError.css").write_text("body {}\n", encoding="utf-8")
    code, _, err = run_outlookgen(
        ["build", spec, "-t", pack, "-o", tmp_path / "out", "-q"], env=fault_env(tmp_path), cwd=tmp_path
    )
    assert code == 1
    assert check_error_lines(err) == [
        f"{pack / 'fault-raise-PermissionError.css'}:1:1: error: $: cannot be read: permission denied"
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_template_that_is_not_utf8_is_one_error_line_at_the_template(tmp_path, jobs, cli):
    # Found by these tests: a pack template saved in another encoding ended in a
    # UnicodeDecodeError traceback (in this process, or raised from a worker).
    specs = [write_spec(tmp_path / "specs", name=name) for name in ("a.yaml", "b.yaml")]
    pack = tmp_path / "acme"
    (pack / "md").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: acme\nextends: default\n", encoding="utf-8")
    (pack / "md" / "outlook.md.j2").write_bytes(b"# \xff\xfe {{ title }}\n")
    code, _, err = cli("build", *specs, "-t", pack, "-o", tmp_path / "out", "-f", "md", "-j", jobs, "-q")
    assert code == 1
    # located at the template (not blamed on each spec), and said once for both specs
    assert check_error_lines(err) == [
        f"{pack}/md/outlook.md.j2:1:1: error: $: not valid UTF-8 (byte 0xff); save it as UTF-8"
    ]
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- outputs that are the build's own inputs


def _pack_with_reference_docx(folder: Path) -> Path:
    (folder / "docx").mkdir(parents=True)
    (folder / "pack.yaml").write_text("name: acme\nextends: default\n", encoding="utf-8")
    (folder / "docx" / "reference.docx").write_bytes((ROOT / "templates/default/docx/reference.docx").read_bytes())
    return folder


def _input_case(kind: str, tmp_path: Path) -> tuple[list, Path, Path, str]:
    """(build arguments, the spec named in the error, the input that would be overwritten, the output path shown)."""
    specs = tmp_path / "specs"
    spec = write_spec(specs)
    out = tmp_path / "out"
    if kind == "another-spec":  # a spec file named notes.md, and notes.yaml built into its folder
        other = write_spec(specs, name="notes.md")
        spec = write_spec(tmp_path / "more", name="notes.yaml")
        return [other, spec, "-o", specs], spec, other, f"{specs / 'notes.md'}"
    if kind in ("hard-link", "symlink"):  # the spec linked into the output folder under an output's name
        out.mkdir()
        link = out / "plan.md"
        if kind == "hard-link":
            os.link(spec, link)
        else:
            link.symlink_to(spec)
        return [spec, "-o", out], spec, spec, f"{link}"
    if kind == "fragment":  # a fragment named like the spec's Markdown output, built beside the spec
        (tmp_path / ".git").mkdir()
        fragment = specs / "plan.md"
        fragment.write_text("x-notes: shared notes\n", encoding="utf-8")
        spec.write_text(spec.read_text(encoding="utf-8").replace("outlook: 1", "outlook: 1\ninclude: [plan.md]"))
        return [spec], spec, fragment, f"{fragment}"
    if kind == "changes-since":  # the older version kept under the name of an output
        old = write_spec(out, title="Old outlook", name="plan.html")
        return [spec, "--changes-since", old, "-o", out], spec, old, f"{old}"
    assert kind == "pack-file"  # reference.yaml built into the pack's docx/ folder
    pack = _pack_with_reference_docx(tmp_path / "acme")
    spec = write_spec(specs, name="reference.yaml")
    target = pack / "docx" / "reference.docx"
    return [spec, "-t", pack, "-o", pack / "docx"], spec, target, f"{target}"


INPUT_KINDS = {
    "another-spec": "the spec",
    "hard-link": "the spec",
    "symlink": "the spec",
    "fragment": "the included file",
    "changes-since": "the --changes-since file",
    "pack-file": "the template pack file",
}


@posix_only
@pytest.mark.parametrize("kind", INPUT_KINDS)
def test_an_output_that_is_one_of_the_builds_inputs_is_refused(tmp_path, kind, cli):
    # Found by these tests: the build replaced the input with a document (or, for a
    # link, replaced the link) and said nothing.
    args, spec, victim, shown = _input_case(kind, tmp_path)
    original = victim.read_bytes()
    every_file = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.parts}
    code, _, err = cli("build", *args, "-q")
    assert code == 1, err
    lines = check_error_lines(err)
    real = os.path.realpath(victim)
    assert any(
        line.startswith(f"{spec}:1:1: error: $: would write {shown}, which is {INPUT_KINDS[kind]} ")
        and (str(victim) in line or real in line)
        for line in lines
    ), lines
    assert victim.read_bytes() == original
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.parts} == every_file
    assert not temp_files(tmp_path)


# --------------------------------------------------------------------------- temporary files of a killed build


@posix_only
@pytest.mark.parametrize("next_build", ["rebuilds", "finds-everything-up-to-date"])
def test_temporary_files_of_a_killed_build_are_removed_by_the_next_build(tmp_path, next_build):
    spec = write_spec(tmp_path / "specs")
    out = tmp_path / "out"
    args = ["build", spec, "-o", out, "-q"]
    env = fault_env(tmp_path)
    assert run_outlookgen(args, env=env, cwd=tmp_path)[0] == 0
    before = snapshot(out)
    write_spec(tmp_path / "specs", title="Edited outlook")
    killed = dict(env, OUTLOOKGEN_FAULT_KILL_AT_RENAME="1")
    code, _, err = run_outlookgen([*args, "--force"], env=killed, cwd=tmp_path)
    assert code == -9, err  # SIGKILL after every temporary file was written, before the first rename
    leftovers = temp_files(out)
    assert sorted(p.name.split(".tmp")[0][:-9] for p in leftovers) == [".plan.docx", ".plan.html", ".plan.md"]
    assert documents(out) == before
    if next_build == "finds-everything-up-to-date":
        write_spec(tmp_path / "specs")  # the spec as it was: every output is current
    hour_ago = time.time() - 3600
    for path in leftovers:
        os.utime(path, (hour_ago, hour_ago))
    # What must stay: a temporary file as fresh as a build running right now would
    # have, and old files that only look like ours.
    victim = tmp_path / "victim"
    victim.write_text("VICTIM", encoding="utf-8")
    fresh = out / ".plan.md.fresh123.tmp"
    keep = {
        fresh: "file",
        out / ".plan.md.ABCDEFGH.tmp": "file",  # not mkstemp's alphabet
        out / ".plan.md.abc.tmp": "file",  # not its length
        out / ".notes.txt.abcdefgh.tmp": "file",  # not an output of this build
        out / ".plan.html.symlink_.tmp": "symlink",  # not a regular file
        out / ".plan.docx.folder__.tmp": "folder",
    }
    for path, what in keep.items():
        if what == "file":
            path.write_text("x", encoding="utf-8")
        elif what == "symlink":
            path.symlink_to(victim)
        else:
            path.mkdir()
        if path != fresh:
            os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)
    code, _, err = run_outlookgen(args, env=env, cwd=tmp_path)
    assert code == 0, err
    assert not [p for p in leftovers if os.path.lexists(p)], "the killed build's temporary files are still there"
    assert all(os.path.lexists(p) for p in keep), [p.name for p in keep if not os.path.lexists(p)]
    assert victim.read_text(encoding="utf-8") == "VICTIM"
    if next_build == "finds-everything-up-to-date":
        assert documents(out) == before  # nothing was rebuilt, yet the leftovers are gone
    else:
        assert set(documents(out)) == set(before) and documents(out) != before
