"""Uploads stay in memory: a roster or a transcript never touches a temporary file.

Django's default handlers write a large upload to a temporary file, which would
leave a person's transcript or an organisation's roster on disk. This handler
keeps each file in memory up to `settings.UPLOAD_MAX_BYTES` and drops the
rest; the view then finds `request.upload_too_big` set and says so.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


def upload_too_big(request: HttpRequest) -> bool:
    """Whether an uploaded file went over the size limit and was dropped."""
    return getattr(request, "upload_too_big", False)


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps each uploaded file in memory, up to the size limit: never a temporary file."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.buffer.tell() + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.upload_too_big = True
            self.buffer = io.BytesIO()
            # Read and drop the rest of the request; keep nothing of it.
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, file_size, None
        )
