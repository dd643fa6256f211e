"""An independent verifier for the tests: credentials the project signs are also verified by Digital
Bazaar's JavaScript Verifiable Credentials stack (tests/verifier/verify.mjs, with the npm packages
pinned in tests/verifier/package-lock.json), which shares no code with `lib.credentials`.

    from tests.verifier.independent import independent_verify

    verified, error = independent_verify(signed_credential, did_document)
    assert verified, error

The first call in a process installs the npm packages (`npm ci`) if tests/verifier/node_modules is
missing or was installed from another package-lock.json; a file lock keeps pytest-xdist workers from
installing at once. Without node and npm, or if the install fails, it raises
`IndependentVerifierUnavailable`: the tests fail, they are never skipped.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from trainingdesk.lib import credentials

VERIFIER_DIR = Path(__file__).resolve().parent
_STAMP = VERIFIER_DIR / "node_modules" / ".trainingdesk-installed"
_LOCK = VERIFIER_DIR / ".install.lock"
_INSTALL_TIMEOUT = 600
_VERIFY_TIMEOUT = 120

_installed = False
_install_guard = threading.Lock()


class IndependentVerifierUnavailable(RuntimeError):
    """node or npm is missing, the npm packages did not install, or verify.mjs did not answer."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise IndependentVerifierUnavailable(
            f"the independent verifier needs {name} (Node.js 18 or later) on the PATH; "
            "the credential tests do not run without it"
        )
    return path


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((VERIFIER_DIR / name).read_bytes())
    return digest.hexdigest()


def ensure_installed() -> None:
    """`npm ci` in tests/verifier unless node_modules is already installed from this lock file."""
    global _installed
    with _install_guard:
        if _installed:
            return
        _tool("node")
        npm = _tool("npm")
        wanted = _lock_digest()
        with open(_LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not _STAMP.is_file() or _STAMP.read_text() != wanted:
                    try:
                        done = subprocess.run(  # noqa: S603 - npm from the PATH, our own arguments
                            [npm, "ci", "--prefix", str(VERIFIER_DIR), "--ignore-scripts", "--no-audit"]
                            + ["--no-fund", "--loglevel=error"],
                            cwd=VERIFIER_DIR,
                            capture_output=True,
                            text=True,
                            timeout=_INSTALL_TIMEOUT,
                        )
                    except subprocess.TimeoutExpired as timeout:
                        raise IndependentVerifierUnavailable(
                            f"npm ci in {VERIFIER_DIR} took more than {_INSTALL_TIMEOUT} s"
                        ) from timeout
                    if done.returncode != 0:
                        raise IndependentVerifierUnavailable(
                            f"npm ci in {VERIFIER_DIR} failed ({done.returncode}):\n"
                            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
                        )
                    _STAMP.write_text(wanted)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        _installed = True


def _run(arguments: Sequence[str], payload: Any = None) -> Any:
    ensure_installed()
    try:
        done = subprocess.run(  # noqa: S603 - node from the PATH running our own verify.mjs
            [_tool("node"), str(VERIFIER_DIR / "verify.mjs"), *arguments],
            input=json.dumps(payload) if payload is not None else "",
            cwd=VERIFIER_DIR,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=_VERIFY_TIMEOUT,
        )
    except subprocess.TimeoutExpired as timeout:
        raise IndependentVerifierUnavailable(f"verify.mjs took more than {_VERIFY_TIMEOUT} s") from timeout
    if done.returncode != 0:
        raise IndependentVerifierUnavailable(f"verify.mjs failed ({done.returncode}):\n{done.stderr[-4000:]}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise IndependentVerifierUnavailable(f"verify.mjs printed no JSON: {done.stdout[:500]!r}") from error


def independent_verify(
    credential: Mapping[str, Any],
    did_document: Mapping[str, Any],
    *,
    status_list_credential: Mapping[str, Any] | None = None,
    contexts: Mapping[str, Any] | None = None,
    now: str | None = None,
) -> tuple[bool, str]:
    """Whether Digital Bazaar's `@digitalbazaar/vc` verifies `credential`, and why not ("" if it does).

    The proof must be by a verification method of `did_document` listed under `assertionMethod`.
    The verifier may load only the contexts bundled in trainingdesk/lib/jsonld_contexts (plus
    `contexts`, for a test's own, such as the W3C examples context), the DID and Multikey contexts
    and `did_document`; it fetches nothing. Validity dates are judged at `now` (an XML Schema
    dateTime), by default the proof's `created`.

    With `status_list_credential`, the credential's `credentialStatus` is checked too: the list must
    verify, be the issuer's own and have the credential's bit unset; a revoked credential is
    (False, "revoked: ..."). Without it, a `credentialStatus` is covered by the proof but not looked up.
    """
    job: dict[str, Any] = {
        "credential": credential,
        "didDocument": did_document,
        "contexts": {**credentials.CONTEXTS, **(contexts or {})},
    }
    if status_list_credential is not None:
        job["statusListCredentials"] = [status_list_credential]
    if now is not None:
        job["now"] = now
    result = _run([], job)
    if not result["verified"]:
        return False, str(result.get("error") or "not verified")
    status = result.get("status")
    if status_list_credential is not None:
        if not status or status["notChecked"] or not status["results"]:
            return False, "the credential has no credentialStatus that the status list answers"
        revoked = [entry for entry in status["results"] if entry["status"] is not False]
        if revoked:
            return False, "revoked: " + ", ".join(
                f"statusListIndex {entry['index']} ({entry['purpose']}) is set" for entry in revoked
            )
    return True, ""


def published_contexts() -> dict[str, Any]:
    """The JSON-LD contexts as the npm packages that tests/verifier installs publish them, by URL."""
    contexts = _run(["--contexts"])
    assert isinstance(contexts, dict)
    return contexts
