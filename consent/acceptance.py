"""The consent check on submit: which published version a form showed, and whether ticking
it still counts (clause 12: after a significant change the visitor reads and ticks again).
"""

from consent.models import current_version, published_versions

UNKNOWN_VERSION = "unknown_version"
RECONSENT = "reconsent"


def _find(versions, number):
    return next((v for v in versions if str(v.number) == str(number)), None)


def consent_check(number):
    """(the version numbered `number` as the form posted it, None if it was accepted or
    the problem: UNKNOWN_VERSION or RECONSENT)."""
    versions = published_versions()
    shown = _find(versions, number)
    if shown is None:
        # Published seconds ago, in another worker: this one's copy may not have it yet.
        versions = published_versions(fresh=True)
        shown = _find(versions, number)
    if shown is None:
        return None, UNKNOWN_VERSION
    if shown.is_superseded_significantly(versions):
        return shown, RECONSENT
    return shown, None


def consent_version_to_show(number):
    """The version a form shown again links to: the one the visitor ticked while it still
    counts (a minor change since keeps it), else the current one."""
    if number:
        shown, problem = consent_check(number)
        if shown is not None and problem is None:
            return shown
    return current_version()
