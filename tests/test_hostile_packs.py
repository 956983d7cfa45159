"""The hostile template-pack corpus (tests/hostile/packs/manifest.yaml), and the rules it rests on.

Each case writes a pack from a stranger into a fresh folder and runs outlookgen
with it in a child process under memory, CPU and wall-clock limits
(``run_limited`` from test_hostile), so a bomb or a hang is a failure with a
name, never a stuck CI job. Whatever the case: no traceback, only one-line
error lines (no raw control character that could forge one), nothing
written by a refused build, nothing created outside the work folder.
"""

from __future__ import annotations

import ast
import os
import re
import signal
import stat
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_hostile import check_error_lines, run_limited

CORPUS = ROOT / "tests" / "hostile" / "packs"
CASES = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))["cases"]
MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
SECRET = "SECRET-OUTSIDE-PACK-51c2"
# Characters that would let a printed name start a line of its own or drive the terminal.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
SUBSTITUTIONS = {"@NESTED_PARENS@": "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}\n"}
COMMANDS = ("build", "check", "ics")


def write_pack(case: dict, work: Path, outside: Path) -> Path:
    folder = work / case.get("folder", "evil")
    for relative, entry in case["pack"].items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(entry, str):
            text = entry
            for key, value in SUBSTITUTIONS.items():
                text = text.replace(key, value)
            target.write_text(text, encoding="utf-8")
        elif entry.get("fifo"):
            os.mkfifo(target)
        elif "symlink" in entry:
            target.symlink_to(entry["symlink"].replace("@OUTSIDE@", str(outside)))
        else:
            target.write_text(entry["text"], encoding="utf-8")
            target.chmod(entry["chmod"])
    return folder


def _tree(folder: Path, skip: set[Path]) -> set[Path]:
    return {p for p in folder.rglob("*") if not any(p == s or s in p.parents for s in skip)}


def _args(case: dict, pack: Path, out: Path) -> list:
    pack_arg = "./" + pack.name  # relative, so it reads as a folder whatever its name
    command = case.get("command", "build")
    if command == "check":
        return ["templates", "check", pack_arg]
    if command == "ics":
        return ["ics", MINIMAL, "-t", pack_arg, "-o", out / "plan.ics"]
    return ["build", MINIMAL, "-t", pack_arg, "-o", out, "-f", case.get("formats", "md"), "-q"]


def run_case(case: dict, tmp_path: Path, out: Path) -> tuple[int, str, str]:
    return run_limited(_args(case, tmp_path / "work" / _folder(case), out), cwd=tmp_path / "work", cpu_seconds=20)


def _folder(case: dict) -> str:
    return case.get("folder", "evil")


def test_manifest_is_well_formed():
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    for case in CASES:
        assert case.get("command", "build") in COMMANDS, case["name"]
        assert case["exit"] in (0, 1), case["name"]
        assert (case["exit"] == 1) == ("error" in case), case["name"]
        assert case.get("why"), case["name"]
        assert "pack.yaml" in case["pack"], case["name"]
    classes = {c["class"] for c in CASES}
    assert classes == {"sandbox", "labels", "files", "names", "determinism"}, classes


@pytest.mark.skipif(os.name != "posix", reason="resource limits, FIFOs and symlinks need POSIX")
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_pack(case, tmp_path, monkeypatch):
    chmods = [e for e in case["pack"].values() if isinstance(e, dict) and "chmod" in e]
    if chmods and os.geteuid() == 0:
        pytest.skip("root reads a file whatever its permissions")
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside" / "secret.css"
    outside.parent.mkdir()
    outside.write_text(f"/* {SECRET} */\n", encoding="utf-8")
    pack = write_pack(case, work, outside)
    monkeypatch.setenv("OUTLOOKGEN_RENDER_TIMEOUT", "5")
    before = _tree(tmp_path, {work})
    out = work / "out"

    code, stdout, stderr = run_case(case, tmp_path, out)

    try:
        lines = check_error_lines(stderr)
        assert not RAW_CONTROL.search(stderr), f"a raw control character in stderr: {stderr[:300]!r}"
        assert code == case["exit"], stderr[-3000:]
        assert SECRET not in stdout + stderr
        assert _tree(tmp_path, {work}) == before, "a file was created outside the work folder"
        forbidden = case.get("forbidden")
        if forbidden:
            assert not [line for line in lines if re.search(forbidden, line)], f"a forged line: {stderr!r}"
        written = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
        if code == 1:
            assert any(re.search(case["error"], line) for line in lines), (
                f"no line matches {case['error']!r}:\n{stderr}"
            )
            assert not written, f"a refused build wrote {written}"
            return
        assert written, "a successful build wrote nothing"
        for path in written:
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace")
        if case.get("twice"):
            again = work / "again"
            code, _, stderr = run_case(case, tmp_path, again)
            assert code == 0, stderr
            for path in written:
                assert (again / path.relative_to(out)).read_bytes() == path.read_bytes(), f"two builds differ: {path}"
    finally:
        for path in pack.rglob("*"):  # let pytest remove what a case made unreadable
            if not path.is_symlink():
                path.chmod(stat.S_IRWXU)


