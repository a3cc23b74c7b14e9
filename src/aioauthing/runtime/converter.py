"""The cattrs converter that maps generated attrs models to and from wire dicts.

* Wire names come from each attrs field's ``metadata["wire"]`` (one hook factory, lazy hooks).
* Unknown keys are ignored; in strict mode they are an error.
* ``StrEnum | str`` unions keep unknown enum values as plain ``str``; in strict mode they fail.
* Fields left at :data:`~aioauthing.runtime.operation.UNSET` are omitted when unstructuring.
* The fast converter runs with ``detailed_validation=False``; only when structuring fails is the
  payload re-run through a detailed twin, so the error names every bad path.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .errors import ResponseDecodeError
from .operation import UNSET, Unset

__all__ = ["WireConverter", "make_converter", "wire_name"]

T = TypeVar("T")


def wire_name(field: attrs.Attribute[Any]) -> str:
    """The key a field has on the wire (``metadata["wire"]``, else the attribute name)."""
    name = field.metadata.get("wire")
    return name if isinstance(name, str) else field.name


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(tp)
    return None


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum) and tp is not Unset


def _is_special_union(tp: Any) -> bool:
    args = _union_args(tp)
    if args is None:
        return False
    return Unset in args or any(_is_enum(a) for a in args)


class WireConverter(cattrs.Converter):
    """A converter whose :meth:`structure` falls back to a detailed re-run on failure."""

    def __init__(self, *, strict: bool, detailed: bool) -> None:
        super().__init__(detailed_validation=detailed, forbid_extra_keys=strict)
        self.strict = strict
        self._detailed_twin: WireConverter | None = None
        _configure(self)

    def structure(self, obj: Any, cl: Any) -> Any:
        """Structure ``obj`` into ``cl``; failures raise :class:`ResponseDecodeError`."""
        try:
            return super().structure(obj, cl)
        except Exception as exc:
            raise self._explain(obj, cl, exc) from None

    def _explain(self, obj: Any, cl: Any, exc: Exception) -> ResponseDecodeError:
        detailed: cattrs.Converter = self
        if not self.detailed_validation:
            if self._detailed_twin is None:
                self._detailed_twin = WireConverter(strict=self.strict, detailed=True)
            detailed = self._detailed_twin
        try:
            cattrs.Converter.structure(detailed, obj, cl)
        except Exception as detailed_exc:
            exc = detailed_exc
        name = getattr(cl, "__name__", str(cl))
        if isinstance(exc, ClassValidationError):
            problems = "; ".join(cattrs.transform_error(exc, path="$"))
        else:
            problems = f"{type(exc).__name__}: {exc}"
        return ResponseDecodeError(None, f"cannot decode {name}: {problems}")


def _configure(conv: WireConverter) -> None:
    strict = conv.strict

    def structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        overrides: dict[str, Any] = {
            f.name: override(rename=wire_name(f)) for f in attrs.fields(cls)
        }
        return make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=strict,
            _cattrs_detailed_validation=conv.detailed_validation,
            **overrides,
        )

    def unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        overrides: dict[str, Any] = {
            f.name: override(rename=wire_name(f), omit_if_default=f.default is UNSET)
            for f in attrs.fields(cls)
        }
        return make_dict_unstructure_fn(cls, conv, **overrides)

    def union_factory(tp: Any) -> Callable[[Any, Any], Any]:
        args = _union_args(tp) or ()
        rest = tuple(a for a in args if a is not Unset)
        enums = [a for a in rest if _is_enum(a)]
        others = [a for a in rest if not _is_enum(a) and a is not type(None)]
        allow_none = type(None) in rest
        keep_str = str in others and not strict
        fallback: Any = None
        if others and not enums:
            fallback = others[0] if len(others) == 1 else typing.Union[tuple(others)]  # noqa: UP007

        def hook(value: Any, _: Any) -> Any:
            if value is UNSET:
                return UNSET
            if value is None and allow_none:
                return None
            for enum_cls in enums:
                try:
                    return enum_cls(value)
                except ValueError:
                    continue
            if enums:
                if keep_str and isinstance(value, str):
                    return value
                raise ValueError(f"{value!r} is not a known value of {enums[0].__name__}")
            if fallback is None:
                raise ValueError("no value expected")
            return conv.structure(value, fallback)

        return hook

    conv.register_structure_hook_factory(attrs.has, structure_factory)
    conv.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    conv.register_structure_hook_factory(_is_special_union, union_factory)
    conv.register_unstructure_hook_factory(
        _is_special_union, lambda _: lambda value: conv.unstructure(value)
    )
    conv.register_unstructure_hook(Unset, lambda _: None)
    conv.register_unstructure_hook(enum.StrEnum, lambda value: value.value)
    conv.register_unstructure_hook(enum.Enum, lambda value: value.value)


def make_converter(strict: bool = False) -> WireConverter:
    """Build the converter: tolerant (fast path) by default, strict + detailed for tests."""
    return WireConverter(strict=strict, detailed=strict)
