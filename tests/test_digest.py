"""annotator.digest: the SHA-256 hashlib gives, for small inputs and big ones."""

import hashlib

from annotator import digest


def test_the_same_digest_as_hashlib():
    for data in (b"", b"abc", "Syria\u2019s \U0001f600".encode(), bytes(range(256)) * 5000):
        assert digest.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
        assert digest.sha256(data, big=True).hexdigest() == hashlib.sha256(data).hexdigest()
    h = digest.sha256()
    for piece in (b"one ", b"two ", b"three"):
        h.update(piece)
    assert h.digest() == hashlib.sha256(b"one two three").digest()


def test_small_inputs_do_not_need_hashlib_and_big_ones_get_it():
    small = digest.sha256(b"x" * 1000)
    big = digest.sha256(b"x" * digest.BIG)
    if digest._interpreters() is not None:  # (CPython's own module)
        assert type(small) is not type(hashlib.sha256())
    assert type(big) is type(hashlib.sha256())
    assert type(digest.sha256(b"x", big=True)) is type(hashlib.sha256())
