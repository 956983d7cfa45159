"""The change report (``outlookgen diff``) as plain text or Markdown."""

from __future__ import annotations

from typing import Any

from outlookgen.packs import Pack

_MARKS = {"added": "+", "removed": "-", "changed": "~"}


def render_text(context: dict[str, Any], labels: dict[str, Any]) -> str:
    """A terminal-friendly report: one line per change, grouped by section."""
    colon, none = labels["format"]["colon"], labels["format"]["none"]
    lines = [context["title"], context["summary"]]
    for section in context["sections"]:
        lines += ["", section["title"]]
        for c in section["changes"]:
            name = f"{c['id']} {c['name']}".strip()
            if c["kind"] == "changed":
                what = f"{c['kind_text']}{colon}{c['field']}" if c["field"] else c["kind_text"]
                detail = f"{c['old'] or none} → {c['new'] or none}"
            else:
                what = f"{c['kind_text']} ({c['field']})" if c["field"] else c["kind_text"]
                detail = c["old"] or c["new"]
            line = f"  {_MARKS[c['kind']]} {name} — {what}" + (f"{colon}{detail}" if detail else "")
            if c["delta"]:
                line += f" [{c['delta']}]"
            lines.append(line)
    return "\n".join(lines) + "\n"


def render_markdown(context: dict[str, Any], pack: Pack, labels: dict[str, Any]) -> str:
    from outlookgen.render import environment
    from outlookgen.render.markdown import FILTERS, _finalize, _tidy

    env = environment.make_environment(pack, "md", filters=FILTERS, finalize=_finalize)
    return _tidy(environment.render(env, "changes.md.j2", {"changes": context, "L": labels}, pack))


def render_html(context: dict[str, Any], pack: Pack, labels: dict[str, Any], locale: str) -> str:
    """A standalone, self-contained HTML page of the report, styled like the pack's documents."""
    from markupsafe import Markup

    from outlookgen.render import environment
    from outlookgen.render.brand import load_brand
    from outlookgen.render.html import _brand_css, _filters, _finalize, _stylesheet, scrub

    env = environment.make_environment(
        pack, "html", filters=_filters(set(), labels["format"]["list_separator"]), finalize=_finalize, autoescape=True
    )
    style = Markup(_brand_css(load_brand(pack), []) + "\n" + _stylesheet(env, pack))
    page = environment.render(
        env, "changes-page.html.j2", {"changes": context, "L": labels, "lang": locale, "style": style}, pack
    )
    return "\n".join(line.rstrip() for line in scrub(page).splitlines() if line.strip()) + "\n"
