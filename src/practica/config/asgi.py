"""ASGI entry point: HTTP through Django; WebSocket event streams (`/ws/streams/<stream>/`) through
Channels, signed in by the session cookie or an API token, from this site's origins only."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.config.settings")
django.setup(set_prefix=False)

from practica.core.asgi import PooledASGIHandler  # noqa: E402  (needs Django set up first)

django_asgi = PooledASGIHandler()

# These need Django set up first.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from practica.core.consumers import (  # noqa: E402
    BrowserOriginValidator,
    StreamAuthMiddleware,
    websocket_urlpatterns,
)

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": BrowserOriginValidator(StreamAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
