"""Type aliases: a tagger's entity types linked under a linker's own (``Medication`` as
``Chemical``), checked where they are set and where a saved linker is read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import ParameterError


def check_type_aliases(aliases, types: Sequence[str]) -> None:
    """Raise :class:`~crfner.errors.ParameterError` (a ValueError) unless ``aliases`` is None or
    maps type names to types in ``types``."""
    if aliases is None:
        return
    if not isinstance(aliases, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
        raise ParameterError(f"type_aliases must map type names to type names (a {type(aliases).__name__} was given)")
    unknown = sorted({v for v in aliases.values() if v not in types})
    if unknown:
        raise ParameterError(f"type_aliases name {', '.join(unknown)}, which the linker has no names for "
                             f"(its types: {', '.join(types) or 'none'})")
