"""Backups of the site: the pieces `manage.py backup_site` and `restore_site` share (the
manifest, copying and hashing files, running pg_dump and pg_restore, SQLite's backup API)."""


from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from django.db.backends.postgresql.client import DatabaseClient

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
FILES = "files"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# Each uploads folder by its name in the backup, and the storage (STORAGES) it belongs to.
FOLDER_STORAGES = {"private": "private", "media": "default"}
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Folder:
    name: str  # "private" or "media": its folder under files/ in the backup
    path: Path  # where it is on this machine


def upload_folders() -> tuple[list[Folder], list[str]]:
    """The storages that are folders on this machine, and a note for each that is not (a bucket
    keeps its own copies: turn on its versioning)."""
    folders: list[Folder] = []
    elsewhere: list[str] = []
    for name, alias in FOLDER_STORAGES.items():
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            folders.append(Folder(name, Path(storage.location)))
        else:
            elsewhere.append(f"{name}: stored in {type(storage).__name__}, not in a folder here")
    return folders, elsewhere


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashing(source: Path, target: Path) -> tuple[int, str]:
    """Copy `source` to `target` (which must not exist) in one pass; its size and sha256."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as reading, target.open("xb") as writing:
        while chunk := reading.read(_CHUNK):
            digest.update(chunk)
            writing.write(chunk)
            size += len(chunk)
    shutil.copystat(source, target)
    return size, digest.hexdigest()


def files_under(folder: Path) -> list[Path]:
    """Every file under `folder`, as relative paths in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())


def postgres_program(program: str, db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """`program` (pg_dump, pg_restore) connecting as Django does: host, port, user and database as
    options; the password and SSL settings in its environment, never on the command line (where
    `ps` would show them). The environment comes from Django's own `dbshell`."""
    _psql, extra = DatabaseClient.settings_to_cmd_args_env(db, [])
    args = [program, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER"), ("--dbname", "NAME")):
        if db.get(key):
            args.append(f"{option}={db[key]}")
    return args, {**os.environ, **(extra or {})}


def run_program(args: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed programs, our arguments
    except FileNotFoundError as exc:
        raise CommandError(f"{args[0]} is not installed (on Debian: apt install postgresql-client)") from exc
    if result.returncode != 0:
        raise CommandError(f"{args[0]} failed ({result.returncode}):\n{result.stderr.strip()}")


def sqlite_path(db: dict[str, Any]) -> Path:
    name = str(db["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise CommandError("The SQLite database is in memory: there is no file to back up or restore.")
    return Path(name)


def sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy of `source` even while the site writes to it
    (in WAL mode, readers and writers do not wait for it)."""
    try:
        with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
            reading.backup(writing)
    except sqlite3.Error as exc:
        raise CommandError(f"Could not copy the SQLite database {source} to {target}: {exc}") from exc


def safe_relative(path: str) -> PurePosixPath:
    """A path from a manifest, refused if it could reach outside the folder it names a file in."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or not relative.parts or ".." in relative.parts:
        raise CommandError(f"The manifest names a file outside its folder: {path!r}")
    return relative
