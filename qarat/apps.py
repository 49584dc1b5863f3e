from django.apps import AppConfig


class QaratConfig(AppConfig):
    """The project itself: its deployment commands (wait_for_database)."""

    name = "qarat"
    verbose_name = "QARAT"
