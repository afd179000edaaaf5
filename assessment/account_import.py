"""导入账号: the year's accounts from one xlsx sheet, all or nothing.

Columns (first row, in any order): 用户名, 姓名, 角色 (as `User.Role` labels them: 街镇填报员, 部门填报员, 视频办评审员,
领导, 管理员), 街镇 and/or 责任单位 (by name; one combined column 街镇或责任单位 is read by the row's role), 手机.

A username already present is updated (name, role, town, unit, phone; a deactivated account is re-enabled), so
importing the same sheet again changes nothing. New accounts get a random password, returned once by
`import_accounts` for the distribution sheet and otherwise kept only as a hash. Accounts missing from the sheet are
left as they are. Superuser accounts and the importer's own account are never changed by a sheet, and a sheet
never grants access to the Django admin (`is_staff`): that stays a deliberate change by hand. New district-level
accounts belong to the importer's district (none for a city-level importer); a district-bound importer can change
only accounts of their own district.

Every problem is reported with its row and column, and then nothing at all is written.
"""

import io
import re
import secrets
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from assessment.models import ResponsibleUnit, Town, User
from assessment.scoping import districts_for_user
from assessment.xlsx_guard import TooManyRows, XlsxRefused, check_xlsx

USERNAME, NAME, ROLE, TOWN, UNIT, PLACE, PHONE = "用户名", "姓名", "角色", "街镇", "责任单位", "街镇或责任单位", "手机"
PLACE_ALIASES = {PLACE, "街镇/责任单位", "街镇或单位", "所属单位"}
REQUIRED = (USERNAME, NAME, ROLE)
TEMPLATE_HEADERS = (USERNAME, NAME, ROLE, TOWN, UNIT, PHONE)
PASSWORD_HEADERS = (USERNAME, NAME, "初始密码")
MAX_ROWS = 5000
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # no 0/O, 1/l/I to misread
PASSWORD_LENGTH = 12
PHONE_RE = re.compile(r"^[0-9+\- ()]*$")
FIELD_COLUMNS = {"username": USERNAME, "last_name": NAME, "first_name": NAME, "role": ROLE, "town": TOWN,
                 "unit": UNIT, "phone": PHONE, "district": TOWN}


class AccountImportError(Exception):
    """The sheet cannot be imported; `messages` name each problem's row and column in Chinese."""

    def __init__(self, messages):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # (user, initial password) pairs, in sheet order
    updated: list = field(default_factory=list)  # users, in sheet order

    @property
    def summary(self):
        return _("已导入 %(total)s 个账号：新建 %(created)s 个，更新 %(updated)s 个。") % {
            "total": len(self.created) + len(self.updated), "created": len(self.created), "updated": len(self.updated)}


def generate_password():
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def import_accounts(file, *, by):
    """Create or update the accounts listed in the xlsx `file`; raise AccountImportError and write nothing on any
    problem. `by` is the importing administrator: a district-bound one imports into, and only into, their district."""
    rows = read_rows(file)
    with transaction.atomic():
        usernames = [row[USERNAME] for _n, row in rows]
        existing = {u.username: u for u in User.objects.select_for_update(of=("self",)).select_related("town")
                    .filter(username__in=usernames)}
        result, errors = ImportResult(), []
        built = _build(rows, existing, by, errors)
        if errors:
            raise AccountImportError(errors)
        new = [user for user, password in built if password is not None]
        try:
            User.objects.bulk_create(new)
        except IntegrityError as error:
            raise AccountImportError([_("导入时有账号被他人同时创建，请重新导入。")]) from error
        changed = [user for user, password in built if password is None]
        User.objects.bulk_update(changed, ["last_name", "first_name", "role", "town", "unit", "district", "phone",
                                           "is_active"])
        for user, password in built:
            if password is None:
                result.updated.append(user)
            else:
                result.created.append((user, password))
    return result


