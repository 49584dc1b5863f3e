"""The four public texts as the site showed them before they were editable, and the
permission for privacy officers to change them (operators do not get it)."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

PRIVACY_OFFICERS = "Privacy officers"
PERMISSIONS = ["view_publictext", "change_publictext"]


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
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("texts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=PRIVACY_OFFICERS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="texts", codename__in=PERMISSIONS)
    )


def unseed(apps, schema_editor):
    apps.get_model("texts", "PublicText").objects.all().delete()
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name=PRIVACY_OFFICERS).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="texts", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("texts", "0001_initial"),
        ("inquiries", "0003_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
