from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.release_list, name="release_list"),
    path("new/", views.release_new, name="release_new"),
    path("<int:pk>/", views.release_detail, name="release_detail"),
    path("<int:pk>/decide/", views.release_decide, name="release_decide"),
    path("facts/<int:pk>/edit/", views.fact_edit, name="fact_edit"),
]
