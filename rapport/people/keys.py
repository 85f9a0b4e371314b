"""The keys that seal private notes, and the sealing itself (AES-256-GCM).

Master keys come from RAPPORT_KEYS (comma-separated, newest first) or, when it is not
set, from the key file in the data folder, created with one fresh key the first time a
key is needed (mode 0600). The first master key seals; every listed key opens: that is
what lets `rapport rotate-keys` re-seal every note while Rapport keeps serving.

Each organisation seals with its own key, derived from the master key by HKDF with
the organisation's id as context. A sealed text reads
`v1:<key id>:<organisation id>:<nonce and ciphertext in base64>`; the key id names
the master key (a hash, never the key) and the author's id is bound in as associated
data, so a sealed text copied onto someone else's note does not open.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings

VERSION = "v1"
NONCE_BYTES = 12
KEY_ID_LENGTH = 8
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}=?")
KEY_FILE_HEADER = (
    "# Rapport's keys for private notes. Back this file up with the database: without it\n"
    "# the private notes in that database cannot be read by anyone. The first key seals\n"
    "# new notes; every key listed opens notes. `rapport rotate-keys` adds a key on top.\n"
)
# What a person sees when a note will not open: the details (paths, key ids) go to the log.
UNAVAILABLE = (
    "A private note here cannot be opened: the key that sealed it is missing on the server, "
    "or the note was altered there. Nothing was changed or lost; whoever runs Rapport can "
    "read why in the server's log."
)


class SealError(Exception):
    """A key or a sealed note that cannot be used, explained for whoever runs Rapport."""


@dataclass(frozen=True)
class Keyring:
    """The master keys, newest first, and where they came from."""

    keys: tuple[bytes, ...]
    place: str  # the key file's path, or RAPPORT_KEYS
    from_file: bool

    @property
    def source(self) -> str:
        return f"the key file {self.place}" if self.from_file else self.place

    @property
    def sealing_id(self) -> str:
        return key_id(self.keys[0])

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(key_id(key) for key in self.keys)

    def key(self, wanted: str) -> bytes:
        for key in self.keys:
            if key_id(key) == wanted:
                return key
        raise SealError(
            f"A private note is sealed with key {wanted}, which {self.source} does not hold "
            f"(it holds {', '.join(self.ids)}). Put that key back: restore the key file "
            "saved with the backup of this database, or add the key to RAPPORT_KEYS. "
            "Nothing was changed."
        )


def key_id(key: bytes) -> str:
    """A short public name for a master key: a hash of it, never the key."""
    return hashlib.sha256(b"rapport key id\0" + key).hexdigest()[:KEY_ID_LENGTH]


def key_new() -> str:
    """A fresh master key: 32 random bytes in URL-safe base64, as RAPPORT_KEYS takes them."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# Finding the keys ---------------------------------------------------------------------

_loaded: dict[tuple[object, ...], Keyring] = {}


def keyring() -> Keyring:
    """The keys now: RAPPORT_KEYS, else the key file (re-read when it changes, as rotation does)."""
    if settings.RAPPORT_KEYS.strip():
        stamp: tuple[object, ...] = ("env", settings.RAPPORT_KEYS)
        if (ring := _loaded.get(stamp)) is None:
            ring = _parse(settings.RAPPORT_KEYS.split(","), place="RAPPORT_KEYS")
            _remember(stamp, ring)
        return ring
    path = Path(settings.NOTE_KEYS_FILE)
    try:
        status = path.stat()
    except FileNotFoundError:
        _key_file_create(path)
        status = path.stat()
    stamp = ("file", str(path), status.st_ino, status.st_mtime_ns, status.st_size)
    if (ring := _loaded.get(stamp)) is None:
        lines = path.read_text(encoding="utf-8").splitlines()
        ring = _parse(lines, place=str(path), from_file=True)
        _remember(stamp, ring)
    return ring


def _remember(stamp: tuple[object, ...], ring: Keyring) -> None:
    # One keyring at a time: an older version of the file is of no use any more.
    _loaded.clear()
    _loaded[stamp] = ring


def keys_place() -> str:
    """Where the keys are (RAPPORT_KEYS, or the key file's path), without reading or making them."""
    return "RAPPORT_KEYS" if settings.RAPPORT_KEYS.strip() else str(settings.NOTE_KEYS_FILE)


