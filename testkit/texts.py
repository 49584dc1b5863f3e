from html.parser import HTMLParser

from texts.models import PublicText


def set_text(key, **texts):
    """Save a public text the way the admin does (model save); returns it."""
    public_text = PublicText.objects.get(key=key)
    for code, text in texts.items():
        setattr(public_text, f"text_{code}", text)
    public_text.save()
    return public_text


def elements(html):
    """[(tag, {attribute: value})] of every start tag in `html`, as a browser would see them."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found
