from django.conf import settings
from django.utils.translation import get_language

from texts.models import public_texts as public_texts_in


def public_texts(request):
    """The editable texts of the public pages in the page's language (see texts.models)."""
    return {"public_texts": public_texts_in(get_language() or settings.LANGUAGE_CODE)}
