"""The reader's address behind the deployment's reverse proxies (comment limits, stored IPs).

Behind a proxy REMOTE_ADDR is the proxy's, the same for every reader: one reader's comments
used up everyone's limit. Each trusted proxy appends the address it was reached from to
X-Forwarded-For; with TRUSTED_PROXY_COUNT proxies in front, the reader is the address the
outermost one appended (that many entries from the right). What a client wrote in the header
itself lies further left and is never taken.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import caches

# A reader's repeats (a search, a view) count once this long.
REPEATS_COUNT_ONCE_FOR = 24 * 3600


def client_ip(request) -> str:
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count > 0:
        chain = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(chain) >= count:
            candidate = chain[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass  # not an address: the proxy's own view of the connection
    return request.META.get("REMOTE_ADDR", "")


def client_key(request) -> str:
    """The reader's address as limits count them: an IPv6 address by its /64 network (one
    subscriber's: they may rotate through all of it, as django-ratelimit assumes too)."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return address


def repeated_today(kind: str, reader: str, *what) -> bool:
    """Whether `reader` (client_key) did this already within a day: their repeats count once,
    so that no one puts a query on 热搜 or an article on 热门文章 by repeating it. With the
    cache unreachable the answer is no: everything counts rather than nothing."""
    digest = hashlib.sha1("\n".join([reader, *map(str, what)]).encode()).hexdigest()
    key = f"portal:{kind}:seen:{digest}"
    return caches["readers"].add(key, 1, REPEATS_COUNT_ONCE_FOR) is False
