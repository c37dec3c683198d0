"""The tracker's routes under /api/v1/ (tracker/api/urls.py); each view lives in its feature's api.py."""
