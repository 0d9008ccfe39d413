"""Files in a request are kept only as far as a file may go: a file larger than UPLOAD_MAX_FILE_MB is read as it
arrives, kept to one byte beyond the limit (which is enough to refuse it) and the rest counted and dropped. The form
around it is still read, so that it comes back with everything typed and a message that says the file's size and
the limits, instead of a bare "too large" page. MAX_CONTENT_LENGTH still bounds a whole request."""

import tempfile

from flask import Request, current_app

MB = 1024 * 1024
# Below this a file stays in memory, as Werkzeug's own stream does.
IN_MEMORY = 500 * 1024


class CappedFile:
    """A writable and readable upload stream that keeps at most `keep` bytes; `received` counts every byte sent."""

    def __init__(self, keep: int):
        self._file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 - closed with the request
        self._keep = keep
        self.received = 0

    def write(self, data: bytes) -> int:
        room = self._keep - min(self.received, self._keep)
        if room > 0:
            self._file.write(data[:room])
        self.received += len(data)
        return len(data)

    def __iter__(self):
        return iter(self._file)

    def __getattr__(self, name: str):
        return getattr(self._file, name)


class UploadRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return CappedFile(int(current_app.config["UPLOAD_MAX_FILE_MB"] * MB) + 1)


def sent_size(stream) -> int | None:
    """How many bytes the sender sent for this file (more than was kept, for a file over the limit), if known."""
    received = getattr(stream, "received", None)
    if isinstance(received, int):
        return received
    try:
        position = stream.tell()
        size = stream.seek(0, 2)
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return size
