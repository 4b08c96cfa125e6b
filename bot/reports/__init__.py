"""Statistics and the national export: tables computed within the caller's scope, and workbooks."""
