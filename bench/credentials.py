"""How fast Open Badges 3.0 credentials are signed and verified (issue 11, item 9: at least 100
a second, signed and verified).

A measurement, not a test: 1,000 credentials for different holders, each built, signed
(`eddsa-rdfc-2022`: RDFC-1.0 canonicalization and Ed25519) and then verified, one after the other
in this one process, after one warm-up (the bundled JSON-LD contexts loaded).

    .venv/bin/python -m bench.credentials            # prints the figures
    .venv/bin/python -m bench.credentials --json     # ends with one line of JSON (make bench)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from trainingdesk.lib import credentials

    key = Ed25519PrivateKey.generate()
    host = "training.example.org"
    issued = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)

    def one(n: int) -> bool:
        credential = credentials.build_credential(
            issuer_did=credentials.did_web(host), issuer_name="PartnershipProjects",
            subject_name=f"Holder {n}", credential_id=f"https://{host}/verify/C{n:08d}/",
            achievement_name="PartnershipProjects Advanced Certificate in NVR Practice",
            achievement_description="Both levels of the NVR Certificate Course, supervision and "
                                    "assessed coursework.", valid_from=issued)
        signed = credentials.sign(credential, private_key=key, created=issued,
                                  verification_method=credentials.verification_method_id(host))
        return credentials.verify(signed, public_key=key.public_key())

    assert one(0)  # warm-up, and a check that it verifies
    start = time.perf_counter()
    verified = sum(one(n) for n in range(1, options.count + 1))
    seconds = time.perf_counter() - start
    if verified != options.count:
        raise SystemExit(f"only {verified} of {options.count} credentials verified")
    print(f"{options.count} credentials signed and verified in {seconds:.2f} s: "
          f"{options.count / seconds:.1f} a second")
    if options.json:
        print(json.dumps({"credentials": options.count, "seconds": seconds}))


if __name__ == "__main__":
    main()
