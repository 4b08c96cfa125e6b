"""Spreadsheet import of the two ledgers (毕业生台账, 岗位台账) and their blank templates.

Pure (no I/O): cells, salary, dates, idcodes, vocab, headers, columns, rows, graduates, postings, report.
Files: reader (xlsx/csv in), writer (template and error file out).
Database: store_common, store_graduates, store_prefs, store_postings; the use cases live in
bot/services/imports.py and the CLI in jiuye/cmd_imports.py.
"""
