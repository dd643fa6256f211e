"""`make bench`: load tests of the app scaled out on this machine against a large seeded catalogue.

run.py is the entry point and holds the registry of scenarios; seed.py makes the database,
server.py runs the processes (gunicorn app servers, db_worker task workers, the SMTP sink),
smtpsink.py is the mail server, wrk.py measures pages with wrk (wrk_report.lua is its script),
rush.py sends a booking rush, checks.py checks what a run left behind, results.py keeps
bench/results/latest.json.
"""
