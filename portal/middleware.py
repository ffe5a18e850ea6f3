from urllib.parse import unquote

from django.shortcuts import render


class RejectNulBytesMiddleware:
    """NUL cannot be stored in PostgreSQL text; any request carrying one in its address is
    answered 400 with an explanation here, instead of failing deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "") + request.path
        if "\x00" in raw or "\x00" in unquote(raw):
            return render(request, "400.html", {"reason": "请求地址中含有无效字符（NUL）。"}, status=400)
        return self.get_response(request)
