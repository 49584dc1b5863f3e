from django import template

from staff.language import admin_language_choices
from staff.wording import count_of

register = template.Library()


@register.simple_tag
def result_count(cl):
    """ "4 просмотра", not Django's number beside the nominative plural ("4 просмотры")."""
    return count_of(cl.opts, cl.result_count)


@register.simple_tag
def admin_languages():
    return admin_language_choices()
