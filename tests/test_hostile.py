"""The hostile corpus: every bad input in tests/hostile/manifest.yaml with its expected outcome, one test.

Each case is built with ``outlookgen build`` (Markdown, HTML and Word unless the
case says otherwise), in this process or — for inputs that could crash or hang
— in a child process under an address-space limit, a CPU limit and a
wall-clock timeout, so a bomb is a failure and never a hung CI job. Whatever
the case, these always hold:

* the exit code is the expected one and there is no traceback;
* stderr holds only error lines (``file:line:col: error: path: message`` or
  ``outlookgen: error: message``), each of a readable length;
* a refused build writes nothing; a successful one writes every format;
* the sentinel file a python tag would create never appears, the secret
  outside the project never shows, no temporary file is left behind.

Big or binary inputs are generated here from the manifest's ``generate``
entries (see GENERATORS), never committed.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from functools import cached_property
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from lxml import etree
from test_html import EVERY_KEY, Page, schema_text_paths, visible

HOSTILE = ROOT / "tests" / "hostile"
MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
CASES = yaml.safe_load((HOSTILE / "manifest.yaml").read_text(encoding="utf-8"))["cases"]
FORMATS = ("md", "html", "docx")
ERROR_LINE = re.compile(r"^.+?:\d+:\d+: error: .+?: .+$")
GLOBAL_ERROR = re.compile(r"^outlookgen: error: .+$")
MAX_LINE = 2000  # characters; messages quote spec text, clipped in the middle past 1000
SECRET = "SECRET-OUTSIDE-7f3a9"
MB = 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
SAFE_URL = ("http://", "https://", "mailto:")


# --------------------------------------------------------------------------- running outlookgen


def run_limited(args, *, cwd: Path, memory_mb: int = 2048, cpu_seconds: int = 60) -> tuple[int, str, str]:
    """``python -m outlookgen ARGS`` in a child process with RLIMIT_AS and RLIMIT_CPU set.

    Past the CPU limit the kernel stops the child (SIGXCPU); a child blocked
    without using CPU (a FIFO read) is stopped by the wall-clock timeout. Both
    fail the test with a name for what happened.
    """
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))

    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONPATH=path)
    wall = cpu_seconds * 2 + 30
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "outlookgen", *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=wall,
            preexec_fn=limit,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"outlookgen {' '.join(map(str, args))} did not finish in {wall} s: it hangs")
    if proc.returncode < 0:
        pytest.fail(
            f"outlookgen was killed by signal {-proc.returncode} (CPU limit {cpu_seconds} s, memory {memory_mb} MB)"
        )
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def check_error_lines(stderr: str) -> list[str]:
    """The error lines of a run; anything else on stderr (a traceback above all) fails the test."""
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = stderr.splitlines()
    bad = [line[:300] for line in lines if not (ERROR_LINE.match(line) or GLOBAL_ERROR.match(line))]
    assert not bad, f"not error lines: {bad}"
    long = [f"{line[:80]}… ({len(line)} characters)" for line in lines if len(line) > MAX_LINE]
    assert not long, long
    return lines


# --------------------------------------------------------------------------- reading the documents


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_text(xml: bytes) -> str:
    """The text of a WordprocessingML part: runs joined, tabs and breaks as spaces, one paragraph per line."""
    out: list[str] = []
    for element in etree.fromstring(xml).iter():
        tag = element.tag
        if tag == W + "t" and element.text:
            out.append(element.text)
        elif tag in (W + "tab", W + "br", W + "cr"):
            out.append(" ")
        elif tag == W + "p":
            out.append("\n")
    return "".join(out)


def squash(text: str) -> str:
    """Whitespace collapsed, and the zero-width spaces the Markdown writer puts beside emphasis dropped."""
    return " ".join(text.replace("\u200b", "").split())


def markdown_html(source: str) -> str:
    """The Markdown as a CommonMark + GFM-tables renderer turns it into HTML.

    Raw HTML is on and link checking off (a renderer such as pandoc keeps a
    ``javascript:`` link), so anything the Markdown writer failed to escape shows.
    """
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    parser.validateLink = lambda url: True
    return parser.render(source)


class Built:
    """The documents one build wrote, read lazily."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    @cached_property
    def md(self) -> str:
        return self.files["md"].read_text(encoding="utf-8")

    @cached_property
    def md_page(self) -> Page:
        return Page(markdown_html(self.md))

    @cached_property
    def html_page(self) -> Page:
        return Page(self.files["html"].read_text(encoding="utf-8"))

    @cached_property
    def docx(self) -> dict[str, bytes]:
        return docx_parts(self.files["docx"].read_bytes())

    def visible(self, fmt: str) -> str:
        """What a reader sees of the document, whitespace collapsed."""
        if fmt == "md":
            return squash(self.md_page.text)
        if fmt == "html":
            return squash(self.html_page.text)
        return squash(docx_text(self.docx["word/document.xml"]))

    def everything(self, fmt: str) -> str:
        """All text a format holds anywhere: the source of md/html; every XML part of the docx."""
        if fmt == "md":
            return self.md + squash(self.md_page.text)
        if fmt == "html":
            return self.files["html"].read_text(encoding="utf-8") + squash(self.html_page.text)
        return " ".join(
            squash(docx_text(data)) for name, data in self.docx.items() if name.endswith(".xml") and b"<" in data
        )


