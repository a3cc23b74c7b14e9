"""aioauthing: an asyncio-native SDK for the Authing V2 identity API.

Names load on first use (PEP 562): ``import aioauthing`` stays cheap however large the generated
surface grows, while type checkers and IDEs still see every name.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"


class _DeferredHttpxCli(types.ModuleType):
    """Stands in for ``httpx._main`` until something uses it.

    ``import httpx`` imports its command-line module, and with it rich, click and pygments,
    whenever they are installed (``aioauthing[cli]`` installs them): tens of milliseconds that no
    SDK user needs. The first attribute asked of this stand-in loads the real module in its place.
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system probing (__path__, ...): not a use
            raise AttributeError(name)
        _HttpxCliFinder.active = False
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        return getattr(real, name)


class _HttpxCliFinder:
    """Answers the import of ``httpx._main`` (and nothing else) with the stand-in, only when
    httpx imports it: until then nothing is added to ``sys.modules``.

    A finder and loader by protocol, not by ``importlib.abc`` (whose import loads
    ``importlib.resources``, pathlib and zipfile: a tenth of ``import aioauthing``)."""

    active = True

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "httpx._main" or not _HttpxCliFinder.active:
            return None
        # typeshed's LoaderProtocol also wants load_module, the deprecated loader method
        return importlib.util.spec_from_loader(name, self)  # type: ignore[arg-type]

    def create_module(self, spec: Any) -> types.ModuleType:
        return _DeferredHttpxCli(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        def main(*args: Any, **kwargs: Any) -> Any:
            return module.__getattr__("main")(*args, **kwargs)

        module.main = main  # type: ignore[attr-defined]


if "httpx" not in sys.modules:  # once httpx is loaded there is nothing to save
    sys.meta_path.insert(0, _HttpxCliFinder())

if TYPE_CHECKING:
    from aioauthing.generated import models
    from aioauthing.runtime.clients import AuthenticationClient, ManagementClient, UserSession
    from aioauthing.runtime.errors import (
        AccountStateError,
        AlreadyExistsError,
        AuthingError,
        AuthingTimeoutError,
        AuthingValidationError,
        CaptchaRequiredError,
        InvalidCredentialsError,
        InvalidVerificationCodeError,
        MfaRequiredError,
        NotFoundError,
        NotLoggedInError,
        OAuthError,
        PermissionDeniedError,
        RateLimitedError,
        ServerError,
        TokenExpiredError,
        TransportError,
    )
    from aioauthing.runtime.jwt import TokenClaims
    from aioauthing.runtime.operation import UNSET, Unset
    from aioauthing.runtime.password import PasswordSecurityLevel, compute_password_security_level
    from aioauthing.runtime.raw import capture_raw
    from aioauthing.runtime.redis_store import RedisTokenStore
    from aioauthing.runtime.tokens import FileTokenStore, MemoryTokenStore, TokenStore

_EXPORTS: dict[str, str] = {
    "AuthenticationClient": "aioauthing.runtime.clients",
    "ManagementClient": "aioauthing.runtime.clients",
    "UserSession": "aioauthing.runtime.clients",
    "AccountStateError": "aioauthing.runtime.errors",
    "AlreadyExistsError": "aioauthing.runtime.errors",
    "AuthingError": "aioauthing.runtime.errors",
    "AuthingTimeoutError": "aioauthing.runtime.errors",
    "AuthingValidationError": "aioauthing.runtime.errors",
    "CaptchaRequiredError": "aioauthing.runtime.errors",
    "InvalidCredentialsError": "aioauthing.runtime.errors",
    "InvalidVerificationCodeError": "aioauthing.runtime.errors",
    "MfaRequiredError": "aioauthing.runtime.errors",
    "NotFoundError": "aioauthing.runtime.errors",
    "NotLoggedInError": "aioauthing.runtime.errors",
    "OAuthError": "aioauthing.runtime.errors",
    "PermissionDeniedError": "aioauthing.runtime.errors",
    "RateLimitedError": "aioauthing.runtime.errors",
    "ServerError": "aioauthing.runtime.errors",
    "TokenExpiredError": "aioauthing.runtime.errors",
    "TransportError": "aioauthing.runtime.errors",
    "TokenClaims": "aioauthing.runtime.jwt",
    "UNSET": "aioauthing.runtime.operation",
    "Unset": "aioauthing.runtime.operation",
    "PasswordSecurityLevel": "aioauthing.runtime.password",
    "compute_password_security_level": "aioauthing.runtime.password",
    "capture_raw": "aioauthing.runtime.raw",
    "RedisTokenStore": "aioauthing.runtime.redis_store",
    "FileTokenStore": "aioauthing.runtime.tokens",
    "MemoryTokenStore": "aioauthing.runtime.tokens",
    "TokenStore": "aioauthing.runtime.tokens",
}

__all__ = [
    "UNSET",
    "AccountStateError",
    "AlreadyExistsError",
    "AuthenticationClient",
    "AuthingError",
    "AuthingTimeoutError",
    "AuthingValidationError",
    "CaptchaRequiredError",
    "FileTokenStore",
    "InvalidCredentialsError",
    "InvalidVerificationCodeError",
    "ManagementClient",
    "MemoryTokenStore",
    "MfaRequiredError",
    "NotFoundError",
    "NotLoggedInError",
    "OAuthError",
    "PasswordSecurityLevel",
    "PermissionDeniedError",
    "RateLimitedError",
    "RedisTokenStore",
    "ServerError",
    "TokenClaims",
    "TokenExpiredError",
    "TokenStore",
    "TransportError",
    "Unset",
    "UserSession",
    "capture_raw",
    "compute_password_security_level",
    "models",
]


def __getattr__(name: str) -> Any:
    if name == "models":
        return importlib.import_module("aioauthing.generated.models")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aioauthing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
