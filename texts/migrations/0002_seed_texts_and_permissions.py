"""The four public texts as the site showed them before they were editable (who may change
them is staff.roles' business)."""

from django.conf import settings
from django.db import migrations


def seed_texts():
    email = settings.OPERATOR["privacy_email"]
    return {
        "home_heading": {
            "ru": "Заказать обратный звонок",
            "kk": "Кері қоңырауға тапсырыс беру",
            "en": "Request a call back",
        },
        "home_introduction": {
            "ru": "Оставьте имя и номер телефона — мы вам перезвоним.",
            "kk": "Атыңыз бен телефон нөміріңізді қалдырыңыз, біз сізге кері қоңырау шаламыз.",
            "en": "Leave your name and phone number and we will call you back.",
        },
        "contacts": {
            "ru": f"Электронная почта: [{email}](mailto:{email})",
            "kk": f"Электрондық пошта: [{email}](mailto:{email})",
            "en": f"E-mail: [{email}](mailto:{email})",
        },
        "working_hours": {
            "ru": "Часы работы: понедельник — пятница, 9:00–18:00 (время Астаны)",
            "kk": "Жұмыс уақыты: дүйсенбі — жұма, 9:00–18:00 (Астана уақыты)",
            "en": "Working hours: Monday to Friday, 9:00–18:00 (Astana time)",
        },
    }


def seed(apps, schema_editor):
    PublicText = apps.get_model("texts", "PublicText")
    for key, texts in seed_texts().items():
        PublicText.objects.get_or_create(
            key=key, defaults={f"text_{code}": text for code, text in texts.items()}
        )


def unseed(apps, schema_editor):
    apps.get_model("texts", "PublicText").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("texts", "0001_initial"),
        ("inquiries", "0003_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