# --------------------------------------------------------------------------- generated inputs


def _minimal(replacements=()) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"minimal.yaml has no {old!r}"
        text = text.replace(old, new, 1)
    return text


def gen_pad_to_bytes(case, work, *, bytes):
    head = _minimal().encode("utf-8")
    line = b"# " + b"p" * 97 + b"\n"
    body = head + line * ((bytes - len(head)) // len(line))
    return body + b"#" * (bytes - len(body) - 1) + b"\n"


def gen_huge_string(case, work, *, field, chars):
    key = field.split(":")[0]
    return _minimal([(field, f"{key}: HUGE-START {'x' * chars} HUGE-END")]).encode("utf-8")


def gen_huge_key(case, work, *, chars):
    return (_minimal() + f"? {'x' * chars}\n: 1\n").encode("utf-8")


def gen_deep_flow(case, work, *, depth):
    return b"outlook: 1\nx-deep: " + b"[" * depth + b"]" * depth + b"\n"


def gen_deep_block(case, work, *, depth):
    lines = ["outlook: 1", "x-deep:"] + [" " * (2 * i) + f"k{i}:" for i in range(1, depth + 1)]
    return ("\n".join(lines) + " leaf\n").encode("utf-8")


def gen_many_values(case, work, *, count):
    return b"outlook: 1\nx-big: [" + b"1," * count + b"1]\n"


def gen_long_number(case, work, *, digits):
    return _minimal([("duration: 2", "duration: " + "1" * digits)]).encode("utf-8")


def gen_alias_fan(case, work, *, items, refs):
    anchor = "x-a: &a [" + ", ".join("x" for _ in range(items)) + "]\n"
    return ("outlook: 1\n" + anchor + "x-b: [" + ", ".join("*a" for _ in range(refs)) + "]\n").encode("utf-8")


def gen_many_links(case, work, *, count):
    links = " ".join(f"[l{i}](https://example.com/{i})" for i in range(count))
    return _minimal([("current_state: Orders are tracked in spreadsheets.", f'current_state: "{links}"')]).encode()


def gen_dense_markup(case, work, *, count):
    return _minimal(
        [("current_state: Orders are tracked in spreadsheets.", 'current_state: "' + "*a* " * count + 'end"')]
    ).encode("utf-8")


def gen_bytes_insert(case, work, *, at, insert):
    text = _minimal().encode("utf-8")
    index = text.index(at.encode("utf-8"))
    return text[:index] + bytes.fromhex(insert) + text[index:]


def gen_encode(case, work, *, codec, bom, replace=(), append=""):
    data = _minimal(replace).encode(codec)
    if bom:
        data = "\ufeff".encode(codec) + data
    return data + bytes.fromhex(append)


def gen_raw(case, work, *, text):
    return text.encode("utf-8")


def fill_text_fields(data, paths: set[tuple], make, path: tuple = (), hits: dict | None = None):
    """A copy of ``data`` with every text leaf (a schema text path) replaced by ``make(n)``."""
    if isinstance(data, dict):
        return {k: fill_text_fields(v, paths, make, (*path, k), hits) for k, v in data.items()}
    if isinstance(data, list):
        return [fill_text_fields(v, paths, make, (*path, "[]"), hits) for v in data]
    if path in paths and isinstance(data, (str, int, float)) and not isinstance(data, bool):
        text = make(len(hits))
        hits[text] = path
        return text
    return data


def every_text_field(payload: str) -> tuple[str, dict[str, tuple]]:
    """every-key.yaml with each text field set to a numbered payload; the markers and their paths."""
    data = yaml.safe_load(EVERY_KEY.read_text(encoding="utf-8"))
    hits: dict[str, tuple] = {}
    filled = fill_text_fields(data, schema_text_paths(), lambda n: f"H{n:03d} {payload}", (), hits)
    return yaml.safe_dump(filled, allow_unicode=True, sort_keys=False, width=1 << 20), hits


def gen_every_text_field(case, work, *, payload):
    text, hits = every_text_field(payload)
    case["_markers"] = hits
    return text.encode("utf-8")


def gen_many_fragments(case, work, *, count):
    (work / ".git").mkdir(exist_ok=True)
    (work / "shared").mkdir()
    for i in range(count):
        (work / "shared" / f"f{i}.yaml").write_text(f"x-f{i}: {i}\n", encoding="utf-8")
    names = ", ".join(f"shared/f{i}.yaml" for i in range(count))
    return _minimal([("outlook: 1", f"outlook: 1\ninclude: [{names}]")]).encode("utf-8")


GENERATORS = {
    "pad-to-bytes": gen_pad_to_bytes,
    "huge-string": gen_huge_string,
    "huge-key": gen_huge_key,
    "deep-flow": gen_deep_flow,
    "deep-block": gen_deep_block,
    "many-values": gen_many_values,
    "long-number": gen_long_number,
    "alias-fan": gen_alias_fan,
    "many-links": gen_many_links,
    "dense-markup": gen_dense_markup,
    "bytes-insert": gen_bytes_insert,
    "encode": gen_encode,
    "raw": gen_raw,
    "every-text-field": gen_every_text_field,
    "many-fragments": gen_many_fragments,
}


def _secret_spec_outside(work: Path) -> Path:
    """A valid spec outside the project (work/, marked by .git) whose title is the secret."""
    (work / ".git").mkdir(exist_ok=True)
    secret = work.parent / "outside" / "plan.yaml"
    secret.write_text(_minimal([("title: Minimal outlook", f"title: {SECRET}")]), encoding="utf-8")
    return secret


def path_symlink_out_of_the_project(work: Path) -> Path:
    spec = work / "plan.yaml"
    spec.symlink_to(_secret_spec_outside(work))
    return spec


def path_folder_symlink_out_of_the_project(work: Path) -> Path:
    _secret_spec_outside(work)
    (work / "specs").symlink_to(work.parent / "outside", target_is_directory=True)
    return work / "specs" / "plan.yaml"


def path_name_longer_than_name_max(work: Path) -> Path:
    return work / ("n" * 300 + ".yaml")


def path_folder_of_symlink_loops(work: Path) -> Path:
    """One spec among links to '..', to '/', and 200 links each to its folder and to the spec itself."""
    specs = work / "specs"
    (specs / "many").mkdir(parents=True)
    (specs / "plan.yaml").write_text(_minimal(), encoding="utf-8")
    (specs / "up").symlink_to("..", target_is_directory=True)
    (specs / "root").symlink_to("/", target_is_directory=True)
    for i in range(200):
        (specs / "many" / f"d{i}").symlink_to("..", target_is_directory=True)
        (specs / "many" / f"f{i}.yaml").symlink_to("../plan.yaml")
    return specs


# `path:` kinds of the issue 12 cases (paths and dates); each returns the spec argument.
PATH_KINDS = {
    "symlink-out-of-the-project": path_symlink_out_of_the_project,
    "folder-symlink-out-of-the-project": path_folder_symlink_out_of_the_project,
    "name-longer-than-name-max": path_name_longer_than_name_max,
    "folder-of-symlink-loops": path_folder_of_symlink_loops,
}


def path_project_with_a_spec_past_the_cpu_limit(work: Path) -> Path:
    """A project that builds two specs at once (outlookgen.yaml: jobs: 2): a small one, and one whose
    2.4 MB of emphasis needs several seconds of CPU (about 6 s for Markdown; half of it, 1.2 MB, came in
    under 3 s once the Markdown writer got faster), so its worker process meets the case's CPU limit."""
    (work / "outlookgen.yaml").write_text("jobs: 2\n", encoding="utf-8")
    specs = work / "specs"
    specs.mkdir()
    (specs / "small.yaml").write_text(_minimal(), encoding="utf-8")
    (specs / "heavy.yaml").write_bytes(gen_dense_markup({}, work, count=600_000))
    return specs


# `path:` kinds of the issue 12 build and runtime fault cases.
PATH_KINDS["project-with-a-spec-past-the-cpu-limit"] = path_project_with_a_spec_past_the_cpu_limit


def _spec_path(kind: str, work: Path) -> Path:
    """A spec argument that is not a plain file."""
    spec = work / "spec.yaml"
    if kind == "directory":
        spec = work / "empty"
        spec.mkdir()
    elif kind == "fifo":
        os.mkfifo(spec)
    elif kind == "devzero":
        spec.symlink_to("/dev/zero")
    elif kind == "symlink-loop":
        spec.symlink_to(spec)
    elif kind == "dir-with-fifo":
        spec = work / "specs"
        spec.mkdir()
        (spec / "plan.yaml").write_text(_minimal(), encoding="utf-8")
        os.mkfifo(spec / "blocked.yaml")
    elif kind in PATH_KINDS:
        spec = PATH_KINDS[kind](work)
    else:
        assert kind == "missing", kind
    return spec


def prepare(case: dict, tmp_path: Path) -> tuple[Path, Path]:
    """Write the case's input (and its tree) into tmp_path/work; the spec argument and the work folder."""
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"meta:\n  title: {SECRET}\n  subtitle: {SECRET}\n", encoding="utf-8")
    substitutions = {
        "@SENTINEL@": str(tmp_path / "SENTINEL"),
        "@OUTSIDE_DIR@": str(outside),
        "@OUTSIDE@": str(outside / "secret.yaml"),
        "@NAME_MAX_PLUS@": "n" * 256,  # one byte past NAME_MAX
        "@PATH_MAX_PLUS@": "/".join(["p" * 200] * 21),  # past PATH_MAX (4096), each name within NAME_MAX
    }

    def fill(text: str) -> str:
        for key, value in substitutions.items():
            text = text.replace(key, value)
        return text

    spec = work / "spec.yaml"
    if "path" in case:
        spec = _spec_path(case["path"], work)
        data = None
    elif "file" in case:
        data = fill((HOSTILE / case["file"]).read_text(encoding="utf-8")).encode("utf-8")
    elif "minimal" in case:
        data = fill(_minimal(case["minimal"])).encode("utf-8")
    else:
        params = dict(case["generate"])
        data = GENERATORS[params.pop("kind")](case, work, **params)
    if "tree" in case:
        (work / ".git").mkdir(exist_ok=True)  # the project folder includes must stay in
        for name, entry in case["tree"].items():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(entry, str):
                target.write_text(fill(entry), encoding="utf-8")
            elif "symlink" in entry:
                target.symlink_to(fill(entry["symlink"]))
            elif entry.get("fifo"):
                os.mkfifo(target)
            else:
                target.mkdir()
    if data is not None:
        spec.write_bytes(data)
    return spec, work


