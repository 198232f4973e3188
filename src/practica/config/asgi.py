"""ASGI entry point: HTTP through Django; WebSocket routes join here as the live features arrive."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.config.settings")
django.setup(set_prefix=False)

from practica.core.asgi import PooledASGIHandler  # noqa: E402  (needs Django set up first)

django_asgi = PooledASGIHandler()

from channels.routing import ProtocolTypeRouter  # noqa: E402  (needs Django set up first)

application = ProtocolTypeRouter({"http": django_asgi})
