"""The text subset: one parser (markup.py) and its Markdown and HTML writers.

Tables first (every rule of the parser, then each writer), then hostile
strings, then properties (hypothesis), then the same outputs read back by
independent Markdown readers (pandoc, markdownlint; cmark-gfm when present).
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from conftest import ROOT, require_tool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from outlookgen.render.html.text import html_block, html_inline
from outlookgen.render.markdown.text import md_block, md_cell, md_inline
from outlookgen.render.markup import (
    MAX_DEPTH,
    BulletList,
    Code,
    Emph,
    Link,
    Paragraph,
    Strong,
    Text,
    parse_block,
    parse_inline,
    plain_text,
    safe_url,
)
from outlookgen.spec.scalars import ScalarFloat

T, C = Text, Code


def S_(*children):
    return Strong(tuple(children))


def E_(*children):
    return Emph(tuple(children))


def L_(url, *children):
    return Link(tuple(children), url)


# ---------------------------------------------------------------------------
# parse_inline

INLINE_CASES = [
    # plain text, fast path
    ("", ()),
    ("plain text", (T("plain text"),)),
    ("   spaced   ", (T("   spaced   "),)),
    ("a\r\nb\rc", (T("a\nb\nc"),)),
    # the four constructs
    ("**bold**", (S_(T("bold")),)),
    ("*italic*", (E_(T("italic")),)),
    ("`code`", (C("code"),)),
    ("[label](https://example.com)", (L_("https://example.com", T("label")),)),
    ("a **b** c *d* e", (T("a "), S_(T("b")), T(" c "), E_(T("d")), T(" e"))),
    # nesting
    ("**bold *and italic***", (S_(T("bold "), E_(T("and italic"))),)),
    ("*it **and bold***", (E_(T("it "), S_(T("and bold"))),)),
    ("***both***", (E_(S_(T("both"))),)),
    ("**a `c*d*` [l](https://x.io)**", (S_(T("a "), C("c*d*"), T(" "), L_("https://x.io", T("l"))),)),
    ("*a *b* c*", (E_(T("a "), E_(T("b")), T(" c")),)),
    # underscores are never emphasis
    ("__init__", (T("__init__"),)),
    ("_em_ and __strong__ snake_case_name", (T("_em_ and __strong__ snake_case_name"),)),
    # unmatched / non-flanking markers stay literal
    ("2 * 3 = 6", (T("2 * 3 = 6"),)),
    ("a ** b", (T("a ** b"),)),
    ("* not italic *", (T("* not italic *"),)),
    ("** not bold **", (T("** not bold **"),)),
    ("**open only", (T("**open only"),)),
    ("close only**", (T("close only**"),)),
    ("*", (T("*"),)),
    ("****", (T("****"),)),
    ("a `lone backtick", (T("a `lone backtick"),)),
    ("``unequal`", (T("``unequal`"),)),
    ("[not a link]", (T("[not a link]"),)),
    ("[label] (https://x.io)", (T("[label] (https://x.io)"),)),
    ("a]b[c", (T("a]b[c"),)),
    ("[a](https://x.io", (T("[a](https://x.io"),)),
    # a single * between letters or digits is literal ("7*24小时", "5*8"); ** is not
    ("a*b*c", (T("a*b*c"),)),
    ("7*24小时运维", (T("7*24小时运维"),)),
    ("a*b *c*", (T("a*b "), E_(T("c")))),
    ("snake**case**word", (T("snake"), S_(T("case")), T("word"))),
    # CJK: no space around markers, punctuation inside
    ("订单处理周期缩短**20%**", (T("订单处理周期缩短"), S_(T("20%")))),
    ("这是**“重点”**内容", (T("这是"), S_(T("“重点”")), T("内容"))),
    ("缩短**20%**以上", (T("缩短"), S_(T("20%")), T("以上"))),
    # rule of 3 (CommonMark): *a**b* is one emphasis
    ("*a**b*", (E_(T("a**b")),)),
    # code spans: literal inside, normalised like CommonMark
    ("`**not bold** [x](https://x.io)`", (C("**not bold** [x](https://x.io)"),)),
    ("``a`b``", (C("a`b"),)),
    ("`` `tick` ``", (C("`tick`"),)),
    ("` a `", (C("a"),)),
    ("`  `", (C("  "),)),
    ("`a\nb`", (C("a b"),)),
    ("`a\\`b", (C("a\\"), T("b"))),
    ("*a `*` b*", (E_(T("a "), C("*"), T(" b")),)),
    # backslash escapes
    ("\\*not italic\\*", (T("*not italic*"),)),
    ("\\*\\*not bold\\*\\*", (T("**not bold**"),)),
    ("\\`not code\\`", (T("`not code`"),)),
    ("\\[not](https://x.io)", (T("[not](https://x.io)"),)),
    ("a\\b \\中 end\\", (T("a\\b \\中 end\\"),)),
    ("\\\\*x*", (T("\\"), E_(T("x")))),
    # links: allowed schemes, case-insensitive, whitespace stripped
    ("[a](http://x.io)", (L_("http://x.io", T("a")),)),
    ("[a](HTTPS://X.IO/Path)", (L_("HTTPS://X.IO/Path", T("a")),)),
    ("[mail](mailto:pm@example.com)", (L_("mailto:pm@example.com", T("mail")),)),
    ("[a]( https://x.io )", (L_("https://x.io", T("a")),)),
    ("[a](https://en.wikipedia.org/wiki/Foo_(bar))", (L_("https://en.wikipedia.org/wiki/Foo_(bar)", T("a")),)),
    ("[**b** *i* `c`](https://x.io)", (L_("https://x.io", S_(T("b")), T(" "), E_(T("i")), T(" "), C("c")),)),
    ("[](https://x.io)", (L_("https://x.io", T("https://x.io")),)),
    ("[a [b](https://x.io)](https://y.io)", (T("[a "), L_("https://x.io", T("b")), T("](https://y.io)"))),
    ("[[a]](https://x.io)", (L_("https://x.io", T("[a]")),)),
    ("[a`]`](https://x.io)", (L_("https://x.io", T("a"), C("]")),)),
    ("*[a](https://x.io)*", (E_(L_("https://x.io", T("a"))),)),
    # links: refused destinations stay as their literal source text
    ("[x](javascript:alert(1))", (T("[x](javascript:alert(1))"),)),
    ("[x](JaVaScRiPt:alert(1))", (T("[x](JaVaScRiPt:alert(1))"),)),
    ("[x](java\tscript:alert(1))", (T("[x](java\tscript:alert(1))"),)),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", (T("[x](data:text/html;base64,PHNjcmlwdD4=)"),)),
    ("[x](vbscript:msgbox)", (T("[x](vbscript:msgbox)"),)),
    ("[x](file:///etc/passwd)", (T("[x](file:///etc/passwd)"),)),
    ("[x](/relative/path)", (T("[x](/relative/path)"),)),
    ("[x](relative.html)", (T("[x](relative.html)"),)),
    ("[x](//evil.example)", (T("[x](//evil.example)"),)),
    ("[x](#anchor)", (T("[x](#anchor)"),)),
    ("[x](https://a.io/b c)", (T("[x](https://a.io/b c)"),)),
    ("[x](https://a.io/\x00)", (T("[x](https://a.io/\x00)"),)),
    ("[x](https://a.io/\u202e)", (T("[x](https://a.io/\u202e)"),)),
    ("[x](https:evil)", (T("[x](https:evil)"),)),
    ("[x](https:///path)", (T("[x](https:///path)"),)),
    ("[x](mailto:)", (T("[x](mailto:)"),)),
    ("[x](<https://x.io>)", (T("[x](<https://x.io>)"),)),
    ("[**x**](javascript:y)", (T("[**x**](javascript:y)"),)),
    ("*a [x](javascript:y) b*", (E_(T("a [x](javascript:y) b")),)),
]


@pytest.mark.parametrize(("source", "expected"), INLINE_CASES, ids=[repr(c[0])[:40] for c in INLINE_CASES])
def test_parse_inline(source, expected):
    assert parse_inline(source) == expected


def test_parse_inline_is_cached_and_immutable():
    first = parse_inline("cached **text** here")
    assert parse_inline("cached **text** here") is first
    assert isinstance(first, tuple)
    with pytest.raises(AttributeError):
        first[1].children = ()  # frozen dataclass
    hash(first)  # usable as a cache key in turn


def test_parse_inline_treats_markup_subclass_as_plain_text():
    # A Markup argument must not leak into the AST: its methods would mark
    # pieces as safe and writers would skip escaping them.
    result = parse_inline(Markup("<b>*x*</b>"))
    assert result == (T("<b>"), E_(T("x")), T("</b>"))
    assert all(type(node.text) is str for node in (result[0], result[2]))


def test_parse_accepts_none_and_yaml_numbers():
    assert parse_inline(None) == () and parse_block(None) == ()
    assert parse_inline(ScalarFloat(1.1, "1.10")) == (T("1.10"),)
    assert parse_block(ScalarFloat(1.1, "1.10")) == (Paragraph((T("1.10"),)),)


def test_nesting_depth_is_bounded():
    deep = "*a " * 50 + "x" + " a*" * 50
    result = parse_inline(deep)

    def depth(nodes):
        return max((1 + depth(n.children) for n in nodes if hasattr(n, "children")), default=0)

    assert depth(result) == MAX_DEPTH
    # the markers not used for nesting stay as text; nothing is lost
    assert plain_text(result).count("*") == 100 - 2 * MAX_DEPTH
    assert plain_text(result).replace("*", "") == deep.replace("*", "")


def test_plain_text():
    assert plain_text(parse_inline("**a** `b` [c](https://x.io) *d*")) == "a b c d"


SAFE_URL_CASES = [
    ("https://example.com", "https://example.com"),
    ("  http://example.com/a?b=c#d  ", "http://example.com/a?b=c#d"),
    ("HTTPS://EXAMPLE.COM", "HTTPS://EXAMPLE.COM"),
    ("mailto:pm@example.com", "mailto:pm@example.com"),
    ("https://例子.中国/路径", "https://例子.中国/路径"),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("java\tscript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("data:text/html,<script>", None),
    ("vbscript:x", None),
    ("file:///etc/passwd", None),
    ("ftp://example.com", None),
    ("//example.com", None),
    ("/path", None),
    ("example.com", None),
    ("https://exa mple.com", None),
    ("https://example.com/\n", "https://example.com/"),
    ("https://example.com/\na", None),
    ("https://example.com/\x7f", None),
    ("https://example.com/\u200b", None),
    ("https://example.com/\u3000x", None),
    ("https:\\\\evil.com", None),
    ("", None),
    ("https://" + "a" * 3000, None),
]


@pytest.mark.parametrize(("url", "expected"), SAFE_URL_CASES)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


# ---------------------------------------------------------------------------
# parse_block

BLOCK_CASES = [
    ("", ()),
    ("  \n \n", ()),
    ("one line", (Paragraph((T("one line"),)),)),
    ("  trimmed  ", (Paragraph((T("trimmed"),)),)),
    ("first\nsecond", (Paragraph((T("first\nsecond"),)),)),
    ("  first  \n   second  ", (Paragraph((T("first\nsecond"),)),)),
    ("p1\n\np2\n\n\n\np3", tuple(Paragraph((T(p),)) for p in ("p1", "p2", "p3"))),
    ("- a\n- b", (BulletList(((T("a"),), (T("b"),))),)),
    ("- only item", (BulletList(((T("only item"),),)),)),
    (
        "Intro:\n- a\n- b\nAfter",
        (Paragraph((T("Intro:"),)), BulletList(((T("a"),), (T("b"),))), Paragraph((T("After"),))),
    ),
    ("- a\n  continued\n- b", (BulletList(((T("a\ncontinued"),), (T("b"),))),)),
    ("- a\n\n- b", (BulletList(((T("a"),), (T("b"),))),)),
    ("- a\n\n  not continued", (BulletList(((T("a"),),)), Paragraph((T("not continued"),)))),
    ("- a\n  - nested is flattened", (BulletList(((T("a"),), (T("nested is flattened"),))),)),
    ("-\tTab bullet", (BulletList(((T("Tab bullet"),),)),)),
    (
        "- **bold** item\n- [l](https://x.io)",
        (BulletList(((S_(T("bold")), T(" item")), (L_("https://x.io", T("l")),))),),
    ),
    ("**bold\nacross** lines", (Paragraph((S_(T("bold\nacross")), T(" lines"))),)),
    # not bullets: only "- " is a bullet marker (spec-format.md)
    ("* star item", (Paragraph((T("* star item"),)),)),
    ("+ plus item", (Paragraph((T("+ plus item"),)),)),
    ("-no space", (Paragraph((T("-no space"),)),)),
    ("-", (Paragraph((T("-"),)),)),
    ("---", (Paragraph((T("---"),)),)),
    # nothing else is block markup
    ("# heading", (Paragraph((T("# heading"),)),)),
    ("> quote", (Paragraph((T("> quote"),)),)),
    ("1. item\n2. item", (Paragraph((T("1. item\n2. item"),)),)),
    ("| a | b |\n| --- | --- |", (Paragraph((T("| a | b |\n| --- | --- |"),)),)),
    ("<div>\nhtml\n</div>", (Paragraph((T("<div>\nhtml\n</div>"),)),)),
    ("```\nfence\n```", (Paragraph((C("fence"),)),)),  # an inline code span
    ("title\n===", (Paragraph((T("title\n==="),)),)),
    ("    indented code?", (Paragraph((T("indented code?"),)),)),
    ("a\r\n\r\nb", (Paragraph((T("a"),)), Paragraph((T("b"),)))),
]


@pytest.mark.parametrize(("source", "expected"), BLOCK_CASES, ids=[repr(c[0])[:40] for c in BLOCK_CASES])
def test_parse_block(source, expected):
    assert parse_block(source) == expected


# ---------------------------------------------------------------------------
# Markdown writer

# (source, md_inline, md_cell, md_block)
MD_CASES = [
    ("", "", "", ""),
    ("plain text", "plain text", "plain text", "plain text"),
    ("**bold** and *em*", "**bold** and *em*", "**bold** and *em*", "**bold** and *em*"),
    ("**bold *and italic***", "**bold *and italic***", "**bold *and italic***", "**bold *and italic***"),
    ("`co*de*`", "`co*de*`", "`co*de*`", "`co*de*`"),
    ("``a`b``", "``a`b``", "``a`b``", "``a`b``"),
    ("`` `x` ``", "`` `x` ``", "`` `x` ``", "`` `x` ``"),
    ("` a `", "`a`", "`a`", "`a`"),
    ("`a|b`", "`a|b`", "`a\\|b`", "`a|b`"),
    ("a|b", "a\\|b", "a\\|b", "a\\|b"),
    ("| a | b |", "\\| a \\| b \\|", "\\| a \\| b \\|", "\\| a \\| b \\|"),
    (
        "[label](https://x.io/a_b?q=1&r=2)",
        "[label](https://x.io/a_b?q=1&r=2)",
        "[label](https://x.io/a_b?q=1&r=2)",
        None,
    ),
    ("[l](https://x.io/(a))", "[l](https://x.io/\\(a\\))", None, None),
    ("[l](https://x.io/a<b>|c)", "[l](https://x.io/a\\<b\\>\\|c)", "[l](https://x.io/a\\<b\\>\\|c)", None),
    ("[l](https://x.io/?a&amp;b)", "[l](https://x.io/?a\\&amp;b)", None, None),
    ("[**b** `c`](mailto:a@b.co)", "[**b** `c`](mailto:a@b.co)", None, None),
    (
        "[x](javascript:alert(1))",
        "\\[x\\](javascript:alert(1))",
        "\\[x\\](javascript:alert(1))",
        "\\[x\\](javascript:alert(1))",
    ),
    # everything that could change structure is escaped
    ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>", None, None),
    ("\\ ` * _ [ ] < > | ~ # ! $ @", "\\\\ \\` \\* \\_ \\[ \\] \\< \\> \\| \\~ \\# \\! \\$ \\@", None, None),
    ("&lt; &amp; &#35; &#x41; & &x &#;", "\\&lt; \\&amp; &\\#35; &\\#x41; & &x &\\#;", None, None),
    ("__init__ snake_case", "\\_\\_init\\_\\_ snake\\_case", None, None),
    ("~~strike~~", "\\~\\~strike\\~\\~", None, None),
    ("![img](https://x.io/a.png)", "\\![img](https://x.io/a.png)", None, None),
    ("$5 and $10", "\\$5 and \\$10", None, None),
    ("ping @alice #12", "ping \\@alice \\#12", None, None),
    # autolink literals and emoji shortcodes are kept as text
    ("see https://x.io/a and www.x.io", "see https\\://x.io/a and www\\.x.io", None, None),
    ("at 10:30 :smile:", "at 10:30 \\:smile:", None, None),
    # line starts
    ("# heading", "\\# heading", "\\# heading", "\\# heading"),
    ("> quote", "\\> quote", "\\> quote", "\\> quote"),
    ("- item", "\\- item", "\\- item", "- item"),
    ("+ item", "\\+ item", "\\+ item", "\\+ item"),
    ("* item", "\\* item", "\\* item", "\\* item"),
    ("1. item", "1\\. item", "1\\. item", "1\\. item"),
    ("2024) item", "2024\\) item", "2024\\) item", "2024\\) item"),
    ("===", "\\===", "\\===", "\\==="),
    ("---", "\\---", "\\---", "\\---"),
    ("***", "\\*\\*\\*", "\\*\\*\\*", "\\*\\*\\*"),
    ("```", "\\`\\`\\`", "\\`\\`\\`", "\\`\\`\\`"),
    (":-:", "\\:-:", "\\:-:", "\\:-:"),
    ("title\n-:", "title -:", "title<br>-:", "title\\\n\\-:"),
    ("-5% = x", "-5% = x", "-5% = x", "-5% = x"),
    ("1.10 release", "1.10 release", "1.10 release", "1.10 release"),
    ("=x", "=x", "=x", "=x"),
    ("    four spaces", "four spaces", "four spaces", "four spaces"),
    ("  trailing  ", "trailing", "trailing", "trailing"),
    # line breaks: inline -> space, cell -> <br>, block -> backslash
    ("a\nb", "a b", "a<br>b", "a\\\nb"),
    ("line\n# h\n1. x\n- y", "line \\# h 1. x - y", "line<br>\\# h<br>1. x<br>- y", "line\\\n\\# h\\\n1\\. x\n\n- y"),
    ("**a\nb**", "**a b**", "**a<br>b**", "**a\\\nb**"),
    ("*a*\nb", "*a* b", "*a* <br>b", "*a* \\\nb"),
    # CJK: runs CommonMark would not see get a zero-width space beside them
    ("订单处理周期缩短**20%**", "订单处理周期缩短**20%**", None, None),
    ("这是**“重点”**内容", "这是&#8203;**“重点”**&#8203;内容", None, None),
    ("缩短**20%**以上", "缩短**20%**&#8203;以上", None, None),
    ("a*b*c", "a\\*b\\*c", None, None),
    ("7*24小时", "7\\*24小时", None, None),
    # RTL, emoji: untouched
    ("مرحبا بالعالم", "مرحبا بالعالم", None, None),
    ("🎉 done 👍🏽", "🎉 done 👍🏽", None, None),
    # Jinja syntax is just text (templates never re-render filter output)
    ("{{ 7*7 }} {% raw %}", "{{ 7\\*7 }} {% raw %}", None, None),
]


@pytest.mark.parametrize(("source", "inline", "cell", "block"), MD_CASES, ids=[repr(c[0])[:40] for c in MD_CASES])
def test_markdown_writer(source, inline, cell, block):
    assert md_inline(source) == inline
    if cell is not None:
        assert md_cell(source) == cell
    if block is not None:
        assert md_block(source) == block


def test_md_block_layout():
    source = "Intro **a**\nsecond line\n\n- one\n  continued\n- # two\n- 1. three\nOutro"
    assert md_block(source) == ("Intro **a** \\\nsecond line\n\n- one\\\n  continued\n- \\# two\n- 1\\. three\n\nOutro")


def test_md_cell_code_with_backslash_before_pipe_falls_back_to_text():
    # GFM cannot put "\|" inside a code span in a table cell: shown as text.
    assert md_cell("`a\\|b`") == "a\\\\\\|b"
    assert md_cell("`a\\\\|b`") == "`a\\\\\\|b`"


def test_markdown_writers_return_markup_and_accept_scalars():
    for fn in (md_inline, md_cell, md_block, html_inline, html_block):
        assert isinstance(fn("x"), Markup)
        assert fn(None) == ""
    assert md_inline(ScalarFloat(1.1, "1.10")) == "1.10"
    assert html_inline(ScalarFloat(1.1, "1.10")) == "1.10"
    assert md_inline(42) == "42"


def test_markup_input_is_escaped_again():
    # Passing Markup does not bypass escaping: spec text is never trusted.
    assert md_inline(Markup("<b>x</b>")) == "\\<b\\>x\\</b\\>"
    assert html_inline(Markup("<b>x</b>")) == "&lt;b&gt;x&lt;/b&gt;"


# ---------------------------------------------------------------------------
# HTML writer

HTML_INLINE_CASES = [
    ("", ""),
    ("plain & <simple>", "plain &amp; &lt;simple&gt;"),
    ("**b** *i* `c<d>`", "<strong>b</strong> <em>i</em> <code>c&lt;d&gt;</code>"),
    ("**bold *and italic***", "<strong>bold <em>and italic</em></strong>"),
    ('[a](https://x.io/?q=1&r="2")', '<a href="https://x.io/?q=1&amp;r=&#34;2&#34;">a</a>'),
    ("[a](https://x.io/'onmouseover=alert(1))", '<a href="https://x.io/&#39;onmouseover=alert(1)">a</a>'),
    ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("&lt;", "&amp;lt;"),
    ("a\nb", "a<br>b"),
    ("订单处理周期缩短**20%**", "订单处理周期缩短<strong>20%</strong>"),
    ("__init__", "__init__"),
    ("{{ 7*7 }}", "{{ 7*7 }}"),
]


@pytest.mark.parametrize(("source", "expected"), HTML_INLINE_CASES)
def test_html_inline(source, expected):
    assert html_inline(source) == expected


def test_html_block():
    source = "Intro **a**\nsecond\n\n- one\n  more\n- <two>\n\n# not a heading"
    assert html_block(source) == (
        "<p>Intro <strong>a</strong><br>second</p>\n"
        "<ul>\n<li>one<br>more</li>\n<li>&lt;two&gt;</li>\n</ul>\n"
        "<p># not a heading</p>"
    )
    assert html_block("") == ""


# ---------------------------------------------------------------------------
# hostile strings

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<!-- comment --> <?php ?> <![CDATA[x]]>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](//evil.example/x)",
    "[x]( javascript:alert(1) )",
    '[x](https://ok.example/"onmouseover="alert(1))',
    "![x](https://evil.example/pixel.png)",
    "<https://evil.example>",
    "{{ 7*7 }}",
    "{% raw %}{{ x }}{% endraw %}",
    "| a | b |\n| --- | --- |\n| c | d |",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    "===",
    "---",
    "***",
    "```\ncode fence",
    "~~~",
    "    indented",
    "[ref]: https://evil.example",
    "[^1]",
    "&lt;script&gt; &#60;b&#62; &amp;",
    "\\<script>",
    "`<script>` and ``<b>`` `` ` ``",
    "**<b>**[<i>](https://x.io/<i>)",
    "مرحبا **بالعالم** \u202eRTL override",
    "emoji 🎉👍🏽 family 👨‍👩‍👧",
    "订单处理周期缩短**20%**，这是**“重点”**内容",
    "__init__ a*b*c 2 * 3 = 6 a ** b",
    "line1\nline2\n\n- a\n  b\n- c\n\n# h\n> q",
    "x" * 5000 + "**" + "y" * 5000 + "**",
]

_ALLOWED_INLINE_TAGS = {"strong", "em", "code", "a", "br"}
_ALLOWED_BLOCK_TAGS = _ALLOWED_INLINE_TAGS | {"p", "ul", "li"}


class _Inspector(HTMLParser):
    """Collects tags, attributes, text and anything that is not a plain element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag == "br":
            self.text.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.other.append("comment")

    def handle_decl(self, decl):
        self.other.append("decl")

    def handle_pi(self, data):
        self.other.append("pi")

    def unknown_decl(self, data):
        self.other.append("unknown")