# --------------------------------------------------------------------------- checks on built documents


def check_literal(case, built: Built, formats, texts):
    for fmt in formats:
        seen = built.visible(fmt)
        missing = [t for t in texts if squash(t) not in seen]
        assert not missing, f"{fmt}: not shown literally: {missing}"


def check_absent(case, built: Built, formats, texts):
    for fmt in formats:
        seen = built.visible(fmt) + " " + built.everything(fmt)
        found = [t for t in texts if t in seen]
        assert not found, f"{fmt}: {found} should not be in the document"


def check_literal_huge(case, built: Built, formats, spec):
    text = f"{spec['start']} {'x' * spec['chars']} {spec['end']}"
    for fmt in formats:
        assert text in built.visible(fmt), f"{fmt}: the huge string is not there whole"


def check_markers_visible(case, built: Built, formats, _=None):
    """Every text field's numbered payload is shown, as its inline Markdown reads, in every format."""
    markers = case["_markers"]
    for fmt in formats:
        seen = built.visible(fmt)
        missing = {path for marker, path in markers.items() if squash(visible(marker)) not in seen}
        assert not missing, f"{fmt}: text fields not shown literally: {sorted(missing)}"


_ACTIVE_TAGS = {"script", "iframe", "object", "embed", "frame", "form", "base"}
_MEDIA_TAGS = {"img", "image", "video", "audio", "source"}


