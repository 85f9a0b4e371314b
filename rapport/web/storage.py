"""Static files under names that carry a hash of their content, cached for a year."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    """Hashed, compressed copies once `collectstatic` ran (`rapport serve` runs it at each
    start, so a new release's files get new names and browsers keep each file a year);
    the plain names, served from the package, where it has not (tests, a development
    server, a read-only data folder, a file added since)."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        if self.hash_key(name) not in self.hashed_files:
            return name
        return super().stored_name(name)