def read_rows(file):
    """[(sheet row number, {column: text})] of the first sheet's non-blank rows, or AccountImportError."""
    try:
        check_xlsx(file, max_rows=MAX_ROWS + 1)  # + the header row
    except TooManyRows as refused:
        raise AccountImportError([_("一次最多导入 %(n)s 个账号。") % {"n": MAX_ROWS}]) from refused
    except XlsxRefused as refused:
        raise AccountImportError([refused.message]) from refused
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise AccountImportError([_("文件不是有效的 Excel（.xlsx）文件。")]) from error
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_text(value) for value in next(lines, ())]
        columns = _columns(header)
        rows = []
        for number, values in enumerate(lines, start=2):
            row = {name: _text(values[index]) if index < len(values) else "" for name, index in columns.items()}
            if any(row.values()):
                rows.append((number, row))
            if len(rows) > MAX_ROWS:
                raise AccountImportError([_("一次最多导入 %(n)s 个账号。") % {"n": MAX_ROWS}])
    finally:
        workbook.close()
    if not rows:
        raise AccountImportError([_("文件中没有账号。")])
    return rows


def password_workbook(result):
    """The one-time distribution sheet: 用户名, 姓名, 初始密码 of every new account, as xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("初始密码")
    _write_row(sheet, 1, PASSWORD_HEADERS, bold=True)
    for row, (user, password) in enumerate(result.created, start=2):
        _write_row(sheet, row, (user.username, user.last_name, password))
    for letter, width in zip("ABC", (18, 14, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    return _to_bytes(workbook)


def template_workbook():
    """An empty sheet with the columns `import_accounts` reads, and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("账号")
    _write_row(sheet, 1, TEMPLATE_HEADERS, bold=True)
    _write_row(sheet, 2, ("xiongzhou01", "张三", str(User.Role.TOWN.label), "雄州街道", "", "13800000000"))
    for letter in "ABCDEF":
        sheet.column_dimensions[letter].width = 16
    return _to_bytes(workbook)


# --------------------------------------------------------------------------- reading


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or numeric username typed into a number cell
    return str(value).strip()


def _columns(header):
    columns = {}
    for index, name in enumerate(header):
        key = PLACE if name in PLACE_ALIASES else name
        if key in (USERNAME, NAME, ROLE, TOWN, UNIT, PLACE, PHONE) and key not in columns:
            columns[key] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise AccountImportError([_("第 1 行缺少“%(column)s”列。") % {"column": name} for name in missing])
    return columns


def _roles():
    with translation.override("zh-hans"):
        labels = {str(label): value for value, label in User.Role.choices}
    return labels | {value: value for value in User.Role.values}


# --------------------------------------------------------------------------- checking


