"""``outlookgen templates new``: a firm's pack that extends default, with an example of every kind of override."""

from __future__ import annotations

import re
from pathlib import Path

from outlookgen.errors import OutputError
from outlookgen.output import files as writer

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")

PACK_YAML = """\
# {name}: a template pack for outlookgen. It changes only what differs from
# the pack it extends; everything else (templates, labels, colours, the Word
# reference document) comes from there. Check it with:
#   outlookgen templates check {name}
# and use it with:  outlookgen build plan.yaml -t ./{name}
name: {name}
version: "0.1.0"
description: Our firm's outlook layout
extends: default          # a built-in pack, an installed pack's name, or a folder (relative to this one)
default_locale: en

# Brand tokens (modelled on Quarto's _brand.yml). Set only the keys you change.
brand:
  color:
    palette:
      ink: "#14213d"
      gold: "#896e1b"     # deep enough for links on white (WCAG AA 4.5:1; templates check judges it)
    primary: ink          # headings, table headers, cover band
    accent: gold          # highlights, the "today" line on the Gantt
    # secondary, foreground, background, muted, critical, on_track, at_risk, off_track, no_data,
    # risk_low, risk_medium, risk_high: any #rgb / #rrggbb or a palette name
    # phases: [ink, gold, "#3a6ea5"]   # one colour per roadmap phase, repeated
  # typography:
  #   base:      {{family: "Source Sans 3", east_asian: "Noto Sans CJK SC"}}
  #   headings:  {{family: "Source Serif 4", east_asian: "Noto Serif CJK SC"}}
  #   monospace: {{family: "JetBrains Mono"}}
  # logo:
  #   small: images/logo-small.png   # header of the HTML page and the Word document
  #   large: images/logo.png         # the cover

# Label overrides per locale (any key of the default pack's labels/*.yaml).
labels:
  en:
    cover:
      prepared_by: Engagement team
  zh-CN:
    cover:
      prepared_by: 项目团队
"""

MD = """\
{#- Markdown: override single blocks of the default layout; everything else stays.
    Blocks: cover, revisions, toc, status, changes, step1 ... step5, appendices, lint. -#}
{% extends "default:outlook.md.j2" %}

{#- Example: a line under the cover, then the default cover. Remove what you do not need. -#}
{% block cover %}
{{ super() }}

*Prepared with the firm's implementation method.*
{% endblock %}

{#- Example: a section of your own after step 5 (in every format, add the same block). -#}
{% block step5 %}
{{ super() }}

## About us

We plan, implement and support ERP, CRM, MES and BI systems.
{% endblock %}
"""

HTML = """\
{#- HTML: the same blocks as Markdown, plus `styles` for extra CSS (colours come from brand:). -#}
{% extends "default:outlook.html.j2" %}

{% block styles %}
/* Extra CSS for this pack; brand colours are custom properties such as var(--og-primary). */
.cover-title { letter-spacing: 0.01em; }
{% endblock %}

{% block step5 %}
{{ super() }}
<section class="step" id="sec-about">
  <h2 id="sec-about-title">About us</h2>
  <p>We plan, implement and support ERP, CRM, MES and BI systems.</p>
</section>
{% endblock %}
"""

DOCX = """\
{#- Word: the same blocks again, written in the block markup of docs/word.md.
    Styles, page size, header and footer live in docx/reference.docx: to restyle
    Word output, put your own docx/reference.docx here (it must define the
    styles docs/word.md lists; `outlookgen templates check` says which are missing). -#}
{% extends "default:outlook.docx.j2" %}

{% block step5 %}
{{ super() }}
<h level="1">About us</h>
<p>We plan, implement and support ERP, CRM, MES and BI systems.</p>
{% endblock %}
"""

LABELS = """\
# Label overrides for {locale}: any key of the default pack's labels/{locale}.yaml.
# (pack.yaml's `labels:` can hold them too; this file wins over the parent's.)
# steps:
#   - Step 1 · Why we are doing this
"""


