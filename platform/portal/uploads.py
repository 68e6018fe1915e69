"""Reading an uploaded image safely, shared by every form that takes one (licences, product photos)."""

from PIL import Image


def image_format(upload) -> str | None:
    """Pillow's format name ("JPEG", "PNG"...) if the upload is a readable image, else None; rewinds the file."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            found = image.format
            image.verify()
    except Exception:  # Pillow signals malformed files with many exception types (as Django's ImageField does)
        return None
    finally:
        upload.seek(0)
    return found