def _active_content(page: Page, where: str) -> list:
    """Tags and attributes that run, fetch or navigate anywhere but http/https/mailto/#."""
    # Our own page has <meta>, <link rel=icon> is never written; Markdown has neither.
    forbidden = _ACTIVE_TAGS if where == "html" else _ACTIVE_TAGS | {"link", "meta", "style"}
    found = []
    for tag, attrs in page.tags:
        fetched = tag in _MEDIA_TAGS and not (attrs.get("src") or "").startswith("data:")
        if tag in forbidden or fetched:
            found.append((tag, attrs))
        for name, value in attrs.items():
            value = value or ""
            handler = name.startswith("on") or name in ("srcdoc", "formaction", "action")
            url = name in ("href", "src", "xlink:href") and not value.startswith(("#", "data:image/", *SAFE_URL))
            # our own legend swatches are data:image/ backgrounds (as src may be); anything else fetches
            style = name == "style" and re.search(r"url\((?!'data:image/)|expression|javascript", value, re.I)
            if handler or url or style:
                found.append((tag, name, value))
    return found


def check_no_active_content(case, built: Built, formats, _=None):
    """No script, no event handler, no link but http/https/mailto/#, no fetched image — in any format."""
    if "html" in formats:
        assert not _active_content(built.html_page, "html")
        assert "<script" not in built.files["html"].read_text(encoding="utf-8").lower()
    if "md" in formats:
        assert not _active_content(built.md_page, "md")
    if "docx" in formats:
        for name, data in built.docx.items():
            if not name.endswith(".rels"):
                continue
            for rel in etree.fromstring(data).iter(REL + "Relationship"):
                if rel.get("TargetMode") == "External":
                    assert rel.get("Target", "").startswith(SAFE_URL), (name, rel.attrib)
        fields = " ".join(i.text or "" for i in etree.fromstring(built.docx["word/document.xml"]).iter(W + "instrText"))
        assert "script" not in fields.lower() and "HYPERLINK" not in fields, fields[:300]
        assert not [n for n in built.docx if "activeX" in n or n.endswith((".bin", ".vba"))]


