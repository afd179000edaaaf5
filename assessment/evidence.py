"""Checks on uploaded evidence: the kind is read from the content, not the name."""

import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Extension → the kind `filetype` must detect in the content.
KIND_BY_EXTENSION = {
    "pdf": "pdf",
    "doc": "doc",
    "docx": "docx",
    "xls": "xls",
    "xlsx": "xlsx",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}
KIND_LABELS = {"pdf": "PDF", "doc": "Word", "docx": "Word", "xls": "Excel", "xlsx": "Excel", "jpg": "JPEG", "png": "PNG"}


def allowed_kinds():
    return settings.EVIDENCE_ALLOWED_KINDS


def max_bytes():
    return settings.EVIDENCE_MAX_BYTES


def _extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _detected_kind(upload):
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head)
    return guess.extension if guess else None


def check_upload(upload):
    """Return (kind, sha256) of an acceptable upload, else raise ValidationError.

    The extension must be allowed and the content must be of that kind, so a
    renamed executable is refused whatever it is called.
    """
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": upload.name})
    if upload.size > max_bytes():
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size).1f MB，超过上限 %(limit).0f MB。")
            % {"name": upload.name, "size": upload.size / 1048576, "limit": max_bytes() / 1048576}
        )
    expected = KIND_BY_EXTENSION.get(_extension(upload.name))
    if expected is None or expected not in allowed_kinds():
        raise ValidationError(
            _("不支持文件“%(name)s”的类型。允许的类型：%(kinds)s。") % {"name": upload.name, "kinds": allowed_label()}
        )
    if _detected_kind(upload) != expected:
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符，可能已损坏或被改名，已拒绝上传。") % {"name": upload.name}
        )
    return expected, sha256_of(upload)


def sha256_of(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def allowed_label():
    labels = []
    for kind in allowed_kinds():
        label = KIND_LABELS.get(kind, kind)
        if label not in labels:
            labels.append(label)
    return "、".join(labels)