def _parse(texts: list[str], *, place: str, from_file: bool = False) -> Keyring:
    source = f"the key file {place}" if from_file else place
    entries = [text.strip() for text in texts]
    entries = [text for text in entries if text and not text.startswith("#")]
    if not entries:
        raise SealError(f"{source} holds no key: restore it from your backup.")
    keys = []
    for number, text in enumerate(entries, start=1):
        # Never quote the text: it is, or nearly is, a secret.
        if not KEY_PATTERN.fullmatch(text):
            raise SealError(
                f"{source}: key {number} of {len(entries)} is not a key "
                "(32 random bytes in URL-safe base64, 44 characters)."
            )
        try:
            keys.append(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        except binascii.Error:
            raise SealError(f"{source}: key {number} of {len(entries)} is not a key.") from None
    return Keyring(tuple(keys), place, from_file)


def _key_file_create(path: Path) -> None:
    if _anything_sealed():
        raise SealError(
            f"The key file {path} is missing (and RAPPORT_KEYS is not set) but the database "
            "holds sealed private notes. Restore the key file from the backup taken with "
            "this database; Rapport does not make a new key over notes it could not open."
        )
    _write_new_file(path, KEY_FILE_HEADER + key_new() + "\n", replace=False)


def _anything_sealed() -> bool:
    # Looked up by name: the notes live in a higher layer than the keys.
    note_model = apps.get_model("meetings", "PrivateNote")
    return note_model.objects.exclude(sealed_body="").exists()


def _write_new_file(path: Path, text: str, *, replace: bool) -> None:
    """Write the whole file next to its place, then move it in: readers never see half."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(draft, path)
        else:
            # Fails when another process created the file first: theirs stands.
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def key_file_add() -> Keyring:
    """Put a fresh key on top of the key file: it seals from now on, the others still open."""
    ring = keyring()
    if not ring.from_file:
        raise SealError(
            "The keys come from RAPPORT_KEYS: put a new key first in RAPPORT_KEYS "
            "(keep the old ones after it), restart Rapport, then run `rapport rotate-keys`."
        )
    path = Path(settings.NOTE_KEYS_FILE)
    kept = [base64.urlsafe_b64encode(key).decode() for key in ring.keys]
    _write_new_file(path, KEY_FILE_HEADER + "\n".join([key_new(), *kept]) + "\n", replace=True)
    return keyring()


# Sealing ------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _organisation_key(master: bytes, organisation_id: int) -> bytes:
    context = f"rapport private notes, organisation {organisation_id}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=context).derive(master)


def _bound(key: str, organisation_id: int, author_id: int) -> bytes:
    return f"rapport private note {VERSION} {key} {organisation_id} {author_id}".encode()


def seal(text: str, *, organisation_id: int, author_id: int, replacing: str = "") -> str:
    """`text` sealed for its author under their organisation's key ("" stays "").

    `replacing` is the sealed text this one overwrites: it must open, so a note
    whose key is missing is never written over by someone who could not see it.
    """
    unseal(replacing, author_id=author_id)
    if not text:
        return ""
    return sealer(organisation_id)(text, author_id)


def sealer(organisation_id: int) -> Callable[[str, int], str]:
    """Seal (text, author id) in the organisation under the sealing key as it is now.

    The keys are read and the cipher made once, for writing many notes in one go.
    """
    ring = keyring()
    key = ring.sealing_id
    cipher = AESGCM(_organisation_key(ring.keys[0], organisation_id))
    prefix = f"{VERSION}:{key}:{organisation_id}:"

    def seal_for(text: str, author_id: int) -> str:
        if not text:
            return ""
        nonce = secrets.token_bytes(NONCE_BYTES)
        bound = _bound(key, organisation_id, author_id)
        sealed = cipher.encrypt(nonce, text.encode("utf-8"), bound)
        return prefix + base64.urlsafe_b64encode(nonce + sealed).decode()

    return seal_for


def unseal(sealed: str, *, author_id: int) -> str:
    """The text of a sealed note (SealError, in words, when it cannot be opened)."""
    if not sealed:
        return ""
    key, organisation_id, payload = _parts(sealed)
    master = keyring().key(key)
    cipher = AESGCM(_organisation_key(master, organisation_id))
    try:
        text = cipher.decrypt(
            payload[:NONCE_BYTES], payload[NONCE_BYTES:], _bound(key, organisation_id, author_id)
        )
    except InvalidTag:
        raise SealError(
            f"A private note sealed with key {key} does not open with it: the note was "
            "altered in the database, or copied there from another person's note."
        ) from None
    return text.decode("utf-8")


def sealed_key_id(sealed: str) -> str:
    """The id of the master key a sealed text was sealed with."""
    return _parts(sealed)[0]


def _parts(sealed: str) -> tuple[str, int, bytes]:
    try:
        version, key, organisation, payload = sealed.split(":", 3)
        if version != VERSION:
            raise ValueError(version)
        return key, int(organisation), base64.urlsafe_b64decode(payload.encode("ascii"))
    except (ValueError, binascii.Error):
        raise SealError(
            "A private note in the database is not a sealed text Rapport wrote: "
            "it was altered there (run `rapport manage migrate` if it predates sealing)."
        ) from None