def _build(rows, existing, by, errors):
    """[(user, new password or None)] with every field set, appending to `errors` what is wrong."""
    roles, towns, units = _roles(), _towns(by), {unit.name: unit for unit in ResponsibleUnit.objects.all()}
    reach = None if by.level == User.Level.PROVINCE else set(districts_for_user(by).values_list("pk", flat=True))
    seen, built = {}, []

    def error(number, column, message):
        errors.append(_("第 %(row)s 行“%(column)s”列：%(message)s") % {"row": number, "column": column, "message": message})

    for number, row in rows:
        count = len(errors)
        username, name = row[USERNAME], row[NAME]
        town_column, unit_column = (TOWN if TOWN in row else PLACE), (UNIT if UNIT in row else PLACE)
        if not username:
            error(number, USERNAME, _("用户名不能为空。"))
            continue
        if username in seen:
            error(number, USERNAME, _("用户名“%(name)s”与第 %(row)s 行重复。") % {"name": username, "row": seen[username]})
            continue
        seen[username] = number
        if not name:
            error(number, NAME, _("姓名不能为空。"))
        role = roles.get(row[ROLE])
        if role is None:
            error(number, ROLE, _("“%(value)s”不是有效的角色，应为%(roles)s之一。") % {
                "value": row[ROLE], "roles": "、".join(str(label) for label in User.Role.labels)})
        town_name, unit_name = _place(row, role)
        town, unit = towns.get(town_name), units.get(unit_name)
        if town_name and town is None:
            message = _("街镇“%(name)s”在多个区重名。") if town_name in towns else _("没有名为“%(name)s”的街镇。")
            error(number, town_column, message % {"name": town_name})
        if unit_name and unit is None:
            error(number, unit_column, _("没有名为“%(name)s”的责任单位。") % {"name": unit_name})
        elif unit is not None and role is not None and role != User.Role.DEPARTMENT:
            error(number, unit_column, _("只有部门填报员可以绑定责任单位。"))
        phone = row.get(PHONE, "")
        if not PHONE_RE.match(phone):
            error(number, PHONE, _("“%(value)s”不是有效的电话号码。") % {"value": phone})
        user = existing.get(username)
        if user is not None and (user.is_superuser or user.pk == by.pk):
            error(number, USERNAME, _("“%(name)s”是超级管理员或您本人的账号，不能通过导入修改。") % {"name": username})
        elif user is not None and reach is not None and not _reaches(user, by, reach):
            error(number, USERNAME, _("账号“%(name)s”属于其他区，不能修改。") % {"name": username})
        if len(errors) > count:
            continue
        password = None
        if user is None:
            user, password = User(username=username), generate_password()
            user.set_password(password)
            user.must_change_password = True  # an initial password is handed out on paper: the owner replaces it
        was_town = user.pk is not None and user.role == User.Role.TOWN
        user.last_name, user.first_name, user.role, user.phone, user.is_active = name, "", role, phone, True
        user.town, user.unit = town, unit
        if role == User.Role.TOWN:
            user.district = user.city = None  # a town official's district is their town's
        elif user.pk is None or was_town:
            # New accounts belong where the importer does: their district, their city, or the province.
            user.district_id, user.city_id = by.district_id, by.city_id
        columns = FIELD_COLUMNS | {"town": town_column, "district": town_column, "unit": unit_column}
        for field_name, message in _invalid(user):
            error(number, columns.get(field_name, USERNAME), message)
        built.append((user, password))
    return built


def _place(row, role):
    """(town name, unit name) from the 街镇 and 责任单位 columns, or the combined one read by role."""
    town_name, unit_name = row.get(TOWN, ""), row.get(UNIT, "")
    combined = row.get(PLACE, "")
    if combined and role == User.Role.DEPARTMENT:
        unit_name = unit_name or combined
    elif combined:
        town_name = town_name or combined
    return town_name, unit_name


def _towns(by):
    """Towns by name, within the districts the importer reaches (`User.level`); a name in two districts maps to
    None (ambiguous)."""
    towns = Town.objects.filter(district__in=districts_for_user(by))
    by_name = {}
    for town in towns:
        by_name[town.name] = None if town.name in by_name else town
    return by_name


def _district_of(user):
    return user.town.district_id if user.town_id else user.district_id


def _reaches(user, by, reach):
    """Whether an importer below province level may change this existing account: one of their districts', or,
    for a city-level importer, a city-level account of the same city."""
    district = _district_of(user)
    if district is not None:
        return district in reach
    return by.city_id is not None and user.city_id == by.city_id


def _invalid(user):
    """[(field name, message)] of the model's own field and role checks (town and unit were looked up already:
    their existence is not asked of the database again, row by row)."""
    try:
        user.clean_fields(exclude=["password", "town", "unit", "district"])
        user.clean()
    except ValidationError as invalid:
        return [(name, message) for name, messages in invalid.message_dict.items() for message in messages]
    return []


# --------------------------------------------------------------------------- writing


def _write_row(sheet, row, values, bold=False):
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"  # a name starting with "=" stays text, never a formula
        if bold:
            cell.font = Font(bold=True)


def _to_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
