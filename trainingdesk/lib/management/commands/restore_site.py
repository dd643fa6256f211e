"""`manage.py restore_site <folder>`: a `backup_site` folder back into an EMPTY database and EMPTY
upload folders, as the settings (DATABASE_URL, PRIVATE_ROOT, MEDIA_ROOT) name them.

It never writes over data: it refuses, before writing anything, when the database has a table,
when an upload folder has a file, when the backup's database vendor is not this site's, or when a
file in the backup does not match the manifest's size and sha256. PostgreSQL is restored with
`pg_restore --no-owner --no-privileges` in one transaction (so a failure leaves the database
empty); SQLite by copying the backup's file in.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from trainingdesk.lib.backups import (
    FILES,
    MANIFEST,
    MANIFEST_FORMAT,
    Folder,
    copy_hashing,
    postgres_program,
    run_program,
    safe_relative,
    sha256_of,
    sqlite_copy,
    sqlite_path,
    upload_folders,
)


def _read_manifest(backup: Path) -> dict[str, Any]:
    path = backup / MANIFEST
    if not path.is_file():
        raise CommandError(f"{backup} has no {MANIFEST}: it is not a finished backup_site folder.")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise CommandError(f"{path} is not readable JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise CommandError(f"{path} is not a backup_site manifest of format {MANIFEST_FORMAT}.")
    return manifest


def _check_file(path: Path, size: int, sha256: str) -> None:
    if not path.is_file():
        raise CommandError(f"The backup is missing {path}.")
    if path.stat().st_size != size or sha256_of(path) != sha256:
        raise CommandError(f"{path} does not match the manifest's size and sha256: the backup is damaged.")


def _tables_in_database() -> list[str]:
    """The tables (and views and sequences) already in the database this site points at."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = sqlite_path(db)
        if not path.exists() or path.stat().st_size == 0:
            return []
        try:
            reading = sqlite3.connect(path)
            try:
                rows = reading.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
                ).fetchall()
            finally:
                reading.close()
        except sqlite3.Error as exc:
            raise CommandError(f"{path} is not an empty SQLite database ({exc}): restore only into an "
                               "empty database.") from exc
        return [name for (name,) in rows]
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT n.nspname || '.' || c.relname FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                ORDER BY c.relkind = 'S', 1
                """
            )
            return [name for (name,) in cursor.fetchall()]
    except DatabaseError as exc:
        raise CommandError(
            f"Cannot open the database {db.get('NAME')!r} (create it first, empty, with createdb): {exc}"
        ) from exc
    finally:
        connection.close()


class Command(BaseCommand):
    help = ("Restore a backup_site folder into an empty database and empty upload folders. Refuses, "
            "before writing anything, when either is not empty or the backup is damaged.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="a folder that backup_site wrote")

    def handle(self, *args: Any, **options: Any) -> None:
        backup: Path = options["folder"].resolve()
        manifest = _read_manifest(backup)
        database = manifest["database"]
        if database["vendor"] != connection.vendor:
            raise CommandError(f"The backup holds a {database['vendor']} database, and this site uses "
                               f"{connection.vendor}: set DATABASE_URL to an empty {database['vendor']} one.")

        # Refuse before writing anything: what is not empty, then what is damaged.
        targets = self._target_folders(manifest)
        tables = _tables_in_database()
        if tables:
            shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
            raise CommandError(f"The database {connection.settings_dict.get('NAME')!r} is not empty "
                               f"(it has {shown}): restore only into an empty database.")
        for folder in targets.values():
            if folder.path.exists() and (not folder.path.is_dir() or any(folder.path.iterdir())):
                raise CommandError(f"The {folder.name} folder {folder.path} is not empty: "
                                   "restore only into empty folders.")
        database_file = backup / safe_relative(database["file"])
        _check_file(database_file, database["size"], database["sha256"])
        files = [(entry, backup / FILES / safe_relative(entry["folder"]) / safe_relative(entry["path"]))
                 for entry in manifest["files"]]
        for entry, stored in files:
            _check_file(stored, entry["size"], entry["sha256"])

        self._restore_database(database_file)
        self.stdout.write(f"Database ({connection.vendor}) restored from {database_file}")
        try:
            for entry, stored in files:
                target = targets[entry["folder"]].path / safe_relative(entry["path"])
                size, sha256 = copy_hashing(stored, target)
                if (size, sha256) != (entry["size"], entry["sha256"]):
                    raise CommandError(f"{stored} changed while it was copied to {target}.")
        except (OSError, CommandError) as exc:
            raise CommandError(f"The database was restored, but copying the files failed: {exc}. Empty the "
                               "database and the upload folders before trying again.") from exc
        for folder in targets.values():
            count = sum(1 for entry, _stored in files if entry["folder"] == folder.name)
            self.stdout.write(f"Files restored to {folder.path}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Restored {backup} (backed up {manifest['created_at']})"))

    def _target_folders(self, manifest: dict[str, Any]) -> dict[str, Folder]:
        """The folders this site keeps uploads in, for each folder the backup has files for."""
        here, _elsewhere = upload_folders()
        by_name = {folder.name: folder for folder in here}
        targets: dict[str, Folder] = {}
        for name in sorted({entry["folder"] for entry in manifest["files"]} | set(manifest["folders"])):
            if name not in by_name:
                if any(entry["folder"] == name for entry in manifest["files"]):
                    raise CommandError(
                        f"The backup has {name} files, and this site keeps them in a storage that is not a "
                        "folder (PRIVATE_STORAGE_BUCKET is set): restore with it unset and PRIVATE_ROOT an "
                        "empty folder, then copy that folder into the bucket."
                    )
                continue
            targets[name] = by_name[name]
        return targets

    def _restore_database(self, database_file: Path) -> None:
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            args, env = postgres_program("pg_restore", db)
            run_program([*args, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                         str(database_file)], env)
        else:
            sqlite_copy(database_file, sqlite_path(db))