def _inspect(markup: str) -> _Inspector:
    inspector = _Inspector()
    inspector.feed(markup)
    inspector.close()
    return inspector


def _assert_safe_html(markup: str, allowed: set[str]) -> _Inspector:
    found = _inspect(markup)
    assert set(found.tags) <= allowed, found.tags
    assert not found.other
    for name, value in found.attrs:
        assert name == "href"
        assert value is not None and safe_url(value) == value
        assert re.match(r"(?i)(https?://|mailto:)", value)
    return found


@pytest.mark.parametrize("source", HOSTILE, ids=[repr(s)[:30] for s in HOSTILE])
def test_hostile_html(source):
    _assert_safe_html(html_inline(source), _ALLOWED_INLINE_TAGS)
    _assert_safe_html(html_block(source), _ALLOWED_BLOCK_TAGS)
    assert "javascript" not in re.sub(r">[^<]*<", "><", "<" + str(html_block(source)) + ">").lower()


# What would start a block (or a setext underline) at the start of a line.
_BLOCK_START = re.compile(
    r"#|>|[-+*](?:[ \t]|$)|[-=]+$|:?-+:?\s*$|[0-9]+[.)](?:\s|$)|`{3}|~{3}|<|\[[^\]]*\]:|\*(?:\s*\*){2,}\s*$"
)


