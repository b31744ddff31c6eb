"""Roles and what each may do: the one table the control API checks."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Permission(StrEnum):
    READ = "read"  # status, orders, positions
    TRADE = "trade"  # submit intents, cancel orders
    OPERATE = "operate"  # halt, resume, reload
    TOKENS = "tokens"  # create, list and revoke API tokens
    AUDIT = "audit"  # read the audit log


class Role(StrEnum):
    VIEWER = "viewer"
    TRADER = "trader"
    OPERATOR = "operator"
    ADMIN = "admin"
    AUDITOR = "auditor"


_P = Permission
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({_P.READ}),
    Role.TRADER: frozenset({_P.READ, _P.TRADE}),
    Role.OPERATOR: frozenset({_P.READ, _P.TRADE, _P.OPERATE}),
    Role.ADMIN: frozenset({_P.READ, _P.TRADE, _P.OPERATE, _P.TOKENS}),
    # Separation of duties: the auditor reads the record of actions and nothing else.
    Role.AUDITOR: frozenset({_P.AUDIT}),
}


def is_allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
