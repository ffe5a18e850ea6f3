"""Backups of everything the site cannot rebuild: the database and the private uploads (takedown
evidence). `manage.py backup` and `manage.py restore` are thin shells around these functions.

A backup is one directory under BACKUP_DIR, named by its UTC time so that names sort by age:

    backup-20261127-160102-123456/
        database.dump   pg_dump --format=custom of DATABASES[alias]
        private.tar     PRIVATE_MEDIA_ROOT, paths relative to it
        SHA256SUMS      both files' checksums, as `sha256sum -c SHA256SUMS` reads them

It is written under a hidden name and renamed into place when complete, so a directory with the
final name is always a whole backup, and retention never counts a half-written one."""

import contextlib
import datetime
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from portal import caching
from reports.scopes import ALL_REPORTS

DATABASE_FILE = "database.dump"
UPLOADS_FILE = "private.tar"
CHECKSUMS_FILE = "SHA256SUMS"
BACKUP_NAME = re.compile(r"^backup-\d{8}-\d{6}-\d{6}$")
logger = logging.getLogger(__name__)
TOOL_SECONDS = 6 * 3600  # a dump or restore of a large database takes long; a hung one must still end


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PG_BIN_DIR, else the embedded server's, else PATH."""
    if settings.PG_BIN_DIR:
        return str(Path(settings.PG_BIN_DIR) / name)
    import importlib.util

    # Found, not imported: importing pgserver warns when XDG_RUNTIME_DIR is unset.
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        embedded = Path(spec.origin).parent / "pginstall" / "bin" / name
        if embedded.exists():
            return str(embedded)
    return shutil.which(name) or name


def _tool_major_version(tool: str) -> int:
    try:
        output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as error:
        hint = "请安装 PostgreSQL 客户端，或用 DJANGO_PG_BIN_DIR 指明其目录。"
        raise BackupError(f"无法运行 {tool}（{error}）。{hint}") from error
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    if found is None:
        raise BackupError(f"无法识别 {tool} 的版本：{output.strip()!r}")
    return int(found.group(1))


def _check_tool_version(tool: str, using: str) -> None:
    """A pg_dump older than the server refuses to dump it, or worse, misses what it does not know."""
    connection = connections[using]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    tool_major = _tool_major_version(tool)
    if tool_major < server_major:
        raise BackupError(
            f"{Path(tool).name} 的版本（{tool_major}）低于数据库服务器（{server_major}）。"
            f"请安装 PostgreSQL {server_major} 或更新版本的客户端，并用 DJANGO_PG_BIN_DIR 指明其 bin 目录。"
        )


def pg_environment(database: dict) -> dict[str, str]:
    """libpq's environment for Django's connection settings. The password goes in PGPASSWORD,
    never on a command line, where every user of the machine could read it (ps)."""
    options = database.get("OPTIONS") or {}
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    environment.update({key: str(value) for key, value in values.items() if value not in (None, "")})
    return environment


def _run(command: list[str], database: dict) -> None:
    try:
        subprocess.run(
            command, env=pg_environment(database), capture_output=True, text=True, check=True, timeout=TOOL_SECONDS
        )
    except subprocess.CalledProcessError as error:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} 失败（退出码 {error.returncode}）：\n{error.stderr.strip()}") from None
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError(f"{Path(command[0]).name} 无法完成：{error}") from error


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def backups_list() -> list[Path]:
    """Complete backups in BACKUP_DIR, oldest first."""
    root = Path(settings.BACKUP_DIR)
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if path.is_dir() and BACKUP_NAME.match(path.name))


def backup_create(*, using: str = DEFAULT_DB_ALIAS, now: datetime.datetime | None = None) -> Path:
    """Dump the database and the uploads into a new backup directory, then apply retention."""
    now = now or datetime.datetime.now(datetime.UTC)
    database = connections[using].settings_dict
    pg_dump = pg_tool("pg_dump")
    _check_tool_version(pg_dump, using)

    root = Path(settings.BACKUP_DIR)
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"backup-{now:%Y%m%d-%H%M%S-%f}"
    if final.exists():
        raise BackupError(f"备份 {final} 已存在。")
    partial = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=root))
    try:
        _run([pg_dump, "--format=custom", "--no-password", f"--file={partial / DATABASE_FILE}"], database)
        _tar_uploads(partial / UPLOADS_FILE)
        sums = "".join(f"{_sha256(partial / name)}  {name}\n" for name in (DATABASE_FILE, UPLOADS_FILE))
        (partial / CHECKSUMS_FILE).write_text(sums)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    backups_prune(keep=settings.BACKUP_KEEP)
    return final


def _tar_uploads(target: Path) -> None:
    uploads = Path(settings.PRIVATE_MEDIA_ROOT)
    with tarfile.open(target, "w") as archive:
        if uploads.is_dir():
            for child in sorted(uploads.iterdir()):
                archive.add(child, arcname=child.name)


def backups_prune(*, keep: int) -> list[Path]:
    """Remove all but the newest `keep` complete backups; returns what was removed."""
    backups = backups_list()
    removed = backups[: max(0, len(backups) - keep)]
    for path in removed:
        shutil.rmtree(path)
    return removed


