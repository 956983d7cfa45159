"""Fuzz the whole pipeline — load, validate, model, render (md, html, docx) — under memory and CPU limits.

    python bench/fuzz.py --seconds 600                  # atheris when it is installed, else hypothesis
    python bench/fuzz.py --engine hypothesis --seconds 60 --findings fuzz-findings
    python bench/fuzz.py --engine atheris --runs 5000   # pip install atheris

Every input is a spec file run through ``outlookgen.project.pipeline.build_spec``, the
function a build runs for each spec. An input may end in one of two ways:
documents in every format, or problems (located diagnostics, one line each).
Anything else is a *finding*, saved with its input in the findings folder:

* ``exception``  — anything raised but an OutlookgenError (a traceback for the user);
* ``invariant``  — a diagnostic that is not one line, an empty or malformed document,
  a ``<script`` in the HTML page;
* ``memory``     — the input needed more than ``--memory-mb`` (a small input that
  does is a bomb: the limit turns it into a finding instead of a swapping machine);
* ``cpu``        — the input used more than ``--cpu-seconds`` of CPU (a hang);
* ``hang``       — the input blocked past the wall-clock limit without using CPU;
* ``crash``      — the process died of a signal (a segfault in a C extension).

Engines. *hypothesis* runs each input in a forked child with ``RLIMIT_AS`` and
``RLIMIT_CPU`` set and a wall-clock watchdog, so every kind above is caught and
the run goes on. *atheris* (coverage-guided libFuzzer) runs inputs in its own
process for the coverage feedback: that process gets ``RLIMIT_AS``, libFuzzer's
``-timeout`` and ``-rss_limit_mb``, and stops at its first finding (libFuzzer
saves the input as ``crash-*``, ``timeout-*`` or ``oom-*``).

Both engines turn raw bytes into specs the same way (:func:`decode`): the raw
bytes as a file, or a seed spec (the samples, tests/specs/valid, the hostile
corpus) with fuzzed text in its text fields, fuzzed values at random places, or
fuzzed text spliced into its YAML.

tests/test_fuzz.py runs this with a small budget in CI; figures from longer
runs go in docs/security.md.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import hashlib
import io
import json
import os
import select
import signal
import struct
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORMATS = ("md", "html", "docx")
MB = 1024 * 1024
MAX_INPUT = 64 * 1024  # bytes: small inputs, so what needs gigabytes is a bomb

# --------------------------------------------------------------------------- seeds

# Keys whose string values (or list items) are text fields of the spec.
TEXT_KEYS = frozenset(
    {
        *("title", "subtitle", "organization", "current_state", "rationale", "pain_point", "impact", "statement"),
        *("metric", "name", "description", "reason", "goal", "trigger", "cadence", "method", "purpose", "spec"),
        *("note", "initiative", "value", "changes", "body", "role", "author", "confidentiality", "baseline"),
        *("target", "deadline", "deferred_to", "horizon"),
    }
)
TEXT_LIST_KEYS = frozenset(
    {
        *("challenges", "benefits", "exit_criteria", "deliverables", "responsibilities", "decides"),
        *("mitigation", "contingency", "communication", "champions", "plan", "support", "cleansing"),
        *("master_data", "migration"),
    }
)


def seed_files() -> list[Path]:
    """The valid specs first (VALID_SEEDS of them), then the hostile corpus."""
    hostile = sorted((ROOT / "tests" / "hostile").glob("*.yaml"))
    return valid_seed_files() + [p for p in hostile if p.name != "manifest.yaml"]


def valid_seed_files() -> list[Path]:
    return sorted((ROOT / "samples").glob("*.yaml")) + sorted((ROOT / "tests" / "specs" / "valid").glob("*.yaml"))


VALID_SEEDS = len(valid_seed_files())


_SEEDS: list[tuple[bytes, object]] | None = None


def seeds() -> list[tuple[bytes, object]]:
    """(file bytes, plain data or None) of every seed spec."""
    global _SEEDS
    if _SEEDS is None:
        import yaml

        found = []
        for path in seed_files():
            data = path.read_bytes().replace(b"@SENTINEL@", b"/nonexistent/sentinel")
            try:
                plain = yaml.safe_load(data)
            except (yaml.YAMLError, ValueError):  # PyYAML lets a ValueError out of "\U00110000"
                plain = None
            # PyYAML builds aliases as shared (even cyclic) objects: a bomb seed is only used raw.
            found.append((data, plain if isinstance(plain, dict) and _small_tree(plain) else None))
        _SEEDS = found
    return _SEEDS


def _small_tree(data, limit: int = 20_000) -> bool:
    """True when ``data`` is a tree (no shared or cyclic containers) of at most ``limit`` nodes."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            if id(node) in seen or len(seen) >= limit:
                return False
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return True


