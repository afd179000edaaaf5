"""导入账号: the page where an administrator uploads the year's accounts (`assessment.account_import`)."""

import io

from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from assessment import account_import
from assessment.models import User
from assessment.permissions import requires

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("账号表（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大：账号表不能超过 5 MB。"))
        return upload


@never_cache
@requires("can_manage_accounts")
def accounts_import(request):
    """GET: the form (`?template=1`: an empty sheet). POST: import; with new accounts the response *is* the sheet of
    their initial passwords, which exist nowhere else afterwards."""
    if request.method == "GET" and request.GET.get("template"):
        return _xlsx(account_import.template_workbook(), _("账号导入模板.xlsx"))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = account_import.import_accounts(form.cleaned_data["file"], by=request.user)
        except account_import.AccountImportError as error:
            errors = error.messages
        else:
            messages.success(request, result.summary)
            if not result.created:
                return redirect("accounts-import")
            filename = _("账号初始密码-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}
            return _xlsx(account_import.password_workbook(result), filename)
    context = {"form": form, "errors": errors, "roles": User.Role.labels, "headers": account_import.TEMPLATE_HEADERS}
    return render(request, "assessment/accounts_import.html", context, status=400 if errors else 200)


def _xlsx(data, filename):
    """A download with a Chinese name (RFC 5987); `never_cache` keeps it out of every cache."""
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX)
