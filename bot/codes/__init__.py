"""Pure reference data the core may import without loading the ORM: the national code lists (`book`: 毕业去向,
单位性质, 行业, 困难生类别), the majors catalogue (`majors`) and Chinese places (`places`)."""

from bot.codes.book import DEFAULT_VERSION, CodeBook, Destination, load

__all__ = ["DEFAULT_VERSION", "CodeBook", "Destination", "load"]
