"""The typo reports an article has, for the link on its admin change form."""

from django import template
from django.db.models import Count, Q

from articles.models import TypoReport

register = template.Library()


@register.simple_tag
def typo_report_counts(article) -> dict:
    """{"new": reports not handled yet, "all": every report} of ``article`` in one query."""
    return TypoReport.objects.filter(article=article).aggregate(
        new=Count("pk", filter=Q(state=TypoReport.State.NEW)), all=Count("pk")
    )
