"""How long lib.wordcount.count_docx takes on a 2000-word case study (issue 11, item 9).

A measurement, not a test. Each case study is written as Word writes one: paragraphs of runs
with their properties and revision ids, words split over runs by spell-check marks, a table,
footnotes with their separators and an endnote; about 2,000 words in all. Then:

- one case study counted REPEAT times (the median is judged against the issue's 10 ms);
- 1,000 different case studies counted one after the other, in memory (files per second);
- the same 1,000 checked by lib.uploads.check_upload and then counted, as the portfolio does.

    .venv/bin/python -m bench.wordcount            # prints the figures
    .venv/bin/python -m bench.wordcount --json     # ends with one line of JSON (make bench)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import time
import zipfile

WORDS = ["the", "family", "parent", "child", "support", "resistance", "non-violent", "approach",
         "session", "presence", "escalation", "de-escalation", "announcement", "reconciliation",
         "gesture", "sit-in", "supporters", "2023", "12", "practice", "trainer", "supervision", "home",
         "school", "teacher", "week", "calm"]
NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
         'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
         'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
         f'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="{MAIN}"/>'
         "</Types>")
RUN_PROPERTIES = ('<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Arial"/><w:sz w:val="24"/>'
                  '<w:szCs w:val="24"/><w:lang w:val="en-GB"/></w:rPr>')


def case_study(seed: int, words: int = 2000) -> tuple[bytes, int]:
    """A DOCX of about `words` words and the number it holds (body, table and notes)."""
    pick = random.Random(seed)
    written = 0

    def run(text: str) -> str:
        return (f'<w:r w:rsidR="00{pick.randrange(16**6):06X}">{RUN_PROPERTIES}'
                f'<w:t xml:space="preserve">{text}</w:t></w:r>')

    def paragraph(count: int) -> str:
        nonlocal written
        written += count
        text = " ".join(pick.choice(WORDS) for _ in range(count)) + ". "
        runs, at = [], 0
        while at < len(text):  # runs of 20 to 80 characters, cut anywhere, mid-word too
            step = pick.randint(20, 80)
            runs.append(run(text[at : at + step]))
            if pick.random() < 0.2:
                runs.append('<w:proofErr w:type="spellStart"/>')
            at += step
        return ('<w:p w:rsidR="00112233" w:rsidRDefault="00445566"><w:pPr><w:spacing w:after="120" '
                f'w:line="276"/><w:jc w:val="both"/></w:pPr>{"".join(runs)}</w:p>')

    def cell(count: int) -> str:
        return f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{paragraph(count)}</w:tc>'

    notes = [f'<w:footnote w:id="{n}">{paragraph(pick.randint(6, 14))}</w:footnote>' for n in range(1, 6)]
    endnote = f'<w:endnote w:id="1">{paragraph(20)}</w:endnote>'
    table = ('<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
             + "".join(f"<w:tr>{cell(3)}{cell(5)}{cell(8)}</w:tr>" for _ in range(6)) + "</w:tbl>")
    body = [table]
    while written < words:
        body.append(paragraph(min(pick.randint(40, 120), max(words - written, 1))))
    separators = ('<w:{0} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{0}>'
                  '<w:{0} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  "</w:r></w:p></w:{0}>")
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    footnotes, endnotes = separators.format("footnote"), separators.format("endnote")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("word/document.xml", f'{declaration}<w:document {NS}><w:body>{"".join(body)}'
                         '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
        archive.writestr("word/footnotes.xml", f"{declaration}<w:footnotes {NS}>{footnotes}"
                         f'{"".join(notes)}</w:footnotes>')
        archive.writestr("word/endnotes.xml", f"{declaration}<w:endnotes {NS}>{endnotes}"
                         f"{endnote}</w:endnotes>")
    return buffer.getvalue(), written


def _measure(repeat: int, files: int) -> dict[str, object]:
    from trainingdesk.lib.uploads import check_upload
    from trainingdesk.lib.wordcount import count_docx

    one, words = case_study(0)
    counted = count_docx(one).total
    if counted != words:
        raise RuntimeError(f"counted {counted} words of {words}")
    for _ in range(5):
        count_docx(one)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        count_docx(one)
        timings.append(time.perf_counter() - started)

    many = [case_study(seed)[0] for seed in range(1, files + 1)]
    started = time.perf_counter()
    total_words = sum(count_docx(content).total for content in many)
    counting = time.perf_counter() - started
    started = time.perf_counter()
    for n, content in enumerate(many):
        check_upload(io.BytesIO(content), name=f"case-study-{n}.docx")
        count_docx(content)
    checked = time.perf_counter() - started
    return {
        "words": words, "bytes": len(one), "timings_ms": [round(t * 1000, 3) for t in timings],
        "files": files, "files_words": total_words,
        "files_bytes": sum(len(content) for content in many),
        "files_seconds": round(counting, 3), "checked_and_counted_seconds": round(checked, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=101)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="end with one line of JSON (make bench reads it)")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    measured = _measure(options.repeat, options.files)
    timings = measured["timings_ms"]
    assert isinstance(timings, list)
    print(f"one case study: {measured['words']:,} words, {measured['bytes']:,} bytes, "
          f"median {statistics.median(timings):.2f} ms")
    print(f"{measured['files']:,} case studies ({measured['files_words']:,} words): "
          f"{measured['files_seconds']} s counted, {measured['checked_and_counted_seconds']} s checked "
          "and counted")
    if options.json:
        print(json.dumps(measured))


if __name__ == "__main__":
    main()
