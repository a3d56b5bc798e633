from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

app_name = "core"

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("privacy/consent/", views.consent, name="consent"),
    path("dev/mailbox/", views.mailbox, name="mailbox"),
    path("dev/mailbox/<int:pk>/", views.mailbox_detail, name="mailbox_detail"),
    path("dev/mailbox/<int:pk>/html/", views.mailbox_html, name="mailbox_html"),
]
