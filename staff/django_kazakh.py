"""Django's own admin and account strings that its Kazakh catalog lacks (Django answers
those in Russian, the default language): declared here so that this site's catalogs
translate them. Russian keeps Django's own translation."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_KAZAKH = [
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("%(app)s administration"),
    gettext_noop(":"),
    gettext_noop(":?.!"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Add link"),
    gettext_noop("Administration"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Attempt Time"),
    gettext_noop("Authentication and Authorization"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Change or view list link"),
    gettext_noop("Changed “%(object)s” — %(changes)s"),
    gettext_noop("Changed:"),
    gettext_noop("Clear all filters"),
    gettext_noop("Close"),
    gettext_noop("Content Types"),
    gettext_noop("Disabled"),
    gettext_noop("Empty"),
    gettext_noop("Enabled"),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("Model name"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("My actions"),
    gettext_noop("No, take me back"),
    gettext_noop("Not empty"),
    gettext_noop("Objects"),
    gettext_noop("Password-based authentication"),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly."  # noqa: E501 - Django's msgid, whole
    ),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Recent actions"),
    gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    gettext_noop("Reset password"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Show counts"),
    gettext_noop("Skip to main content"),
    gettext_noop("Summary"),
    gettext_noop(
        "The groups this user belongs to. A user will get all permissions granted to each of their groups."  # noqa: E501 - Django's msgid, whole
    ),
    gettext_noop(
        "This object doesn’t have a change history. It probably wasn’t added via this admin site."
    ),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("View"),
    gettext_noop("View %s"),
    gettext_noop("View site"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able to authenticate using other backends, such as Single Sign-On or LDAP."  # noqa: E501 - Django's msgid, whole
    ),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("algorithm"),
    gettext_noop("email address"),
    gettext_noop("hash"),
    gettext_noop("salt"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "count"),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "count",
    ),
    ngettext_lazy("entry", "entries", "count"),
]
