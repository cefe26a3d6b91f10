"""Matching the messages users read against the constants that hold them."""

import re


def says(message, text: str) -> bool:
    """Whether `text` holds `message` (a constant), whatever its %(placeholders)s were."""
    parts = re.split(r"%\(\w+\)s", str(message).replace("%%", "%"))
    return re.search(".*?".join(re.escape(p) for p in parts), text, re.S) is not None
