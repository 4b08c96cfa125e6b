"""Chat identities: a graduate's bindings (list, counselor's unbind) and staff bind codes (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.deps import ClientIp, ContainerDep, CurrentStaff, SessionDep, require_roles
from api.schemas.identities import BindCodeOut, IdentityOut
from bot.access.rules import StaffPrincipal
from bot.domain import Role
from bot.errors import NotFound
from bot.services import identities, staff_binding
from models import StaffUser

router = APIRouter(tags=["聊天账号绑定"])

_SCOPE_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录"},
    403: {"description": "不在本人负责的范围内"},
    404: {"description": "毕业生或绑定不存在"},
}
AdminOnly = Annotated[StaffPrincipal, Depends(require_roles(Role.ADMIN))]


@router.get("/graduates/{graduate_id}/identities", responses=_SCOPE_ERRORS)
def list_identities(graduate_id: int, principal: CurrentStaff, db: SessionDep) -> list[IdentityOut]:
    """毕业生已绑定的聊天账号（平台用户标识脱敏）。"""
    views = identities.list_identities(db, principal, graduate_id)
    return [IdentityOut.model_validate(v, from_attributes=True) for v in views]


@router.delete("/graduates/{graduate_id}/identities/{identity_id}", status_code=204, responses=_SCOPE_ERRORS)
def unbind_identity(
    graduate_id: int, identity_id: int, principal: CurrentStaff, db: SessionDep, container: ContainerDep, ip: ClientIp
) -> Response:
    """解除毕业生与某个聊天账号的绑定（如学生换号、误绑），之后该学号可在此渠道重新绑定；记入审计日志。"""
    identities.unbind(db, principal, graduate_id, identity_id, now=container.clock.now(), ip=ip)
    db.commit()
    return Response(status_code=204)


@router.post(
    "/staff/{user_id}/bind-code",
    responses={401: {"description": "未登录"}, 403: {"description": "仅管理员"}, 404: {"description": "用户不存在"}},
)
def issue_bind_code(
    user_id: int, principal: AdminOnly, db: SessionDep, container: ContainerDep, ip: ClientIp
) -> BindCodeOut:
    """为教职工签发一次性聊天绑定码（24 小时内有效，只显示这一次；再次签发会作废旧码）；记入审计日志。"""
    user = db.get(StaffUser, user_id)
    if user is None:
        raise NotFound(f"找不到用户 {user_id}")
    issued = staff_binding.issue_code(
        db, container.pii, user, now=container.clock.now(), actor=principal.audit_actor,
        actor_user_id=principal.user_id, ip=ip,
    )  # fmt: skip
    db.commit()
    return BindCodeOut(code=issued.code, username=issued.username, expires_at=issued.expires_at)
