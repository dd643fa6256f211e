"""`manage.py backup_site <folder>`: the database and the uploaded files, with a manifest.

The folder gets:

    database.pgdump or database.sqlite3   PostgreSQL's `pg_dump --format=custom`, or SQLite's online
                                           backup (both consistent while the site runs)
    files/private/..., files/media/...     the private uploads and the media folder, when they are
                                           folders on this machine (not an S3 bucket)
    manifest.json                          when, the database vendor, every file's size and sha256;
                                           written last, so a folder without it is an unfinished backup

The database is copied before the files, so every file a row names is in the backup (a file
uploaded meanwhile may be there too, named by no row; that is harmless). `restore_site` reads the
folder back into an empty database and empty folders.

The pieces shared with `restore_site` are in lib/backups.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from trainingdesk.lib.backups import (
    DATABASE_FILES,
    FILES,
    MANIFEST,
    MANIFEST_FORMAT,
    copy_hashing,
    files_under,
    postgres_program,
    run_program,
    sha256_of,
    sqlite_copy,
    sqlite_path,
    upload_folders,
)


class Command(BaseCommand):
    help = ("Back up the database and the uploaded files (when they are folders on this machine) into "
            "a new or empty folder, with a manifest of every file's size and sha256. Safe while the "
            "site runs. Restore with restore_site.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="a new or empty folder to write the backup into")

    def handle(self, *args: Any, **options: Any) -> None:
        backup: Path = options["folder"].resolve()
        if backup.exists() and (not backup.is_dir() or any(backup.iterdir())):
            raise CommandError(f"{backup} is not an empty folder: a backup never writes over anything.")
        vendor = connection.vendor
        if vendor not in DATABASE_FILES:
            raise CommandError(f"backup_site knows PostgreSQL and SQLite, not {vendor}.")
        folders, elsewhere = upload_folders()
        for folder in folders:
            if backup.is_relative_to(folder.path.resolve()):
                raise CommandError(f"{backup} is inside the {folder.name} folder {folder.path}: "
                                   "put the backup somewhere else.")
        backup.mkdir(parents=True, exist_ok=True)
        backup.chmod(0o700)  # personal data: readable by the site's own user only

        database_file = backup / DATABASE_FILES[vendor]
        self._back_up_database(vendor, database_file)
        files: list[dict[str, Any]] = []
        for folder in folders:
            for relative in files_under(folder.path):
                size, sha256 = copy_hashing(folder.path / relative, backup / FILES / folder.name / relative)
                files.append(
                    {"folder": folder.name, "path": relative.as_posix(), "size": size, "sha256": sha256}
                )
        manifest: dict[str, Any] = {
            "format": MANIFEST_FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {
                "vendor": vendor,
                "file": database_file.name,
                "size": database_file.stat().st_size,
                "sha256": sha256_of(database_file),
            },
            "folders": {folder.name: str(folder.path) for folder in folders},
            "not_backed_up": elsewhere,
            "files": files,
        }
        written = backup / (MANIFEST + ".part")
        written.write_text(json.dumps(manifest, indent=2) + "\n")
        written.replace(backup / MANIFEST)

        self.stdout.write(f"Database ({vendor}): {database_file} ({manifest['database']['size']} bytes)")
        for folder in folders:
            count = sum(1 for entry in files if entry["folder"] == folder.name)
            self.stdout.write(f"Files from {folder.path}: {count}")
        for note in elsewhere:
            self.stdout.write(self.style.WARNING(f"Not backed up, {note}."))
        self.stdout.write(self.style.SUCCESS(f"Backed up to {backup}"))

    def _back_up_database(self, vendor: str, target: Path) -> None:
        db = connection.settings_dict
        if vendor == "postgresql":
            args, env = postgres_program("pg_dump", db)
            run_program([*args, "--format=custom", f"--file={target}"], env)
        else:
            source = sqlite_path(db)
            if not source.is_file():
                raise CommandError(f"There is no SQLite database at {source}.")
            sqlite_copy(source, target)
