"""GET throughput with wrk, a known load tool (Debian package `wrk`), rather than one of our own.

One wrk process a server, all at once, each with one thread and half the connections; the load's
throughput is the sum of theirs, its latency percentiles the worse of theirs (wrk reports each
process's, and percentiles do not add). Only 200s count as answered: wrk itself would count a
302 to the sign-in page as a success. bench/wrk_report.lua prints what wrk measured as JSON.

wrk reconnects when gunicorn's sync workers close the connection after each response, as a
browser would. Its latency percentiles include its correction for coordinated omission.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bench.server import PROJECT

REPORT_SCRIPT = PROJECT / "bench" / "wrk_report.lua"
REPORT_MARK = "WRK_REPORT "


class WrkMissing(RuntimeError):
    pass


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing("wrk is not installed: the bench measures pages with it "
                         "(Debian: apt-get install wrk)")
    return path


@dataclass(frozen=True)
class WrkReport:
    """What one wrk process measured against one server."""

    requests: int  # responses, whatever their status
    seconds: float
    statuses: dict[int, int]
    socket_errors: dict[str, int]  # connect, read, write, timeout
    p50_ms: float
    p95_ms: float

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def errors(self) -> int:
        """Responses other than 200, and requests that got no response."""
        return self.requests - self.ok + sum(self.socket_errors.values())


def parse_report(output: str) -> WrkReport:
    """The report line bench/wrk_report.lua printed in wrk's output."""
    for line in output.splitlines():
        if line.startswith(REPORT_MARK):
            data = json.loads(line[len(REPORT_MARK):])
            return WrkReport(
                requests=data["requests"], seconds=data["duration_us"] / 1e6,
                statuses={int(k): v for k, v in data["statuses"].items()},
                socket_errors=data["socket_errors"],
                p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000,
            )
    raise ValueError(f"no {REPORT_MARK.strip()} line in wrk's output:\n{output}")


@dataclass
class PageLoad:
    """One path loaded on every server at once."""

    name: str
    connections: int  # in all
    reports: list[WrkReport] = field(default_factory=list)
    client_cpu_seconds: float = 0.0  # what the wrk processes used between them

    @property
    def seconds(self) -> float:
        return max((r.seconds for r in self.reports), default=0.0)

    @property
    def ok(self) -> int:
        return sum(r.ok for r in self.reports)

    @property
    def responses(self) -> int:
        return sum(r.requests for r in self.reports)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.reports)

    @property
    def ok_per_second(self) -> float:
        return sum(r.ok / r.seconds for r in self.reports if r.seconds)

    @property
    def p50_ms(self) -> float:
        return max(r.p50_ms for r in self.reports)

    @property
    def p95_ms(self) -> float:
        return max(r.p95_ms for r in self.reports)

    @property
    def statuses(self) -> dict[int, int]:
        total: dict[int, int] = {}
        for report in self.reports:
            for status, count in report.statuses.items():
                total[status] = total.get(status, 0) + count
        return dict(sorted(total.items()))

    @property
    def socket_errors(self) -> dict[str, int]:
        return {kind: sum(r.socket_errors.get(kind, 0) for r in self.reports)
                for kind in ("connect", "read", "write", "timeout")}

    @property
    def client_cpu_share(self) -> float:
        """The wrk processes' CPU time as a share of one core over the load."""
        return self.client_cpu_seconds / self.seconds if self.seconds else 0.0


def command(url: str, *, connections: int, seconds: float,
            headers: Mapping[str, str] | None = None) -> list[str]:
    args = [wrk_path(), "--threads", "1", "--connections", str(connections),
            "--duration", f"{max(1, round(seconds))}s", "--timeout", "10s",
            "--script", str(REPORT_SCRIPT)]
    for name, value in (headers or {}).items():
        args += ["--header", f"{name}: {value}"]
    return [*args, url]


def load(
    name: str, servers: Sequence[tuple[str, int]], path: str, *, connections: int,
    seconds: float, headers: Mapping[str, str] | None = None,
) -> PageLoad:
    """GET `path` on every server at once for `seconds`, `connections` split between them."""
    each = max(1, connections // len(servers))
    cpu_before = _children_cpu()
    processes = [
        subprocess.Popen(command(f"http://{host}:{port}{path}", connections=each, seconds=seconds,
                                 headers=headers),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for host, port in servers
    ]
    outputs = [p.communicate(timeout=seconds + 60)[0] for p in processes]
    result = PageLoad(name, connections=each * len(servers),
                      client_cpu_seconds=_children_cpu() - cpu_before)
    for process, output in zip(processes, outputs, strict=True):
        if process.returncode != 0:
            raise RuntimeError(f"wrk exited with {process.returncode}:\n{output}")
        result.reports.append(parse_report(output))
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