# --------------------------------------------------------------------------- bytes -> spec


# Characters worth trying, by kind: YAML and Markdown syntax, controls, surrogates and
# noncharacters, wide scripts, emoji, combining marks, bidi and zero-width controls.
_SPECIAL = list("*_`[]()|#>-+!<&\\:{}%@'\",?~\t\n\r ") + ["**", "](https://x.example/)", "{{", "}}", "{%", "<<"]
_CHAR_RANGES = [  # characters a text field may hold
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x0590, 0x06FF),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2028, 0x2029),
    (0x3000, 0x30FF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0xFE00, 0xFE0F),
    (0xFF00, 0xFFEF),
    (0x1F300, 0x1FAFF),
    (0x10000, 0x10FFFF),
]
_BAD_RANGES = [  # and the ones the loader refuses or the HTML page replaces
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0xD800, 0xDFFF),
    (0xFDD0, 0xFDEF),
    (0xFFFE, 0xFFFF),
]


class Provider:
    """Values read off a byte string, deterministically; past the end, zeros."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            return 0
        self.pos += 1
        return self.data[self.pos - 1]

    def int(self, lo: int, hi: int) -> int:
        span = hi - lo + 1
        value = 0
        for _ in range(max(1, (span.bit_length() + 7) // 8)):
            value = (value << 8) | self.byte()
        return lo + value % span

    def bool(self) -> bool:
        return bool(self.byte() & 1)

    def char(self) -> str:
        kind = self.byte() % 32
        if kind < 12:
            return chr(0x20 + self.byte() % 0x5F)
        if kind < 20:
            return _SPECIAL[self.byte() % len(_SPECIAL)]
        ranges = _BAD_RANGES if kind == 31 and self.byte() % 8 == 0 else _CHAR_RANGES
        lo, hi = ranges[self.byte() % len(ranges)]
        return chr(self.int(lo, hi))

    def text(self, max_len: int) -> str:
        return "".join(self.char() for _ in range(self.int(0, max_len)))

    def rest(self) -> bytes:
        return self.data[self.pos :]

    def value(self, depth: int = 0):
        kind = self.byte() % (9 if depth < 3 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return self.bool()
        if kind == 2:
            return self.int(-(10**6), 10**6) if self.bool() else self.int(-(2**70), 2**70)
        if kind == 3:
            return struct.unpack("<d", bytes(self.byte() for _ in range(8)))[0]
        if kind in (4, 5):
            return self.text(40)
        if kind == 6:
            return [self.value(depth + 1) for _ in range(self.int(0, 4))]
        if kind == 7:
            return {self.text(8): self.value(depth + 1) for _ in range(self.int(0, 4))}
        return ["2026-02-30", "no", "0755", ".nan", "1:30", "~", "", "P1", "T1", "PM", "O1", "x-a"][self.byte() % 12]


def _paths(node, prefix=()):
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _is_text(path: tuple) -> bool:
    if not path:
        return False
    last = path[-1]
    if isinstance(last, int):
        return len(path) > 1 and path[-2] in TEXT_LIST_KEYS
    return last in TEXT_KEYS


def _dump(data) -> bytes:
    import yaml

    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 20).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return yaml.safe_dump(data, allow_unicode=False, sort_keys=False).encode("utf-8", "surrogatepass")


def decode(data: bytes) -> bytes:
    """The spec file an input stands for (first byte: how the rest is read)."""
    import copy

    if not data:
        return b""
    mode, provider = data[0] % 4, Provider(data[1:])
    if mode == 0:
        return data[1:]
    pool = seeds()
    if mode != 3 or provider.bool():  # fuzz valid specs, so inputs get past the loader and validator
        pool = [seed for seed in pool if seed[1] is not None and b"@SENTINEL@" not in seed[0]][:VALID_SEEDS]
    raw, plain = pool[provider.int(0, len(pool) - 1)]
    if mode == 3 or plain is None:  # splice fuzzed text into the seed's YAML
        text = raw.decode("utf-8", "replace")
        at = provider.int(0, len(text))
        cut = provider.int(0, 32)
        return (text[:at] + provider.text(64) + text[at + cut :]).encode("utf-8", "surrogatepass")
    spec = copy.deepcopy(plain)
    places = [(p, v) for p, v in _paths(spec) if p]
    if mode == 1:  # fuzzed text in text fields
        for path, value in places:
            if _is_text(path) and isinstance(value, str) and provider.bool():
                _set(spec, path, provider.text(48))
    else:  # fuzzed values at random places, or keys dropped
        for _ in range(provider.int(1, 4)):
            places = [(p, v) for p, v in _paths(spec) if p]
            path, _ = places[provider.int(0, len(places) - 1)]
            with contextlib.suppress(KeyError, IndexError, TypeError):
                if provider.byte() % 4 == 0:
                    _parent(spec, path).pop(path[-1])
                else:
                    _set(spec, path, provider.value())
    return _dump(spec)


def _parent(data, path: tuple):
    for part in path[:-1]:
        data = data[part]
    return data


def _set(data, path: tuple, value) -> None:
    _parent(data, path)[path[-1]] = value


# --------------------------------------------------------------------------- one input through the pipeline


class Finding(Exception):
    """The pipeline ended an input in a way it must not."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def pipeline(spec_bytes: bytes, folder: Path) -> str:
    """Run one spec through build_spec; 'built' or 'refused', or raise (Finding or whatever escaped)."""
    from outlookgen.project.pipeline import BuildOptions, build_spec

    path = folder / "fuzz.yaml"
    path.write_bytes(spec_bytes)
    outcome = build_spec(path, FORMATS, BuildOptions())
    if outcome.problems:
        for problem in outcome.problems:
            line = problem.format()
            if "\n" in line or "\r" in line or len(line) > 4000:
                raise Finding("invariant", f"a diagnostic is not one readable line: {line[:200]!r}")
            if "ran out of memory" in problem.message:
                raise Finding("memory", f"{len(spec_bytes)} bytes of spec ran out of memory")
        return "refused"
    if set(outcome.outputs) != set(FORMATS) or not all(outcome.outputs.values()):
        raise Finding("invariant", f"documents missing or empty: {sorted(outcome.outputs)}")
    outcome.outputs["md"].decode("utf-8")
    page = outcome.outputs["html"].decode("utf-8")
    if "<script" in page.lower():
        raise Finding("invariant", "the HTML page holds a <script")
    with zipfile.ZipFile(io.BytesIO(outcome.outputs["docx"])) as archive:
        from lxml import etree

        etree.fromstring(archive.read("word/document.xml"))
    return "built"


