from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/<slug:slug>/", views.site_detail, name="site_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("productions/", views.production_list, name="production_list"),
    path("map/", views.site_map, name="map"),
]
