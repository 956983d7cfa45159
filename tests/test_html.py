"""The HTML output: golden pages, every name on the page, self-contained, safe against hostile spec text."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLE_FILES, reader_names

from outlookgen.errors import TemplateError
from outlookgen.model import build_outlook
from outlookgen.model.trace import SpecText
from outlookgen.package_data import schema
from outlookgen.packs import resolve_pack
from outlookgen.project.build import BuildOptions, build
from outlookgen.render.context import prepare
from outlookgen.render.html import css_string, page
from outlookgen.render.markup import parse_inline, plain_text
from outlookgen.spec.validate import load_valid

GOLDEN = ROOT / "tests" / "golden"
EVERY_KEY = ROOT / "tests" / "specs" / "valid" / "every-key.yaml"
SPECS = [*SAMPLE_FILES, EVERY_KEY]


class Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.in_style = False
        self.feed(source)
        self.close()
        self.text = re.sub(r"\s+", " ", "".join(self.chunks))

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.in_style = tag == "style"
        if tag in ("br", "td", "th", "li", "p", "title", "text"):
            self.chunks.append(" ")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        self.chunks.append(" " if tag in ("td", "th", "li", "p", "title", "text", "h2", "h3", "h4") else "")

    def handle_data(self, data):
        if not self.in_style:
            self.chunks.append(data)


def render(spec: Path, locale: str | None = None, pack: str | None = None) -> str:
    outlook = build_outlook(load_valid(spec).data)
    return page(prepare(outlook, resolve_pack(pack), locale or outlook.meta.locale))


def visible(text: str) -> str:
    return " ".join(plain_text(parse_inline(text)).split())


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_html_matches_golden(sample, tmp_path, cli):
    code, _, err = cli("build", sample, "-f", "html", "-o", tmp_path, "-q")
    assert code == 0, err
    name = sample.name.removesuffix(".yaml") + ".html"
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = (tmp_path / name).read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from tests/golden/{name}; run python tests/regen_golden.py and review the diff"
    )


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_name_is_on_the_page(spec):
    o = build_outlook(load_valid(spec).data)
    page = Page(render(spec))
    names = reader_names(spec)
    ids = [t.id for t in o.roadmap.tasks] + [r.id for r in o.risks] + [k.id for k in o.evaluation.kpis]
    missing = [n for n in names if visible(n) not in page.text] + [i for i in ids if i not in page.text]
    assert not missing, f"not on the page: {missing}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_page_is_self_contained_and_scriptless(spec):
    source = render(spec)
    page = Page(source)
    tags = {t for t, _ in page.tags}
    assert "script" not in tags and "iframe" not in tags and "link" not in tags
    for tag, attrs in page.tags:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        if tag in ("img", "image", "source", "use"):
            src = attrs.get("src") or attrs.get("href") or ""
            assert src.startswith(("data:", "#")), f"{tag} loads {src!r}"
        if tag == "a":
            assert attrs["href"].startswith(("#", "http://", "https://", "mailto:")), attrs
    # CSS may reference nothing outside the page either.
    css = "".join(re.findall(r"<style>(.*?)</style>", source, re.S))
    assert "@import" not in css
    assert not [u for u in re.findall(r"url\(([^)]*)\)", source) if not u.strip("'\"").startswith(("#", "data:"))]


def test_html_lang_follows_the_locale():
    assert '<html lang="zh-CN">' in render(ROOT / "samples" / "erp-manufacturing.zh-CN.yaml")
    assert '<html lang="en">' in render(ROOT / "samples" / "bi-platform.en.yaml")
    assert '<html lang="zh-CN">' in render(ROOT / "samples" / "bi-platform.en.yaml", locale="zh-CN")


def test_same_input_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build(SAMPLE_FILES, BuildOptions(formats=("html",), output_dir=a, jobs=1))
    build(SAMPLE_FILES, BuildOptions(formats=("html",), output_dir=b, jobs=1, force=True))
    for sample in SAMPLE_FILES:
        name = sample.stem + ".html"
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_contents_link_to_every_step_and_anchors_resolve():
    source = render(ROOT / "samples" / "bi-platform.en.yaml")
    page = Page(source)
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate ids"
    links = [a["href"][1:] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#")]
    assert set(links) <= set(ids), set(links) - set(ids)
    toc = source[source.index('<nav class="toc"') : source.index("</nav>")]
    for n in range(1, 6):
        assert f'href="#sec-step-{n}-title"' in toc


def test_print_css_is_there():
    source = render(ROOT / "samples" / "bi-platform.en.yaml")
    for needle in (
        "@media print",
        "size: A4",
        "break-before: page",
        "thead { display: table-header-group; }",
        "@page og-landscape { size: A4 landscape",
        "page: og-landscape",
        "@top-right { content: ",
        "Noto Sans CJK SC",
        "--og-phase-1: #",
    ):
        assert needle in source, needle


# -- hostile text in every text field -------------------------------------------------------

HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3)) '
    "{{ 7*7 }} {% if true %}x{% endif %} </style></svg> <!-- --> &amp; \"q\" 'a' ]]> `</title>`"
)
_TEXT_REFS = {"#/$defs/text", "#/$defs/textList", "#/$defs/target", "#/$defs/deadline"}
# Strings that are not shown as text: ids, references (plain or typed links), dates, file paths
# to include, where a baseline is read from.
_NOT_TEXT_REFS = {
    "#/$defs/id",
    "#/$defs/idRef",
    "#/$defs/idRefs",
    "#/$defs/dependency",
    "#/$defs/date",
    "#/$defs/pathList",
    "#/$defs/sourcePath",
}


def _text_paths(node: dict, path: tuple, defs: dict, out: set, depth: int = 0) -> None:
    """Every path (keys, with [] for list items) whose value the schema says is text."""
    if depth > 20 or not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if ref in _NOT_TEXT_REFS:
        return
    if ref in _TEXT_REFS:
        out.add(path + (("[]",) if ref == "#/$defs/textList" else ()))
        return
    if ref:
        _text_paths(defs[ref.split("/")[-1]], path, defs, out, depth + 1)
        return
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    if "string" in types and not any(k in node for k in ("enum", "pattern", "format", "const")):
        out.add(path)
    for key, sub in (node.get("properties") or {}).items():
        _text_paths(sub, (*path, key), defs, out, depth + 1)
    if isinstance(node.get("items"), dict):
        _text_paths(node["items"], (*path, "[]"), defs, out, depth + 1)
    for combo in ("oneOf", "anyOf", "allOf"):
        for sub in node.get(combo) or ():
            _text_paths(sub, path, defs, out, depth + 1)


def schema_text_paths() -> set[tuple]:
    s = schema()
    out: set[tuple] = set()
    _text_paths(s, (), s["$defs"], out)
    # review: the client's comments are working notes, never printed (the status section counts the open ones).
    return {p for p in out if not any(str(k).startswith("x-") for k in p) and p[:1] != ("review",)}


def _poison(data, paths: set[tuple], path: tuple = (), hits: dict | None = None):
    """A copy of ``data`` with every text leaf replaced by a numbered hostile string."""
    if isinstance(data, dict):
        return {k: _poison(v, paths, (*path, k), hits) for k, v in data.items()}
    if isinstance(data, list):
        if path in paths and all(isinstance(v, str) for v in data):
            pass  # a list typed as one text (not expected), fall through to items
        return [_poison(v, paths, (*path, "[]"), hits) for v in data]
    if path in paths and isinstance(data, (str, int, float)) and not isinstance(data, bool):
        marker = f"H{len(hits):03d} {HOSTILE}"
        hits[marker] = path
        return marker
    return data


def test_schema_text_paths_are_all_in_the_every_key_spec():
    data = yaml.safe_load(EVERY_KEY.read_text(encoding="utf-8"))
    hits: dict = {}
    _poison(data, schema_text_paths(), (), hits)
    found = set(hits.values())
    # deadline and deferred_to may be dates/ids instead; every other text path must be exercised
    missing = schema_text_paths() - found
    assert not missing, f"every-key.yaml lacks text fields: {sorted(missing)}"


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    data = yaml.safe_load(EVERY_KEY.read_text(encoding="utf-8"))
    hits: dict = {}
    poisoned = _poison(data, schema_text_paths(), (), hits)
    folder = tmp_path_factory.mktemp("hostile")
    spec = folder / "hostile.yaml"
    spec.write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False), encoding="utf-8")
    benign = render(EVERY_KEY)
    return render(spec), benign, hits


def test_hostile_text_makes_no_tag_attribute_or_script(hostile_page):
    source, benign, hits = hostile_page
    assert len(hits) > 60
    page, reference = Page(source), Page(benign)
    inline = {"strong", "em", "code", "a", "br", "p", "ul", "li"}
    assert {t for t, _ in page.tags} <= {t for t, _ in reference.tags} | inline
    allowed_attrs = {a for _, attrs in reference.tags for a in attrs} | {"href"}
    for tag, attrs in page.tags:
        assert set(attrs) <= allowed_attrs, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            if name in ("href", "src", "xlink:href", "action", "formaction"):
                assert value.startswith(("#", "http://", "https://", "mailto:", "data:image/")), (tag, attrs)
            elif "alert(" in (value or ""):
                # spec text may stand in a text attribute, as text
                assert (tag, name) in {("meta", "content"), ("svg", "aria-label"), ("img", "alt"), ("span", "title")}
    assert "<script" not in source.lower()
    assert source.count("<style>") == 1 and source.count("</style>") == 1


def test_hostile_text_survives_literally(hostile_page):
    source, _, hits = hostile_page
    text = Page(source).text
    missing = [f"{path} ({marker[:4]})" for marker, path in hits.items() if visible(marker) not in text]
    assert not missing, f"hostile text not shown literally for: {missing}"
    assert "{{ 7*7 }}" in text and "49" not in re.findall(r"\d+", text.split("{{ 7*7 }}")[0][-3:])


# -- packs: autoescape on whatever the template name, one block overridable ----------------


def _child_pack(tmp_path: Path, files: dict[str, str], pack_yaml: str = "") -> Path:
    root = tmp_path / "firm"
    (root / "html").mkdir(parents=True)
    (root / "pack.yaml").write_text("name: firm\nextends: default\n" + pack_yaml, encoding="utf-8")
    for name, text in files.items():
        (root / "html" / name).write_text(text, encoding="utf-8")
    return root


def test_pack_can_replace_one_block_and_autoescape_is_on_for_any_file_name(tmp_path):
    root = _child_pack(
        tmp_path,
        {
            "outlook.html.j2": '{% extends "default-outlook.html.j2" %}'
            '{% block step5 %}<section id="firm">{% include "part.inc" %}</section>{% endblock %}',
            "default-outlook.html.j2": (ROOT / "templates/default/html/outlook.html.j2").read_text(encoding="utf-8"),
            "part.inc": "{{ raw }}|{{ meta.title }}",
        },
    )
    spec = tmp_path / "x.yaml"
    text = (ROOT / "tests/specs/valid/minimal.yaml").read_text(encoding="utf-8")
    spec.write_text(re.sub(r"title: .*", "title: <b>bold?</b>", text, count=1), encoding="utf-8")
    outlook = build_outlook(load_valid(spec).data)
    pack = resolve_pack(str(root))
    from outlookgen.render import html

    doc = prepare(outlook, pack, "en")
    doc = dataclasses.replace(doc, context={**doc.context, "raw": "<i>x</i>"})
    out = html.page(doc)
    section = out[out.index('<section id="firm">') :]
    assert section.startswith('<section id="firm">&lt;i&gt;x&lt;/i&gt;|&lt;b&gt;bold?&lt;/b&gt;</section>')
    assert 'id="sec-step-1"' in out  # the other blocks are the default's


def test_brand_colours_from_a_pack_reach_css_and_svg(tmp_path):
    root = _child_pack(
        tmp_path,
        {},
        'brand:\n  color:\n    palette: {ink: "#123456"}\n    primary: ink\n    phases: [ink, "#abcdef"]\n',
    )
    (root / "html").rmdir()
    page = render(ROOT / "samples" / "bi-platform.en.yaml", pack=str(root))
    assert "--og-primary: #123456;" in page
    # the phase's text colour: black on a light phase colour, where white would fail contrast
    assert ".og-phase-2 { --og-phase: #abcdef; --og-on-phase: #000000; }" in page
    assert 'fill="#abcdef"' in page  # the second phase's bars


@pytest.mark.parametrize(
    "brand",
    [
        'brand:\n  color:\n    primary: "red;} body{display:none"\n',
        'brand:\n  color:\n    phases: ["</style><script>"]\n',
        "brand:\n  logo: ../../etc/passwd.png\n",
    ],
)
def test_bad_brand_values_are_refused(tmp_path, brand):
    root = _child_pack(tmp_path, {}, brand)
    with pytest.raises(TemplateError):
        render(ROOT / "samples" / "bi-platform.en.yaml", pack=str(root))


def test_logo_is_embedded_as_a_data_uri(tmp_path):
    root = _child_pack(tmp_path, {}, "brand:\n  logo: logo.svg\n")
    (root / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    page = render(ROOT / "samples" / "bi-platform.en.yaml", pack=str(root))
    assert '<img class="cover-logo" src="data:image/svg+xml;base64,' in page


def test_css_string_escapes_everything_but_letters_digits_and_spaces():
    assert css_string('a "b" </style> \\') == '"a \\22 b\\22  \\3c \\2f style\\3e  \\5c "'
    assert css_string("密级") == '"\\5bc6 \\7ea7 "'


def test_characters_html_forbids_are_replaced():
    # The validator refuses control characters in text; the page is scrubbed anyway.
    from outlookgen.render.html import scrub

    assert scrub("a\x07b\x7fc\ufdd0d\tline\n") == "a\ufffdb\ufffdc\ufffdd\tline\n"


def test_astral_noncharacters_are_replaced_and_emoji_kept():
    # The astral noncharacters are found by a second pass that runs only when
    # the page has an astral character: an emoji must not hide them, nor be hit.
    from outlookgen.render.html import scrub

    assert scrub("x\U0001fffey\x01z\U0001f600") == "x\ufffdy\ufffdz\U0001f600"
    assert scrub("\U0001f600\U0010ffff\U0002fffe\U00020000") == "\U0001f600\ufffd\ufffd\U00020000"
    assert scrub("ok \u2014 \u00e9") == "ok \u2014 \u00e9"


def test_tidy_scrubs_and_splits_every_kind_of_line():
    """Lines are read a whole line at a time when printable; any other line is scrubbed and split at every break."""
    from outlookgen.render.html import _tidy

    assert _tidy("a \n\x0bb\r\nc\u2028d  \n\n\U0001fffe \U0001f600\n\xa0x\xa0\n") == (
        "a\n\ufffdb\nc\nd\n\ufffd \U0001f600\n\xa0x\n"
    )
    assert _tidy(" \n\n") == "\n"


def test_scrub_replaces_exactly_the_characters_html_forbids():
    # Every noncharacter and control, and their neighbours, against the rule itself.
    from outlookgen.render.html import scrub

    def forbidden(cp: int) -> bool:
        control = (cp <= 0x1F and cp not in (0x09, 0x0A, 0x0C, 0x0D)) or 0x7F <= cp <= 0x9F
        return control or 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE

    points = set(range(0x00, 0xA1)) | set(range(0xFDCF, 0xFDF1))
    for plane in range(17):
        points |= {plane << 16 | low for low in (0x0000, 0x0001, 0xFFFD, 0xFFFE, 0xFFFF)}
    points -= set(range(0xD800, 0xE000))
    text = "".join(chr(cp) for cp in sorted(points))
    expected = "".join("\ufffd" if forbidden(cp) else chr(cp) for cp in sorted(points))
    assert scrub(text) == expected


def test_ids_are_kept_by_exact_text_only():
    # _ident keeps its results by id; Markup equal to a plain id must not share an entry.
    from markupsafe import Markup

    from outlookgen.render.html import _ident

    assert _ident("a.b<c") == "a.<wbr>b&lt;c"
    assert _ident(Markup("a.b<c")) == "a.<wbr>b<c"
    assert _ident("a.b<c") == "a.<wbr>b&lt;c"
    # A spec text (a str that knows its place in the spec) is looked up as its text.
    assert _ident(SpecText("a.b<c", "/x")) == "a.<wbr>b&lt;c"


def test_the_contents_go_where_the_first_marker_is_and_other_markers_go():
    from outlookgen.render.html import _TOC_MARKER, _toc, _with_toc

    def expected(text: str) -> str:
        head, _, body = text.partition(_TOC_MARKER)
        return head + _toc(body, "C") + body.replace(_TOC_MARKER, "")

    h2 = '<h2 id="sec-a">A</h2><h3 id="sec-b">B</h3>'
    odd = f'<h2 id="{_TOC_MARKER}">odd</h2>'  # a pack's heading whose id holds the marker: its link keeps it
    for text in (f"x{_TOC_MARKER}{h2}", f"{h2}{_TOC_MARKER}{h2}{_TOC_MARKER}y", f"{_TOC_MARKER}{odd}", odd):
        assert _with_toc(text, "C") == (expected(text) if _TOC_MARKER in text else text)
    assert '<a href="#sec-a">A</a>' in _with_toc(f"x{_TOC_MARKER}{h2}", "C")


def test_list_items_are_kept_by_text_and_markup_is_read_as_text():
    from markupsafe import Markup

    from outlookgen.render.html import _item

    assert _item("a<b *c*") == "a&lt;b <em>c</em>"
    assert _item(Markup("a<b *c*")) == "a&lt;b <em>c</em>"
    assert _item(SpecText("a\n\n- b", "/x")) == "<p>a</p>\n<ul>\n<li>b</li>\n</ul>"
    assert _item(None) == ""


def test_refs_are_kept_by_exact_text_only():
    from markupsafe import Markup

    from outlookgen.render.html import _make_refs

    refs = _make_refs({"T<1"}, " & ")
    plain = '<a href="#item-T&lt;1">T&lt;1</a>'
    assert refs(["T<1", "X.2"]) == plain + " &amp; X.<wbr>2"
    assert refs([Markup("T<1")]) == '<a href="#item-T<1">T<1</a>'
    assert refs([SpecText("T<1", "/roadmap/phases/0/tasks/0/id"), {"id": "T<1", "note": "SS +1"}]) == (
        plain + " &amp; " + plain + ' <small class="link-type">SS +1</small>'
    )
