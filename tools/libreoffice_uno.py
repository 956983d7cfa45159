"""One private headless LibreOffice, driven over Python-UNO (used by ``tools/review_in_libreoffice.py``).

Python-UNO is Debian's ``python3-uno`` (libreoffice-common recommends it, so
``apt-get install libreoffice-writer-nogui`` brings it). Its ``pyuno.so`` is
built for the system Python (3.11 on Debian 12): run the tools with
``/usr/bin/python3``, or with another CPython of the same minor version, for
which ``/usr/lib/python3/dist-packages`` is put on ``sys.path`` here.

    with Office() as office:
        doc = office.load_model("in.docx")
        ...
        office.store(doc, "out.docx")
        doc.close(True)

Why a bare model: with Debian's ``libreoffice-writer-nogui`` (what CI
installs) Writer ships no ``.ui`` files, and inserting a comment into a
document that has a view makes soffice abort (the comment side bar cannot be
built: ``NoSuchElementException`` from ``Application::CreateInterimBuilder``,
"Signal 6"), hidden or not. A ``TextDocument`` loaded with ``load()`` has no
frame and no view, so no side bar. The price: no view cursor, no dispatcher
(``.uno:DeleteRows``) and no ``findFirst()`` (searching needs a layout), so
the review tool finds text itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

if "/usr/lib/python3/dist-packages" not in sys.path:  # a pyenv or venv interpreter
    sys.path.append("/usr/lib/python3/dist-packages")

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

WORD_FILTER = "MS Word 2007 XML"
PDF_FILTER = "writer_pdf_Export"


def props(**values) -> tuple:
    """UNO's argument lists (a tuple of PropertyValue) from keyword arguments."""
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name = name
        p.Value = value
        out.append(p)
    return tuple(out)


def url(path: str | os.PathLike) -> str:
    return uno.systemPathToFileUrl(os.path.abspath(path))


class Office:
    """``soffice --headless --accept=pipe,…`` with a throw-away user profile, connected over a named pipe.

    The profile is private, so nothing touches ~/.config/libreoffice and two
    runs never share a profile lock; the process gets its own session, and
    on exit exactly that process is asked to terminate (and killed by its
    handle if it does not within 10 s).
    """

    def __init__(self, soffice: str = "soffice", timeout: float = 60.0) -> None:
        self.soffice = soffice
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.profile = tempfile.mkdtemp(prefix="og-lo-profile-")
        self.pipe = f"og_lo_{os.getpid()}_{time.monotonic_ns()}"
        self._loaded = 0

    def __enter__(self) -> Office:
        command = [
            self.soffice,
            f"-env:UserInstallation={url(self.profile)}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]
        log = open(os.environ["LO_LOG"], "ab") if os.environ.get("LO_LOG") else subprocess.DEVNULL
        self.proc = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self.ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"{self.soffice} did not come up (set LO_LOG=FILE to see its output)") from None
                time.sleep(0.1)
        self.smgr = self.ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        return self

    def service(self, name: str, *arguments):
        if arguments:
            return self.smgr.createInstanceWithArgumentsAndContext(name, arguments, self.ctx)
        return self.smgr.createInstanceWithContext(name, self.ctx)

    def set_user_name(self, full_name: str) -> None:
        """LibreOffice's user name (Tools › Options › User Data): the author of every change recorded from now on."""
        given, _, family = full_name.partition(" ")
        provider = self.service("com.sun.star.configuration.ConfigurationProvider")
        update = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess", props(nodepath="/org.openoffice.UserProfile/Data")
        )
        update.setPropertyValue("givenname", given)
        update.setPropertyValue("sn", family)
        update.commitChanges()

    def load_model(self, path: str | os.PathLike):
        """A Writer document as a model only (no frame, no view: see the module's docstring).

        LibreOffice opens a copy inside the throw-away profile: it writes a
        ``.~lock.NAME#`` file beside what it opens, which must not land in
        the caller's folder.
        """
        self._loaded += 1
        work = os.path.join(self.profile, f"in{self._loaded}", os.path.basename(path))
        os.makedirs(os.path.dirname(work))
        shutil.copyfile(path, work)
        doc = self.service("com.sun.star.text.TextDocument")
        doc.load(props(URL=url(work), FilterName=WORD_FILTER))
        return doc

    def load_view(self, path: str | os.PathLike):
        """A document opened with a hidden view (what PDF export needs); never one that holds comments."""
        doc = self.desktop.loadComponentFromURL(url(path), "_blank", 0, props(Hidden=True, UpdateDocMode=0))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {path}")
        return doc

    def store(self, doc, path: str | os.PathLike, filter_name: str = WORD_FILTER, **extra) -> None:
        """Save ``doc`` as ``path``: written inside the profile, then moved (a stale lock file beside
        ``path``, left by a soffice that died, would make LibreOffice refuse to overwrite it)."""
        work = os.path.join(self.profile, "out", os.path.basename(path))
        os.makedirs(os.path.dirname(work), exist_ok=True)
        doc.storeToURL(url(work), props(FilterName=filter_name, Overwrite=True, **extra))
        shutil.move(work, path)

    def __exit__(self, *exc) -> None:
        try:
            if self.proc and self.proc.poll() is None:
                try:
                    if getattr(self, "desktop", None) is not None:
                        self.desktop.terminate()
                except Exception:
                    pass  # the bridge goes down with the process: expected
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()  # only the process started here, by its handle
                    self.proc.wait()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
