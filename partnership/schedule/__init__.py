"""The schedule of the periodic commands, the ``flask scheduler`` command and the
administrator's page of scheduled jobs. The machinery (lock, slots, retries, heartbeat) is
``core.scheduler``; the log of runs is ``core.scheduled_runs``."""
