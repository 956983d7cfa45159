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
      gold: "#c9a227"
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
    Blocks: cover, revisions, status, changes, step1 ... step5, appendices, lint. -#}
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


def new_pack(folder: Path) -> list[Path]:
    """Scaffold a pack in ``folder`` (its name is the folder's name); never overwrite."""
    name = folder.name
    if not _NAME.match(name):
        raise OutputError(f"pack name '{name}': use lower-case letters, digits and '-', starting with a letter")
    if folder.exists() and any(folder.iterdir()):
        raise OutputError(f"{folder} exists and is not empty; choose another name")
    files = {
        folder / "pack.yaml": PACK_YAML.format(name=name),
        folder / "md" / "outlook.md.j2": MD,
        folder / "html" / "outlook.html.j2": HTML,
        folder / "docx" / "outlook.docx.j2": DOCX,
        folder / "labels" / "en.yaml": LABELS.format(locale="en"),
        folder / "labels" / "zh-CN.yaml": LABELS.format(locale="zh-CN"),
    }
    return writer.commit({path: text.encode("utf-8") for path, text in files.items()})
