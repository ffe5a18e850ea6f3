from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .filters import SearchFilter
from .query import MAX_QUERY_CHARS, parse_query
from .ranking import Order


def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = parse_query(raw)
    search_filter = SearchFilter.from_params(request.GET)
    order = Order.DATE if request.GET.get("order") == Order.DATE else Order.RELEVANCE
    results = None
    if not raw.strip():
        message = "请输入要查找的词语，例如地名、主题或文件名称。"
    elif query.is_empty:
        message = "搜索词中没有可查找的文字或数字，请换个说法。"
    else:
        message = f"搜索词太长，只按前 {MAX_QUERY_CHARS} 个字查找。" if query.truncated else ""
        results = selectors.search_reports(
            query=query, search_filter=search_filter, order=order, page=request.GET.get("page")
        )
    return render(
        request,
        "search/results.html",
        {"search_query": query, "results": results, "message": message, "filter": search_filter, "order": order},
    )
