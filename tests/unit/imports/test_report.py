from __future__ import annotations

from bot.imports.report import ImportReport, RowError


def test_summaries_say_what_happened() -> None:
    done = ImportReport("graduates", "g.xlsx", rows=3, new=1, updated=1, unchanged=1, imported=True)
    assert done.summary() == "g.xlsx：共 3 行，新增毕业生 1 条，更新 1 条，未变化 1 条。"

    errors = [RowError(2, "学号", "学号不能为空"), RowError(2, "姓名", "新学生必须填写此项"), RowError(5, "", "整行")]
    refused = ImportReport("postings", "p.csv", rows=4, errors=errors)
    assert refused.bad_rows == 2
    assert refused.summary().startswith("p.csv：共 4 行，其中 2 行有错误（3 处），按规定整份文件未导入")

    partial = ImportReport("postings", "p.csv", rows=4, new=2, errors=errors, imported=True, error_file="e.csv")
    assert partial.summary() == "p.csv：共 4 行，新增岗位 2 条，更新 0 条，未变化 0 条；2 行有错误未导入。"

    nothing_good = ImportReport("postings", "p.csv", rows=2, errors=errors, error_file="e.csv")
    assert nothing_good.summary() == "p.csv：共 2 行，全部有错误（3 处），没有导入任何数据。"
    assert errors[0].line() == "第 2 行｜学号｜学号不能为空" and errors[2].line() == "第 5 行｜整行"


def test_audit_detail_has_the_counts_and_file() -> None:
    report = ImportReport("graduates", "g.xlsx", rows=2, new=2, imported=True, counts={"colleges_created": 1})
    assert report.audit_detail() == {
        "file": "g.xlsx",
        "rows": 2,
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "bad_rows": 0,
        "errors": 0,
        "imported": True,
        "colleges_created": 1,
    }
