"""Page numbers in the Word contents at build time (``build --toc-pages``), from LibreOffice's layout.

The writer's contents list every heading without a page number: nothing
before layout knows where pages break. With ``--toc-pages`` each entry gets
what Word writes for ``TOC \\h \\z`` — a tab and a real ``PAGEREF`` field —
and LibreOffice, run headless, is asked only one thing: on which page does
each heading's ``_Toc`` bookmark land? It opens the document *as it is*
(its index is not regenerated, so it lays out exactly these contents lines),
exports a PDF whose named destinations are the bookmarks, and ``pdfinfo
-dests`` reads their pages. The numbers go into the fields' cached results
and the layout is asked again until nothing changes (two passes in practice:
the numbers themselves can move a line). Only ``word/document.xml`` changes;
every other part keeps its bytes, the zip its order and time stamps.

The numbers are LibreOffice's pagination with the fonts installed where the
build runs, so the same bytes come out only with the same LibreOffice and
fonts; Word replaces them with its own when the contents are updated (F9),
as the fields are real ``PAGEREF`` fields. Without LibreOffice and poppler's
``pdfinfo`` the option is refused, with a message saying so.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from outlookgen.errors import FeatureUnavailable, OutputError

DOCUMENT = "word/document.xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_TOC_ANCHOR = re.compile(r"_Toc\d{8}$")
MAX_PASSES = 4
TIMEOUT = 300  # seconds for one LibreOffice layout
INSTALL_HINT = (
    "--toc-pages needs LibreOffice (soffice) and poppler's pdfinfo where outlookgen runs "
    "(Debian and Ubuntu: apt-get install libreoffice-writer poppler-utils); without the option the "
    "contents list every heading and Word adds the page numbers when they are updated (F9)"
)


def tools() -> tuple[str, str]:
    """The soffice and pdfinfo programs, or FeatureUnavailable naming what is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdfinfo = shutil.which("pdfinfo")
    if not soffice or not pdfinfo:
        missing = " and ".join(name for name, found in (("soffice", soffice), ("pdfinfo", pdfinfo)) if not found)
        raise FeatureUnavailable(f"{missing} not found: {INSTALL_HINT}")
    return soffice, pdfinfo


def with_page_numbers(data: bytes) -> bytes:
    """The .docx ``data`` with page numbers in its contents (unchanged when it has no contents)."""
    from lxml import etree

    parts = _read(data)
    root = etree.fromstring(parts[DOCUMENT], etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    links = [h for h in root.iter(W + "hyperlink") if _TOC_ANCHOR.match(h.get(W + "anchor") or "")]
    if not links:
        return data
    soffice, pdfinfo = tools()
    for link in links:
        _append_page_field(link)
    pages: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="outlookgen-toc-") as folder:
        for attempt in range(1, MAX_PASSES + 1):
            for link in links:
                _set_page(link, pages.get(link.get(W + "anchor"), "0"))
            candidate = _rezip(data, parts, root)
            found = _bookmark_pages(candidate, Path(folder), attempt, soffice, pdfinfo)
            numbers = {}
            for link in links:
                page = found.get(link.get(W + "anchor"))
                if page is None:
                    raise OutputError(
                        f"--toc-pages: LibreOffice did not report the page of bookmark {link.get(W + 'anchor')}"
                    )
                numbers[link.get(W + "anchor")] = str(page)
            if numbers == pages:
                break  # the numbers written are the numbers LibreOffice lays out
            pages = numbers
    for link in links:
        _set_page(link, pages[link.get(W + "anchor")])
    return _rezip(data, parts, root)


def _append_page_field(link) -> None:
    """Tab, then ``PAGEREF <anchor> \\h`` with a cached result, as Word writes them (hidden on the web)."""
    from lxml import etree

    anchor = link.get(W + "anchor")
    hidden = "<w:rPr><w:webHidden/></w:rPr>"
    runs = (
        f"<w:r>{hidden}<w:tab/></w:r>"
        f'<w:r>{hidden}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{hidden}<w:instrText xml:space="preserve"> PAGEREF {anchor} \\h </w:instrText></w:r>'
        f'<w:r>{hidden}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{hidden}<w:t>0</w:t></w:r>"
        f'<w:r>{hidden}<w:fldChar w:fldCharType="end"/></w:r>'
    )
    for run in etree.fromstring(f'<w:x xmlns:w="{W_NS}">{runs}</w:x>'):
        link.append(run)


def _set_page(link, page: str) -> None:
    # The cached result is the one w:t after the field's "separate" mark.
    separate = False
    for node in link.iter(W + "fldChar", W + "t"):
        if node.tag == W + "fldChar":
            separate = node.get(W + "fldCharType") == "separate"
        elif separate:
            node.text = page
            return


def _read(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def _rezip(original: bytes, parts: dict[str, bytes], root) -> bytes:
    """The package with the new document part, in the same deterministic shape (order, time stamps, level)."""
    from lxml import etree

    from outlookgen.render.docx.package import write_zip

    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        stamp = archive.infolist()[0].date_time
    changed = dict(parts)
    changed[DOCUMENT] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_zip(changed, datetime(*stamp))


def _bookmark_pages(docx: bytes, folder: Path, attempt: int, soffice: str, pdfinfo: str) -> dict[str, int]:
    """The page each bookmark lands on in LibreOffice's layout of ``docx``."""
    source = folder / f"pass{attempt}.docx"
    source.write_bytes(docx)
    profile = folder / "profile"
    options = '{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
    _run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",  # a private profile: no lock shared with the user's
            "--headless",
            "--norestore",
            "--convert-to",
            f"pdf:writer_pdf_Export:{options}",
            "--outdir",
            str(folder),
            str(source),
        ],
        "LibreOffice",
    )
    pdf = source.with_suffix(".pdf")
    if not pdf.is_file():
        raise OutputError("--toc-pages: LibreOffice wrote no PDF for the document")
    listing = _run([pdfinfo, "-dests", str(pdf)], "pdfinfo")
    pages: dict[str, int] = {}
    for match in re.finditer(r'^\s*(\d+) \[.*?\] "(.*)"$', listing, re.M):
        name = match.group(2)
        if name.startswith("5FToc"):  # LibreOffice writes characters other than letters and digits in hex
            pages["_" + name[2:]] = int(match.group(1))
    return pages


def _run(command: list[str], what: str) -> str:
    """Run a tool in its own process group (LibreOffice starts helpers), ending the whole group on timeout."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise OutputError(f"--toc-pages: {what} did not finish within {TIMEOUT} s") from None
    if process.returncode != 0:
        last = (err or out).strip().splitlines()[-1:] or [f"exit code {process.returncode}"]
        raise OutputError(f"--toc-pages: {what} failed: {last[0][:200]}")
    return out