def _unescaped(md: str, char: str) -> list[int]:
    """Positions of ``char`` not taken by a backslash escape (GFM's table scanner)."""
    found, i = [], 0
    while i < len(md):
        if md[i] == "\\":
            i += 2
            continue
        if md[i] == char:
            found.append(i)
        i += 1
    return found


def _outside_code(md: str) -> str:
    """``md`` with code spans removed (their content is literal)."""
    return re.sub(r"(?<![`\\])(`+)(?!`).*?(?<!`)\1(?!`)", "", md, flags=re.S)


@pytest.mark.parametrize("source", HOSTILE, ids=[repr(s)[:30] for s in HOSTILE])
def test_hostile_markdown(source):
    inline, cell, block = str(md_inline(source)), str(md_cell(source)), str(md_block(source))
    assert "\n" not in inline and "\n" not in cell
    assert not _unescaped(cell, "|")
    for md in (inline, block, cell.replace("<br>", " ")):
        assert not _unescaped(_outside_code(md), "<"), md
        for line in md.split("\n"):
            body = line[2:] if line.startswith("- ") else line.lstrip()
            assert not _BLOCK_START.match(body), line


# ---------------------------------------------------------------------------
# properties

MARKUP_CHARS = "*`[\\"
_markupish = st.lists(
    st.sampled_from([*"ab *`[]()\\_#>-+=1.!|&<~\n:/@\t", "https://x.io", "mailto:a@b.c", "**", "的", "“", "”"]),
    max_size=40,
).map("".join)
_any_text = st.one_of(st.text(max_size=80), _markupish)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_around = st.text(alphabet=" ab1_.!\t\n\u3000\xa0“”（中*`]", max_size=5)


