"""Send the staff notifications a slow or failed mail server left pending; run every 5
minutes (docs/deploy.md). Exits non-zero when a send fails, so that cron mails it."""

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
