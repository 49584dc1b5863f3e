"""The steps of a staff login after the password (a password of one's own where an
administrator set it, the code), enrolment of the app, and the lockout page."""

from base64 import b32encode
from math import ceil
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Max
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.backup_codes import backup_device, codes_left, replace_codes
from staff.forms import NewPasswordForm, TokenForm
from staff.models import PasswordChangeRequired
from staff.otp import (
    confirmed_device,
    is_verified,
    next_url,
    password_change_pending,
    redirect_to_second_factor,
    second_factor_pending,
)

# The unconfirmed device whose key this session was shown (enrol()).
ENROL_DEVICE_SESSION_KEY = "staff_enrol_device_id"


def _staff_or_login(request):
    """None for an active staff member; otherwise the redirect to the password step."""
    user = request.user
    if user.is_active and user.is_staff:
        return None
    return redirect_to_login(request.get_full_path(), reverse("admin:login"))


def _own_password_first(request):
    """The redirect to the password change for someone whose password another person set."""
    if password_change_pending(request):
        return _same_query(request, "staff:password")
    return None


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "has_permission": False,  # no admin navigation before the code
        "next": next_url(request),
        **extra,
    }


def _same_query(request, url_name):
    query = request.GET.urlencode()
    return redirect(f"{reverse(url_name)}?{query}" if query else reverse(url_name))


def _verified(request, device, message=None):
    # A new session key for the elevated session, as auth.login() does for the password.
    request.session.cycle_key()
    django_otp.login(request, device)
    if message:
        messages.success(request, message)
    return redirect(next_url(request))


@never_cache
@sensitive_post_parameters("token")
def verify(request):
    """Ask a staff member who has an app for its current code."""
    if denied := _staff_or_login(request) or _own_password_first(request):
        return denied
    if is_verified(request.user):
        return redirect(next_url(request))
    device = confirmed_device(request.user)
    if device is None:
        return _same_query(request, "staff:enrol")
    backup = backup_device(request.user)
    form = TokenForm(request.POST or None, device=device, backup=backup)
    if request.method == "POST" and form.is_valid():
        if not form.used_backup_code:
            return _verified(request, form.device)
        left = codes_left(request.user)
        return _verified(
            request,
            form.device,
            ngettext(
                "You logged in with a backup code; %(count)d is left. Make new ones when few "
                "remain (Backup codes, at the top of the page).",
                "You logged in with a backup code; %(count)d are left. Make new ones when few "
                "remain (Backup codes, at the top of the page).",
                left,
            )
            % {"count": left},
        )
    return render(
        request,
        "staff/verify.html",
        _context(request, form=form, title=_("Second factor"), has_backup=backup is not None),
    )


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def password(request):
    """Replace a password an administrator set (new account, reset) with one's own.

    Until then no other page opens, the second factor's neither: whoever else knew the
    given password cannot connect an app, and their sessions end with the change.
    """
    if denied := _staff_or_login(request):
        return denied
    if not password_change_pending(request):
        return redirect(next_url(request))
    form = NewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            PasswordChangeRequired.objects.filter(user=user).delete()
        # Keeps this session; every other session of the account ends (session auth hash).
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        if second_factor_pending(request):
            return redirect_to_second_factor(next_url(request))
        return redirect(next_url(request))
    return render(
        request,
        "staff/password.html",
        _context(request, form=form, title=_("Choose your own password")),
    )


@never_cache
@sensitive_post_parameters("token")
def enrol(request):
    """Connect an authenticator app: QR code (or the key typed in), then one code to confirm.

    Only for a staff member past the password who has no confirmed app yet; replacing an
    app goes through a superuser, who deletes the old device in the admin. The key shown
    belongs to this session only: another session (someone else with the password) gets
    its own, and confirming one deletes all the others.
    """
    if denied := _staff_or_login(request) or _own_password_first(request):
        return denied
    if confirmed_device(request.user) is not None:
        return _same_query(request, "staff:verify")
    device = _session_device(request)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if not _confirm(form.device):
            return _same_query(request, "staff:verify")  # another session confirmed first
        request.session.pop(ENROL_DEVICE_SESSION_KEY, None)
        _verified(request, form.device, _("The app is connected. Use it at every login."))
        # Straight on to the backup codes, then the page the staff member was heading for.
        query = urlencode({"next": next_url(request)})
        return redirect(f"{reverse('staff:backup_codes')}?{query}")
    return render(
        request,
        "staff/enrol.html",
        _context(
            request,
            form=form,
            title=_("Connect an authenticator app"),
            qr_svg=qr_svg(device.config_url),
            secret=spaced(b32encode(device.bin_key).decode()),
        ),
    )


def _session_device(request):
    """This session's unconfirmed device: the same key on reload, never another session's."""
    device = (
        TOTPDevice.objects.devices_for_user(request.user, confirmed=False)
        .filter(pk=request.session.get(ENROL_DEVICE_SESSION_KEY))
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
        request.session[ENROL_DEVICE_SESSION_KEY] = device.pk
    return device


def _confirm(device):
    """Make `device` the user's app and delete every other unconfirmed one; False if another
    was confirmed meanwhile (the user's row is locked, so two sessions cannot both win)."""
    User = type(device.user)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=device.user_id)
        if confirmed_device(device.user) is not None:
            return False
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        TOTPDevice.objects.devices_for_user(device.user, confirmed=False).delete()
    return True


@never_cache
def backup_codes(request):
    """See how many backup codes are left, and make a new set (shown once, to print).

    Only in a session past the second factor: whoever has just the password cannot make
    codes to get past it.
    """
    if denied := _staff_or_login(request) or _own_password_first(request):
        return denied
    if not is_verified(request.user):
        return redirect_to_second_factor(request.get_full_path())
    codes = replace_codes(request.user) if request.method == "POST" else None
    return render(
        request,
        "staff/backup_codes.html",
        {
            **admin.site.each_context(request),
            "title": _("Backup codes"),
            "codes": codes,
            "left": codes_left(request.user),
            "next": next_url(request),
        },
    )


@require_POST
def cancel(request):
    """Log out from the code step (the admin's own logout needs a verified session)."""
    logout(request)
    return redirect("admin:login")


def lockout(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page shown instead of the login form while locked out."""
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    retry_at = lock_ends(request, credentials) or now + get_cool_off(request)
    return render(
        request,
        "staff/lockout.html",
        _context(
            request,
            title=_("Login locked"),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            minutes_left=max(1, ceil((retry_at - now).total_seconds() / 60)),
            retry_at=timezone.localtime(retry_at),
        ),
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def lock_ends(request, credentials):
    """One cool-off after the last recorded failure: the one that locked, since attempts
    during a lock are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    last = [qs.aggregate(last=Max("attempt_time"))["last"] for qs in attempts]
    last = [moment for moment in last if moment is not None]
    return max(last) + get_cool_off(request) if last else None


def qr_svg(data):
    """The QR code of `data` as inline SVG markup: drawn here, no script, no outside host."""
    image = qrcode.make(
        data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4
    )
    # Our own drawing of a URL we built: only path data, nothing from the request.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def spaced(secret, group=4):
    """The key in groups of four, as apps ask for it to be typed."""
    return " ".join(secret[i : i + group] for i in range(0, len(secret), group))
