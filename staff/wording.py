"""How the admin names records in Russian and Kazakh where Django slots a model's name into a
sentence: Russian needs its case, gender and plural, so each model gets whole sentences.

Models without an entry (another app's new ones) get sentences that need no agreement
("Saved: data subject request “Request 1”.").
"""

from django.contrib import messages
from django.contrib.admin.utils import NestedObjects, quote
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, npgettext_lazy, pgettext_lazy

# Per model label: "count" (plural forms), and "added", "changed", "deleted" ({obj} is the
# record's name, which already says what it is: "Inquiry Q-…", "Draft #3").
SENTENCES = {
    "inquiries.inquiry": {
        "count": npgettext_lazy("inquiry", "%(count)s inquiry", "%(count)s inquiries", "count"),
        "changed": pgettext_lazy("inquiry", "{obj} was saved."),
    },
    "inquiries.inquiryview": {
        "count": npgettext_lazy("inquiry view", "%(count)s opening", "%(count)s openings", "count"),
    },
    "consent.consentversion": {
        "count": npgettext_lazy(
            "consent version", "%(count)s version", "%(count)s versions", "count"
        ),
        "added": pgettext_lazy("consent version", "{obj} was created."),
        "changed": pgettext_lazy("consent version", "{obj} was saved."),
        "deleted": pgettext_lazy("consent version", "{obj} was deleted."),
    },
    "privacy.subjectrequest": {
        "count": npgettext_lazy(
            "subject request", "%(count)s request", "%(count)s requests", "count"
        ),
        "added": pgettext_lazy("subject request", "{obj} was registered."),
        "changed": pgettext_lazy("subject request", "{obj} was saved."),
    },
    "privacy.destructionrecord": {
        "count": npgettext_lazy(
            "destruction record",
            "%(count)s destruction record",
            "%(count)s destruction records",
            "count",
        ),
    },
    "privacy.jobrun": {
        "count": npgettext_lazy("periodic job", "%(count)s job", "%(count)s jobs", "count"),
    },
    "texts.publictext": {
        "count": npgettext_lazy("public text", "%(count)s text", "%(count)s texts", "count"),
        "changed": pgettext_lazy("public text", "The text “{obj}” was saved."),
    },
    "auth.user": {
        "count": npgettext_lazy("user", "%(count)s account", "%(count)s accounts", "count"),
        "added": pgettext_lazy("user", "The account “{obj}” was created."),
        "changed": pgettext_lazy("user", "The account “{obj}” was saved."),
        "deleted": pgettext_lazy("user", "The account “{obj}” was deleted."),
    },
    "auth.group": {
        "count": npgettext_lazy("group", "%(count)s group", "%(count)s groups", "count"),
        "added": pgettext_lazy("group", "The group “{obj}” was created."),
        "changed": pgettext_lazy("group", "The group “{obj}” was saved."),
        "deleted": pgettext_lazy("group", "The group “{obj}” was deleted."),
    },
    "staff.authenticatorapp": {
        "count": npgettext_lazy("authenticator app", "%(count)s app", "%(count)s apps", "count"),
        "deleted": pgettext_lazy(
            "authenticator app",
            "The app “{obj}” was disconnected: at the next login its owner connects a new one.",
        ),
    },
    "staff.backupcodes": {
        "count": npgettext_lazy(
            "backup codes", "%(count)s set of codes", "%(count)s sets of codes", "count"
        ),
        "deleted": pgettext_lazy(
            "backup codes", "The backup codes “{obj}” were deleted: none of them works any more."
        ),
    },
    "staff.loginlock": {
        "count": npgettext_lazy(
            "access attempt",
            "%(count)s wrong password series",
            "%(count)s wrong password series",
            "count",
        ),
        "deleted": pgettext_lazy("access attempt", "The record “{obj}” was deleted."),
    },
    "staff.loginrecord": {
        "count": npgettext_lazy("access log", "%(count)s login", "%(count)s logins", "count"),
    },
    "staff.loginfailure": {
        "count": npgettext_lazy(
            "access failure", "%(count)s failed login", "%(count)s failed logins", "count"
        ),
    },
}

GENERIC = {
    "count": _("%(name)s: %(count)s"),
    "added": _("Created: {name} “{obj}”."),
    "changed": _("Saved: {name} “{obj}”."),
    "deleted": _("Deleted: {name} “{obj}”."),
}


def _sentence(opts, kind):
    return SENTENCES.get(opts.label_lower, {}).get(kind) or GENERIC[kind]


def count_of(opts, count):
    """ "4 просмотра", "1 обращение": the number with the model's noun in its plural form."""
    found = SENTENCES.get(opts.label_lower, {}).get("count")
    if found is not None:
        return found % {"count": count}
    return GENERIC["count"] % {"name": capfirst(opts.verbose_name_plural), "count": count}


def done(opts, kind, obj_display):
    """The whole sentence of an added, changed or deleted record."""
    return _sentence(opts, kind).format(obj=obj_display, name=opts.verbose_name)


def titles(opts):
    """Titles without a case to decline: the list by its plural, a record by its name."""
    return {
        "changelist": capfirst(opts.verbose_name_plural),
        "add": _("New record: %(name)s") % {"name": opts.verbose_name},
        "change": capfirst(opts.verbose_name),
    }


