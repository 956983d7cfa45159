"""``outlookgen export`` and ``outlookgen import`` as the commands see them: files in, files out, located errors.

Exports read the spec through the pipeline (validated, modelled, its
baseline read) and write MS Project XML or the PMO workbook beside it.
Imports read an untrusted file — size-bounded, parsed safely, every
problem a ``file:line:col`` error — and write a new spec, or take its
progress and actual dates into an existing one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from outlookgen.errors import Diagnostic, FeatureUnavailable, OutlookgenError, SpecError
from outlookgen.output import files as writer
from outlookgen.project.pipeline import load_outlook

__all__ = ["EXPORT_FORMATS", "MAX_IMPORT_BYTES", "export_plan", "import_plan", "update_spec_from"]

EXPORT_FORMATS = {"mspdi": ".xml", "xlsx": ".xlsx"}
MAX_IMPORT_BYTES = 50 * 1024 * 1024
_EXCHANGE_EXTRA = "pip install 'outlookgen[exchange]'"


def _need(module: str, what: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise FeatureUnavailable(f"{what} needs the exchange extra: {_EXCHANGE_EXTRA}")


def export_plan(
    spec: Path, fmt: str, output: Path | None = None, *, pack: str | None = None, locale: str | None = None
) -> Path:
    """Write ``spec`` as MS Project XML (``mspdi``) or the PMO workbook (``xlsx``); the file written."""
    if fmt == "xlsx":
        _need("xlsxwriter", "-f xlsx")
    loaded = load_outlook(spec)
    outlook = loaded.outlook
    if outlook.roadmap.start is None:
        file, line, column = loaded.spec.locate(("roadmap",))
        raise SpecError(
            diagnostics=[
                Diagnostic(file, line, column, "roadmap", "an export needs dates: set roadmap.start (the first day)")
            ]
        )
    suffix = EXPORT_FORMATS[fmt]
    if output is None:
        output = spec.with_name(writer.output_name(spec, suffix))
    elif output.is_dir():
        output = output / writer.output_name(spec, suffix)
    inputs = [(spec, "the spec"), *((Path(f), "the included file") for f in loaded.spec.includes)]
    inputs += [(Path(f), "the baseline") for f in loaded.baseline_files]
    writer.refuse_overwriting_inputs(output, spec, inputs)
    if fmt == "mspdi":
        from outlookgen.exchange.mspdi import mspdi

        data = mspdi(outlook, loaded.spec.data)
    else:
        data = _workbook(loaded, pack, locale)
    writer.commit({output: data})
    return output


def _workbook(loaded, pack_name: str | None, locale: str | None) -> bytes:
    from outlookgen.exchange.xlsx import workbook
    from outlookgen.packs import resolve_pack
    from outlookgen.packs.brand import load_brand
    from outlookgen.render.markup import parse_inline, plain_text

    outlook = loaded.outlook
    pack = resolve_pack(pack_name)
    brand = load_brand(pack)
    language = locale or outlook.meta.locale

    def plain(text: str | None) -> str:
        return " ".join(plain_text(parse_inline(text)).split()) if text else ""

    return workbook(
        outlook, loaded.spec.data, pack.labels(language), brand.colors, brand.phases, locale=language, plain=plain
    )


def _read(path: Path) -> bytes:
    from outlookgen.fileio import NotARegularFile, TooLarge, read_bounded

    shown = str(path)
    try:
        return read_bounded(path, MAX_IMPORT_BYTES)
    except (FileNotFoundError, NotADirectoryError):
        message = "no such file"
    except NotARegularFile:
        message = "is not a regular file"
    except TooLarge:
        message = f"is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB, the most an import reads"
    except PermissionError:
        message = "permission denied"
    raise OutlookgenError(diagnostics=[Diagnostic(shown, 1, 1, "$", message)])


def _reader(path: Path, raw: bytes) -> Callable[[bytes, str], object]:
    """The reader for a file, by its content first (a workbook is a zip, MSPDI is XML), then its name."""
    suffix = path.suffix.lower()
    if raw.startswith(b"PK\x03\x04"):
        _need("openpyxl", "importing a workbook")
        from outlookgen.exchange.xlsx import read_task_sheet

        return read_task_sheet
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or suffix == ".xml":
        from outlookgen.exchange.mspdi import read_mspdi

        return read_mspdi
    if suffix in (".csv", ".txt", ".tsv"):
        from outlookgen.exchange.xlsx import read_csv

        return read_csv
    if suffix in (".mpp", ".mpt"):
        raise OutlookgenError(
            diagnostics=[
                Diagnostic(
                    str(path), 1, 1, "$", "a binary .mpp file: in MS Project, save it as XML (File › Save As › XML)"
                )
            ]
        )
    raise OutlookgenError(
        diagnostics=[Diagnostic(str(path), 1, 1, "$", "not MS Project XML, an .xlsx workbook or a CSV file")]
    )


def read_plan(path: Path):
    """The plan in an MS Project XML file, a workbook or a CSV; located errors for anything unreadable."""
    from outlookgen.exchange.mspdi import MspdiProblem
    from outlookgen.exchange.xlsx import WorkbookProblem

    raw = _read(path)
    reader = _reader(path, raw)
    try:
        return reader(raw, path.name)
    except MspdiProblem as exc:
        raise OutlookgenError(diagnostics=[Diagnostic(str(path), exc.line, exc.column, "$", str(exc))]) from None
    except WorkbookProblem as exc:
        raise OutlookgenError(diagnostics=[Diagnostic(str(path), exc.row, exc.column, "$", str(exc))]) from None


def import_plan(source: Path, output: Path) -> tuple[Path, int]:
    """Write the spec for ``source`` to ``output``; (the spec written, tasks and milestones in it)."""
    _need("ruamel.yaml", "outlookgen import")
    from outlookgen.exchange.importing import ImportProblem, spec_from_plan

    plan = read_plan(source)
    if output.is_dir():
        output = output / (source.stem + ".yaml")
    writer.refuse_overwriting_inputs(output, source, [(source, "the file imported")])
    try:
        text = spec_from_plan(plan)
    except ImportProblem as exc:
        raise OutlookgenError(diagnostics=[Diagnostic(str(source), exc.line, 1, "$", str(exc))]) from None
    writer.commit({output: text.encode("utf-8")})
    return output, len(plan.tasks)


def update_spec_from(source: Path, spec: Path) -> tuple[list, list[str]]:
    """Take ``source``'s progress and actual dates into ``spec`` (rewritten in place); (changes, unmatched)."""
    _need("ruamel.yaml", "outlookgen import --update")
    from outlookgen.exchange.importing import update_spec

    plan = read_plan(source)
    loaded = load_outlook(spec)
    if loaded.spec.includes:
        file, line, column = loaded.spec.locate(("include",))
        raise SpecError(
            diagnostics=[
                Diagnostic(
                    file,
                    line,
                    column,
                    "include",
                    "--update rewrites one file: this spec takes tasks from include: fragments; update those by hand",
                )
            ]
        )
    text = spec.read_text(encoding="utf-8-sig")
    names = {task.id: task.name for task in loaded.outlook.roadmap.tasks}
    new_text, changes, unmatched = update_spec(text, plan, valid_ids=names)
    if changes:
        _check_still_valid(spec, new_text)
        writer.commit({spec: new_text.encode("utf-8")})
    return changes, unmatched


def _check_still_valid(spec: Path, text: str) -> None:
    """The updated spec must still validate (an actual date past the horizon, say) before it replaces the file."""
    from outlookgen.spec.loader import load_text
    from outlookgen.spec.validate import validate

    problems = validate(load_text(text, str(spec)))
    if problems:
        raise SpecError(diagnostics=problems)