@settings(max_examples=2000, deadline=None)
@given(_around, st.sampled_from(["*", "**", "***"]), _around, st.sampled_from(["*", "**", "***"]), _around)
def test_property_one_emphasised_word_is_parsed_as_the_parser_does(head, opener, inner, closer, tail):
    """The shortcut for one *x* or **x** gives the parser's own result, or leaves the text to the parser."""
    from outlookgen.render.markup import _InlineParser, _one_pair

    text = head + opener + inner + closer + tail
    shortcut = _one_pair(text)
    assert shortcut is None or repr(shortcut) == repr(_InlineParser(text).parse())


def test_one_emphasised_word_takes_the_shortcut():
    from outlookgen.render.markup import _one_pair

    assert _one_pair("Task 1 — configure *module* 1") == (
        Text("Task 1 — configure "),
        Emph((Text("module"),)),
        Text(" 1"),
    )
    assert _one_pair("**Go-live**") == (Strong((Text("Go-live"),)),)
    for other in ("7*24*7", "a * b*", "*a *", "*a**", "*a* *b*", "`*a*`", "\\*a*"):
        assert _one_pair(other) is None


@PROPERTY_SETTINGS
@given(_any_text)
def test_property_md_cell_is_one_cell(text):
    cell = str(md_cell(text))
    assert "\n" not in cell and "\r" not in cell
    assert not _unescaped(cell, "|")
    assert cell == cell.strip()


