"""The base class of every generated API class: the members generated code may call."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from . import custom_data
from .chunking import chunked
from .core import Core
from .errors import AuthingError, AuthingValidationError, NotFoundError
from .missing import absent, name_missing, unique
from .operation import Operation

__all__ = ["ApiBase", "token_user_id"]


def token_user_id(token: str | None) -> str | None:
    """The user id a token names (``sub``, else ``data.id``), read without verifying it: the
    service checks the token itself on the call that uses the id."""
    if not token:
        return None
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return None
    if not isinstance(claims, dict):
        return None
    data = claims.get("data")
    value = claims.get("sub") or (data.get("id") if isinstance(data, dict) else None)
    return value if isinstance(value, str) and value else None


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
    ) -> Any:
        """Send ``op`` through the core with this view's token; see :meth:`Core.execute`."""
        keys = self._core.keys
        if keys.outstanding:  # secrets encrypted before the host's key was known: encrypt them now
            fetch = self._core._fetch_json
            variables = await keys.resolve(variables, fetch)
            body = await keys.resolve(body, fetch)
        return await self._core.execute(
            op,
            token=self._token,
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

    def _view_value(self, option: str, parameter: str) -> str:
        """A parameter left out on a per-user view (spec ``view:``): ``user_id`` is the signed-in
        user's id read from the view's token, ``app_id`` the client's ``app_id``."""
        value = self._core.app_id if option == "app_id" else token_user_id(self._token)
        if not value:
            source = "the client has no app_id" if option == "app_id" else "no user in the token"
            raise AuthingValidationError(parameter, f"is required ({source} to take it from)")
        return value

    def _encode_custom(self, key: str, value: Any) -> str | None:
        """A custom data value's wire text, checked against the key's type when known."""
        return custom_data.encode(key, value, self._core.converter.known_types.get(key))

    def _encode_custom_map(self, values: Mapping[str, Any]) -> str:
        """``{key: value}`` custom data (spec ``udv: map``) as the JSON text ``[{key, value}]``."""
        return custom_data.encode_map(values, self._core.converter.known_types)

    def _encrypt(self, plaintext: str) -> Any:
        """RSA PKCS#1 v1.5 + base64 with the client's public key (a :class:`PendingSecret`
        encrypted by :meth:`_execute` while the host's key is still to be discovered)."""
        return self._core.keys.encrypt(plaintext)

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
