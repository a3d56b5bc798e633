from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("", views.home, name="home"),
    path("request-access/", views.access_request, name="access_request"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<int:org>/", views.cabinet, name="cabinet"),
    path("<int:org>/team/", views.team, name="representatives"),
    path("<int:org>/team/<int:pk>/<str:action>/", views.team_action, name="team_action"),
    path("<int:org>/access/<int:pk>/", views.access_decide, name="access_decide"),
    path("<int:org>/tokens/", views.token_create, name="token_create"),
    path("<int:org>/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("<int:org>/profile/", views.profile, name="profile"),
    path("<int:org>/productions/new/", views.production_new, name="production_new"),
    path("<int:org>/host/", views.host_apply, name="host_apply"),
    path("<int:org>/apply/", views.application_start, name="application_start"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("reports/<int:status>/new/", views.report_new, name="report_new"),
    path("reports/filings/<int:pk>/correct/", views.report_refile, name="report_refile"),
    path("operator/", views.queue, name="queue"),
    path("operator/invite/", views.operator_invite, name="operator_invite"),
    path("operator/decide/<str:kind>/<int:pk>/", views.decide, name="decide"),
    path("operator/applications/<int:pk>/", views.operator_application, name="operator_application"),
]