@PROPERTY_SETTINGS
@given(_any_text)
def test_property_md_inline_is_one_line(text):
    assert "\n" not in md_inline(text)


@PROPERTY_SETTINGS
@given(_any_text)
def test_property_html_inline_only_allowed_tags(text):
    found = _assert_safe_html(str(html_inline(text)), _ALLOWED_INLINE_TAGS)
    assert "".join(found.text) == plain_text(parse_inline(text))


@PROPERTY_SETTINGS
@given(_any_text)
def test_property_html_block_only_allowed_tags(text):
    _assert_safe_html(str(html_block(text)), _ALLOWED_BLOCK_TAGS)


@PROPERTY_SETTINGS
@given(st.text(max_size=80).filter(lambda s: not any(c in s for c in MARKUP_CHARS)))
def test_property_plain_text_round_trips_through_html(text):
    found = _inspect(str(html_inline(text)))
    assert "".join(found.text) == text.replace("\r\n", "\n").replace("\r", "\n")
    assert parse_inline(text) == ((Text(text.replace("\r\n", "\n").replace("\r", "\n")),) if text else ())


def test_property_markdown_reads_back_with_markdown_it():
    """A CommonMark reader sees in md_block's and md_cell's output what the HTML writer shows.

    In-process and fast, so it runs on every test run where markdown-it-py is
    installed; the interop tests below do the same with pandoc and cmark-gfm.
    """
    markdown_it = pytest.importorskip("markdown_it")
    reader = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    rnd = random.Random(20261124)
    alphabet = [
        *"ab *`[]()\\_#>-+=1.!|&<~:/@",
        "\n",
        "\n- ",
        "\n\n",
        "**",
        "https://x.io",
        "的",
        "“",
        "”",
        "%",
        "&amp;",
    ]
    for _ in range(1500):
        source = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30)))
        md = str(md_block(source))
        tokens = [t for block in reader.parse(md) for t in [block, *(block.children or [])]]
        assert not [t for t in tokens if t.type in ("html_block", "html_inline")], (source, md)
        assert _normalise(reader.render(md)) == _normalise(str(html_block(source))), (source, md)
        cell = str(md_cell(source))
        table = reader.render(f"| head | end |\n| --- | --- |\n| {cell} | END |\n")
        cells = re.findall(r"<td>(.*?)</td>", table, re.S)
        assert len(cells) == 2 and cells[1] == "END", (source, cell)
        if not re.search(r"`[^`]*\\\|", source):  # code with "\|" is shown as text in a cell
            assert _normalise(cells[0]) == _normalise(str(html_inline(source))), (source, cell)