def md_blocks(source: str) -> list[tuple[str, str]]:
    """The block structure of a Markdown document: every block token's type and tag, in order."""
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    return [(t.type, t.tag) for t in parser.parse(source) if t.block and t.type != "inline"]


def check_md_structure_like_benign(case, built: Built, formats, _=None):
    """The hostile document has exactly the blocks of one whose text fields hold plain words."""
    from outlookgen.model import build_outlook
    from outlookgen.packs import resolve_pack
    from outlookgen.render.context import prepare
    from outlookgen.render.markdown import markdown
    from outlookgen.spec.loader import load_text
    from outlookgen.spec.validate import validate

    text, _ = every_text_field("benign words")
    spec = load_text(text, "benign.yaml")
    assert not validate(spec)
    outlook = build_outlook(spec.data)
    benign = markdown(prepare(outlook, resolve_pack(None), outlook.meta.locale))
    hostile, reference = md_blocks(built.md), md_blocks(benign)
    assert hostile == reference, "spec text changed the Markdown's block structure"
    assert ("html_block", "") not in hostile


_UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def table_rows(source: str) -> list[list[str]]:
    """Each GFM table of the source as its row lines."""
    tables, current, fenced = [], [], False
    for line in source.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("|"):
            current.append(line)
            continue
        if current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def check_md_tables_keep_columns(case, built: Built, formats, _=None):
    tables = table_rows(built.md)
    assert tables
    for rows in tables:
        counts = [len(_UNESCAPED_PIPE.findall(row)) - 1 for row in rows]
        assert len(set(counts)) == 1, f"a table row has a different number of cells: {rows[0][:80]} {counts}"


