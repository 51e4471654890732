"""The process runtime: the HTTP front and its workers, query deadlines (watchdog, executor,
retiring a worker), per-client limits, and the warm-up done before workers fork."""
