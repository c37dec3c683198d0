import os

from celery import Celery

from config.broker import guard_redis_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("twitch_diary")
# Every CELERY_* Django setting configures Celery; see config/settings.py.
app.config_from_object("django.conf:settings", namespace="CELERY")
# The task modules are listed in CELERY_IMPORTS (config/settings.py): they live in feature
# packages, not in an app-level tasks.py that autodiscovery would look for.

# A worker must survive a Redis restart while it holds a message: see config/broker.py.
guard_redis_transport()
