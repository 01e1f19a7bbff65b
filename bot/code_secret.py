"""The server secret that keys the confirmation codes' hashes [C 二.8].

A code has only 10^6 values: a hash keyed by the order number alone is reversed offline in a
moment by anyone who reads the database (a backup, a dump). Keyed with a secret that is not in
the database, the stored hash is useless without it.

CODE_SECRET sets it. Unset, one is generated on first start into a file next to the SQLite
database (for PostgreSQL: ./data/code_secret under the working directory), readable by the
owner only, and reused on every start. Several processes on different hosts must share it:
set CODE_SECRET there.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings

logger = logging.getLogger(__name__)
FILE_NAME = "code_secret"
DATA_DIR = Path("data")
MIN_LENGTH = 16


def secret_file(database_url: str) -> Path:
    """Where the generated secret lives: the SQLite file's folder, else ./data."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / FILE_NAME
    return DATA_DIR / FILE_NAME


def read_or_create(path: Path) -> bytes:
    """The secret in `path`; created (0600, random) if there is none yet. Two processes
    starting at once agree: the file is published with a link, which fails if it exists."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
                logger.info("generated the code secret in %s", path)
            except FileExistsError:  # another process was first: use its secret
                pass
        finally:
            tmp.unlink(missing_ok=True)
        return _read(path)
    except OSError as exc:
        raise ConfigError(f"cannot create the code secret file {path}: {exc.strerror}; "
                          f"set CODE_SECRET or make the folder writable") from None


def _read(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:  # readable by others: the secret is only as good as its file
        logger.warning("%s was readable by others; restricting it to its owner", path)
        os.chmod(path, 0o600)
    value = path.read_bytes().strip()
    if len(value) < MIN_LENGTH:
        raise ConfigError(f"the code secret file {path} is damaged (shorter than "
                          f"{MIN_LENGTH} characters); restore it from a backup, or delete it "
                          f"(codes already sent will then need 'Send a new code')")
    return value


def load_code_secret(settings: Settings) -> bytes:
    if settings.code_secret:
        return settings.code_secret.encode()
    return read_or_create(secret_file(settings.database_url))
