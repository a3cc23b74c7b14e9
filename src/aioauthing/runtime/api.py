"""The base class of every generated API class: the members generated code may call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from . import custom_data
from .chunking import chunked
from .core import Core
from .errors import AuthingError, NotFoundError
from .missing import absent, name_missing, unique
from .operation import Operation

__all__ = ["ApiBase"]

T = TypeVar("T")


class ApiBase:
    """Binds a :class:`Core` and, for per-user views, the user's token."""

    def __init__(self, core: Core, token: str | None = None) -> None:
        self._core = core
        self._token = token

    async def _execute(
        self,
        op: Operation,
        *,
        variables: Mapping[str, Any] | None = None,
        path_params: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        files: Any = None,
        bearer: str | None = None,
    ) -> Any:
        """Send ``op`` through the core with this view's token (or ``bearer``, a token the call
        was given, such as an MFA token: spec ``in: bearer``); see :meth:`Core.execute`."""
        return await self._core.execute(
            op,
            token=self._token if bearer is None else bearer,
            variables=variables,
            path_params=path_params,
            query=query,
            body=body,
            files=files,
        )

    def _structure(self, data: Any, cls: type[T]) -> T:
        """Wire data -> model, with the client's converter (tolerant unless strict)."""
        result: T = self._core.converter.structure(data, cls)
        return result

    def _unstructure(self, obj: Any) -> Any:
        """Model -> wire dict (camelCase keys, ``UNSET`` omitted, enums as values)."""
        return self._core.converter.unstructure(obj)

    async def _name_missing(
        self, error: NotFoundError, asked: object, lookup: Operation, wire: str, size: int
    ) -> None:
        """After a batch failed with ``error``, look ``asked`` up with ``lookup`` (a batch read of
        ``size`` per request) and name the items that do not exist on ``error.missing``.

        A failing lookup leaves ``error`` as it was: the batch's own error is what matters.
        """
        if isinstance(asked, str) or not isinstance(asked, Sequence):
            return  # not given (UNSET)
        ids = unique(asked)

        async def read(part: list[str]) -> list[Any]:
            found = await self._execute(lookup, variables={wire: part})
            return found if isinstance(found, list) else []

        try:
            found = await chunked(ids, size, read)
        except AuthingError:
            return
        name_missing(error, absent(ids, found, "id"))

    def _encode_custom(self, key: str, value: Any) -> str | None:
        """A custom data value's wire text, checked against the key's type when known."""
        return custom_data.encode(key, value, self._core.converter.known_types.get(key))

    def _encode_custom_map(self, values: Mapping[str, Any]) -> str:
        """``{key: value}`` custom data (spec ``udv: map``) as the JSON text ``[{key, value}]``."""
        return custom_data.encode_map(values, self._core.converter.known_types)

    def _encrypt(self, plaintext: str) -> str:
        """RSA PKCS#1 v1.5 + base64 with the client's public key."""
        return self._core.encryptor.encrypt(plaintext)

    # -- remember mode hooks (no-ops unless the client was made with ``remember=...``) ---------

    async def _session_login(self, result: Any) -> None:
        """A ``session: login`` operation returned ``result`` (a user, maybe with a token)."""
        memory = self._core.remembered
        if memory is not None and result is not None:
            await memory.logged_in(getattr(result, "token", None))

    async def _session_renew(self, result: Any) -> None:
        """A ``session: renew`` operation replaced this view's token with ``result.token``."""
        memory = self._core.remembered
        if memory is not None and result is not None:
            await memory.renewed(self._token, getattr(result, "token", None))

    async def _session_end(self) -> None:
        """A ``session: end`` operation (logout, account deletion) ended this view's token."""
        memory = self._core.remembered
        if memory is not None:
            await memory.ended(self._token)

    def __repr__(self) -> str:
        user = ", token=***" if self._token else ""
        return f"{type(self).__name__}(base_url={self._core.base_url!r}{user})"
