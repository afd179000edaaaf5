"""`{{ result|status_label }}`: a town result's 暂定/正式 wording, the same as in the charts and the workbook."""

from django import template

from assessment import result_status

register = template.Library()


@register.filter
def status_label(result):
    return result_status.status_label(result)
