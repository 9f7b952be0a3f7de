"""The ``procflow`` command: parse options, call the library, choose a formatter.

Exit codes (stable): 0 success, 1 findings at error level or a failed check,
2 usage error or a file that cannot be loaded, 3 procflow itself failed (a bug: one
line naming the error, never a traceback unless ``PROCFLOW_TRACEBACK=1``).

Only this package knows click. Each module holds the commands of one concern
(``lint``, ``model``, ``simulate``, ``scenarios``, ``staffing``); ``common`` holds what they share.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from procflow.cli import (
    calibrate,
    forecast,
    lint,
    model,
    scenarios,
    shifts,
    simulate,
    staffing,
    validate,
)
from procflow.cli.common import EXIT_INTERNAL, refused, tool_version
from procflow.files import Refused, exit_on_terminate

__all__ = ["main"]


class _Commands(click.Group):
    """The commands, with one answer for an output procflow will not or cannot write
    (over an input, into a missing or read-only folder, a full disk): exit 2, no traceback;
    and one for a bug in procflow: exit 3, so CI never takes a crash for a finding."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Refused as exc:
            raise refused(exc) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("PROCFLOW_TRACEBACK"):
                raise
            click.echo(
                f"procflow failed (a bug in procflow, not a finding): {type(exc).__name__}: "
                f"{exc}\nPlease report it with the files you gave it; PROCFLOW_TRACEBACK=1 "
                "shows where it failed.",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(tool_version(), prog_name="procflow")
def main() -> None:
    """Lint, analyse and simulate operations processes (SOPs) before rolling them out.

    \b
    Example:
      procflow lint processes/
      procflow analyze processes/image_moderation_qc.yaml
    """
    click.get_current_context().call_on_close(exit_on_terminate())


for _command in (
    lint.lint,
    lint.schema,
    lint.policy,
    model.analyze,
    model.show,
    model.graph,
    model.init,
    simulate.simulate,
    simulate.report,
    scenarios.compare,
    scenarios.sweep,
    scenarios.optimize,
    shifts.shifts,
    staffing.staff,
    forecast.forecast,
    calibrate.calibrate,
    validate.validate,
):
    main.add_command(_command)
