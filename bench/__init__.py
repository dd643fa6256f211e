"""`make bench`: load tests through a real WSGI server against a large seeded catalogue.

run.py is the entry point and holds the registry of scenarios; seed.py makes the database,
server.py runs gunicorn, load.py is the load generator, results.py keeps
bench/results/latest.json.
"""
