"""The Typer apps, the root options, and the one place where errors become exit codes."""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional, TypeVar

import typer

from hamstring_care import __version__
from hamstring_care.context import Environment, output_closed, print_stderr
from hamstring_care.errors import ExitCode, HamstringCareError, Interrupted, UsageError


def _plain_argument_help() -> None:
    """Arguments in help as people read them.

    ``ROUTINE``, not ``ROUTINE <str>``; ``ID``, not ``{ID}``: Typer 0.29 adds both, and each
    argument's help already says what it takes.
    """
    from typer.core import TyperArgument

    def usage_name(self: TyperArgument) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")

    if hasattr(TyperArgument, "display_type_rich") and hasattr(
        TyperArgument, "_usage_display_name"
    ):
        TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
        TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]


def _completion_without_coercion() -> None:
    """Answer TAB without Typer's value coercion, which loads pydantic (issue 15).

    While the shell completes a word, Click parses the line "resiliently" only to find what
    is being completed; no command runs, and the values typed so far are never used as
    typed values (the completion functions read them as text). Typer 0.29 still coerces
    each one through pydantic, which costs more than the rest of a completion together.
    """
    from typer.core import _TyperParameter

    coerce = getattr(_TyperParameter, "process_value", None)
    if coerce is None:
        return

    def process_value(self: _TyperParameter, ctx: typer.Context, value: Any) -> Any:
        if not ctx.resilient_parsing:
            return coerce(self, ctx, value)
        return self.callback(ctx, self, value) if self.callback is not None else value

    _TyperParameter.process_value = process_value  # type: ignore[method-assign,assignment]


_plain_argument_help()
_completion_without_coercion()

