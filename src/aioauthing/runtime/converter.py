"""The cattrs converter that maps generated attrs models to and from wire dicts.

* Wire names come from each attrs field's ``metadata["wire"]`` (one hook factory, lazy hooks).
* Unknown keys are ignored; in strict mode they are an error.
* ``StrEnum | str`` unions keep unknown enum values as plain ``str``; in strict mode they fail.
* Fields left at :data:`~aioauthing.runtime.operation.UNSET` are omitted when unstructuring.
* Models with custom data roles (``metadata["udv"]``: ``key``, ``type``, ``value``, ``target``)
  decode values by their data type when structured, learn field types into ``known_types``, and
  encode values (checked against a known type) when unstructured (:mod:`.custom_data`).
* The fast converter runs with ``detailed_validation=False``; only when structuring fails is the
  payload re-run through a detailed twin, so the error names every bad path.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from . import custom_data
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
        self.known_types = custom_data.KnownTypes()
        """User field key -> data type, as seen in definitions and values this client read."""
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


def udv_roles(cls: type[Any]) -> dict[str, str]:
    """Custom data role -> wire name of the field playing it (empty for other models)."""
    return {f.metadata["udv"]: wire_name(f) for f in attrs.fields(cls) if "udv" in f.metadata}


def _configure(conv: WireConverter) -> None:
    strict = conv.strict

    def structure_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        overrides: dict[str, Any] = {
            f.name: override(rename=wire_name(f)) for f in attrs.fields(cls)
        }
        plain = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=strict,
            _cattrs_detailed_validation=conv.detailed_validation,
            **overrides,
        )
        roles = udv_roles(cls)
        if "type" not in roles:
            return plain
        key_w, type_w = roles["key"], roles["type"]
        value_w, target_w = roles.get("value"), roles.get("target")

        def typed(obj: Any, cl: Any) -> Any:
            if isinstance(obj, Mapping):
                key, data_type = obj.get(key_w), obj.get(type_w)
                user_field = target_w is None or obj.get(target_w) == "USER"
                if isinstance(key, str) and data_type is not None and user_field:
                    conv.known_types.learn(key, data_type)
                if value_w is not None and value_w in obj:
                    obj = dict(obj)
                    obj[value_w] = custom_data.decode(obj[value_w], data_type, strict=strict)
            return plain(obj, cl)

        return typed

    def unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        overrides: dict[str, Any] = {
            f.name: override(rename=wire_name(f), omit_if_default=f.default is UNSET)
            for f in attrs.fields(cls)
        }
        plain = make_dict_unstructure_fn(cls, conv, **overrides)
        roles = udv_roles(cls)
        if "value" not in roles or "type" in roles:
            return plain
        key_w, value_w = roles["key"], roles["value"]

        def encoded(obj: Any) -> dict[str, Any]:
            wire = plain(obj)
            if value_w in wire:
                key = wire.get(key_w)
                known = conv.known_types.get(key) if isinstance(key, str) else None
                wire[value_w] = custom_data.encode(str(key), wire[value_w], known)
            return wire

        return encoded

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
    for scalar in (str, int, float, bool):
        # cattrs answers ``X | None`` with a dispatch per value (``_structure_optional``, then
        # ``X(value)``); this hook does the same in one call: None stays None, a value of the
        # exact type is kept, anything else is converted as cattrs would (``X(value)``).
        hook = _optional_scalar(scalar)
        conv.register_structure_hook(scalar | None, hook)
        conv.register_structure_hook(typing.Optional[scalar], hook)  # noqa: UP045
    conv.register_structure_hook(custom_data.CustomValue, lambda value, _: value)
    conv.register_unstructure_hook(custom_data.CustomInput, lambda value: value)
    conv.register_unstructure_hook(Unset, lambda _: None)
    conv.register_unstructure_hook(enum.StrEnum, lambda value: value.value)
    conv.register_unstructure_hook(enum.Enum, lambda value: value.value)


def _optional_scalar(scalar: type[Any]) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        if value is None or type(value) is scalar:
            return value
        return scalar(value)

    return hook


def make_converter(strict: bool = False) -> WireConverter:
    """Build the converter: tolerant (fast path) by default, strict + detailed for tests."""
    return WireConverter(strict=strict, detailed=strict)
