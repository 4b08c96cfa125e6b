"""Shapes shared by several routes: pages of results and short references."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    total: int = Field(description="符合条件的记录总数（不受分页影响）")
    limit: int = Field(description="本页最多条数")
    offset: int = Field(description="跳过的条数")
    items: list[T] = Field(description="本页记录")


class Ref(BaseModel):
    id: int = Field(description="编号")
    name: str = Field(description="名称")
