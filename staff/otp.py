"""The steps of a staff login after the password (their own password where an administrator
set it, then the second factor): who still owes one, and where they go to give it."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import PasswordChangeRequired


def is_verified(user):
    # OTPMiddleware installs is_verified() on request.user; a user object fresh from
    # auth.login() (the password step of this very request) has none and is not verified.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_pending(request):
    """True for an active staff member past the password who has not given the code yet."""
    user = request.user
    return settings.ADMIN_REQUIRE_2FA and user.is_active and user.is_staff and not is_verified(user)


def password_change_pending(request):
    """True for an active staff member past the password whose password someone else set."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    # Asked several times per admin page (has_permission); once per request and user will do.
    cached = getattr(request, "_password_change_pending", None)
    if cached is None or cached[0] != user.pk:
        cached = request._password_change_pending = (
            user.pk,
            PasswordChangeRequired.objects.is_required(user),
        )
    return cached[1]


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def next_url(request):
    """The admin page the staff member was heading for, if it is ours; else the admin index."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def redirect_to_second_factor(url):
    return HttpResponseRedirect(f"{reverse('staff:verify')}?{urlencode({'next': url})}")


def redirect_to_next_step(request, url):
    """The step a staff member past the password still owes, on the way to `url`; or None."""
    if password_change_pending(request):
        return HttpResponseRedirect(f"{reverse('staff:password')}?{urlencode({'next': url})}")
    if second_factor_pending(request):
        return redirect_to_second_factor(url)
    return None
