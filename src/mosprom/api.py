"""Assembles the django-ninja routers of every part under /api/v1/."""

from django.utils.translation import gettext_noop
from ninja import Swagger

from mosprom.analytics.api import router as analytics_router
from mosprom.companies.api import router as companies_router
from mosprom.core.api_errors import install_error_handlers
from mosprom.core.api_kit import MospromAPI
from mosprom.core.api_strict import install_strict_query
from mosprom.intake.api import router as intake_router
from mosprom.partnerships.api import router as partnerships_router
from mosprom.registry.api import router as registry_router
from mosprom.tours.api import router as tours_router

api = MospromAPI(
    # The title, this description and every operation's summary are English msgids: MospromAPI translates the
    # OpenAPI document into the request's language (Russian first), so the docs page reads in the page's language.
    title=gettext_noop("Mosprom open data API"),
    version="1.0.0",
    description=gettext_noop(
        "Open data of the department of investment and industrial policy: sites, organisations, "
        "productions, statuses, agreements, road maps, industrial tours and KPIs."
    ),
    urls_namespace="api",
    docs_url="/docs",
    # Without deep links: Swagger UI would put each path's link inside the button that opens the operation, a
    # control inside a control that keyboards and screen readers cannot use (axe: nested-interactive).
    docs=Swagger(settings={"deepLinking": False}),
)
install_error_handlers(api)
api.add_router("/", registry_router)
api.add_router("/", partnerships_router)
api.add_router("/", tours_router)
api.add_router("/", analytics_router)
api.add_router("/", intake_router)
api.add_router("/", companies_router)
install_strict_query(api)
