"""Run one night and SIGKILL the process inside one stage: ``python -m tests.e2e.crash_driver
SOURCES DATA DAY STAGE N`` kills itself just before the stage's N-th file lands (every write of
the pipeline lands by ``os.replace`` through ``kernel.atomic``), so the earlier writes of the
stage are in place and the N-th is a temporary file. Exits 3 if the stage never got that far.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import date
from pathlib import Path


def main(sources: str, data: str, day: str, stage: str, writes: str) -> int:
    import pipelines.run as run

    real_replace, landed, inside = os.replace, [0], [False]

    def replace(src: object, dst: object) -> None:
        if inside[0]:
            landed[0] += 1
            if landed[0] >= int(writes):
                os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)

    def wrap(name: str, function):
        def staged(*args):
            inside[0] = name == stage
            return function(*args)

        return staged

    os.replace = replace
    run.STAGES = tuple((name, wrap(name, function)) for name, function in run.STAGES)
    run.run_date(Path(sources), Path(data), date.fromisoformat(day))
    return 3  # not killed: the stage wrote fewer files than asked


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
