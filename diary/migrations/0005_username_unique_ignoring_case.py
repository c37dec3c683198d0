"""User names are unique ignoring case ("sam" and "SAM" are one name), enforced by the database:
two sign-ups racing for the same name cannot both pass the service's check. An expression index
on auth's table (the User model is Django's, so this is plain SQL, which SQLite and PostgreSQL
both understand)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("diary", "0004_profile_health_data_permission"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE UNIQUE INDEX auth_user_username_ci ON auth_user (LOWER(username))",
            reverse_sql="DROP INDEX auth_user_username_ci",
        ),
    ]