def backup_resolve(name: str) -> Path:
    """A backup given as a path, or as a name in BACKUP_DIR."""
    path = Path(name)
    if not path.is_dir() and not path.is_absolute():
        path = Path(settings.BACKUP_DIR) / name
    if not path.is_dir():
        raise BackupError(f"找不到备份 {name}（既不是目录，也不在 {settings.BACKUP_DIR} 中）。")
    return path


def backup_verify(path: Path) -> None:
    """Every file the backup needs is there and has the checksum it was written with."""
    try:
        lines = (path / CHECKSUMS_FILE).read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        raise BackupError(f"备份 {path} 缺少校验清单 {CHECKSUMS_FILE}，可能不完整，拒绝恢复。") from None
    expected = {}
    for line in lines:
        digest, _, name = line.partition("  ")
        expected[name.strip()] = digest.strip()
    for name in (DATABASE_FILE, UPLOADS_FILE):
        if name not in expected:
            raise BackupError(f"备份 {path} 的校验清单没有列出 {name}，拒绝恢复。")
        if not (path / name).is_file():
            raise BackupError(f"备份 {path} 缺少文件 {name}，拒绝恢复。")
        if _sha256(path / name) != expected[name]:
            raise BackupError(f"备份文件 {path / name} 的校验和不符，文件已损坏或被改动，拒绝恢复。请换一个备份。")


def backup_restore(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Replace the database and the uploads with the backup's.

    Order matters: the backup is verified and the uploads unpacked beside their directory before
    the database is touched; pg_restore runs in one transaction, so a failure leaves the database
    as it was; only then are the uploads swapped in by renaming. Returns warnings for the operator."""
    backup_verify(path)
    pg_restore = pg_tool("pg_restore")
    _check_tool_version(pg_restore, using)
    database = connections[using].settings_dict

    uploads = Path(settings.PRIVATE_MEDIA_ROOT)
    uploads.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=f".{uploads.name}.restore-", dir=uploads.parent))
    try:
        with tarfile.open(path / UPLOADS_FILE) as archive:
            archive.extractall(unpacked, filter="data")
        # pg_restore --clean drops every table: an open connection of ours must not hold it up.
        connections[using].close()
        command = [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password"]
        _run([*command, f"--dbname={database['NAME']}", str(path / DATABASE_FILE)], database)
    except tarfile.TarError as error:
        shutil.rmtree(unpacked, ignore_errors=True)
        raise BackupError(f"无法解开上传文件归档 {path / UPLOADS_FILE}：{error}。数据库和上传文件均未改动。") from error
    except BackupError as error:
        shutil.rmtree(unpacked, ignore_errors=True)
        raise BackupError(f"{error}\n数据库未改动（pg_restore 在一个事务里运行），上传文件也未改动。") from error
    except BaseException:
        shutil.rmtree(unpacked, ignore_errors=True)
        raise
    try:
        _swap_in(unpacked, uploads)
    except OSError as error:
        swap_error = error
    else:
        swap_error = None
    warnings = [] if _cached_pages_made_stale() else [CACHE_WARNING]
    if swap_error is not None:
        raise BackupError(
            f"数据库已恢复，但上传文件未能换入 {uploads}（{swap_error}）。备份里的上传文件已解开在 {unpacked}，"
            f"请手动把它移到 {uploads}。" + "".join(warnings)
        ) from swap_error
    return warnings


CACHE_WARNING = (
    "缓存未能清除，其中可能还有恢复之前的页面。请在缓存可用后清除本站的缓存（Redis：对本站所用的库执行 "
    "FLUSHDB，或等 DJANGO_PAGE_CACHE_SECONDS 过期）；数据库缓存表不存在时运行 `manage.py createcachetable`。"
)


def _cached_pages_made_stale() -> bool:
    """The shared cache (Redis) still holds pages and lookups built from the data before the
    restore, under versions the restore did not change; every page records `site`. The restore
    itself is done by now, so a cache that cannot be reached (or, with the database cache, a
    backup without its table) is reported, not raised."""
    try:
        before = caching.current_versions([caching.SITE])
        # invalidate() only logs a cache that is down: the versions read back tell whether it took.
        caching.invalidate(caching.SITE, ALL_REPORTS)
        after = caching.current_versions([caching.SITE])
    except Exception:
        logger.exception("restore: the cached pages could not be made stale")
        return False
    return before != after


def _swap_in(unpacked: Path, uploads: Path) -> None:
    uploads_mode = uploads.stat().st_mode & 0o7777 if uploads.exists() else 0o755
    os.chmod(unpacked, uploads_mode)
    previous = uploads.with_name(f".{uploads.name}.before-restore")
    shutil.rmtree(previous, ignore_errors=True)
    if uploads.exists():
        uploads.rename(previous)
    try:
        unpacked.rename(uploads)
    except OSError:
        if previous.exists():
            previous.rename(uploads)
        raise
    with contextlib.suppress(OSError):
        shutil.rmtree(previous)
