from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement_detail"),
    path("partners/<slug:slug>/roadmap/", views.roadmap, name="roadmap"),
    path("partners/<slug:slug>/roadmap.xlsx", views.roadmap_export, name="roadmap_export"),
    path("partners/<slug:slug>/roadmap/template.xlsx", views.roadmap_template, name="roadmap_template"),
    path("partners/<slug:slug>/roadmap/import/", views.roadmap_import, name="roadmap_import"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("overdue/", views.overdue_list, name="overdue_list"),
]
