"""Private files (evidence, attachments, exports): how they are sent once a view has checked the user's scope.

Files never get a public URL. A download is streamed in chunks from the storage, whichever it is, so a large file
never sits whole in a server's memory; with local storage behind nginx (`DOWNLOAD_X_ACCEL_PREFIX`) the portal only
answers with an `X-Accel-Redirect` and nginx sends the file from an internal location.
"""

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from storages.utils import clean_name

CHUNK_BYTES = 64 * 1024

# A file shown in the browser (PDF, image) runs in a sandbox: a script inside a PDF gets an opaque origin and cannot
# act with the user's session; only the portal's own pages may frame it; nosniff keeps the browser from reading it as
# anything but its declared type.
INLINE_HEADERS = {"Content-Security-Policy": "sandbox; frame-ancestors 'self'", "X-Content-Type-Options": "nosniff"}
ATTACHMENT_HEADERS = {"X-Content-Type-Options": "nosniff"}


def is_local(storage):
    return isinstance(storage, FileSystemStorage)


def open_stream(fieldfile):
    """A readable stream of the stored file and its size in bytes.

    An S3 object is read straight from the GET response body: django-storages' own file object would first copy
    the whole object into a buffer.
    """
    storage = fieldfile.storage
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        try:
            answer = bucket.Object(storage._normalize_name(clean_name(fieldfile.name))).get()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(fieldfile.name) from error
            raise
        return answer["Body"], answer["ContentLength"]
    return storage.open(fieldfile.name, "rb"), storage.size(fieldfile.name)


def serve(fieldfile, *, filename, content_type, inline=False):
    """The response sending a stored file under its original name (RFC 5987 for Chinese names)."""
    prefix = settings.DOWNLOAD_X_ACCEL_PREFIX
    if prefix and is_local(fieldfile.storage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + fieldfile.name.lstrip("/")
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        try:
            stream, size = open_stream(fieldfile)
        except FileNotFoundError as missing:
            raise Http404(_("文件已不在存储中，请联系管理员。")) from missing
        response = FileResponse(stream, as_attachment=not inline, filename=filename, content_type=content_type)
        response.block_size = CHUNK_BYTES
        response["Content-Length"] = size
    for name, value in (INLINE_HEADERS if inline else ATTACHMENT_HEADERS).items():
        response[name] = value
    return response
