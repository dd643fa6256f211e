"""How fast the Advanced Certificate's PDF renders (issue 11, item 9: at least 300 a second with
the embedded fonts).

A measurement, not a test. 1,000 certificates with varied holders, as a provider's register has
them: most names in Latin script (many with accents), the rest in Greek, Cyrillic, Vietnamese,
Chinese, Japanese, Arabic and Hebrew, some mixing two scripts, and one in twenty long enough to
shrink or wrap; each with its own code, dates and supervision hours. `certificate_pdf` renders
them one after the other in this one process, after one warm-up render (fonts loaded, as in a
delivery worker that lives on).

    .venv/bin/python -m bench.certificate_pdfs            # prints the figures
    .venv/bin/python -m bench.certificate_pdfs --json     # ends with one line of JSON (make bench)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import time
from collections import Counter
from decimal import Decimal
from typing import Any

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "latin": (("Pat", "Łucja", "José", "Zoë", "Siobhán", "Jürgen", "Ana", "Mohammed", "Chloé",
               "Søren", "Aoife", "Ines", "Thomas", "Priya", "Grzegorz"),
              ("Smith", "Nowak", "Álvarez", "Brontë-Harris", "Ó Súilleabháin", "Müller", "Kowalczyk",
               "Öztürk", "Lefèvre", "Ågren", "Jones", "Dvořák", "Patel", "Brzęczyszczykiewicz")),
    "greek": (("Γιώργος", "Μαρία", "Ελένη", "Νίκος"), ("Παπαδόπουλος", "Οικονόμου", "Γεωργίου")),
    "cyrillic": (("Анна", "Сергей", "Ольга", "Дмитрий"), ("Кузнецова", "Иванов", "Смирнова")),
    "vietnamese": (("Nguyễn Thị", "Trần Văn", "Lê Hoàng", "Phạm Thu"), ("Minh Khai", "Hương", "Đức")),
    "chinese": (("王", "李", "张", "刘", "陈"), ("小明", "伟", "芳", "秀英", "建国")),
    "japanese": (("山田", "佐藤", "鈴木", "高橋"), ("太郎", "花子", "さくら", "翔太")),
    "arabic": (("محمد", "فاطمة", "أحمد", "ليلى"), ("عبد الله", "الحسيني", "منصور")),
    "hebrew": (("דוד", "שרה", "יוסף", "מרים"), ("כהן", "לוי", "מזרחי")),
}
# Of 100 holders: the script of their name.
MIX = {"latin": 60, "greek": 5, "cyrillic": 5, "vietnamese": 5, "chinese": 8, "japanese": 5,
       "arabic": 7, "hebrew": 5}
AWARD = "PartnershipProjects Advanced Certificate in NVR Practice"


def holder_names(count: int, seed: int = 11) -> list[tuple[str, str]]:
    """`count` (script, name) pairs: mostly different names, 1 in 20 long, 1 in 25 in two scripts."""
    pick = random.Random(seed)
    scripts = [script for script, share in MIX.items() for _ in range(share)]
    names = []
    for n in range(count):
        script = pick.choice(scripts)
        given, family = NAMES[script]
        name = f"{pick.choice(given)} {pick.choice(family)}"
        if n % 25 == 7:
            other = NAMES[pick.choice(list(NAMES))]
            name = f"{name} ({pick.choice(other[0])} {pick.choice(other[1])})"
            script = "mixed"
        if n % 20 == 3:
            name = " ".join([name, *(pick.choice(family) for _ in range(pick.randint(8, 30)))])
            script = "long"
        names.append((script, name))
    return names


def certificates(count: int) -> list[Any]:
    from trainingdesk.certificates.documents import CertificateData, LevelCompleted
    from trainingdesk.lib.verification import new_code

    pick = random.Random(count)
    made = []
    for n, (script, name) in enumerate(holder_names(count)):
        foundation = dt.date(2024, 1, 1) + dt.timedelta(days=pick.randrange(365))
        advanced = foundation + dt.timedelta(days=pick.randrange(90, 300))
        made.append((script, CertificateData(
            holder_name=name, award_name=AWARD, provider_name="PartnershipProjects UK",
            provider_accreditation="Accredited by the NVR Association",
            issued_on=advanced + dt.timedelta(days=pick.randrange(120, 360)), code=new_code(),
            levels=(LevelCompleted("Foundation", foundation, "NVRA Level 1"),
                    LevelCompleted("Advanced", advanced, "NVRA Level 2")),
            supervision_hours=Decimal(pick.choice((0, 12, 18, 24, 24, 30))) / (2 if n % 9 == 0 else 1),
            own_supervisor=pick.random() < 0.15)))
    return made


def _measure(count: int) -> dict[str, object]:
    from trainingdesk.certificates.documents import certificate_pdf

    made = certificates(count)
    certificate_pdf(made[0][1])  # fonts loaded before the clock starts
    started = time.perf_counter()
    sizes = [len(certificate_pdf(data)) for _script, data in made]
    seconds = time.perf_counter() - started
    return {"pdfs": count, "seconds": round(seconds, 3), "mean_pdf_bytes": round(sum(sizes) / len(sizes)),
            "scripts": dict(Counter(script for script, _data in made))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="end with one line of JSON (make bench reads it)")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    measured = _measure(options.pdfs)
    seconds = measured["seconds"]
    assert isinstance(seconds, float)
    print(f"{measured['pdfs']:,} certificate PDFs in {seconds} s: {options.pdfs / seconds:.1f} a second, "
          f"{measured['mean_pdf_bytes']:,} bytes on average; names {measured['scripts']}")
    if options.json:
        print(json.dumps(measured))


if __name__ == "__main__":
    main()
