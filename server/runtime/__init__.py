"""The process runtime: the HTTP front (granian) and its workers, query deadlines (the helper
threads and retiring a worker after a runaway, one worker at a time), per-client limits, and the
warm-up done before workers fork."""
