from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("read/", views.notifications_read, name="read"),
    path("since/", views.notifications_since, name="since"),
    path("<int:event_id>/", views.notification_open, name="open"),
]
