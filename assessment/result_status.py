"""Whether a town's total is provisional (暂定) or final (正式), worded once for the pages, charts and workbook.

Read from a result row only (`scored`, `item_count` or `items`, `final`), so it costs no query.
"""

from django.utils.translation import gettext as _


def provisional_note():
    """The page-level explanation shown wherever a provisional total appears."""
    return _("暂定：尚有考察点未评分，总分可能变化")


def status_label(result):
    """"正式" once every item of the town is scored, else "暂定（已评分 n/N）" with N its number of items."""
    if result.final:
        return _("正式")
    return _("暂定（已评分 %(scored)d/%(total)d）") % {"scored": result.scored, "total": item_count(result)}


def item_count(result):
    """A stored result counts its items (`item_count`); the engine's carries them (`items`)."""
    count = getattr(result, "item_count", None)
    return len(result.items) if count is None else count


def any_provisional(results):
    return any(not result.final for result in results)
