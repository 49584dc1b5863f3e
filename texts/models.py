from django.conf import settings
from django.db import models, transaction
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from qarat.cache import SharedValue
from texts.markup import render_markdown, render_plain

CACHE_KEY = "texts:public:v1"


class PublicText(models.Model):
    """One text of the public pages, in each language; the four keys are fixed."""

    class Key(models.TextChoices):
        HOME_HEADING = "home_heading", _("Home page heading")
        HOME_INTRODUCTION = "home_introduction", _("Home page introduction")
        CONTACTS = "contacts", _("Contacts")
        WORKING_HOURS = "working_hours", _("Working hours")

    key = models.CharField(_("text"), max_length=32, choices=Key.choices, unique=True)
    text_ru = models.TextField(_("text in Russian"))
    text_kk = models.TextField(
        _("text in Kazakh"), blank=True, help_text=_("Empty: the Russian text is shown.")
    )
    text_en = models.TextField(
        _("text in English"), blank=True, help_text=_("Empty: the Russian text is shown.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("public text")
        verbose_name_plural = _("public texts")
        ordering = ["pk"]

    def __str__(self):
        # The admin log keeps str(obj): the label, never the text.
        return str(self.get_key_display())

    def save(self, *args, **kwargs):
        for code, _name in settings.LANGUAGES:
            # Browsers send CRLF from text areas; Markdown and the cache see one convention.
            text = normalize_newlines(getattr(self, f"text_{code}"))
            setattr(self, f"text_{code}", text.strip())
        super().save(*args, **kwargs)
        transaction.on_commit(forget_public_texts)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        transaction.on_commit(forget_public_texts)
        return result

    def text(self, language):
        """The text in `language`, or the Russian one where that is empty."""
        return getattr(self, f"text_{language}", "") or self.text_ru

    def render(self, language):
        """Sanitised HTML; the heading is plain text, for the page's <h1>."""
        if self.key == self.Key.HOME_HEADING:
            return render_plain(self.text(language))
        return render_markdown(self.text(language))


def _render_all():
    texts = {code: dict.fromkeys(PublicText.Key.values, "") for code, _name in settings.LANGUAGES}
    for public_text in PublicText.objects.all():
        for code in texts:
            texts[code][public_text.key] = public_text.render(code)
    return texts


_texts = SharedValue(CACHE_KEY, _render_all)


def public_texts(language):
    """{key: safe HTML} in `language` for the templates; no query once warm.

    Markdown is rendered when the cache is filled, for all languages at once, so no request
    renders it and every language is warm after the first page.
    """
    texts = _texts.get()
    return dict(texts.get(language) or texts[settings.LANGUAGE_CODE])


def forget_public_texts():
    _texts.forget()