def _normalise(markup: str) -> list:
    """Structure and text of an HTML fragment; nested same emphasis and whitespace folded."""
    found: list = []
    stack: list[str] = []

    class Walk(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "br":
                self.handle_data("\n")
                return
            duplicate = tag in ("em", "strong") and tag in stack
            stack.append("" if duplicate else tag)
            if not duplicate:
                found.append(("<", tag, unquote(dict(attrs).get("href") or "")))

        def handle_endtag(self, tag):
            if tag != "br" and stack and stack.pop():
                found.append((">", tag))

        def handle_data(self, data):
            if found and found[-1][0] == "t":
                found[-1] = ("t", found[-1][1] + data)
            else:
                found.append(("t", data))

    walker = Walk(convert_charrefs=True)
    walker.feed(markup)
    walker.close()
    result = []
    for item in found:
        if item[0] == "t":
            text = " ".join(item[1].replace("\u200b", "").split())
            if text:
                result.append(("t", text))
        else:
            result.append(item)
    return result


def test_long_and_pathological_strings_stay_fast():
    n = 20_000
    inputs = [
        "*a " * n,
        "a*" * n,
        "**a" * n,
        "[" * n,
        "[a](" * n,
        "`" * 500 + "a" + "``x" * n,
        "\\" * n,
        "*a " * n + " a*" * n,
        "[x](javascript:" * n,
        "(" * n + "[a](https://x.io)" + ")" * n,
        "**a *b [c](https://x.io) `d` e* f** " * (n // 10),
    ]
    start = time.perf_counter()
    for source in inputs:
        parse_inline(source)
        md_block(source)
        md_cell(source)
        html_block(source)
    assert time.perf_counter() - start < 20


# ---------------------------------------------------------------------------
# interop: independent readers

INTEROP_CELLS = [s for s in HOSTILE if "\n" not in s]


def _run(args: list[str], text: str) -> str:
    return subprocess.run(args, input=text, capture_output=True, text=True, check=True).stdout


_READER_TAGS = _ALLOWED_BLOCK_TAGS | {"hr", "table", "thead", "tbody", "tr", "th", "td", "colgroup", "col"}


def _assert_only_safe_links(rendered: str) -> None:
    """A reader's HTML: only text-structure tags, and links only to http(s)/mailto."""
    found = _inspect(rendered)
    assert set(found.tags) <= _READER_TAGS, set(found.tags) - _READER_TAGS
    assert not found.other
    for name, value in found.attrs:
        assert name in ("href", "class", "style", "align"), name
        if name == "href":
            assert re.match(r"(?i)(https?://|mailto:)", value or ""), value


def _hostile_document() -> tuple[str, list[str]]:
    """One GFM document: every hostile string as a block, then as a table cell."""
    sep = "\n\n* * *\n\n"
    blocks = [str(md_block(s)) for s in HOSTILE]
    table = "| text | end |\n| --- | --- |\n" + "\n".join(f"| {md_cell(s)} | END |" for s in INTEROP_CELLS)
    return sep.join([*blocks, table]), blocks


@pytest.mark.interop
def test_pandoc_reads_hostile_markdown_as_text():
    pandoc = require_tool("pandoc")
    document, _ = _hostile_document()
    # pandoc's bare-URI autolinking mangles escapes next to links
    # (jgm/commonmark-hs#156, jgm/pandoc#10333); it is checked separately below.
    rendered = _run([pandoc, "-f", "gfm-autolink_bare_uris", "-t", "html"], document)
    parts = rendered.split("<hr />")
    assert len(parts) == len(HOSTILE) + 1, "a string escaped its block"
    for source, part in zip(HOSTILE, parts, strict=False):
        assert _normalise(part) == _normalise(str(html_block(source))), source
    cells = re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*</tr>", parts[-1], re.S)
    assert len(cells) == len(INTEROP_CELLS)
    for source, (cell, end) in zip(INTEROP_CELLS, cells, strict=True):
        assert end.strip() == "END", source
        assert _normalise(cell) == _normalise(str(html_inline(source))), source

    # With every GFM extension on: no raw HTML, no link but http(s)/mailto.
    native = _run([pandoc, "-f", "gfm", "-t", "native"], document)
    assert "RawBlock" not in native
    assert set(re.findall(r'RawInline \(Format "html"\) "([^"]*)"', native)) <= {"<br>"}
    _assert_only_safe_links(_run([pandoc, "-f", "gfm", "-t", "html"], document))


@pytest.mark.interop
def test_pandoc_reads_random_markdown_like_html_writer():
    pandoc = require_tool("pandoc")
    rnd = random.Random(7)
    alphabet = [*"ab *`[]()\\_#>-+=1.!|&<~:/@", "\n", "\n- ", "\n\n", "**", "https://x.io", "的", "“", "”", "%", "≤"]
    sources = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30))) for _ in range(400)]
    document = "\n\n* * *\n\n".join(str(md_block(s)) or "empty" for s in sources)
    parts = _run([pandoc, "-f", "gfm-autolink_bare_uris", "-t", "html"], document).split("<hr />")
    assert len(parts) == len(sources)
    for source, part in zip(sources, parts, strict=True):
        assert _normalise(part) == _normalise(str(html_block(source)) or "<p>empty</p>"), (
            source,
            str(md_block(source)),
        )


