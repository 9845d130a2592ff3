"""Requests the portal cannot take, answered in Chinese: a method an address does not take
(405), and a form over the size or field limits (400, `bad_request`).

Django's `require_safe` answers any other method with a 405 whose body is empty: a JSON
client (`curl -X POST /search/api/`) got no JSON and a reader no page. Here the 405 says, in
Chinese, which methods the address takes: as JSON for the APIs, as the portal's error page
for the others. Django's own warning line ("Method Not Allowed") is still logged.
"""

from __future__ import annotations

import functools
import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger("django.request")
SAFE = ("GET", "HEAD")


# What readers' pages take: GET and HEAD, POST for their forms (comments, the password of a
# restricted page), OPTIONS. Wagtail served a page for PUT, DELETE, PATCH and TRACE as for GET.
READER_METHODS = (*SAFE, "POST", "OPTIONS")
# The admin's own views decide for themselves.
ADMIN_PREFIXES = ("/admin/", "/django-admin/")
# The JSON APIs (search, suggestions, feeds): their errors are JSON too.
JSON_PREFIXES = ("/search/api/", "/search/suggest/", "/api/")


def not_allowed(request, allowed: tuple[str, ...], json: bool = False):
    """The 405: which methods the address takes, in Chinese, as JSON or as a page."""
    logger.warning(
        "Method Not Allowed (%s): %s", request.method, request.path,
        extra={"status_code": 405, "request": request},
    )  # fmt: skip
    message = _("此地址不接受 %(method)s 请求，请用 GET 访问。") % {"method": request.method[:20]}
    if json:
        response = JsonResponse(
            {"error": message}, status=405, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = render(request, "405.html", {"message": message}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def safe_methods_only(json: bool = False):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in SAFE:
                return view(request, *args, **kwargs)
            return not_allowed(request, SAFE, json=json)

        return wrapped

    return decorator


class ReaderMethodsMiddleware:
    """Outside the admin, PUT, DELETE, PATCH, TRACE … get the 405 page (before the CSRF
    check, which answered a PUT without a token with 页面已过期)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(JSON_PREFIXES):
            # The APIs take GET and HEAD only: their 405 is JSON whatever the method (a PUT
            # got the HTML page, and an Allow naming POST and OPTIONS, which they refuse).
            if request.method not in READER_METHODS:
                return not_allowed(request, SAFE, json=True)
        elif request.method not in READER_METHODS and not request.path.startswith(ADMIN_PREFIXES):
            return not_allowed(request, READER_METHODS)
        return self.get_response(request)


def bad_request(request, exception):
    """Django's 400 page, saying which limit a form went over: an article too long to save
    (over DATA_UPLOAD_MAX_MEMORY_SIZE) or with too many blocks (DATA_UPLOAD_MAX_NUMBER_FIELDS)
    got only 请求的格式或大小不正确. Rendered without the request, as Django's own is: its
    data is what could not be read."""
    from django.conf import settings
    from django.core.exceptions import (
        DisallowedHost,
        RequestDataTooBig,
        TooManyFieldsSent,
        TooManyFilesSent,
    )
    from django.http import HttpResponseBadRequest
    from django.template import loader

    reason = ""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
        reason = _(
            "提交的内容超过 %(mb).1f MB 的上限（例如正文过长）：请缩短，或分成几篇后再提交。"
        ) % {"mb": limit}
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        reason = _(
            "提交的内容项超过 %(n)s 个的上限（例如正文的段落、图片等内容块过多）：请精简后再提交。"
        ) % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    if request.path.startswith(JSON_PREFIXES):
        # A JSON client gets JSON, as from the APIs' own errors: a Host the site does not
        # serve (DisallowedHost, raised before any view) got the HTML page.
        if isinstance(exception, DisallowedHost):
            reason = _("请求的主机名（Host）不是本站的地址。")
        return JsonResponse(
            {"error": reason or _("请求的格式或大小不正确。")},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponseBadRequest(loader.get_template("400.html").render({"reason": reason}))
