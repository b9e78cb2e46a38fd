"""Load test for the Optimizer Playground: concurrent Chromium sessions, directly or through nginx.

``python -m loadtest --help``; the details (script, latency definition, errors) are in
:mod:`loadtest.loadtest`; the servers it starts or attaches to are in :mod:`loadtest.servers`.
"""
