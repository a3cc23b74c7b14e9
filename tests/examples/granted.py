"""Shared set-up of the permission-granted tests: grants made through the management client."""

from __future__ import annotations

from aioauthing import AuthenticationClient, ManagementClient, models
from aioauthing.integrations import AuthingSettings

PASSWORD = "Passw0rd!granted"

__all__ = ["PASSWORD", "grant_reader_paths", "token_for"]


async def grant_reader_paths(mgmt: ManagementClient) -> dict[str, str]:
    """Create four users and grant ``books:read`` and the ``clerk`` role in different ways.

    ``direct``: ``books:read`` authorized to the user; ``via_role``: through the ``librarian``
    role; ``clerk``: holds ``clerk`` in the ``billing`` namespace; ``nobody``: nothing.
    Returns ``{name: email}``.
    """
    emails = {name: f"{name}@granted.test" for name in ("direct", "via_role", "clerk", "nobody")}
    ids = {}
    for name, email in emails.items():
        user = await mgmt.users.create(models.CreateUserInput(email=email, password=PASSWORD))
        ids[name] = user.id
    opt = models.AuthorizeResourceOpt
    await mgmt.acl.authorize_resource(
        "default",
        "books",
        "DATA",
        [opt(target_type="USER", target_identifier=ids["direct"], actions=["books:read"])],
    )
    await mgmt.roles.create("librarian")
    await mgmt.roles.add_users(["librarian"], user_ids=[ids["via_role"]])
    await mgmt.acl.authorize_resource(
        "default",
        "books",
        "DATA",
        [opt(target_type="ROLE", target_identifier="librarian", actions=["books:*"])],
    )
    await mgmt.roles.create("clerk", namespace="billing")
    await mgmt.roles.add_users(["clerk"], namespace="billing", user_ids=[ids["clerk"]])
    return emails


async def token_for(settings: AuthingSettings, email: str) -> str:
    """Log ``email`` in through the authentication client; its id token."""
    async with AuthenticationClient(
        settings.app_id,
        host=settings.host,
        user_pool_id=settings.user_pool_id,
        public_key=settings.public_key,
    ) as auth:
        user = await auth.login_by_email(email, PASSWORD)
    assert user is not None and user.token
    return user.token
