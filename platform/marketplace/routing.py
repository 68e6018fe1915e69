from django.urls import path

from portal.consumers import PortalSocketConsumer

websocket_urlpatterns = [path("ws/portal/", PortalSocketConsumer.as_asgi())]
