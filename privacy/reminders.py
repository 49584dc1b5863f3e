"""What privacy officers must act on: open, due-today and overdue data subject requests and
incident notifications, for the dashboard's tile and the morning e-mail. Counts and links
only: the registers hold no personal data, and the e-mail provider is a third party."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from privacy.models import Incident, JobRun, SubjectRequest
from staff.roles import PRIVACY_OFFICERS

logger = logging.getLogger(__name__)

REMINDER_JOB = "privacy_reminder"
REGISTER = "admin:privacy_subjectrequest_changelist"
INCIDENTS = "admin:privacy_incident_changelist"
# The register's own filters (privacy.admin), so each figure links to exactly its rows.
FILTERS = {
    "open": "status__exact=open",
    "due_today": "overdue=today",
    "overdue": "overdue=yes",
}
INCIDENT_FILTERS = {"incidents_open": "status__exact=open", "incidents_overdue": "overdue=yes"}


@dataclass(frozen=True)
class Figures:
    open: int
    due_today: int
    overdue: int
    incidents_open: int = 0
    incidents_due_today: int = 0
    incidents_overdue: int = 0

    @property
    def needs_action(self):
        return bool(
            self.due_today or self.overdue or self.incidents_due_today or self.incidents_overdue
        )


def request_figures(*, today=None):
    today = today or timezone.localdate()
    open_requests = SubjectRequest.objects.open()
    return Figures(
        open=open_requests.count(),
        due_today=open_requests.filter(due_on=today).count(),
        overdue=open_requests.filter(due_on__lt=today).count(),
        incidents_open=Incident.objects.open().count(),
        incidents_due_today=Incident.objects.unnotified().filter(notify_by=today).count(),
        incidents_overdue=Incident.objects.overdue(today=today).count(),
    )


def register_links(base=""):
    """{figure: URL of the register filtered to it}; `base` makes them absolute."""
    url, incidents = base + reverse(REGISTER), base + reverse(INCIDENTS)
    links = {name: f"{url}?{query}" for name, query in FILTERS.items()}
    return links | {name: f"{incidents}?{query}" for name, query in INCIDENT_FILTERS.items()}


def reminder_recipients():
    """Active privacy officers with an e-mail address."""
    users = get_user_model().objects.filter(
        groups__name=PRIVACY_OFFICERS, is_active=True, is_staff=True
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def reminder_build(figures, recipients):
    context = {
        "figures": figures,
        "links": register_links(getattr(settings, "SITE_URL", "").rstrip("/")),
    }
    # Staff read Russian; the site's default language is theirs.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("privacy/email/reminder_subject.txt", context)
        body = render_to_string("privacy/email/reminder_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )


def remind_privacy_officers(*, today=None):
    """Send the morning e-mail when a request is due today or overdue; return (figures, number
    of recipients mailed). A run with nothing due sends nothing and counts as a success."""
    figures = request_figures(today=today)
    recipients = reminder_recipients() if figures.needs_action else []
    if recipients:
        reminder_build(figures, recipients).send()
        logger.info("Privacy reminder sent to %d recipient(s).", len(recipients))
    elif figures.needs_action:
        logger.warning("Requests are due but no privacy officer has an e-mail address.")
    JobRun.record_success(REMINDER_JOB)
    return figures, len(recipients)