app = typer.Typer(
    name="hamstring-care",
    help="Guided self-care for hamstring pain: warning signs first, then a safe next step.",
    pretty_exceptions_show_locals=False,  # a traceback must never print a user's answers
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
protocols_app = typer.Typer(
    help="List, show, check and start protocol files; print their JSON Schema.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(protocols_app, name="protocols")
plan_app = typer.Typer(
    help="Write plan files: one prescription for the printed sheet and the terminal.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(plan_app, name="plan")
history_app = typer.Typer(
    help="Your saved sessions and checks: the table, the trend chart, export, forget, repair.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(history_app, name="history")
program_app = typer.Typer(
    help="A graded return to running: start it after a check, then each day's step.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(program_app, name="program")

F = TypeVar("F", bound=Callable[..., Any])


def on_demand(typer_app: typer.Typer) -> typer.Typer:
    """``typer_app`` with each command built only when a run looks it up.

    Typer builds every command's parameters before it parses the line, which is about
    15 ms of a check's start-up for the two dozen commands here, where a run uses one.
    The copy registers none itself; its group (``cls``) finds each by name in
    ``typer_app`` and builds it with Typer's own function, so a command is the same
    object either way. Listing them (help, completing a command's name) builds them all,
    as before. Called as ``typer_app`` is, it keeps Typer's handling of a bug's traceback.
    """
    from typer.core import TyperGroup
    from typer.main import get_command_from_info, get_command_name, get_group_from_info

    settings: dict[str, Any] = {
        "pretty_exceptions_short": typer_app.pretty_exceptions_short,
        "rich_markup_mode": typer_app.rich_markup_mode,
    }
    builders: dict[str, Callable[[], Any]] = {}
    for command_info in typer_app.registered_commands:
        name = command_info.name or get_command_name(command_info.callback.__name__)  # type: ignore[union-attr]
        builders[name] = functools.partial(get_command_from_info, command_info, **settings)
    for group_info in typer_app.registered_groups:
        assert group_info.name, "every sub-app here is added with a name"
        builders[group_info.name] = functools.partial(
            get_group_from_info,
            group_info,
            suggest_commands=typer_app.suggest_commands,
            **settings,
        )

    class GroupOnDemand(TyperGroup):
        def __init__(self, **attrs: Any) -> None:
            super().__init__(**attrs)
            self.commands = CommandsOnDemand(builders)

    shell = copy.copy(typer_app)
    shell.registered_commands = []
    shell.registered_groups = []
    shell.info = copy.copy(typer_app.info)
    shell.info.cls = GroupOnDemand
    return shell


class CommandsOnDemand(MutableMapping[str, Any]):
    """A group's commands by name, each built by its builder the first time it is read."""

    def __init__(self, builders: dict[str, Callable[[], Any]]) -> None:
        self._builders = dict(builders)
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._builders[name]()  # KeyError: no such command
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._builders[name] = lambda: command  # already built: never called
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._builders[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def env_of(ctx: typer.Context | None) -> Environment:
    """The run's environment: made by the root options, or given by a test (``obj=``)."""
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, Environment):
        return root.obj
    env = Environment()
    if root is not None:
        root.obj = env
    return env


def error_boundary(command: F) -> F:
    """Turn every error a user can cause into its message on stderr and its exit code.

    The command must take ``ctx: typer.Context`` as its first parameter.
    """

    @functools.wraps(command)
    def guarded(ctx: typer.Context, *args: Any, **kwargs: Any) -> Any:
        try:
            result = command(ctx, *args, **kwargs)
            sys.stdout.flush()  # a reader that went away is found here, not at exit
            return result
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            output_closed()  # the reader went away (| head): end quietly
        except (KeyboardInterrupt, EOFError):
            fail(Interrupted())
        except HamstringCareError as error:
            fail(error)
        except OSError as error:
            if error.filename is None or env_of(ctx).debug:
                _internal(ctx, error)
            from hamstring_care.files import reason

            # A path that cannot be used (a folder on the way that may not be entered, a
            # name too long) where no check named it first: the user's path, so exit 2.
            fail(UsageError(f"{error.filename}: cannot use it: {reason(error)}"))
        except Exception as error:
            _internal(ctx, error)

    return guarded  # type: ignore[return-value]


def _internal(ctx: typer.Context, error: Exception) -> NoReturn:
    """A bug: one line and exit 1, or the traceback with --debug."""
    if env_of(ctx).debug:
        raise error
    print_error(
        f"hamstring-care: internal error ({type(error).__name__}); "
        "run again with --debug to see where, and please report it"
    )
    raise typer.Exit(ExitCode.INTERNAL) from None


def fail(error: HamstringCareError) -> NoReturn:
    """Print the error's lines and exit with its code."""
    for line in error.lines:
        print_error(line)
    raise typer.Exit(error.exit_code)


def print_error(line: str) -> None:
    """One red line on standard error."""
    print_stderr(line, "red")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hamstring-care {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    protocols_dir: Annotated[
        Optional[list[Path]],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Option(
            "--protocols-dir",
            help="Folder of protocol files that override the bundled ones by id (repeatable). "
            "Also read from HAMSTRING_CARE_PROTOCOLS (folders separated by the path separator).",
            file_okay=False,
            metavar="DIR",
        ),
    ] = None,
    data_dir: Annotated[
        Optional[str],  # noqa: UP045 - text, so that an empty value can be told from "."
        typer.Option(
            "--data-dir",
            help="Folder of the progress log (history.db). Also read from HAMSTRING_CARE_DATA. "
            "[default: your user data folder]",
            metavar="DIR",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks for internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Guided self-care for hamstring pain. With no command, runs the guided check (`start`)."""
    if data_dir is not None and not data_dir.strip():
        # An empty value would mean the current folder: health data written wherever one is.
        fail(UsageError("--data-dir: give a folder (it was empty)"))
    env = env_of(ctx)
    env.debug = debug
    env.protocols_dirs = list(protocols_dir or [])
    env.data_dir = Path(data_dir) if data_dir is not None else None
    if ctx.invoked_subcommand is None:
        # The default command, looked up by name: the app knows its commands only as such.
        default = ctx.command.get_command(ctx, "start")  # type: ignore[attr-defined]
        with default.make_context("start", [], parent=ctx) as sub:
            default.invoke(sub)
