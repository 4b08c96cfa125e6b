"""Request validation errors in Chinese.

FastAPI answers a malformed request with pydantic's English messages; staff read Chinese. The app's handler answers
`{"detail": "请求有误：...", "errors": [{"loc": [...], "msg": "..."}]}` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_WHERE = {"query": "查询参数", "path": "路径参数", "body": "请求体", "header": "请求头", "cookie": "Cookie"}

_MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "float_parsing": "必须是数字",
    "bool_parsing": "必须是 true 或 false",
    "bool_type": "必须是 true 或 false",
    "string_type": "必须是字符串",
    "json_invalid": "不是合法的 JSON",
    "model_attributes_type": "必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
    "extra_forbidden": "不支持该字段",
    "datetime_parsing": "必须是 ISO 8601 时间，如 2026-06-01T08:00:00+08:00",
    "datetime_from_date_parsing": "必须是 ISO 8601 时间，如 2026-06-01T08:00:00+08:00",
    "datetime_type": "必须是 ISO 8601 时间",
    "none_required": "必须为空",
}


def chinese_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{'' if kind.endswith('equal') else '或等于'} {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{'' if kind.endswith('equal') else '或等于'} {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_short":
        return f"至少需要 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind in ("literal_error", "enum"):
        return f"必须是以下之一：{ctx.get('expected', '')}"
    if kind == "value_error":
        return str(ctx.get("error", "取值无效"))
    return "取值无效"


def describe_loc(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _WHERE:
        where, rest = _WHERE[parts[0]], parts[1:]
        return f"{where} {'.'.join(rest)}" if rest else where
    return ".".join(parts)


def validation_body(errors: Sequence[Any]) -> dict[str, Any]:
    items = [{"loc": list(e.get("loc", ())), "msg": chinese_message(e)} for e in errors]
    summary = "；".join(f"{describe_loc(e['loc'])}：{e['msg']}" for e in items)
    return {"detail": f"请求有误：{summary}", "errors": items}
