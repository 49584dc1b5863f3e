"""One request, one e-mail at most: only the site's own failures reach the administrators.

What an anonymous client sends can make Django log at ERROR (a foreign Host, too many
fields, a body too big: django.security.*). That is the client's error, not ours: logged
at WARNING, never mailed. Error e-mails share the SMTP quota with the inquiry
notifications, so anyone could otherwise flood the mailbox and delay those.
"""

import logging


def caused_by_the_client(record):
    return record.name.startswith("django.security.") or getattr(record, "status_code", 500) < 500


class ClientErrorsAreWarnings(logging.Filter):
    def filter(self, record):
        if record.levelno > logging.WARNING and caused_by_the_client(record):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class ServerErrorsOnly(logging.Filter):
    def filter(self, record):
        return not caused_by_the_client(record)
