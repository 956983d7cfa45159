"""Where outlookgen keeps what it may throw away: build manifests and compiled templates."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``OUTLOOKGEN_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``)/outlookgen."""
    explicit = os.environ.get("OUTLOOKGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "outlookgen"
