"""The SDK's error tree and the mapping from Authing business codes to error families.

Authing answers most failures with HTTP 200 and a business code (``errors[].message.code`` for
GraphQL, ``code`` in the REST envelope). :func:`error_for` turns such a code -- or an HTTP status
when there is no code -- into the matching :class:`AuthingError` subclass. The code table is
generated from ``spec/`` into :mod:`aioauthing.generated.errors` (the only copy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "AccountStateError",
    "AlreadyExistsError",
    "AuthingError",
    "AuthingTimeoutError",
    "AuthingValidationError",
    "CaptchaRequiredError",
    "ExpiredTokenError",
    "InvalidAudienceError",
    "InvalidCredentialsError",
    "InvalidInputError",
    "InvalidIssuerError",
    "InvalidSignatureError",
    "InvalidVerificationCodeError",
    "MalformedTokenError",
    "MfaRequiredError",
    "NotFoundError",
    "NotLoggedInError",
    "OAuthError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ResponseDecodeError",
    "ServerError",
    "TokenExpiredError",
    "TokenVerificationError",
    "TransportError",
    "UnknownKeyError",
    "english_message",
    "error_for",
    "load_error_table",
]


class AuthingError(Exception):
    """Base of every error the SDK raises.

    ``str()`` shows the code, the message in English (from the spec's code table) next to
    Authing's own text when that is not English, and the operation name -- never request
    variables, headers or tokens: ``[2333] Wrong account or password (Authing: 账号或密码错误;
    operation=auth.login_by_email, http_status=200)``.
    """

    def __init__(
        self,
        code: int | None = None,
        message: str = "",
        http_status: int | None = None,
        operation: str | None = None,
        request_id: str | None = None,
        *,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.operation = operation
        self.request_id = request_id
        self.data = data
        """Extra payload from the server (``data`` of the envelope or GraphQL error)."""

    @property
    def english(self) -> str | None:
        """The code's message in English (spec ``errors.yaml`` key ``en``), if known."""
        return english_message(self.code)

    def __str__(self) -> str:
        text, context = self.message, []
        english = self.english if self.message and not self.message.isascii() else None
        if english:  # Authing answered in another language: English first, its own text kept
            text = english
            context.append(f"Authing: {self.message}")
        elif not text and self.code is not None:
            text = self.english or ""
        parts = [f"[{self.code}] {text}" if self.code is not None else text]
        if self.operation:
            context.append(f"operation={self.operation}")
        if self.http_status is not None:
            context.append(f"http_status={self.http_status}")
        if self.request_id:
            context.append(f"request_id={self.request_id}")
        if context:
            first = context.pop(0) if context[0].startswith("Authing: ") else None
            rest = ", ".join(context)
            parts.append(f"({first}; {rest})" if first and rest else f"({first or rest})")
        return " ".join(p for p in parts if p)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidCredentialsError(AuthingError):
    """Wrong account or password (2333, 2006)."""


class NotLoggedInError(AuthingError):
    """No valid token for a call that needs one (2020; also raised locally without sending)."""


class TokenExpiredError(NotLoggedInError):
    """The token has expired (2206)."""


class CaptchaRequiredError(AuthingError):
    """Too many failed attempts: a graphic captcha is required (2000)."""


class NotFoundError(AuthingError):
    """The addressed object does not exist (2004).

    After a batch call, ``missing`` names the items that do not exist (in the order given) when
    the SDK could tell; it is empty otherwise.
    """

    missing: tuple[str, ...] = ()


class AlreadyExistsError(AuthingError):
    """The object already exists (2026)."""


class InvalidVerificationCodeError(AuthingError):
    """The SMS / email verification code is wrong (2001)."""


class InvalidInputError(AuthingError):
    """The service rejected a value (format, length, batch size)."""


class AccountStateError(AuthingError):
    """The account cannot do this in its current state (locked, MFA needed, must reset...)."""


class MfaRequiredError(AccountStateError):
    """The login needs a second factor (code 1636): finish it with ``auth.mfa.verify_*``.

    ``mfa_token`` is the short-lived token to send as ``mfa_token=`` to the MFA calls;
    ``factors`` lists the application's MFA factors the answer offers (``"OTP"``, ``"SMS"``,
    ``"EMAIL"``, ``"FACE"``), in the order the service sorts them.
    """

    @property
    def mfa_token(self) -> str | None:
        """The MFA token of the answer (never shown in ``str``/``repr``)."""
        data = self.data if isinstance(self.data, dict) else {}
        token = data.get("mfaToken")
        return token if isinstance(token, str) else None

    @property
    def factors(self) -> list[str]:
        """The enabled factors of ``data.applicationMfa`` (their ``mfaPolicy``), sorted."""
        data = self.data if isinstance(self.data, dict) else {}
        entries = [e for e in data.get("applicationMfa") or [] if isinstance(e, dict)]
        enabled = [e for e in entries if e.get("status", 1) and e.get("mfaPolicy")]
        enabled.sort(key=lambda e: e.get("sort") or 0)
        return [str(e["mfaPolicy"]) for e in enabled]


class PermissionDeniedError(AuthingError):
    """The credential may not perform this operation."""


class RateLimitedError(AuthingError):
    """HTTP 429 after the retry budget was spent, or a ``Retry-After`` above the cap."""

    def __init__(
        self,
        code: int | None = None,
        message: str = "rate limited",
        http_status: int | None = 429,
        operation: str | None = None,
        request_id: str | None = None,
        *,
        data: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, http_status, operation, request_id, data=data)
        self.retry_after = retry_after
        """Seconds the server asked us to wait, if it said."""


class ServerError(AuthingError):
    """HTTP 5xx from the service."""


class TransportError(AuthingError):
    """The request could not be completed: connection refused, reset, protocol error."""


class AuthingTimeoutError(TransportError):
    """A connect/read/pool timeout, or the per-call total deadline, elapsed."""


class ResponseDecodeError(AuthingError):
    """The answer could not be decoded or did not match the expected model."""


class AuthingValidationError(AuthingError, ValueError):
    """A bad argument caught before anything was sent. Names the parameter, never its value."""

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(None, f"invalid parameter {parameter!r}: {problem}")
        self.parameter = parameter
        self.problem = problem


class OAuthError(AuthingError):
    """An OAuth 2.0 / OIDC endpoint refused the request (RFC 6749 §5.2 error answer).

    ``error`` holds the standard code (``invalid_grant``, ``invalid_client``, ``invalid_request``,
    ``unsupported_grant_type``, ``invalid_scope``...); ``message`` its ``error_description``.
    """

    def __init__(
        self,
        error: str,
        message: str = "",
        http_status: int | None = None,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(None, message or error, http_status, operation, request_id)
        self.error = error

    def __str__(self) -> str:
        return f"[{self.error}] {super().__str__()}"

    def __repr__(self) -> str:
        return f"OAuthError(error={self.error!r}, message={self.message!r})"


class TokenVerificationError(AuthingError):
    """Local JWT verification failed."""


class ExpiredTokenError(TokenVerificationError):
    """The JWT's ``exp`` is in the past (beyond the leeway)."""


class InvalidAudienceError(TokenVerificationError):
    """The JWT's ``aud`` does not match."""


class InvalidIssuerError(TokenVerificationError):
    """The JWT's ``iss`` does not match."""


class InvalidSignatureError(TokenVerificationError):
    """Bad signature or a disallowed algorithm (``none`` is never allowed)."""


class UnknownKeyError(InvalidSignatureError):
    """The JWT names a ``kid`` that the JWKS does not contain."""


class MalformedTokenError(TokenVerificationError):
    """Not a decodable JWT."""


def load_error_table() -> Mapping[int, tuple[str, str]]:
    """The code table generated from ``spec/errors.yaml``: code -> (family name, message)."""
    from aioauthing.generated.errors import ERROR_CODES

    return ERROR_CODES


def english_message(code: int | None) -> str | None:
    """The English message of an Authing error code (generated from ``spec/errors.yaml``)."""
    if code is None:
        return None
    from aioauthing.generated.errors import ERROR_MESSAGES_EN

    return ERROR_MESSAGES_EN.get(code)


def _family(name: str) -> type[AuthingError]:
    cls = globals().get(name)
    if isinstance(cls, type) and issubclass(cls, AuthingError):
        return cls
    return AuthingError


def _family_for_status(http_status: int | None) -> type[AuthingError]:
    if http_status is None:
        return AuthingError
    if http_status == 401:
        return NotLoggedInError
    if http_status == 403:
        return PermissionDeniedError
    if http_status == 404:
        return NotFoundError
    if http_status == 429:
        return RateLimitedError
    if http_status >= 500:
        return ServerError
    return AuthingError


def error_for(
    code: int | None,
    message: str | None = None,
    *,
    table: Mapping[int, tuple[str, str]] | None = None,
    http_status: int | None = None,
    operation: str | None = None,
    request_id: str | None = None,
    data: Any = None,
) -> AuthingError:
    """Build the typed error for a business ``code`` (or, without a known code, the HTTP status)."""
    codes = load_error_table() if table is None else table
    cls: type[AuthingError] = AuthingError
    default_message = ""
    entry = codes.get(code) if code is not None else None
    if entry is not None:
        cls = _family(entry[0])
        default_message = entry[1]
    if cls is AuthingError:
        cls = _family_for_status(http_status)
    if issubclass(cls, AuthingValidationError | TokenVerificationError):
        cls = AuthingError  # these families are local-only and have other constructors
    fallback = f"HTTP {http_status}" if http_status is not None else "unknown error"
    return cls(
        code,
        message or default_message or fallback,
        http_status,
        operation,
        request_id,
        data=data,
    )
