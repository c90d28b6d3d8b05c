"""The evidence room: what the documents contain, the WARC archive of what decided each status, and
screenshots rendered from the archive. It reads what the store holds and never opens a connection."""

from auditor.messages import COPIES, REASONS, SHOT_REASONS  # noqa: F401 — the room's words live in the catalogue
