"""Business errors of the emulator: the Authing V2 error codes and their messages."""

from __future__ import annotations

from typing import Any, Final

__all__ = ["MESSAGES", "AuthingBizError", "biz"]

MESSAGES: Final[dict[int, str]] = {
    400: "请求参数不合法",
    404: "资源不存在",
    405: "请求方法不被允许",
    413: "请求体过大",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂不可用",
    1001: "没有权限进行此操作",
    1010001: "用户的 id token 无效或已过期",
    2001: "验证码不正确",
    2003: "邮箱格式不正确",
    2004: "用户不存在",
    2005: "用户已被锁定",
    2006: "密码错误",
    2016: "解密客户端密码出错",
    2018: "用户无权修改此项",
    2020: "尚未登录，无访问权限",
    2026: "用户已存在，请不要重复注册",
    2028: "请提供正确的手机号或邮箱",
    2030: "一次最多查询 80 个用户",
    2032: "注册时需要提供密码",
    2206: "登录信息已过期",
    2224: "用户池不存在",
    2333: "账号或密码错误",
}


class AuthingBizError(Exception):
    """A business failure answered in-band (GraphQL ``errors[].message`` / REST envelope)."""

    def __init__(self, code: int, message: str | None = None, data: Any = None) -> None:
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, "请求失败")
        self.data = data
        super().__init__(f"{code}: {self.message}")

    def payload(self) -> dict[str, Any]:
        """The ``{code, message, data}`` object carried on the wire."""
        from .lang import localized  # English when the request asked for it (x-authing-lang)

        return {"code": self.code, "message": localized(self.code, self.message), "data": self.data}


def biz(code: int, message: str | None = None, data: Any = None) -> AuthingBizError:
    """Shorthand: ``raise biz(2004)``."""
    return AuthingBizError(code, message, data)