# --------------------------------------------------------------------------- one input in a limited child


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    cpu_seconds: int = 30
    wall_seconds: float = 120.0


def _limit_self(limits: Limits) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * MB, limits.memory_mb * MB))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 2))


def run_isolated(fn: Callable[[bytes], str], data: bytes, limits: Limits) -> tuple[str, str]:
    """``fn(data)`` in a forked child under the limits: (outcome, detail).

    The outcome is what ``fn`` returned, or a finding kind: exception,
    invariant, memory, cpu, hang or crash.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limit, run, report, leave without cleanup handlers
        os.close(read_end)
        status = 0
        try:
            faulthandler.disable()  # a crash is reported by the parent, not dumped here
            _limit_self(limits)
            try:
                message = {"outcome": fn(data), "detail": ""}
            except Finding as exc:
                message = {"outcome": exc.kind, "detail": exc.detail}
            except MemoryError:
                message = {"outcome": "memory", "detail": "MemoryError"}
            except BaseException:
                message = {"outcome": "exception", "detail": traceback.format_exc()[-4000:]}
            os.write(write_end, json.dumps(message).encode())
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limits.wall_seconds
    timed_out = False
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], min(left, 1.0))
            if ready:
                chunk = pipe.read(65536)
                if not chunk:
                    break
                chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return "hang", f"no result after {limits.wall_seconds:g} s of wall-clock time"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return "cpu", f"stopped by {signal.Signals(sig).name} past {limits.cpu_seconds} s of CPU"
        return "crash", f"killed by {signal.Signals(sig).name}"
    try:
        message = json.loads(b"".join(chunks))
    except ValueError:
        return "crash", f"the child exited with status {os.WEXITSTATUS(status)} and no result"
    return message["outcome"], message["detail"]


# --------------------------------------------------------------------------- the run


@dataclass
class Report:
    engine: str
    seconds: float = 0.0
    executions: int = 0
    outcomes: Counter = field(default_factory=Counter)
    findings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "engine": self.engine,
            "seconds": round(self.seconds, 1),
            "executions": self.executions,
            "outcomes": dict(self.outcomes),
            "findings": self.findings,
        }


def _save(findings_dir: Path, kind: str, spec: bytes, detail: str) -> Path:
    findings_dir.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{hashlib.sha1(spec).hexdigest()[:12]}"
    (findings_dir / f"{name}.yaml").write_bytes(spec)
    (findings_dir / f"{name}.txt").write_text(detail, encoding="utf-8")
    return findings_dir / f"{name}.yaml"


def run_hypothesis(seconds: float, limits: Limits, findings_dir: Path, max_runs: int | None = None) -> Report:
    """Random inputs (hypothesis), each in a limited forked child, until the time or run budget is spent."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from outlookgen.project import workers

    workers.warm_up(FORMATS)  # children fork with the renderers imported
    seeds()  # and the seeds read
    report = Report("hypothesis")
    started = time.monotonic()
    deadline = started + seconds
    seen: set[bytes] = set()
    with tempfile.TemporaryDirectory(prefix="outlookgen-fuzz-") as tmp:
        folder = Path(tmp)

        def one(data: bytes) -> None:
            if time.monotonic() > deadline or (max_runs is not None and report.executions >= max_runs):
                return
            spec = decode(data)[:MAX_INPUT]
            digest = hashlib.sha1(spec).digest()
            if digest in seen:
                return
            seen.add(digest)
            outcome, detail = run_isolated(lambda b: pipeline(b, folder), spec, limits)
            report.executions += 1
            report.outcomes[outcome] += 1
            if outcome not in ("built", "refused"):
                saved = _save(findings_dir, outcome, spec, detail)
                report.findings.append({"kind": outcome, "input": str(saved), "detail": detail.strip()[-500:]})

        # Mostly fuzzed text in seed specs (it reaches the renderers), then fuzzed values
        # (the validator), splices (the YAML reader) and raw bytes.
        modes = st.sampled_from([1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 0])
        inputs = st.tuples(modes, st.binary(max_size=512)).map(lambda t: bytes([t[0]]) + t[1])
        batch = settings(
            max_examples=50,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(inputs)(one))
        while time.monotonic() < deadline and (max_runs is None or report.executions < max_runs):
            batch()
    report.seconds = time.monotonic() - started
    return report


