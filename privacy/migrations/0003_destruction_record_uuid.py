import uuid

from django.db import migrations, models


def give_each_record_an_id(apps, schema_editor):
    DestructionRecord = apps.get_model("privacy", "DestructionRecord")
    for record in DestructionRecord.objects.filter(uuid__isnull=True):
        record.uuid = uuid.uuid4()
        record.save(update_fields=["uuid"])


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_privacy_officer_permissions")]

    operations = [
        migrations.AddField(
            model_name="destructionrecord",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_record_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="destructionrecord",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
