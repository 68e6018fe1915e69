from django.urls import path

from announcements import views

app_name = "announcements"

urlpatterns = [
    path("<int:pk>/read/", views.announcement_read, name="read"),
]
