from django.urls import path

from . import views

app_name = "tours"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("registered/<str:signed>/", views.registered, name="registered"),
    path("waitlist/<str:signed>/", views.waitlisted, name="waitlisted"),
    path("confirm/<str:signed>/", views.confirm, name="confirm"),
    path("ticket/<str:signed>/", views.ticket, name="ticket"),
    path("ticket/<str:signed>/tour.ics", views.ticket_ics, name="ticket_ics"),
    path("cancel/<str:signed>/", views.cancel, name="cancel"),
    path("offer/<str:signed>/", views.offer, name="offer"),
    path("feedback/<str:signed>/", views.feedback, name="feedback"),
    path("my-data/<str:signed>/", views.my_data, name="my_data"),
    path("cabinet/", views.cabinet, name="cabinet"),
    path("cabinet/tours/new/", views.cabinet_tour_edit, name="cabinet_tour_new"),
    path("cabinet/tours/<int:pk>/", views.cabinet_tour, name="cabinet_tour"),
    path("cabinet/tours/<int:pk>/edit/", views.cabinet_tour_edit, name="cabinet_tour_edit"),
    path("cabinet/tours/<int:pk>/state/", views.cabinet_tour_state, name="cabinet_tour_state"),
    path("cabinet/sessions/<int:pk>/", views.cabinet_session, name="cabinet_session"),
    path(
        "cabinet/sessions/<int:pk>/registrants.<str:fmt>",
        views.cabinet_session_export,
        name="cabinet_session_export",
    ),
    path("cabinet/check-in/", views.cabinet_checkin, name="checkin"),
    path("cabinet/check-in/<str:code>/", views.cabinet_checkin_code, name="checkin_code"),
    path("<slug:slug>/", views.tour_detail, name="tour_detail"),
]
