"""GraphQL type references (``String!``, ``[User!]``) and how they map to Python."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TYPE_RE = re.compile(r"^\s*(\[)?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!)?\s*(\])?\s*(!)?\s*$")

SCALARS: dict[str, str] = {
    "String": "str",
    "Int": "int",
    "Float": "float",
    "Boolean": "bool",
    "ID": "str",
}
"""Built-in GraphQL scalars and their Python types. Custom scalars (``scalars:``) map to ``Any``."""


@dataclass(frozen=True)
class TypeRef:
    """A named type, optionally wrapped once in a list, with nullability at each level."""

    name: str
    non_null: bool
    is_list: bool = False
    item_non_null: bool = False

    @classmethod
    def parse(cls, text: str) -> TypeRef:
        m = _TYPE_RE.match(text)
        if not m or bool(m.group(1)) != bool(m.group(4)):
            raise ValueError(f"not a GraphQL type reference: {text!r}")
        if m.group(1):
            return cls(
                name=m.group(2),
                non_null=bool(m.group(5)),
                is_list=True,
                item_non_null=bool(m.group(3)),
            )
        if m.group(5):
            raise ValueError(f"not a GraphQL type reference: {text!r}")
        return cls(name=m.group(2), non_null=bool(m.group(3)))

    def __str__(self) -> str:
        inner = self.name + ("!" if (self.item_non_null if self.is_list else self.non_null) else "")
        if self.is_list:
            return f"[{inner}]" + ("!" if self.non_null else "")
        return inner

    def nullable(self) -> TypeRef:
        return TypeRef(self.name, False, self.is_list, self.item_non_null)
