"""`practica serve` with test stream authorizers: "t:<key>" may be followed by any signed-in
person, "tc:<community id>" by whoever may read the community. Used by test_streams_redis.py to
run real server processes; arguments go to `practica`."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.config.settings")
django.setup()

from practica import cli  # noqa: E402
from practica.core import streams  # noqa: E402


def may_read(user, key: str) -> bool:
    from practica.communities import policy
    from practica.communities.models import Community

    community = Community.objects.filter(pk=int(key)).first()
    return community is not None and policy.can(user, "community.read", community)


streams.register_authorizer("t", lambda user, key: user.is_authenticated)
streams.register_authorizer("tc", may_read)

if __name__ == "__main__":
    cli.main(sys.argv[1:])
