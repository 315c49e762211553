"""Static files storage for production: WhiteNoise's compressed manifest, tolerant of vendored references.

The vendored assets name files that are not shipped (bootstrap's `.js.map` source maps, bootstrap-icons'
`.woff` fallback beside the `.woff2` every supported browser loads). The stock storage fails
collectstatic on them; this one leaves such a reference as written (a 404 only a developer's console would
ask for) and hashes everything that exists.
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return str(super().hashed_name(name, content, filename))
        except ValueError:  # referenced file missing: keep the reference unhashed
            if content is None and not self.exists(self.clean_name(name)):
                return name
            raise
