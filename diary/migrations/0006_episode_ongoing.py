"""An episode can be still going: `ongoing` true and no duration until it ends (DESIGN.md, "Data").
The database holds the two together: still going and no duration, or ended with one in range.

Existing rows all have a duration and stay ended; 0007_episode_ongoing_from_sessions makes still
going again the few that can be told apart. (Two migrations: on PostgreSQL, rows updated in the
transaction that then alters their table would leave "pending trigger events".)"""

from django.db import migrations, models
from django.db.models import Q

MAX_DURATION_SECONDS = 7 * 24 * 3600  # diary.models.MAX_DURATION_SECONDS when this was written


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0005_username_unique_ignoring_case"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="episode", name="episode_duration_range"),
        migrations.AddField(model_name="episode", name="ongoing", field=models.BooleanField(default=False)),
        migrations.AlterField(
            model_name="episode", name="duration_seconds", field=models.PositiveIntegerField(blank=True, null=True)
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                condition=Q(("deleted_at", None), ("ongoing", True)),
                fields=["user", "-started_at"],
                name="episode_user_ongoing",
            ),
        ),
        migrations.AddConstraint(
            model_name="episode",
            constraint=models.CheckConstraint(
                condition=Q(("duration_seconds__isnull", True), ("ongoing", True))
                | Q(("duration_seconds__isnull", False), ("ongoing", False)),
                name="episode_duration_unless_ongoing",
            ),
        ),
        migrations.AddConstraint(
            model_name="episode",
            constraint=models.CheckConstraint(
                condition=Q(("duration_seconds__isnull", True))
                | Q(("duration_seconds__gt", 0), ("duration_seconds__lte", MAX_DURATION_SECONDS)),
                name="episode_duration_range",
            ),
        ),
    ]
