"""Fills the call desk's columns of the inquiries already stored: each one joins the queue
at its receipt, with its search columns. Apart from 0008 because PostgreSQL creates that
migration's indexes at its end, which it refuses after updates in the same transaction."""

from django.db import migrations
from django.db.models import F

import inquiries.models

BATCH = 2000


def fill(apps, schema_editor):
    Inquiry = apps.get_model("inquiries", "Inquiry")
    Inquiry.objects.filter(queued_at__isnull=True).update(queued_at=F("created_at"))
    last = 0
    while True:
        batch = list(
            Inquiry.objects.filter(pk__gt=last).order_by("pk").only("name", "phone")[:BATCH]
        )
        if not batch:
            return
        for inquiry in batch:
            inquiry.name_search = inquiries.models.name_search_key(inquiry.name)
            inquiry.phone_reversed = inquiries.models.phone_reversed_key(inquiry.phone)
        Inquiry.objects.bulk_update(batch, ["name_search", "phone_reversed"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0010_call_desk")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
