"""JSON errors of the open-data API: every refusal says what went wrong in Chinese and with a
machine-readable code, and carries the CORS headers so that a page on another site can read it."""

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class ApiError(Exception):
    def __init__(self, code: str, message: str, *, status: int = 400, parameter: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.parameter = parameter


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def allow_cross_origin(response):
    """Read-only use from any site: no credentials are sent or needed, so any origin may read."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Retry-After, Link"
    return response


def error_response(code: str, message: str, *, status: int, parameter: str | None = None) -> JsonResponse:
    body = {"error": message, "code": code}
    if parameter is not None:
        body["parameter"] = parameter
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    add_never_cache_headers(response)
    return allow_cross_origin(response)


def from_exception(error: ApiError) -> JsonResponse:
    return error_response(error.code, error.message, status=error.status, parameter=error.parameter)


# The site-wide error handlers (portal.views) answer API addresses with these instead of a page.
SITE_ERRORS = {
    400: ("bad_request", "请求无效。"),
    403: ("forbidden", "没有权限访问。"),
    404: ("not_found", "没有这个接口地址，请查看 /api/v1/schema/ 中的接口说明。"),
    500: ("server_error", "服务器内部错误，请稍后再试。"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试。"),
}


def site_error(request: HttpRequest, status: int, reason: str | None = None) -> JsonResponse:
    code, message = SITE_ERRORS[status]
    response = error_response(code, reason or message, status=status)
    if status == 503:
        response["Retry-After"] = "60"
    return response
