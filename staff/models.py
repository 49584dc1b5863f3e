from django.conf import settings
from django.db import models


class PasswordChangeRequiredManager(models.Manager):
    def require(self, user):
        """The password of `user` was set by someone else: they choose their own next."""
        self.get_or_create(user=user)

    def is_required(self, user):
        return self.filter(user=user).exists()


class PasswordChangeRequired(models.Model):
    """A staff account whose password an administrator set (a new account, a reset).

    Whoever else knows that password could log in first and connect their own app; the
    owner replaces it at the next login, before any other page (staff.views.password).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PasswordChangeRequiredManager()

    def __str__(self):
        return f"password change required #{self.user_id}"
