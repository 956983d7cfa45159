"""The portfolio: many specs' status, milestones, role load, risks and budgets in one document; lint --portfolio.

Three small projects made from the lint base spec: two of one organisation
("Acme") that share an engineer (Li Wei, 60 % + 50 % in the same weeks) and
go live in the same week, one of another organisation. Every number the
tests expect follows from those specs and the portfolio day, 2026-03-20.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLE_FILES, require_tool

from outlookgen.project.portfolio import PortfolioOptions, make_portfolio

BASE = ROOT / "tests" / "lint" / "base.yaml"
INTEROP = ROOT / "tests" / "interop"

CONFIG = """\
specs: ["projects/*.yaml"]
output: out
formats: [md, html, docx]
portfolio:
  title: Acme PMO portfolio
  as_of: 2026-03-20
  currency: USD
  rates: {EUR: 1.1}
  roles:
    engineers: {title: Engineers, match: [IT], capacity: 100}
  weeks: 6
  quarters: 2
"""


def _spec(title: str, organization: str, *, person: str, allocation: int, currency: str, actual: str | None) -> str:
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["meta"]["title"] = title
    data["meta"]["organization"] = organization
    it = data["resources"]["roles"][1]
    it["name"], it["allocation"] = person, allocation
    data["resources"]["budget"]["currency"] = currency
    if actual is not None:
        data["evaluation"]["kpis"][0]["actuals"] = [{"period": "2026-02", "value": actual}]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "pmo"
    (root / "projects").mkdir(parents=True)
    (root / "outlookgen.yaml").write_text(CONFIG, encoding="utf-8")
    specs = {
        "erp": _spec("ERP rollout", "Acme", person="Li Wei", allocation=60, currency="USD", actual="3 days"),
        "mes": _spec("MES rollout", "acme ", person="li  wei", allocation=50, currency="EUR", actual="0.5 days"),
        "crm": _spec("CRM rollout", "Other Co", person="Ann Lee", allocation=50, currency="USD", actual=None),
    }
    for name, text in specs.items():
        (root / "projects" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def run_portfolio(root: Path, monkeypatch, **options):
    monkeypatch.chdir(root)
    return make_portfolio(PortfolioOptions(**options))


# --------------------------------------------------------------------------- the facts worked out


def test_status_rag_next_milestone_and_late_tasks_on_the_portfolio_day(project, monkeypatch):
    result = run_portfolio(project, monkeypatch)
    p = result.portfolio
    assert p.settings.as_of == date(2026, 3, 20)
    by_title = {x.title: x for x in p.projects}
    assert list(by_title) == ["CRM rollout", "ERP rollout", "MES rollout"]  # the specs in path order
    erp, mes, crm = by_title["ERP rollout"], by_title["MES rollout"], by_title["CRM rollout"]
    # On 20 March the requirements (weeks 1-2) should be over and the configuration started: all still planned.
    assert [(t.id, t.reason) for t in erp.late] == [("T1", "overdue"), ("T2", "not_started")]
    assert (erp.rag, mes.rag, crm.rag) == ("red", "green", "none")  # 3 days vs <= 1 day; 0.5 days; nothing measured
    assert erp.next_milestone.name == "Pilot go-live" and erp.next_milestone.go_live
    assert erp.next_milestone.day >= date(2026, 3, 30)
    assert erp.budget_total == 88000 and mes.budget_total == pytest.approx(88000 * 1.1)
    assert p.budget_total == pytest.approx(88000 * 3.1)


def test_role_load_is_summed_across_projects_and_flagged_over_capacity(project, monkeypatch):
    p = run_portfolio(project, monkeypatch).portfolio
    assert [w.isoformat() for w in p.weeks] == [
        "2026-03-16",
        "2026-03-23",
        "2026-03-30",
        "2026-04-06",
        "2026-04-13",
        "2026-04-20",
    ]
    engineers = next(g for g in p.role_load if g.key == "engineers")
    assert engineers.title == "Engineers"
    # IT owns "Configuration" in weeks 3-4 (16 and 23 March) in all three plans: 60 + 50 + 50.
    assert engineers.loads[:3] == (160.0, 160.0, 0.0)
    assert engineers.over[:3] == (True, True, False)
    pm = next(g for g in p.role_load if g.key == "PM")
    assert pm.capacity == 100 and pm.loads[3] == 300.0  # roles no group matches are matched by id
    [li] = p.overbooked
    assert li.person == "Li Wei" and li.load == 110.0  # Ann Lee's 50 % is her own
    assert (li.first, li.last) == (date(2026, 3, 16), date(2026, 3, 23))
    assert sorted(c.load for c in li.contributions) == [50.0, 60.0]


def test_two_go_lives_of_one_organisation_in_one_week_are_a_clash(project, monkeypatch):
    p = run_portfolio(project, monkeypatch).portfolio
    [clash] = p.clashes
    assert clash.organization == "Acme"  # "acme " is the same organisation
    assert sorted(p.projects[m.project].title for m in clash.milestones) == ["ERP rollout", "MES rollout"]


def test_open_risks_are_counted_in_the_heat_map(project, monkeypatch, tmp_path):
    p = run_portfolio(project, monkeypatch).portfolio
    assert len(p.risks) == 3 and p.unrated_risks == 3  # the base spec's risk has no likelihood or impact
    assert sum(map(sum, p.risk_matrix)) == 0
    spec = project / "projects" / "crm.yaml"
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data["risks"][0].update(likelihood="high", impact="medium")
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    p = run_portfolio(project, monkeypatch).portfolio
    assert p.risk_matrix[2][1] == 1  # high likelihood, medium impact
    assert p.risks[0].title == "Users resist the new screens" and p.risks[0].score == 6


# --------------------------------------------------------------------------- the document


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(io.BytesIO(path.read_bytes()))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_every_format_shows_the_portfolio(project, cli):
    code, out, err = cli("portfolio", cwd=project)
    assert code == 0, err
    assert "portfolio of 3 project(s)" in out
    md = (project / "out" / "portfolio.md").read_text(encoding="utf-8")
    html = (project / "out" / "portfolio.html").read_text(encoding="utf-8")
    word = _docx_text(project / "out" / "portfolio.docx")
    for text in (md, html, word):
        assert "Acme PMO portfolio" in text
        assert "Status as of 20 March 2026" in text
        assert "ERP rollout" in text and "MES rollout" in text and "CRM rollout" in text
        assert "Li Wei" in text and "110%" in text
        assert "Engineers" in text and "160%" in text
        assert "Q2 2026" in text  # every go-live falls in April
        assert "Converted at 1 EUR = 1.1 USD" in text
        assert "272,800" in text  # 88,000 + 96,800 + 88,000
    assert "```mermaid\ngantt\n" in md and "axisFormat Q%q %Y" in md
    assert "| Engineers | 100% | ⚠ 160% | ⚠ 160% |" in md
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="portfolio-timeline"' in html
    assert 'class="load-over">⚠ 160%' in html
    assert "◆" in word  # go-lives in the timeline table


def test_the_word_footer_has_no_separator_left_without_its_values(project, cli):
    """The default footer is "{organization} · {version}": a portfolio has neither, so no lone "·"."""
    import zipfile

    assert cli("portfolio", "-q", "-f", "docx", cwd=project)[0] == 0
    with zipfile.ZipFile(project / "out" / "portfolio.docx") as archive:
        footers = [archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")]
    assert footers
    texts = [t for f in footers for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", f)]
    assert not [t for t in texts if t.strip() in ("·", "-", "–", "|")], texts  # " / " between page fields stays


def test_the_document_is_deterministic(project, cli):
    assert cli("portfolio", "-q", cwd=project)[0] == 0
    first = {p.name: p.read_bytes() for p in (project / "out").iterdir()}
    assert cli("portfolio", "-q", cwd=project)[0] == 0
    assert {p.name: p.read_bytes() for p in (project / "out").iterdir()} == first


def test_the_executive_pack_styles_it_and_chinese_labels_word_it(project, cli):
    code, _, err = cli("portfolio", "-t", "executive", "--locale", "zh-CN", "-o", "exec", "-q", cwd=project)
    assert code == 0, err
    html = (project / "exec" / "portfolio.html").read_text(encoding="utf-8")
    assert 'class="cover exec-cover"' in html
    assert "--og-primary: #123c32" in html  # the executive pack's brand
    assert "每周角色负荷" in html and "按季度的里程碑" in html and "2026年第1季度" in html
    md = (project / "exec" / "portfolio.md").read_text(encoding="utf-8")
    assert md.startswith("# Acme PMO portfolio\n\n截至2026年3月20日的状态\n")  # the executive cover: one line


def test_samples_and_generated_specs_build_into_one_portfolio(tmp_path, cli):
    folder = tmp_path / "portfolio"
    folder.mkdir()
    for sample in SAMPLE_FILES:
        shutil.copy(sample, folder)
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from genspec import generate

    for n in (12, 40):
        (folder / f"generated-{n}.yaml").write_text(generate(n), encoding="utf-8")
    (folder / "outlookgen.yaml").write_text(
        "portfolio: {currency: CNY, rates: {USD: 7.1}, as_of: 2026-07-15}\n", encoding="utf-8"
    )
    code, _out, err = cli("portfolio", "-o", "out", cwd=folder)
    assert code == 0, err
    md = (folder / "out" / "portfolio.md").read_text(encoding="utf-8")
    assert "华东精工机械ERP实施工作展望" in md and "Northwind Retail BI Platform" in md
    assert "Generated outlook with 40 tasks" in md
    assert "4 projects as of 15 July 2026" in md


def test_projects_in_several_currencies_need_a_currency_and_rates(project, cli):
    config = project / "outlookgen.yaml"
    config.write_text(CONFIG.replace("  rates: {EUR: 1.1}\n", "  rates: {GBP: 1.3}\n"), encoding="utf-8")
    code, _, err = cli("portfolio", cwd=project)
    assert code == 1
    line = next(i for i, text in enumerate(CONFIG.splitlines(), 1) if "rates:" in text)
    assert err.startswith(f"{config}:{line}:")
    assert "no conversion rate for EUR (used by projects/mes.yaml); add EUR:" in err
    config.write_text('specs: ["projects/*.yaml"]\n', encoding="utf-8")
    code, _, err = cli("portfolio", cwd=project)
    assert code == 1
    assert "the projects' budgets are in EUR, USD: set portfolio.currency and portfolio.rates" in err
    assert not (project / "out").exists()


def test_a_portfolio_setting_typo_is_located(project, cli):
    (project / "outlookgen.yaml").write_text("portfolio:\n  currancy: USD\n", encoding="utf-8")
    code, _, err = cli("portfolio", cwd=project)
    assert code == 1
    assert "outlookgen.yaml:2:3: error: portfolio.currancy: unknown key 'currancy' (did you mean 'currency'?)" in err


# --------------------------------------------------------------------------- where facts come from


def test_a_build_report_feeds_the_portfolio_without_reading_the_specs(project, cli, monkeypatch):
    monkeypatch.chdir(project)
    assert cli("build", "--report", "build.json", "-q", cwd=project)[0] == 0
    # another machine: an empty cache, only the checkout and the merged report
    monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(project.parent / "empty-cache"))
    result = make_portfolio(PortfolioOptions(report=Path("build.json")))
    assert (result.from_report, result.from_cache, result.loaded) == (3, 0, 0)
    html = (project / "out" / "portfolio.html").read_text(encoding="utf-8")
    assert "Built" in html  # the build result of each project is shown
    # a spec edited since the report is read again, never taken from stale facts
    spec = project / "projects" / "crm.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("CRM rollout", "CRM rollout, phase 2"), encoding="utf-8")
    result = make_portfolio(PortfolioOptions(report=Path("build.json")))
    assert (result.from_report, result.loaded) == (2, 1)
    assert "CRM rollout, phase 2" in {x.title for x in result.portfolio.projects}


def test_the_cache_remembers_facts_until_a_fragment_changes(project, monkeypatch):
    shared = project / "shared.yaml"
    shared.write_text("x-shared: 1\n", encoding="utf-8")
    spec = project / "projects" / "erp.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("outlook: 1\n", "outlook: 1\ninclude: [../shared.yaml]\n"))
    assert run_portfolio(project, monkeypatch).loaded == 3
    assert run_portfolio(project, monkeypatch).loaded == 0
    shared.write_text("x-shared: 2\n", encoding="utf-8")
    again = run_portfolio(project, monkeypatch)
    assert (again.loaded, again.from_cache) == (1, 2)


def test_a_spec_that_does_not_load_is_named(project, cli):
    bad = project / "projects" / "zzz.yaml"
    bad.write_text("outlook: 1\nmeta: {title: x}\n", encoding="utf-8")
    code, _, err = cli("portfolio", cwd=project)
    assert code == 1
    assert err.startswith("projects/zzz.yaml:")
    assert not (project / "out").exists()


# --------------------------------------------------------------------------- lint --portfolio


def test_lint_portfolio_finds_what_no_single_spec_shows(project, cli):
    code, out, err = cli("lint", "--portfolio", "--select", "OG610,OG710", cwd=project)
    assert code == 0, err
    lines = out.splitlines()
    erp_text = (project / "projects" / "erp.yaml").read_text(encoding="utf-8").splitlines()
    name_line = next(i for i, text in enumerate(erp_text, 1) if "name: Li Wei" in text)
    assert any(
        line.startswith(f"projects/erp.yaml:{name_line}:")
        and "OG710 'Li Wei' is booked 110% in the week of 2026-03-16 by 2 projects: ERP rollout (IT 60%),"
        " MES rollout (IT 50%)"
        in line
        for line in lines
    ), lines
    assert any(line.startswith("projects/mes.yaml:") and "OG610 'Acme' has 2 go-lives" in line for line in lines)
    # without --portfolio, each spec alone is fine
    code, out, _ = cli("lint", "--select", "OG610,OG710", cwd=project)
    assert "OG610" not in out and "OG710" not in out
    # a spec can switch a portfolio rule off where its finding would be located
    mes = project / "projects" / "mes.yaml"
    mes.write_text(mes.read_text(encoding="utf-8") + "x-lint: {disable: [OG610]}\n", encoding="utf-8")
    code, out, _ = cli("lint", "--portfolio", "--select", "OG6,OG7", cwd=project)
    assert "OG610" not in out and "OG710" in out


def test_lint_explain_knows_the_portfolio_rules(cli):
    code, out, _ = cli("lint", "--explain", "person-overbooked-across-projects")
    assert code == 0
    assert out.startswith("OG710 person-overbooked-across-projects (warning)")


# --------------------------------------------------------------------------- read by other programs


@pytest.mark.interop
def test_markdownlint_pandoc_and_mermaid_read_the_markdown(project, cli, tmp_path):
    assert cli("portfolio", "-f", "md", "-q", cwd=project)[0] == 0
    md = project / "out" / "portfolio.md"
    lint = subprocess.run(
        [require_tool("markdownlint-cli2"), "--config", str(INTEROP / "markdownlint.jsonc"), str(md)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    ast = json.loads(
        subprocess.run(
            [require_tool("pandoc"), "-f", "gfm", "-t", "json", str(md)], capture_output=True, text=True, check=True
        ).stdout
    )
    assert sum(1 for block in ast["blocks"] if block["t"] == "Table") >= 5
    chart = re.search(r"```mermaid\n(.*?)```", md.read_text(encoding="utf-8"), re.S).group(1)
    (tmp_path / "t.mmd").write_text(chart, encoding="utf-8")
    drawn = subprocess.run(
        [
            require_tool("mmdc"),
            "-q",
            "-p",
            str(INTEROP / "puppeteer.json"),
            "-i",
            str(tmp_path / "t.mmd"),
            "-o",
            str(tmp_path / "t.svg"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert drawn.returncode == 0, drawn.stderr
    svg = (tmp_path / "t.svg").read_text(encoding="utf-8")
    assert "Syntax error" not in svg and "Pilot go-live" in svg and "Q2 2026" in svg  # the axis ticks by quarter


@pytest.mark.interop
def test_the_nu_html_checker_finds_no_error_in_the_page(project, cli):
    assert cli("portfolio", "-f", "html", "-q", cwd=project)[0] == 0
    jar = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        pytest.skip("vnu-jar is not installed (npm ci)")
    proc = subprocess.run(
        [require_tool("java"), "-jar", str(jar), "--errors-only", str(project / "out" / "portfolio.html")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.interop
def test_the_pdf_and_libreoffice_reading_the_word_file_show_the_portfolio(project, cli, tmp_path):
    pytest.importorskip("weasyprint", reason="the pdf extra is not installed (the test extra installs it)")
    pdftotext = require_tool("pdftotext")
    soffice = require_tool("soffice")
    code, _, err = cli("portfolio", "-f", "pdf,docx", cwd=project)
    assert code == 0, err
    converted = tmp_path / "lo"
    done = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            str(project / "out" / "portfolio.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for pdf in (project / "out" / "portfolio.pdf", converted / "portfolio.pdf"):
        assert pdf.is_file(), f"no PDF at {pdf}"  # soffice exits 0 even on garbage
        text = subprocess.run(
            [pdftotext, "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for expected in ("Acme PMO portfolio", "ERP rollout", "MES rollout", "CRM rollout", "Li Wei", "272,800"):
            assert expected in text, f"{expected!r} is not in {pdf}"
    # The summary's six cards sit three to a row on the page, as they do side by side on screen,
    # not stacked one a row down most of a page (WeasyPrint lays out no auto-fit grid).
    layout = subprocess.run(
        [pdftotext, "-layout", "-enc", "UTF-8", str(project / "out" / "portfolio.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split() for line in layout.splitlines() if "PROJECTS" in line or "AMBER" in line]
    assert [" ".join(row) for row in rows[:2]] == ["PROJECTS LATE OR BLOCKED RED", "AMBER GREEN OPEN RISKS"], rows


def test_a_milestone_close_to_the_next_gets_its_whole_name_on_a_lane_below(tmp_path, monkeypatch):
    # The ERP sample's go-live (采购与生产计划模块全厂上线, 17 Jul) is a few days before the next
    # milestone on its row: beside its diamond there is room for five characters. Its name goes
    # on a lane below instead of being cut to "采购与生产…", and the row grows to hold it.
    from lxml import etree

    root = tmp_path / "pmo"
    (root / "plans").mkdir(parents=True)
    for spec in SAMPLE_FILES:
        (root / "plans" / spec.name).write_bytes(spec.read_bytes())
    (root / "outlookgen.yaml").write_text(
        'specs: ["plans/*.yaml"]\nportfolio: {currency: USD, rates: {CNY: 0.14}}\n', encoding="utf-8"
    )
    run_portfolio(root, monkeypatch, formats=("html",), output_dir=root / "out")
    page = (root / "out" / "portfolio.html").read_text(encoding="utf-8")
    svg = etree.fromstring(re.search(r'<svg[^>]*class="portfolio-timeline".*?</svg>', page, re.S).group(0))
    ns = {"s": "http://www.w3.org/2000/svg"}
    written = [(t.xpath("string(text())"), float(t.get("y"))) for t in svg.iterfind(".//s:text", ns)]
    names = dict(written)
    assert "采购与生产计划模块全厂上线" in names
    milestones = [t.xpath("string(text())") for t in svg.iterfind(".//s:text", ns) if float(t.get("x")) > 300]
    assert "采购与生产计划模块全厂上线" in milestones
    assert not [text for text in milestones if text.endswith("…")]
    go_live_row = names["华东精工机械ERP实施工作展望"]
    assert names["采购与生产计划模块全厂上线"] > go_live_row + 8  # below the row's diamonds
    assert float(svg.get("height")) > 30 + 2 * 22  # the header and two rows, and a lane more
