"""Once created the two staff groups; staff.roles now keeps them after every migrate."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0002_triage_notifications_views"),
        ("consent", "0003_version_1"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