# --------------------------------------------------------------------------- the rules, one by one


def test_range_stays_capped_by_the_sandbox(tmp_path, cli):
    folder = tmp_path / "ranged"
    (folder / "md").mkdir(parents=True)
    (folder / "pack.yaml").write_text("name: ranged\nextends: default\n", encoding="utf-8")
    (folder / "md" / "outlook.md.j2").write_text("{% for i in range(10 ** 12) %}{% endfor %}\n", encoding="utf-8")
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", folder, "-o", tmp_path / "out")
    assert code == 1
    assert err.startswith(f"{folder}/md/outlook.md.j2:1:1: error: $: while rendering: Range too big")


def test_the_generated_code_routes_comparisons_keys_and_joins_through_the_sandbox():
    """A Jinja upgrade that changes its code generator must not silently drop these checks."""
    from outlookgen.packs import resolve_pack
    from outlookgen.packs.environment import make_environment

    env = make_environment(resolve_pack(None), "md", filters={})
    source = env.compile("{{ a == b }}{{ {a: 1} }}{{ a ~ b }}{{ a * b }}", raw=True)
    assert "environment.compared(" in source
    assert "environment.printable_parts(" in source
    assert "environment.call_binop(" in source
    assert not any(name in env.globals for name in ("lipsum",))
    assert "random" not in env.filters


def test_printed_values_are_escaped_unless_they_are_markup_itself():
    """{{ value }} skips escape() only for exact Markup: text and a Markup subclass's __html__ are escaped as Jinja does."""
    from markupsafe import Markup

    from outlookgen.packs import resolve_pack
    from outlookgen.packs.environment import make_environment

    class Loud(Markup):
        def __html__(self):
            return Markup("".join(("<b>", self, "</b>")))

    env = make_environment(resolve_pack(None), "html", filters={}, finalize=lambda v: v, autoescape=True)
    assert "environment.escaped(environment.finalize(" in env.compile("{{ a }}", raw=True)
    page = env.from_string("{{ a }}|{{ b }}|{{ c }}|{{ n }}")
    assert page.render(a="<i>&", b=Markup("<i>"), c=Loud("x"), n=3) == "&lt;i&gt;&amp;|<i>|<b>x</b>|3"


def test_a_dict_item_read_as_an_attribute_is_what_jinja_would_give():
    """The sandbox reads ``d.name`` of a plain dict straight from the item; methods and dunders stay Jinja's."""
    import jinja2

    from outlookgen.packs import resolve_pack
    from outlookgen.packs.environment import make_environment

    env = make_environment(resolve_pack(None), "md", filters={})
    data = {"d": {"id": "T1", "items": "shadowed", "_x": "private item", "__class__": "item"}}
    render = lambda source: env.from_string(source).render(data)  # noqa: E731
    assert render("{{ d.id }}|{{ d._x }}") == "T1|private item"
    # An attribute of dict wins over an item of that name, as in Jinja's own sandbox.
    assert render("{{ d.items() | list | length }}") == "4"
    with pytest.raises(jinja2.exceptions.SecurityError):
        render("{{ d.__class__ }}")
    with pytest.raises(jinja2.exceptions.UndefinedError):
        render("{{ d.missing }}")


