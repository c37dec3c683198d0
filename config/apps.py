from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin, served by our AdminSite (a throttled sign-in)."""

    default_site = "config.admin.AdminSite"
