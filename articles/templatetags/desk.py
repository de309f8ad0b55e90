from django import template

from articles import desk

register = template.Library()


@register.inclusion_tag("admin/articles/desk.html", takes_context=True)
def editorial_desk(context):
    """The editorial desk for the signed-in user (admin index)."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"lists": []}
    return {"lists": desk.desk(user)}
