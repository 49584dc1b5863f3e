"""Once granted privacy officers their register permissions; staff.roles now keeps them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("inquiries", "0006_hold_and_blocking"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
