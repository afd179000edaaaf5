from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from assessment.api import rubric_tree_queryset


@login_required
def home(request):
    return redirect("standard")


@login_required
def standard(request):
    """附件1 as a table, for every logged-in user."""
    rubric = rubric_tree_queryset().order_by("-version", "-id").first()
    return render(request, "assessment/standard.html", {"rubric": rubric})