def run_atheris(seconds: float, runs: int | None, limits: Limits, findings_dir: Path) -> Report:
    """Coverage-guided fuzzing (atheris/libFuzzer) in a child process; the report from its output."""
    import subprocess

    findings_dir.mkdir(parents=True, exist_ok=True)
    report = Report("atheris")
    with tempfile.TemporaryDirectory(prefix="outlookgen-fuzz-corpus-") as corpus:
        for i, (data, _) in enumerate(seeds()):
            Path(corpus, f"seed{i:03d}").write_bytes(b"\x00" + data[:MAX_INPUT])
            Path(corpus, f"text{i:03d}").write_bytes(b"\x01" + hashlib.sha256(data).digest())
        flags = [
            f"-max_len={MAX_INPUT}",
            f"-timeout={limits.cpu_seconds}",
            f"-rss_limit_mb={limits.memory_mb}",
            f"-artifact_prefix={findings_dir}{os.sep}",
            "-print_final_stats=1",
        ]
        flags.append(f"-runs={runs}" if runs else f"-max_total_time={int(seconds)}")
        # The render timer (SIGALRM, ITIMER_REAL) could cancel the alarm libFuzzer times inputs with.
        env = dict(os.environ, OUTLOOKGEN_RENDER_TIMEOUT="0", PYTHONPATH=str(ROOT))
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, __file__, "--atheris-child", str(limits.memory_mb), corpus, *flags],
            env=env,
            capture_output=True,
            text=True,
            timeout=(seconds if not runs else 3600) + limits.wall_seconds + 60,
        )
        report.seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    for line in output.splitlines():
        if line.startswith("stat::number_of_executed_units:"):
            report.executions = int(line.split(":")[-1])
        elif line.startswith(("Done ", "#")) and " runs in " in line:
            with contextlib.suppress(ValueError):
                report.executions = max(report.executions, int(line.split()[1]))
    artifacts = sorted(p for p in findings_dir.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "leak-")))
    for path in artifacts:
        kind = {"crash": "exception", "timeout": "cpu", "oom": "memory", "leak": "memory"}[path.name.split("-")[0]]
        spec = decode(path.read_bytes())
        saved = _save(findings_dir, kind, spec, output[-4000:])
        report.findings.append({"kind": kind, "input": str(saved), "detail": output.strip()[-500:]})
    if proc.returncode != 0 and not artifacts:
        report.findings.append({"kind": "crash", "input": "", "detail": output.strip()[-1000:]})
    report.outcomes["findings"] = len(report.findings)
    return report


