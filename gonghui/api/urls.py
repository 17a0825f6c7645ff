"""The API: /api/v1/, token authentication, schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from gonghui.core.api import AUTH
from gonghui.members.api import router as members_router
from gonghui.orgs.api import router as orgs_router
from gonghui.regions.api import router as regions_router
from gonghui.targets.api import router as targets_router

api = NinjaAPI(
    title="基层工会组织建设管理系统 API",
    version="1.0",
    urls_namespace="api",
    auth=AUTH,
    description="所有数据按令牌所属用户的管辖范围过滤；身份证号、手机号默认脱敏。",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    """422 as django-ninja gives it, plus a Chinese sentence naming the parameters that are wrong."""
    names = "、".join(dict.fromkeys(str(e.get("loc", ["?"])[-1]) for e in exc.errors))
    return api.create_response(
        request, {"detail": exc.errors, "message": f"请求参数不合法：{names}"}, status=422
    )


api.add_router("/regions", regions_router)
api.add_router("/", orgs_router)
api.add_router("/", members_router)
api.add_router("/", targets_router)
