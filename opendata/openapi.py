"""The API's OpenAPI 3.1 description, served at /api/v1/schema/. Written by hand; the tests check
it is a valid document and that the real responses match its schemas."""

from .params import DEFAULT_LIMIT, MAX_LIMIT

_place = {
    "type": ["object", "null"],
    "required": ["code", "name", "level"],
    "properties": {
        "code": {"type": "string", "description": "GB/T 2260 行政区划代码（省 2 位、地级 4 位、县级 6 位）"},
        "name": {"type": "string"},
        "level": {"type": "integer", "enum": [1, 2, 3], "description": "1 省级，2 地级，3 县级"},
    },
}
_slug_name = {
    "type": "object",
    "required": ["slug", "name"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
}
_moment = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Report": {
        "type": "object",
        "description": "一篇已发布的报告。批量下载文件的每一行也是这个结构（含 body）。",
        "required": [
            "id",
            "removed",
            "title",
            "date",
            "category",
            "area",
            "region",
            "province",
            "prefecture",
            "source_name",
            "source_url",
            "url",
            "published_at",
            "updated_at",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "removed": {"const": False},
            "title": {"type": "string"},
            "date": {"type": "string", "format": "date", "description": "文件日期"},
            "category": {"$ref": "#/components/schemas/SlugName"},
            "area": {"$ref": "#/components/schemas/SlugName"},
            "region": {"$ref": "#/components/schemas/Place"},
            "province": {"$ref": "#/components/schemas/Place"},
            "prefecture": {"$ref": "#/components/schemas/Place"},
            "source_name": {"type": "string"},
            "source_url": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "本站网页地址"},
            "published_at": {**_moment, "type": ["string", "null"]},
            "updated_at": _moment,
            "body": {"type": "string", "description": "正文（纯文本，换行分段）；列表中仅在 body=1 时提供"},
        },
    },
    "Tombstone": {
        "type": "object",
        "description": "增量同步中：此前公开、现已撤回、退回草稿、因投诉屏蔽或删除的报告，镜像应删除其副本。",
        "required": ["id", "removed", "reason", "removed_at"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "removed": {"const": True},
            "reason": {"type": "string", "enum": ["withdrawn", "unpublished", "restricted", "deleted"]},
            "removed_at": _moment,
        },
    },
    "ReportPage": {
        "type": "object",
        "required": ["results", "next_cursor", "next"],
        "additionalProperties": False,
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "oneOf": [{"$ref": "#/components/schemas/Report"}, {"$ref": "#/components/schemas/Tombstone"}]
                },
            },
            "next_cursor": {"type": ["string", "null"], "description": "下一页的 cursor；null 表示已是最后一页"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "sync_until": {
                **_moment,
                "type": ["string", "null"],
                "description": "仅增量同步：最后一页时给出，作为下次的 updated_since",
            },
        },
    },
    "Region": {
        "type": "object",
        "required": ["code", "name", "type", "level", "parent", "report_count"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "type": {"type": "string", "description": "省、直辖市、地级市、自治州、市辖区、县……"},
            "level": {"type": "integer", "enum": [1, 2, 3]},
            "parent": {"type": ["string", "null"], "description": "上级的行政区划代码"},
            "report_count": {"type": "integer", "description": "本地区及下辖地区已发布的报告数"},
        },
    },
    "Category": {
        "type": "object",
        "required": ["slug", "name", "description", "report_count"],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "report_count": {"type": "integer"},
        },
    },
    "Area": {
        "type": "object",
        "required": ["slug", "name", "report_count"],
        "additionalProperties": False,
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}, "report_count": {"type": "integer"}},
    },
    "Error": {
        "type": "object",
        "required": ["error", "code"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "string", "description": "中文说明"},
            "code": {"type": "string", "description": "机器可读的错误代码，如 invalid_limit、unknown_region"},
            "parameter": {"type": "string", "description": "出错的参数"},
        },
    },
    "Place": _place,
    "SlugName": _slug_name,
}


def _results(item: str) -> dict:
    return {
        "type": "object",
        "required": ["results"],
        "additionalProperties": False,
        "properties": {"results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}},
    }


def _json(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": schema}},
    }


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_rate_limited = {
    "description": "请求过于频繁",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "几秒后可以再试"}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def document(*, server_url: str) -> dict:
    list_parameters = [
        _query("region", "行政区划代码，任一级别：43（湖南省）、4331（湘西州）、433101（吉首市）；含下辖地区"),
        _query("area", "大区的网址别名，如 huazhong（见 /areas/）"),
        _query("category", "栏目的网址别名（见 /categories/）"),
        _query("year", "文件年份", {"type": "integer", "minimum": 1949, "maximum": 2100}),
        _query("date_from", "文件日期不早于（含）", {"type": "string", "format": "date"}),
        _query("date_to", "文件日期不晚于（含）", {"type": "string", "format": "date"}),
        _query("q", "全文检索（与本站搜索相同：所有字词都须出现）", {"type": "string", "maxLength": 50}),
        _query(
            "updated_since",
            "增量同步：按变更时间先后，列出此后发布或修改的报告，以及此后下架的报告（removed: true）",
            {"type": "string", "format": "date-time"},
        ),
        _query("cursor", "上一页返回的 next_cursor"),
        _query("limit", "每页条数", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        _query("body", "是否包含正文", {"type": "integer", "enum": [0, 1], "default": 0}),
    ]
    common_errors = {"429": _rate_limited}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "政府工作报告开放数据接口",
            "version": "1.0.0",
            "description": (
                "只读 JSON 接口。列表按文件日期从新到旧，用 cursor 翻页（插入新报告不会使翻页错位）；"
                '增量同步用 updated_since。错误一律为 JSON：{"error": 中文说明, "code": 错误代码}。'
                "批量下载与使用条款见 /data/。"
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/reports/": {
                "get": {
                    "operationId": "listReports",
                    "summary": "报告列表",
                    "parameters": list_parameters,
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/ReportPage"}, "一页报告"),
                        "400": _error("参数无效"),
                        **common_errors,
                    },
                }
            },
            "/reports/{id}/": {
                "get": {
                    "operationId": "getReport",
                    "summary": "一篇报告（默认含正文）",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        _query("body", "是否包含正文", {"type": "integer", "enum": [0, 1], "default": 1}),
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Report"}, "报告"),
                        "400": _error("参数无效"),
                        "404": _error("没有这篇报告（或未发布）"),
                        "451": _error("因投诉被屏蔽"),
                        **common_errors,
                    },
                }
            },
            "/regions/": {
                "get": {
                    "operationId": "listRegions",
                    "summary": "行政区划（GB/T 2260）及各地区报告数",
                    "responses": {"200": _json(_results("Region"), "全部地区"), **common_errors},
                }
            },
            "/categories/": {
                "get": {
                    "operationId": "listCategories",
                    "summary": "栏目及报告数",
                    "responses": {"200": _json(_results("Category"), "全部栏目"), **common_errors},
                }
            },
            "/areas/": {
                "get": {
                    "operationId": "listAreas",
                    "summary": "大区及报告数",
                    "responses": {"200": _json(_results("Area"), "全部大区"), **common_errors},
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
