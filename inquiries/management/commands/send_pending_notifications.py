"""Send the staff notifications that are still pending.

Each new inquiry's notification is sent right after the submission, from a background
thread; when the mail server is slow, refuses or is down, or the worker dies mid-send, the
notification stays pending (`notified_at` NULL) and this command, run by cron, sends it:

    */5 * * * *  cd /srv/qarat && .venv/bin/python manage.py send_pending_notifications -v 0

Prints counts only. Exits non-zero when a send failed, so that cron mails the administrator;
the failed notifications stay pending for the next run.
"""

from django.core.management.base import BaseCommand, CommandError

from inquiries.notifications import notifications_send_pending


class Command(BaseCommand):
    help = "Send the staff notifications of new inquiries that are still pending (for cron)."

    def handle(self, *args, **options):
        run = notifications_send_pending()
        if options["verbosity"] >= 1:
            if not run.recipients:
                self.stdout.write(
                    f"INQUIRY_NOTIFY_EMAILS is empty: nothing sent; {run.pending} pending."
                )
            else:
                self.stdout.write(
                    f"Notifications: {run.sent} sent, {run.failed} failed, "
                    f"{run.skipped} skipped, {run.pending} still pending."
                )
        if run.failed:
            raise CommandError(
                f"{run.failed} notification(s) could not be sent; they stay pending "
                "(see the log for the references)."
            )
