"""Type aliases: a tagger's entity types linked under a linker's own (``Medication`` as
``Chemical``), checked where they are set and where a saved linker is read.

An alias may name several types in order (``Diagnostic_procedure`` as ``Procedure``, then
``Measure``, then ``Chemical``): the first is the mention's own; the others are looked up in
the dictionary only, when the first type's dictionary has no name for the mention, so a test
named by what it measures ("creatinine", "sodium level", "pH") gets the id of that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import ParameterError


def alias_chain(target) -> tuple[str, ...]:
    """An alias's types in the order they are tried: ``"Chemical"`` or ``["Procedure", "Measure"]``."""
    return (target,) if isinstance(target, str) else tuple(target)


def _is_chain(target) -> bool:
    if isinstance(target, str):
        return True
    return isinstance(target, (list, tuple)) and bool(target) and all(isinstance(t, str) for t in target) and len(set(target)) == len(target)


def check_type_aliases(aliases, types: Sequence[str]) -> None:
    """Raise :class:`~crfner.errors.ParameterError` (a ValueError) unless ``aliases`` is None or
    maps type names to a type, or a list of distinct types, in ``types``."""
    if aliases is None:
        return
    if not isinstance(aliases, Mapping):
        raise ParameterError(f"type_aliases must map type names to a type name or a list of distinct type names "
                             f"(a {type(aliases).__name__} was given)")
    bad = next(((k, v) for k, v in aliases.items() if not (isinstance(k, str) and _is_chain(v))), None)
    if bad is not None:
        raise ParameterError(f"type_aliases must map type names to a type name or a list of distinct type names, "
                             f"not {bad[0]!r} to {bad[1]!r}")
    unknown = sorted({t for v in aliases.values() for t in alias_chain(v) if t not in types})
    if unknown:
        raise ParameterError(f"type_aliases name {', '.join(unknown)}, which the linker has no names for "
                             f"(its types: {', '.join(types) or 'none'})")
