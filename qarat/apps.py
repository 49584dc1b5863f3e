from django.apps import AppConfig


class QaratConfig(AppConfig):
    """The project itself: the scheduler of every periodic job, and wait_for_database."""

    name = "qarat"
    verbose_name = "QARAT"

    def ready(self):
        from qarat import checks  # noqa: F401 - registers the deployment checks
