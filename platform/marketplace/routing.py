from django.urls import path

from notifications.consumers import NotificationConsumer

websocket_urlpatterns = [path("ws/portal/", NotificationConsumer.as_asgi())]
