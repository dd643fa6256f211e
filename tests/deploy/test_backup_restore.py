"""`backup_site` and `restore_site`, run as an operator runs them (`manage.py` in its own process,
the environment naming the database and folders), on the suite's database: PostgreSQL with
DATABASE_URL set, SQLite without it.

The round trip restores the demo and some uploads into a database and folders of their own, and
finds every row of every table and every byte of every file as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from trainingdesk.demo.data import load

PROJECT = Path(__file__).resolve().parent.parent.parent
_SITE_VARIABLES = {"DATABASE_URL", "PRIVATE_ROOT", "MEDIA_ROOT", "PRIVATE_STORAGE_BUCKET"}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _url(name: str) -> str:
    """DATABASE_URL for the database `name` on the suite's server (or the SQLite file `name`)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(name, safe='')}"


def _source() -> str:
    return str(connection.settings_dict["NAME"])


def _manage(*args: str, database: str, private: Path, media: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in _SITE_VARIABLES}
    env.update(DATABASE_URL=_url(database), PRIVATE_ROOT=str(private), MEDIA_ROOT=str(media))
    return subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )


def _maintenance() -> psycopg.Connection[Any]:
    db = connection.settings_dict
    return psycopg.connect(dbname="postgres", host=db["HOST"] or None, port=db["PORT"] or None,
                           user=db["USER"] or None, password=db["PASSWORD"] or None, autocommit=True)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A new, empty database beside the suite's: on PostgreSQL one with a name of its own, dropped
    afterwards; on SQLite a file that does not exist yet."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"trainingdesk_restore_{secrets.token_hex(6)}"
    with closing(_maintenance()) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with closing(_maintenance()) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _open(name: str) -> Any:
    """A plain driver connection, the same kind for the source and the restored database, so that
    their rows come back as the same Python values."""
    if connection.vendor == "sqlite":
        return sqlite3.connect(name)
    db = connection.settings_dict
    return psycopg.connect(dbname=name, host=db["HOST"] or None, port=db["PORT"] or None,
                           user=db["USER"] or None, password=db["PASSWORD"] or None)


