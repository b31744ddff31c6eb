import pytest

from lyrad.security.roles import Permission, Role, is_allowed

P = Permission
EXPECTED = {
    Role.VIEWER: {P.READ},
    Role.TRADER: {P.READ, P.TRADE},
    Role.OPERATOR: {P.READ, P.TRADE, P.OPERATE},
    Role.ADMIN: {P.READ, P.TRADE, P.OPERATE, P.TOKENS},
    Role.AUDITOR: {P.AUDIT},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_role_table(role: Role, permission: Permission) -> None:
    assert is_allowed(role, permission) is (permission in EXPECTED[role])
