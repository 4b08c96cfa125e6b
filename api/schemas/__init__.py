"""Pydantic request and response models of the /api/v1 JSON API (field descriptions in Chinese for OpenAPI)."""
