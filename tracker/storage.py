"""Where report files live: the "reports" storage of settings.STORAGES (a local folder by
default, a network folder or an S3-compatible store by configuration)."""

from django.core.files.storage import Storage, storages


def reports_storage() -> Storage:
    return storages["reports"]
