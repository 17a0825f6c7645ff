"""The API: /api/v1/, token authentication, schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

from gonghui.accounts.api_auth import AUTH
from gonghui.core.api import install_error_handlers
from gonghui.directories.api import router as directories_router
from gonghui.directories.worklist_api import router as worklist_router
from gonghui.evaluation.api import router as evaluation_router
from gonghui.honours.api import router as honours_router
from gonghui.members.api import router as members_router
from gonghui.modelworkers.api import router as modelworkers_router
from gonghui.orgs.api import router as orgs_router
from gonghui.people.api import router as people_router
from gonghui.regions.api import router as regions_router
from gonghui.reporting.api import router as reporting_router
from gonghui.supervision.api import router as supervision_router
from gonghui.targets.api import router as targets_router
from gonghui.training.api import router as training_router
from gonghui.venues.api import router as venues_router

api = NinjaAPI(
    title="基层工会组织建设管理系统 API",
    version="1.0",
    urls_namespace="api",
    auth=AUTH,
    description="所有数据按令牌所属用户的管辖范围过滤；身份证号、手机号默认脱敏。",
)
install_error_handlers(api)
api.add_router("/regions", regions_router)
api.add_router("/", orgs_router)
api.add_router("/", members_router)
api.add_router("/", targets_router)
api.add_router("/", directories_router)
api.add_router("/", worklist_router)
api.add_router("/", supervision_router)
api.add_router("/", reporting_router)
api.add_router("/", evaluation_router)
api.add_router("/", honours_router)
api.add_router("/", people_router)
api.add_router("/", venues_router)
api.add_router("/", modelworkers_router)
api.add_router("/", training_router)
