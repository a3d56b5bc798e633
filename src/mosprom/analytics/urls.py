from django.urls import path, re_path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("operator/", views.operator_home, name="operator"),
    path("report/", views.report, name="report"),
    re_path(r"^export/(?P<key>[a-z0-9-]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
