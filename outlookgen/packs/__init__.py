"""Template packs: finding them and their ``extends:`` chain, their files, labels and brand, the
sandbox their templates run in, and the checks that keep a stranger's pack harmless.

The names most callers need are here: :class:`Pack`, :func:`resolve_pack`,
:func:`known_packs` (defined in :mod:`outlookgen.packs.pack`).
"""

from outlookgen.packs.pack import DEFAULT_PACK, ENTRY_POINT_GROUP, Pack, known_packs, resolve_pack

__all__ = ["DEFAULT_PACK", "ENTRY_POINT_GROUP", "Pack", "known_packs", "resolve_pack"]
