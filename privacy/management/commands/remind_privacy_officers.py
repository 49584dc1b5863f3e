"""E-mail privacy officers when a data subject request is due today or overdue.

Run each working morning by cron (or the scheduler service):

    30 8 * * *  cd /srv/qarat && .venv/bin/python manage.py remind_privacy_officers -v 0

Counts and links only. Sends nothing when nothing is due; prints counts only.
"""

from django.core.management.base import BaseCommand

from privacy.reminders import remind_privacy_officers


class Command(BaseCommand):
    help = "E-mail privacy officers the counts of requests due today and overdue (for cron)."

    def handle(self, *args, **options):
        figures, mailed = remind_privacy_officers()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Requests: {figures.open} open, {figures.due_today} due today, "
                f"{figures.overdue} overdue; reminder sent to {mailed} address(es)."
            )
