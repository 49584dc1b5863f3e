from django import template

from inquiries.models import WAITING_COUNT_LIMIT, Inquiry

register = template.Library()


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
