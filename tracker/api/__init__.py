"""The tracker's API views under /api/v1/, one module per resource (routes in tracker/api/urls.py)."""
