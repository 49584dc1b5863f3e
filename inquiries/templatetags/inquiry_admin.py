from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from inquiries import dashboard
from inquiries.models import WAITING_COUNT_LIMIT, Inquiry
from inquiries.phones import phone_link as _phone_link

register = template.Library()


@register.simple_tag
def phone_link(e164, css_class=""):
    return _phone_link(e164, css_class)


@register.inclusion_tag("admin/inquiries/waiting.html", takes_context=True)
def waiting_inquiries(context):
    """How many inquiries wait for a call back: a count, never who they are."""
    user = context["request"].user
    if not user.has_perm("inquiries.view_inquiry"):
        return {"show": False}
    return {
        "show": True,
        "waiting_count": Inquiry.objects.waiting().count_capped(),
        "waiting_limit": WAITING_COUNT_LIMIT,
    }


# The chart's drawing, in SVG user units (the CSS scales it to the page's width).
CHART_SLOT = 20  # per day: the bar and the gap after it
CHART_BAR = 14
CHART_TOP = 16  # room for the label of the highest bar
CHART_PLOT = 120
CHART_LABEL_EVERY = 7  # days between the date labels, counted back from today


def chart(days):
    """Geometry of one bar per day and of the date labels; the tallest bar fills the plot."""
    busiest = max(count for _day, count in days) or 1
    bars, labels = [], []
    for index, (day, count) in enumerate(days):
        height = round(CHART_PLOT * count / busiest, 1)
        x = index * CHART_SLOT + (CHART_SLOT - CHART_BAR) / 2
        bars.append(
            {
                "day": day,
                "count": count,
                "x": x,
                "y": CHART_TOP + CHART_PLOT - height,
                "height": height,
            }
        )
        if (len(days) - 1 - index) % CHART_LABEL_EVERY == 0:
            labels.append({"day": day, "x": x + CHART_BAR / 2})
    return {
        "bars": bars,
        "labels": labels,
        "bar_width": CHART_BAR,
        "width": len(days) * CHART_SLOT,
        # Room either side for the first and last date labels, centred under their bars.
        "left": -CHART_SLOT,
        "view_width": (len(days) + 2) * CHART_SLOT,
        "top": CHART_TOP,
        "baseline": CHART_TOP + CHART_PLOT,
        "height": CHART_TOP + CHART_PLOT + 20,
    }


def duration_words(delta, now):
    """A duration as "2 hours, 30 minutes", in the page's language (Django's own words)."""
    return None if delta is None else timesince(now - delta, now)


@register.simple_tag(takes_context=True)
def inquiry_dashboard(context):
    """Figures and chart of the admin index, for staff who may see inquiries; else None."""
    if not context["request"].user.has_perm("inquiries.view_inquiry"):
        return None
    now = timezone.now()
    figures = dashboard.inquiry_dashboard(now=now)
    return {
        "figures": figures,
        "chart": chart(figures.days),
        "oldest_waiting_age": duration_words(figures.oldest_waiting_age, now),
        "median_processing_time": duration_words(figures.median_processing_time, now),
    }


@register.filter
def changelist_filters(query):
    """The list's filters the change page was opened with, to return to the same list."""
    return query.get("_changelist_filters", "")