def _atheris_child(argv: list[str]) -> None:
    """Runs inside the atheris child process: limit memory, then hand libFuzzer the target."""
    import atheris

    memory_mb, corpus, flags = int(argv[0]), argv[1], argv[2:]
    _limit_self(Limits(memory_mb=memory_mb, cpu_seconds=10**6))
    with atheris.instrument_imports(include=["outlookgen"]):
        from outlookgen.project import workers

        workers.warm_up(FORMATS)
    folder = Path(tempfile.mkdtemp(prefix="outlookgen-fuzz-"))
    seeds()

    def target(data: bytes) -> None:
        pipeline(decode(data)[:MAX_INPUT], folder)  # a Finding or any exception is a crash for libFuzzer

    atheris.Setup([sys.argv[0], *flags, corpus], target)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--atheris-child"]:
        _atheris_child(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["auto", "atheris", "hypothesis"], default="auto")
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    parser.add_argument("--runs", type=int, help="stop after this many inputs instead")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space per input (default 2048)")
    parser.add_argument("--cpu-seconds", type=int, default=30, help="CPU time per input (default 30)")
    parser.add_argument("--findings", type=Path, default=Path("fuzz-findings"), help="where findings are saved")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401
        except ImportError:
            engine = "hypothesis"
        else:
            engine = "atheris"
    limits = Limits(memory_mb=args.memory_mb, cpu_seconds=args.cpu_seconds, wall_seconds=args.cpu_seconds * 3 + 10)
    if engine == "atheris":
        report = run_atheris(args.seconds, args.runs, limits, args.findings)
    else:
        report = run_hypothesis(args.seconds, limits, args.findings, args.runs)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        rate = report.executions / report.seconds if report.seconds else 0.0
        print(f"engine {report.engine}: {report.executions} inputs in {report.seconds:.1f} s ({rate:.1f}/s)")
        for outcome, count in sorted(report.outcomes.items()):
            print(f"  {outcome}: {count}")
        for finding in report.findings:
            print(f"FINDING {finding['kind']}: {finding['input']}\n  {finding['detail'].splitlines()[-1:]}")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
