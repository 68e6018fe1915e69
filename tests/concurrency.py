"""Run one piece of work in several threads released together, as concurrent requests would arrive."""

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def run_together(work: Callable, calls: Sequence[tuple], *, timeout: float = 60.0) -> list:
    """Call `work(*args)` once per args tuple, each in its own thread on its own database connection, all released
    at the same moment by a barrier. Returns what each call returned or the exception it raised, in finishing order.
    """
    barrier = threading.Barrier(len(calls))
    results: list = []

    def run(args):
        try:
            barrier.wait(timeout=timeout)
            results.append(work(*args))
        except Exception as error:  # returned to the test, which asserts on it
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(args,)) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 2)
    return results
