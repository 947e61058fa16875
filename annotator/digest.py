"""SHA-256 of the articles and annotation files, without ``hashlib`` for small ones.

``hashlib`` loads OpenSSL's module (and BLAKE2's): ~2 ms of the app's start,
for the seed's few kilobytes. The interpreter's own SHA-256 module gives the
same digest and loads in a tenth of that, but it hashes several times slower
(no SHA instructions): a big input still goes to ``hashlib``.
"""

from __future__ import annotations

#: inputs of at least this many bytes are hashed by hashlib (OpenSSL's)
BIG = 1 << 20

_builtin: list = []


def sha256(data: bytes = b"", *, big: bool = False):
    """A SHA-256 hash object (``update``, ``digest``, ``hexdigest``) of ``data``;
    ``big``: more is coming, much of it (hashlib's, as for a big ``data``)."""
    if not big and len(data) < BIG:
        if not _builtin:
            _builtin.append(_interpreters())
        if _builtin[0] is not None:
            return _builtin[0](data)
    import hashlib

    return hashlib.sha256(data)


def _interpreters():
    try:
        from _sha256 import sha256  # CPython 3.10, 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # CPython 3.12+
        except ImportError:
            return None
    return sha256