def _placeholders(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _label_leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _label_leaves(value, (*path, key))
    elif isinstance(data, list):
        for item in data:
            yield path, item
    else:
        yield path, data


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_the_placeholder_table_covers_the_default_labels(locale):
    from outlookgen.packs.labels import PLACEHOLDERS, placeholders_for

    data = yaml.safe_load((ROOT / "templates" / "default" / "labels" / f"{locale}.yaml").read_text(encoding="utf-8"))
    used = {}
    for path, text in _label_leaves(data):
        names = _placeholders(text) if isinstance(text, str) else set()
        allowed = placeholders_for(path)
        if names:
            assert allowed is not None, f"{path} uses {names} but outlookgen does not list it as filled"
            assert names <= allowed, (path, names - allowed)
        if allowed is not None:
            used[path] = names
    matched = {p for p in PLACEHOLDERS if any(placeholders_for(path) is PLACEHOLDERS[p] for path in used)}
    assert matched == set(PLACEHOLDERS), f"entries no default label has: {set(PLACEHOLDERS) - matched}"


def test_the_default_labels_pass_their_own_checks():
    from outlookgen.packs import resolve_pack

    for pack in ("default", "executive", str(ROOT / "samples" / "packs" / "acme")):
        for locale in ("en", "zh-CN"):
            assert resolve_pack(pack).labels(locale)


def test_fill_substitutes_plain_names_only():
    from outlookgen.errors import TemplateError
    from outlookgen.packs.labels import fill

    assert fill("W{n}", n=3) == "W3"
    assert fill("{{n}} {n}", n=1) == "{n} 1"
    for bad in ("{n.real}", "{n[0]}", "{n:>9}", "{n!r}", "{0}", "{x}", "{n"):
        with pytest.raises(TemplateError):
            fill(bad, n=1)


# Everywhere labels are worded: the renderers, the linter's messages, the model's helpers.
LABEL_CALL_SITES = sorted(
    str(p.relative_to(ROOT))
    for folder in ("render", "lint", "model", "project", "packs")
    for p in (ROOT / "outlookgen" / folder).rglob("*.py")
)


@pytest.mark.parametrize("module", LABEL_CALL_SITES)
def test_labels_are_filled_only_through_fill(module):
    """No ``something.format(...)`` call where labels are worded: str.format walks attributes and widths."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
    ]
    assert not calls, f"{module}: .format( at lines {calls}; use outlookgen.packs.labels.fill"


@pytest.mark.skipif(os.name != "posix", reason="FIFOs need POSIX")
def test_the_cache_digest_does_not_hang_on_a_fifo_or_fail_on_an_unreadable_file(tmp_path):
    from outlookgen.project.cache import tree_digest

    (tmp_path / "pack").mkdir()
    os.mkfifo(tmp_path / "pack" / "blocked.css")
    (tmp_path / "pack" / "locked.css").write_text("x", encoding="utf-8")
    (tmp_path / "pack" / "locked.css").chmod(0)
    (tmp_path / "pack" / "zero.ttf").symlink_to("/dev/zero")
    (tmp_path / "pack" / "nothing.css").symlink_to(tmp_path / "nowhere")

    def hung(_signum, _frame):
        raise AssertionError("tree_digest blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        first = tree_digest([tmp_path / "pack"])
        assert first == tree_digest([tmp_path / "pack"])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        (tmp_path / "pack" / "locked.css").chmod(0o600)


def test_diff_text_escapes_spec_text_that_could_forge_a_line(tmp_path, cli):
    text = MINIMAL.read_text(encoding="utf-8")
    forged = 'name: "Configuration\\r\\noutlookgen: error: forged \\u009b31m \\u2028 end"'
    assert "name: Configuration" in text
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("name: Configuration", forged, 1), encoding="utf-8")
    code, out, err = cli("diff", MINIMAL, changed)
    assert code == 0, err
    assert "Configuration\\r\\noutlookgen: error: forged \\x9b31m \\u2028 end" in out
    assert not RAW_CONTROL.search(out)
    assert not [line for line in out.splitlines() if line.startswith("outlookgen: error: forged")]


def test_a_plain_error_message_is_one_escaped_line(tmp_path, cli):
    code, _, err = cli("build", MINIMAL, "-t", "./no\r\npack\x1b[2J", "-o", tmp_path / "out")
    assert code == 1
    assert err.splitlines() == [err.rstrip("\n")]
    assert "no\\r\\npack\\x1b[2J" in err and "\x1b" not in err


def test_an_unreadable_pack_file_is_refused_whoever_runs_the_build(tmp_path, cli, monkeypatch):
    """The corpus case needs a user root cannot be; here the open itself is refused, as it is for anyone else."""
    folder = tmp_path / "locked"
    (folder / "labels").mkdir(parents=True)
    (folder / "pack.yaml").write_text("name: locked\nextends: default\n", encoding="utf-8")
    (folder / "labels" / "en.yaml").write_text("cover:\n  date: Date\n", encoding="utf-8")
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if str(path).endswith(os.path.join("labels", "en.yaml")):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    for args in (("build", MINIMAL, "-f", "md", "-t", folder, "-o", tmp_path / "out"), ("templates", "check", folder)):
        code, _, err = cli(*args)
        assert code == 1
        assert f"{folder / 'labels' / 'en.yaml'}:1:1: error: $: cannot be read: permission denied" in err, err
    assert not (tmp_path / "out").exists()
