"""The child process that turns an untrusted PDF into page images (PDFium through pypdfium2).

Run only by `cleaning.pdf_as_page_images`, as `python -I rasterise.py DPI MAX_PAGES MAX_PAGE_PIXELS
MAX_SIDE MAX_SECONDS MAX_MEMORY MAX_OUTPUT`, the PDF on standard input. It imports nothing of the application
(the application imports its constants). It bounds itself before PDFium reads a byte: CPU seconds, address
space and the size of what it writes (standard output is a file).

Standard output, for each page as shown: its width and height in points (two big-endian doubles), the length of its
JPEG (a big-endian unsigned 32-bit integer), then the JPEG, encoded by Pillow from the rendered pixels.
Exit status: 0 done, 3 too many pages, 4 unreadable or protected by a password; anything else (a limit
reached, a crash of the decoder) is a failure as well.
"""

import resource
import struct
import sys

FRAME = struct.Struct(">ddI")
TOO_MANY_PAGES, UNREADABLE = 3, 4
JPEG_QUALITY = 80
POINTS_PER_INCH = 72


def _bound_self(max_seconds: int, max_memory: int, max_output: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (max_seconds, max_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_output, max_output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def page_scale(width: float, height: float, dpi: int, max_pixels: int, max_side: int) -> float:
    """Pixels per point: the resolution asked for, lowered for a page that would exceed the bounds (a poster
    comes out smaller, never refused)."""
    scale = dpi / POINTS_PER_INCH
    if width <= 0 or height <= 0:
        raise ValueError("a page without area")
    scale = min(scale, (max_pixels / (width * height)) ** 0.5, max_side / max(width, height))
    return scale


def main(arguments: list[str]) -> int:
    dpi, max_pages, max_pixels, max_side, max_seconds, max_memory, max_output = (int(a) for a in arguments)
    _bound_self(max_seconds, max_memory, max_output)
    import pypdfium2  # after the bounds: PDFium's own allocations count

    data = sys.stdin.buffer.read()
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return UNREADABLE
    if len(document) > max_pages:
        return TOO_MANY_PAGES
    if len(document) == 0:
        return UNREADABLE
    out = sys.stdout.buffer
    for index in range(len(document)):
        width, height = document.get_page_size(index)
        scale = page_scale(width, height, dpi, max_pixels, max_side)
        page = document[index]
        # As a printout shows it: annotations drawn by their print flag, hidden layers hidden; no form filling
        # environment (JavaScript never runs), widgets drawn from their appearance.
        bitmap = page.render(scale=scale, may_draw_forms=False, draw_annots=True, optimize_mode="print",
                             fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil().convert("RGB")
        page.close()
        encoded = _jpeg(image)
        # The page's size from the image: a rotated page comes out as it is shown.
        out.write(FRAME.pack(image.width / scale, image.height / scale, len(encoded)))
        out.write(encoded)
    out.flush()
    return 0


def _jpeg(image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
