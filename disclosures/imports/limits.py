"""Upload size limits shared by every upload path (filing lines, performance targets).

`SizeLimitUploadHandler` stops reading the request body as soon as the file passes
settings.MAX_UPLOAD_BYTES, before it fills the disk; `upload_size_error` is the Chinese message.
What an accepted xlsx may inflate to is bounded by the reader (disclosures.imports.xlsx_reader).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def max_upload_mb() -> int:
    return settings.MAX_UPLOAD_BYTES // (1024 * 1024)


def upload_size_error() -> str:
    return f"文件太大：不能超过 {settings.MAX_UPLOAD_BYTES / (1024 * 1024):.0f} MB。"


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop reading an upload as soon as it passes settings.MAX_UPLOAD_BYTES; sets request.upload_too_large.

    Install it before the body is read: `request.upload_handlers.insert(0, SizeLimitUploadHandler(request))`
    in a csrf_exempt view that then calls a csrf_protect one (Django's documented pattern).
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