@pytest.mark.interop
def test_markdownlint_accepts_hostile_markdown(tmp_path):
    tool = require_tool("markdownlint-cli2")
    document, _ = _hostile_document()
    path = tmp_path / "hostile.md"
    path.write_text("# Hostile strings\n\n" + document.replace("* * *", "---") + "\n", encoding="utf-8")
    config = ROOT / "tests" / "interop" / "markdownlint.jsonc"
    proc = subprocess.run([tool, "--config", str(config), str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.interop
@pytest.mark.skipif(shutil.which("cmark-gfm") is None, reason="cmark-gfm (GitHub's renderer) is not installed")
def test_cmark_gfm_reads_hostile_markdown_as_text():
    document, _ = _hostile_document()
    args = ["cmark-gfm", "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter"]
    rendered = _run(args, document)
    parts = rendered.split("<hr />")
    assert len(parts) == len(HOSTILE) + 1
    for source, part in zip(HOSTILE, parts, strict=False):
        # cmark-gfm links e-mail addresses whatever the escapes; that is harmless
        part = re.sub(r'<a href="mailto:[^"]*">(.*?)</a>', r"\1", part)
        assert _normalise(part) == _normalise(str(html_block(source))), source
    _assert_only_safe_links(rendered)


@pytest.mark.parametrize(
    "text",
    [
        "Lead *sponsor",
        "**bold** and *it*",
        "a `code` [l](https://x.y/a_(b))",
        "back\\slash *",
        "``a`b``",
        "*a* **b *c***",
    ],
)
def test_canonical_keeps_the_meaning_and_closes_every_marker(text):
    from outlookgen.render.markup import canonical

    assert parse_inline(canonical(text)) == parse_inline(text)
    # joined with another text, nothing pairs across the seam
    joined = parse_inline(canonical(text) + " — " + canonical("tail*"))
    assert plain_text(joined) == plain_text(parse_inline(text)) + " — tail*"


def test_cached_cells_are_keyed_by_the_text_as_written():
    # md_cell and html_inline keep their results by text: 1, 1.0, True and a
    # float read as "1.10" are equal as keys of a plain cache but print differently.
    for render in (md_cell, html_inline):
        assert [render(v) for v in (1, 1.0, True, 1.1, ScalarFloat(1.1, "1.10"))] == ["1", "1.0", "True", "1.1", "1.10"]
        assert render(None) == render("") == ""
    # Markup given as text is read as text, not taken as already made.
    assert html_inline(Markup("<b>")) == html_inline("<b>") == "&lt;b&gt;"
    assert md_cell(Markup("a|b")) == md_cell("a|b") == "a\\|b"