def check_docx_dates(case, built: Built, formats, expected):
    """The Word file's created/modified core properties and its zip entries' timestamp."""
    core = etree.fromstring(built.docx["docProps/core.xml"])
    for name in ("created", "modified"):
        found = core.find("{http://purl.org/dc/terms/}" + name)
        assert found is not None and found.text == expected["created"], (name, found is not None and found.text)
    with zipfile.ZipFile(built.files["docx"]) as archive:
        stamps = {"{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*i.date_time) for i in archive.infolist()}
    assert stamps == {expected["zip"]}, stamps


CHECKS = {
    "docx-dates": check_docx_dates,
    "literal": check_literal,
    "absent": check_absent,
    "literal-huge": check_literal_huge,
    "markers-visible": check_markers_visible,
    "no-active-content": check_no_active_content,
    "md-structure-like-benign": check_md_structure_like_benign,
    "md-tables-keep-columns": check_md_tables_keep_columns,
}


# --------------------------------------------------------------------------- the test


def test_manifest_is_well_formed():
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    for case in CASES:
        sources = [k for k in ("file", "minimal", "generate", "path") if k in case]
        assert len(sources) == 1, (case["name"], sources)
        assert case["exit"] in (0, 1), case["name"]
        assert (case["exit"] == 1) == ("error" in case), case["name"]
        if "generate" in case:
            assert case["generate"]["kind"] in GENERATORS, case["name"]
        for check in case.get("checks", ()):
            name = check if isinstance(check, str) else next(iter(check))
            assert name in CHECKS, (case["name"], name)
    files = {c["file"] for c in CASES if "file" in c}
    assert files == {p.name for p in HOSTILE.glob("*.yaml")} - {"manifest.yaml"}, "corpus files without a case"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_input(case, tmp_path, cli):
    case = dict(case)
    spec, work = prepare(case, tmp_path)
    out = tmp_path / "out"
    formats = case.get("formats", FORMATS)
    args = ["build", os.path.relpath(spec, work), "-o", out, "-f", ",".join(formats), "-q"]
    isolate = case.get("isolate")
    if isolate:
        if os.name != "posix":
            pytest.skip("resource limits need POSIX")
        limits = isolate if isinstance(isolate, dict) else {}
        code, stdout, stderr = run_limited(args, cwd=work, **limits)
    else:
        code, stdout, stderr = cli(*args, cwd=work)

    lines = check_error_lines(stderr)
    assert code == case["exit"], stderr[-3000:]
    assert not (tmp_path / "SENTINEL").exists(), "a YAML tag ran code"
    assert SECRET not in stdout + stderr
    assert not list(tmp_path.rglob("*.tmp")), "a temporary file was left behind"
    written = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
    if code == 1:
        assert any(re.search(case["error"], line) for line in lines), f"no line matches {case['error']!r}:\n{stderr}"
        assert not written, f"a refused build wrote {written}"
        return

    files = {}
    for fmt in formats:
        found = [p for p in written if p.suffix == f".{fmt}"]
        assert len(found) == 1 and found[0].stat().st_size > 0, (fmt, written)
        files[fmt] = found[0]
    built = Built(files)
    for fmt in formats:
        assert SECRET not in built.everything(fmt)
    for check in case.get("checks", ()):
        name, arg = (check, None) if isinstance(check, str) else next(iter(check.items()))
        CHECKS[name](case, built, formats, arg)


def test_adjacent_fields_do_not_share_markup(tmp_path, cli):
    spec = tmp_path / "joined.yaml"
    spec.write_text(
        _minimal([("title: Project manager", "title: Lead *sponsor\n      name: Dana* Smith")]), encoding="utf-8"
    )
    code, _, err = cli("build", spec, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    built = Built({fmt: tmp_path / "out" / f"joined.{fmt}" for fmt in FORMATS})
    for fmt in FORMATS:
        assert "Lead *sponsor — Dana* Smith" in built.visible(fmt), fmt  # a task owner: role title — person


def test_a_roles_responsibilities_keep_their_own_markup_in_markdown(tmp_path, cli):
    spec = tmp_path / "duties.yaml"
    duties = '      responsibilities: ["Signs *off", "Chairs* the board"]'
    spec.write_text(_minimal([("title: Project manager", "title: Project manager\n" + duties)]), encoding="utf-8")
    code, _, err = cli("build", spec, "-o", tmp_path / "out", "-f", "md", "-q")
    assert code == 0, err
    seen = Built({"md": tmp_path / "out" / "duties.md"}).visible("md")
    assert "Signs *off" in seen and "Chairs* the board" in seen