WORD_PACK_YAML = """\
# {name}: a template pack whose Word look is the firm's own Word file, docx/{reference}
# (made from {source}). Its styles, fonts, colours, page, header and footer are kept;
# styles the writer needs that it lacks are derived from its Normal and Heading styles
# (`outlookgen templates check {name}` lists them). Brand colours or fonts set here
# restyle the Word file too — leave them out to keep the file's own.
#   outlookgen build plan.yaml -t ./{name}
name: {name}
version: "0.1.0"
description: Word layout from {source}
extends: default          # HTML, Markdown and labels come from here
default_locale: en
"""

WORD_LAYOUT_DOCX = """\
{{#- Word: the layout is designed in docx/{reference} — cover, boilerplate, header and
    footer, with placeholders such as {{{{ meta.title }}}} that outlookgen fills — and the
    generated outlook goes where the paragraph {{{{ outlook.body }}}} stands. The Word file
    draws the cover, so the default cover is left out; every other block comes from default. -#}}
{{% extends "default:outlook.docx.j2" %}}

{{% block cover %}}{{% endblock %}}
"""

WORD_STYLES_DOCX = """\
{{#- Word: styles, page, header and footer come from docx/{reference}. Its body is sample
    text and is replaced by the outlook; to lay out a cover or boilerplate in Word instead,
    put a paragraph holding only {{{{ outlook.body }}}} where the outlook goes (docs/packs.md). -#}}
{{% extends "default:outlook.docx.j2" %}}
"""

MAX_WORD_FILE = 20 * 1024 * 1024


def new_pack(folder: Path, from_word: Path | None = None) -> list[Path]:
    """Scaffold a pack in ``folder`` (its name is the folder's name); never overwrite.

    With ``from_word`` (a firm's .docx or .dotx), the pack's Word look is that
    file: it is checked as every build checks a reference document, copied to
    ``docx/reference.docx`` (or ``.dotx``), and the Word template leaves out
    the default cover when the file lays out its own around an
    ``{{ outlook.body }}`` paragraph.
    """
    name = folder.name
    if not _NAME.match(name):
        raise OutputError(f"pack name '{name}': use lower-case letters, digits and '-', starting with a letter")
    if folder.exists() and any(folder.iterdir()):
        raise OutputError(f"{folder} exists and is not empty; choose another name")
    if from_word is not None:
        return writer.commit(_word_pack(folder, name, from_word))
    files = {
        folder / "pack.yaml": PACK_YAML.format(name=name),
        folder / "md" / "outlook.md.j2": MD,
        folder / "html" / "outlook.html.j2": HTML,
        folder / "docx" / "outlook.docx.j2": DOCX,
        folder / "labels" / "en.yaml": LABELS.format(locale="en"),
        folder / "labels" / "zh-CN.yaml": LABELS.format(locale="zh-CN"),
    }
    return writer.commit({path: text.encode("utf-8") for path, text in files.items()})


def _word_pack(folder: Path, name: str, source: Path) -> dict[Path, bytes]:
    """The files of a pack built around a firm's Word file (refused with located lines as a build would)."""
    from outlookgen.errors import TemplateError
    from outlookgen.packs.files import PackFileError, display_path, read_regular
    from outlookgen.packs.reference_docx import check_reference_bytes
    from outlookgen.packs.reference_placeholders import check_layout

    suffix = source.suffix.lower()
    if suffix not in (".docx", ".dotx"):
        raise OutputError(f"{source}: give a Word document (.docx) or Word template (.dotx)")
    shown = display_path(source)
    try:
        data = read_regular(source, MAX_WORD_FILE)
    except PackFileError as exc:
        raise OutputError(f"{shown}: {exc}") from None
    except OSError as exc:
        raise OutputError(f"{shown}: {exc.strerror or exc}") from None
    checked = check_reference_bytes(data, shown)
    if checked.problems:
        raise TemplateError(diagnostics=checked.problems)
    layout = check_layout(checked.package, shown)
    errors = [d for d in layout if d.severity == "error"]
    if errors:
        raise TemplateError(diagnostics=errors)
    designed = any(d.severity == "note" for d in layout)
    reference = f"reference{suffix}"
    template = WORD_LAYOUT_DOCX if designed else WORD_STYLES_DOCX
    return {
        folder / "pack.yaml": WORD_PACK_YAML.format(name=name, reference=reference, source=source.name).encode(),
        folder / "docx" / "outlook.docx.j2": template.format(reference=reference).encode(),
        folder / "docx" / reference: data,
    }