# Records of other libraries that a deletion lists without an admin of their own here.
NAMES = {
    "otp_totp.totpdevice": (_("authenticator app"), _("authenticator apps")),
    "otp_static.staticdevice": (_("backup codes"), _("backup codes")),
    "otp_static.statictoken": (_("backup code"), _("backup codes")),
}


def names(opts):
    """(singular, plural) of a model, through tables named by the two models they join."""
    if opts.label_lower in NAMES:
        return NAMES[opts.label_lower]
    if opts.auto_created:
        ends = [f.remote_field.model._meta for f in opts.fields if f.is_relation]
        joined = " — ".join(str(names(end)[0]) for end in ends)
        return joined, joined
    return opts.verbose_name, opts.verbose_name_plural


def _record(obj):
    opts = obj._meta
    if opts.auto_created:
        return " — ".join(str(getattr(obj, f.name)) for f in opts.fields if f.is_relation)
    if opts.label_lower in NAMES:
        return ""  # the libraries' names of their records are English ("backup codes")
    return str(obj)


def deleted_objects(objs, request, admin_site):
    """Django's get_deleted_objects(), each line "Name: record" in the site's words (the
    libraries' own names are English, the tables joining two models unnamed)."""
    collector = NestedObjects(using=objs[0]._state.db if objs else "default")
    collector.collect(objs)
    perms_needed = set()

    def format_callback(obj):
        opts = obj._meta
        name = capfirst(names(opts)[0])
        record = _record(obj)
        label = f"{name}: {record}" if record else name
        if not admin_site.is_registered(obj.__class__):
            return label
        if not admin_site.get_model_admin(obj.__class__).has_delete_permission(request, obj):
            perms_needed.add(names(opts)[0])
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=(quote(obj.pk),),
            )
        except NoReverseMatch:
            return label
        return format_html('{}: <a href="{}">{}</a>', name, url, record)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {
        names(model._meta)[1]: len(objects) for model, objects in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected


class WordedAdminMixin:
    """Mixed into every admin of the site (`StaffAdminSite.register`): the titles, messages,
    counts and history above instead of Django's sentences with a model's name slotted in."""

    def changelist_view(self, request, extra_context=None):
        context = {"title": titles(self.opts)["changelist"], **(extra_context or {})}
        return super().changelist_view(request, context)

    def add_view(self, request, form_url="", extra_context=None):
        context = {"title": titles(self.opts)["add"], **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"title": titles(self.opts)["change"], **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)

    def response_add(self, request, obj, post_url_continue=None):
        request._worded_message = done(self.opts, "added", obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request._worded_message = done(self.opts, "changed", obj)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        request._worded_message = done(self.opts, "deleted", obj_display)
        return super().response_delete(request, obj_display, obj_id)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The one success message of response_add/change/delete, in the sentence above.
        worded = getattr(request, "_worded_message", None)
        if worded is not None and level == messages.SUCCESS:
            message = worded
            del request._worded_message
        return super().message_user(request, message, level, *args, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        """History keeps each changed field by its verbose name's msgid ("operator note"),
        translated when shown; Django keeps the form's capitalised label ("Operator note"),
        which no catalog has."""
        message = super().construct_change_message(request, form, formsets, add)
        with translation.override(None):
            fields = [self._field_msgid(form, name) for name in form.changed_data]
        for part in message:
            if "changed" in part and "name" not in part["changed"]:
                part["changed"]["fields"] = fields
        return message

    def _field_msgid(self, form, name):
        try:
            return str(self.opts.get_field(name).verbose_name)
        except FieldDoesNotExist:
            field = form.fields.get(name)
            return str(field.label if field is not None and field.label else name)


# Django's own sentences, worded anew in this site's catalogs: with a model's name in the
# nominative they read wrongly in Russian ("удалить версия согласия").
REWORDED = [
    gettext_noop("Changed {fields}."),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? '
        "All of the following related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the "
        "following protected related objects:"
    ),
]


def flag(value, label=None):
    """A yes/no column: a check mark (and `label`) when true, a neutral dash when false.

    Django's boolean=True draws a red cross for False, which reads as an alarm where False is
    the good news ("not blocked", "no hold", "not overdue").
    """
    if not value:
        return format_html('<span class="flag-no" aria-label="{}">—</span>', _("no"))
    return format_html('<span class="flag-yes">✔ {}</span>', label or _("yes"))


PERMISSION_ACTIONS = {
    "add": _("adding"),
    "change": _("changing"),
    "delete": _("deleting"),
    "view": _("viewing"),
}


def permission_label(permission):
    """ "Обращения | обращение | просмотр": Django stores "Can view inquiry" in English."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return permission.name
    opts = model._meta
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == opts.model_name:
        what = PERMISSION_ACTIONS[action]
    else:
        what = translation.gettext(permission.name)
    return f"{capfirst(opts.app_config.verbose_name)} | {names(opts)[0]} | {what}"


# django-axes' names of its models, in the permission lists: worded in this site's catalogs
# (the library has no Kazakh, and its Russian ones are capitalised sentences).
AXES_NAMES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
]