def _every_row(name: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the suite's database, read from the database `name`, ordered by primary key."""
    quote_name = connection.ops.quote_name
    with connection.cursor() as cursor:
        # By primary key; a table without one, by every column.
        tables = {table: connection.introspection.get_primary_key_columns(cursor, table)
                  or [column.name for column in connection.introspection.get_table_description(cursor, table)]
                  for table in connection.introspection.table_names(cursor)}
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with closing(_open(name)) as database:
        for table, key in sorted(tables.items()):
            order = ", ".join(quote_name(column) for column in key)
            cursor = database.cursor()
            cursor.execute(f"SELECT * FROM {quote_name(table)} ORDER BY {order}")  # noqa: S608 - our own tables
            rows[table] = [tuple(row) for row in cursor.fetchall()]
    return rows


def _assert_empty(name: str) -> None:
    if connection.vendor == "sqlite":
        assert not Path(name).exists() or Path(name).stat().st_size == 0
        return
    with closing(_open(name)) as database:
        tables = database.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
    assert tables == (0,)


def _every_file(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*") if path.is_file()}


def _uploads(tmp_path: Path) -> tuple[Path, Path]:
    private, media = tmp_path / "private", tmp_path / "media"
    (private / "admissions" / "7").mkdir(parents=True)
    letter = b"%PDF-1.7\n" + secrets.token_bytes(40_000)
    (private / "admissions" / "7" / "supervisor letter.pdf").write_bytes(letter)
    (private / "coursework" / "12").mkdir(parents=True)
    (private / "coursework" / "12" / "essay.docx").write_bytes(secrets.token_bytes(3_000))
    media.mkdir()
    (media / "provider-logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(500))
    return private, media


def _backed_up(tmp_path: Path) -> Path:
    """A backup of the suite's database and some uploads, in tmp_path/backup."""
    private, media = _uploads(tmp_path)
    backup = tmp_path / "backup"
    result = _manage("backup_site", str(backup), database=_source(), private=private, media=media)
    assert result.returncode == 0, result.stdout + result.stderr
    return backup


def test_a_restored_backup_has_every_row_and_every_file_of_the_site(
    tmp_path: Path, empty_database: str
) -> None:
    load(today=dt.date(2026, 11, 25))  # the demo: catalogue, people, bookings, invoices, attendance
    private, media = _uploads(tmp_path)
    backup = tmp_path / "backup"

    backed_up = _manage("backup_site", str(backup), database=_source(), private=private, media=media)
    assert backed_up.returncode == 0, backed_up.stdout + backed_up.stderr
    restored_private, restored_media = tmp_path / "restored" / "private", tmp_path / "restored" / "media"
    restored = _manage("restore_site", str(backup), database=empty_database,
                       private=restored_private, media=restored_media)
    assert restored.returncode == 0, restored.stdout + restored.stderr

    source_rows, restored_rows = _every_row(_source()), _every_row(empty_database)
    assert source_rows == restored_rows
    # the demo: Summer 2022, the recent Foundation run of two applicants, and Morgan's
    # Foundation and Advanced (whose application is the fourth)
    assert len(source_rows["bookings_booking"]) == 6
    assert len(source_rows["admissions_application"]) == 4
    assert source_rows["coursework_portfolio"]
    assert source_rows["attendance_attendanceconfirmation"]
    assert _every_file(restored_private) == _every_file(private)
    assert len(_every_file(restored_private)) == 2
    assert _every_file(restored_media) == _every_file(media)


def test_the_manifest_names_the_vendor_and_every_file_with_its_size_and_sha256(tmp_path: Path) -> None:
    private, media = _uploads(tmp_path)
    backup = tmp_path / "backup"

    result = _manage("backup_site", str(backup), database=_source(), private=private, media=media)

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert (backup / manifest["database"]["file"]).stat().st_size == manifest["database"]["size"]
    assert dt.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    letter = next(entry for entry in manifest["files"] if entry["path"].endswith("letter.pdf"))
    assert letter == {"folder": "private", "path": "admissions/7/supervisor letter.pdf", "size": 40_009,
                      "sha256": letter["sha256"]}
    assert letter["sha256"] == hashlib.sha256(
        (private / "admissions" / "7" / "supervisor letter.pdf").read_bytes()).hexdigest()
    assert sorted(entry["folder"] for entry in manifest["files"]) == ["media", "private", "private"]


def test_a_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    private, media = _uploads(tmp_path)
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "last-week.txt").write_text("keep me")

    result = _manage("backup_site", str(backup), database=_source(), private=private, media=media)

    assert result.returncode != 0
    assert f"{backup} is not an empty folder" in result.stderr
    assert [path.name for path in backup.iterdir()] == ["last-week.txt"]


def test_a_restore_refuses_a_database_that_is_not_empty_and_writes_no_file(tmp_path: Path) -> None:
    backup = _backed_up(tmp_path)
    before = _every_row(_source())

    result = _manage("restore_site", str(backup), database=_source(),
                     private=tmp_path / "new-private", media=tmp_path / "new-media")

    assert result.returncode != 0
    assert f"The database '{_source()}' is not empty" in result.stderr
    assert "restore only into an empty database" in result.stderr
    assert not (tmp_path / "new-private").exists()
    assert _every_row(_source()) == before


def test_a_restore_refuses_an_upload_folder_that_is_not_empty_and_leaves_the_database_empty(
    tmp_path: Path, empty_database: str
) -> None:
    backup = _backed_up(tmp_path)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "someone else's.pdf").write_bytes(b"not ours")

    result = _manage("restore_site", str(backup), database=empty_database, private=occupied,
                     media=tmp_path / "new-media")

    assert result.returncode != 0
    assert f"The private folder {occupied} is not empty" in result.stderr
    assert _every_file(occupied) == {"someone else's.pdf": b"not ours"}
    _assert_empty(empty_database)


def test_a_restore_refuses_a_damaged_backup_before_writing_anything(
    tmp_path: Path, empty_database: str
) -> None:
    backup = _backed_up(tmp_path)
    essay = backup / "files" / "private" / "coursework" / "12" / "essay.docx"
    stored = essay.read_bytes()
    essay.write_bytes(bytes([stored[0] ^ 0xFF]) + stored[1:])  # one byte changed, the size the same

    result = _manage("restore_site", str(backup), database=empty_database,
                     private=tmp_path / "new-private", media=tmp_path / "new-media")

    assert result.returncode != 0
    assert f"{essay} does not match the manifest's size and sha256" in result.stderr
    assert not (tmp_path / "new-private").exists()
    _assert_empty(empty_database)

