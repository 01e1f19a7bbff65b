"""Which files people may hand to the desk, and how a kept file is written down.

[R §4] a master's passport and certificates are checked by the desk, who open them on their own
devices; the manager chat (SPEC §2.4) carries the client's receipts and photos. An executable
named `passport.pdf.exe` must not reach them: photos are always fine, documents only as PDF,
JPEG or PNG — by the type Telegram reports AND by the name's extension, since a client can send
any pair of the two.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidInput

# mime type -> the extensions a file of that type may carry
ALLOWED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}


def check_document(file_name: str | None, mime_type: str | None) -> None:
    """Refuse a document that is not a PDF, JPEG or PNG by both its type and its name."""
    mime = (mime_type or "").strip().lower()
    name = (file_name or "").strip().lower()
    if mime not in ALLOWED_DOCUMENTS or not name.endswith(ALLOWED_DOCUMENTS[mime]):
        raise InvalidInput("error.file_type")


@dataclass(frozen=True)
class FileRef:
    """A kept file: a photo, or a document with the name and type it arrived with."""

    kind: str  # "photo" | "document"
    file_id: str
    name: str | None = None
    mime: str | None = None

    def encode(self) -> str:
        """`photo:<file_id>` or `document:<file_id>:<mime>:<name>` (a Telegram file_id and a
        mime type hold no colon; the name comes last, so it may)."""
        if self.kind == "photo":
            return f"photo:{self.file_id}"
        return f"document:{self.file_id}:{self.mime or ''}:{self.name or ''}"


def photo_ref(file_id: str) -> str:
    return FileRef("photo", file_id).encode()


def document_ref(file_id: str, file_name: str | None, mime_type: str | None) -> str:
    """The reference of an accepted document; InvalidInput for any other file."""
    check_document(file_name, mime_type)
    name = " ".join((file_name or "").split())
    return FileRef("document", file_id, name, (mime_type or "").strip().lower()).encode()


def parse_ref(ref: str) -> FileRef:
    """Read a reference back; one kept before names were recorded has no name or type."""
    kind, _sep, rest = ref.partition(":")
    if kind != "document":
        return FileRef(kind, rest)
    file_id, _s1, tail = rest.partition(":")
    mime, _s2, name = tail.partition(":")
    return FileRef(kind, file_id, name or None, mime or None)


def check_refs(refs: tuple[str, ...] | list[str]) -> None:
    """Every kept file again on the server, whatever the conversation let through."""
    for ref in refs:
        f = parse_ref(ref)
        if not f.file_id or f.kind not in ("photo", "document"):
            raise InvalidInput("error.file_type")
        if f.kind == "document":
            check_document(f.name, f.mime)
