"""The national digest of an ID number: HMAC-SHA256 under the key every province shares.

Not the province's lookup hash (``core.crypto.lookup_hash``): that key is the province's own, so two
provinces' hashes of one ID differ and could not be compared. The national key is a separate secret
(settings.GONGHUI_NATIONAL_KEY) so that a province's lookup key never leaves the province. The digest
of an ID cannot be computed without the key, so the national table is not a dictionary of IDs for
whoever reads it (the ID space is small enough to enumerate with a plain hash)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def enabled() -> bool:
    """Whether this instance keeps the national hash table: a province with a code and the key."""
    return (
        settings.GONGHUI_MODE == "province"
        and bool(settings.GONGHUI_NATIONAL_KEY)
        and bool(settings.GONGHUI_PROVINCE_CODE)
    )


def digest(number: str, key: str | None = None) -> str:
    """The digest of a normalised 18-character ID (upper-case X): stable for a key, different under another."""
    secret = (key if key is not None else settings.GONGHUI_NATIONAL_KEY).encode()
    return hmac.new(secret, number.strip().upper().encode(), hashlib.sha256).hexdigest()
