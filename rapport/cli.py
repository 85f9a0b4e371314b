"""The `rapport` command: serve, demo data, roster import, export, backup, Django's commands.

Each command parses its arguments, calls one function of the domain and prints.
Failures are one `Error: ...` line on standard error and exit code 1 (2 for a
usage mistake), never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import queue
import socket
import sqlite3
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from rapport import __version__
from rapport.errors import Refused


class CliError(Exception):
    """A failure explained in one line to the person at the terminal."""


Handler = Callable[[argparse.Namespace], None]

# Entry point ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `rapport` command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    if argv[:1] == ["manage"]:
        return manage(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage mistake (2)
        return exit_.code if isinstance(exit_.code, int) else 2
    if args.handler is None:
        parser.print_help(sys.stderr)
        return 2
    return run_guarded(args.handler, args)


def run_guarded(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command, turning every expected failure into one `Error:` line."""
    try:
        handler(args)
    except KeyboardInterrupt:
        return 130
    except _expected_errors() as error:
        print(f"Error: {_describe(error)}", file=sys.stderr)
        return 1
    return 0


def _expected_errors() -> tuple[type[BaseException], ...]:
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    # Refused is the domain's own refusal, its message meant for the person.
    errors: tuple[type[BaseException], ...] = (
        CliError,
        Refused,
        ImproperlyConfigured,
        DatabaseError,
        OSError,
    )
    if apps.ready:
        from rapport.people.keys import SealError

        errors += (SealError,)
    return errors


def _describe(error: BaseException) -> str:
    """The error as one line, however many the underlying library wrote."""
    return " ".join(_message(error).split())


def _message(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    from django.db import DatabaseError

    if isinstance(error, DatabaseError):
        text = str(error).strip()
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            return "the database has no tables yet: run `rapport manage migrate` (serve does it)"
        if "readonly database" in text or "unable to open database file" in text:
            return (
                "the SQLite database cannot be written: make the data folder and the files in "
                "it writable, or set RAPPORT_DATA_DIR to a folder you can write"
            )
        return f"database: {text}"
    return str(error) or type(error).__name__


def setup_django() -> None:
    """Configure Django once (settings come from the environment)."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate() -> None:
    """Bring the database schema up to date, quietly."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def manage(args: list[str]) -> int:
    """Pass the arguments to Django's management commands, as `manage.py` would."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["rapport manage", *args])
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    except KeyboardInterrupt:
        return 130
    except _expected_errors() as error:  # settings that cannot load, an unreachable database
        print(f"Error: {_describe(error)}", file=sys.stderr)
        return 1
    return 0


# Arguments -------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="rapport",
        description="Rapport: one-on-ones that grow careers.",
        epilog=(
            "example:\n  rapport serve --demo\n\n"
            "Data lives in RAPPORT_DATA_DIR (default ~/.local/share/rapport);\n"
            "DATABASE_URL=postgres://... switches to PostgreSQL."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rapport {__version__}")
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_serve(commands)
    _add_demo(commands)
    _add_import_roster(commands)
    _add_createadmin(commands)
    _add_export(commands)
    _add_erase(commands)
    _add_backup(commands)
    _add_remind(commands)
    _add_talk_ratio(commands)
    _add_rotate_keys(commands)
    _add_ladder(commands)
    _add_packet(commands)
    commands.add_parser(
        "manage",
        help="run a Django management command (migrate, shell, check --deploy, ...)",
        description="Run a Django management command, as manage.py would.",
        epilog="examples:\n  rapport manage check --deploy\n  rapport manage shell",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _command(
    commands: argparse._SubParsersAction, name: str, handler: Handler, summary: str, epilog: str
) -> argparse.ArgumentParser:
    command = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.set_defaults(handler=handler)
    return command


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return int(value)


def _workers(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers (1-64)")
    return int(value)


def _add_serve(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "serve",
        serve_command,
        "apply migrations and serve Rapport with gunicorn",
        "examples:\n"
        "  rapport serve --demo\n"
        "  rapport serve --host 0.0.0.0 --port 8080 --workers 4\n\n"
        "Static files are served by Rapport itself (whitenoise). Behind a proxy or on\n"
        "another host name, set SITE_URL and ALLOWED_HOSTS (see the README).",
    )
    command.add_argument("--host", default="127.0.0.1", help="address to listen on")
    command.add_argument("--port", type=_port, default=8000, help="port to listen on")
    command.add_argument("--demo", action="store_true", help="load the demo organisation first")
    command.add_argument(
        "--workers", type=_workers, default=2, help="gunicorn worker processes (4 threads each)"
    )
    command.add_argument(
        "--no-reminders",
        action="store_true",
        help=(
            "do not send reminders, recaps and notices every minute from this server "
            "(run `rapport remind` from cron instead, or send none)"
        ),
    )


def _add_demo(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "demo",
        demo_command,
        "load the demo organisation and print its logins",
        "examples:\n  rapport demo && rapport serve\n"
        "  rapport demo --people 2000 --years 3 --seed 7\n\n"
        "Running it twice changes nothing. It refuses a database holding real data.\n"
        "With --people, it generates a larger organisation instead (levels, cadences,\n"
        "cancellations, notes, action items, feedback) into an empty database.",
    )
    command.add_argument(
        "--people", metavar="N", type=_count_of("people"), help="generate N people instead"
    )
    command.add_argument(
        "--years", metavar="Y", type=_years, default=1.0, help="of history (default 1)"
    )
    command.add_argument(
        "--seed", metavar="S", type=_count_of("seed", low=0), default=1, help="same seed, same data"
    )


def _count_of(what: str, *, low: int = 1) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not value.isdigit() or int(value) < low:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number for {what}")
        return int(value)

    return parse


def _years(value: str) -> float:
    try:
        years = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of years") from None
    if not 0 < years <= 10 or years != years:
        raise argparse.ArgumentTypeError(f"{value!r}: choose up to 10 years of history")
    return years


def _add_import_roster(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "import-roster",
        import_roster_command,
        "create or update people from a CSV file, all lines or none",
        "example:\n  rapport import-roster people.csv --org Acme\n\n"
        "Columns: email,name,level,manager_email,timezone,remote (UTF-8).\n"
        "level is junior, confirmed, senior, staff or empty; remote is yes or no.\n"
        "Every bad line is reported as FILE:LINE: reason, and then nothing is written.\n"
        "Each new person gets a set-password link, printed here.",
    )
    command.add_argument("file", metavar="FILE.csv", type=Path, help="the roster file")
    which = command.add_mutually_exclusive_group()
    which.add_argument("--org", metavar="NAME", help="organisation to import into")
    which.add_argument(
        "--create-org", metavar="NAME", help="create this organisation and import into it"
    )


def _add_createadmin(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "createadmin",
        createadmin_command,
        "create the organisation and its first org admin, without a browser",
        "examples:\n"
        '  rapport createadmin --org Acme --email ada@acme.com --name "Ada Lovelace"\n'
        '  echo "$PASSWORD" | rapport createadmin --org Acme --email ada@acme.com \\\n'
        '      --name "Ada Lovelace" --password-stdin\n\n'
        "It works only while Rapport has nobody yet; later, admins invite people\n"
        "on the People page or with `rapport import-roster`.",
    )
    command.add_argument("--email", required=True, help="the admin's email (their login)")
    command.add_argument("--name", required=True, help="the admin's name")
    command.add_argument("--org", metavar="NAME", required=True, help="the organisation's name")
    command.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def _add_export(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "export",
        export_command,
        "export an organisation's data as JSON",
        "example:\n  rapport export --org Acme --output acme.json\n\n"
        "Exports people, 1:1 series, meetings, topics, shared notes and action items.\n"
        "Private notes are never exported: only their author may read them.",
    )
    command.add_argument(
        "--org", metavar="NAME", help="organisation (needed when there are several)"
    )
    command.add_argument(
        "--output", metavar="FILE", type=Path, help="write here instead of standard output"
    )
    _add_person_export_arguments(command)


def _add_backup(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "backup",
        backup_command,
        "copy the SQLite database safely, even while Rapport runs",
        "example:\n  rapport backup --output /srv/backups/rapport.sqlite3\n\n"
        "Without --output the copy goes to RAPPORT_DATA_DIR/backups/, named by time.\n"
        "For PostgreSQL use pg_dump instead.",
    )
    command.add_argument("--output", metavar="FILE", type=Path, help="where to write the copy")


def _add_remind(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "remind",
        remind_command,
        "send the reminders, recaps and notices due now, each once",
        "examples:\n"
        "  rapport remind --dry-run\n"
        "  * * * * * rapport remind    (crontab: every minute)\n\n"
        "`rapport serve` already does this every minute unless --no-reminders.\n"
        "Each mail is claimed in the database before it is sent: running this twice,\n"
        "even at the same moment, never sends the same mail twice. Needs EMAIL_URL\n"
        "(or EMAIL_HOST): without it, nothing is sent.",
    )
    command.add_argument(
        "--dry-run", action="store_true", help="print what is due without sending or recording it"
    )


def _add_talk_ratio(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "talk-ratio",
        talk_ratio_command,
        "show who did the talking in a meeting transcript, storing nothing",
        "examples:\n  rapport talk-ratio meeting.vtt\n  rapport talk-ratio meeting.srt --json\n\n"
        "Reads WebVTT (Zoom, Teams, Meet), SRT and Zoom's plain-text export.\n"
        "Time shares come from the cues' times: when two people talk at once, that\n"
        "moment is split between them, and silences count for nobody. Word shares are\n"
        "the second measure, and the only one for plain text (it has no times).\n"
        "A file that cannot be read is reported as FILE:LINE: reason.",
    )
    command.add_argument("file", metavar="FILE", type=Path, help="the transcript file")
    command.add_argument(
        "--json",
        action="store_true",
        help='print {"speakers": [{"name", "seconds", "words", "time_share", "word_share"}]}',
    )


# serve -------------------------------------------------------------------------------


def serve_command(args: argparse.Namespace) -> None:
    """Migrate, optionally load the demo, print where to go, then run gunicorn."""
    url = f"http://{_url_host(args.host)}:{args.port}"
    # Links Rapport prints or mails must point where it really listens.
    os.environ.setdefault("SITE_URL", url)
    _check_port_free(args.host, args.port)
    setup_django()
    from django.conf import settings
    from django.db import connections

    if "ALLOWED_HOSTS" not in os.environ and args.host not in ("0.0.0.0", "::"):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, args.host.strip("[]")]
    migrate()
    collect_static()
    print(f"Rapport {__version__}: {_database_description()}")
    if warning := data_folder_warning(Path(settings.DATA_DIR)):
        print(warning)
    print(f"Private notes: {keys_description()}")
    if args.demo:
        load_demo()
    print_first_start_link()
    workers = f"{args.workers} worker{'s' if args.workers != 1 else ''}"
    print(f"Serving on {url}/ (gunicorn, {workers}). Press Ctrl-C to stop.")
    print(f"Mail: {_reminders_description(args.no_reminders)}")
    if args.host in ("0.0.0.0", "::") and "ALLOWED_HOSTS" not in os.environ:
        print("Note: set ALLOWED_HOSTS and SITE_URL to the name people use to reach this machine.")
    sys.stdout.flush()
    # Workers are forked: none may inherit the connection the migrations used.
    connections.close_all()
    from rapport.server import serve_forever

    serve_forever(
        host=args.host, port=args.port, workers=args.workers, reminders=not args.no_reminders
    )


def data_folder_warning(folder: Path) -> str:
    """A warning when others than its owner may open the data folder or the files in it."""
    if not folder.is_dir():
        return ""
    opened = [
        f"{path} (mode {stat.S_IMODE(path.stat().st_mode):o})"
        for path in [folder, *sorted(folder.glob("rapport.sqlite3*")), folder / "secret_key"]
        if path.exists() and path.stat().st_mode & 0o077
    ]
    if not opened:
        return ""
    return (
        f"Warning: other users of this machine may read {', '.join(opened)}; the data folder "
        f"holds every note. Run `chmod -R go-rwx {folder}`."
    )


def _reminders_description(off: bool) -> str:
    from django.conf import settings

    if not settings.EMAIL_ENABLED:
        return "off (set EMAIL_URL or EMAIL_HOST to send reminders and recaps)."
    if off:
        return "reminders are not sent from this server (--no-reminders)."
    return f"reminders and recaps go out every minute through {settings.EMAIL_HOST}."


def collect_static() -> None:
    """Copy static files to STATIC_ROOT with gzip twins and content-hashed names, and
    serve that copy.

    It costs about 0.3 s at start; in exchange whitenoise sends htmx as 17 kB of gzip
    instead of 52 kB, and pages link each file by a name that changes with its content,
    so browsers keep it a year without asking again.
    """
    from django.conf import settings
    from django.core.management import call_command

    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except OSError as error:  # a read-only data folder: serve from the package, uncompressed
        print(f"Note: static files served uncompressed ({_describe(error)}).")
        from django.contrib.staticfiles.storage import staticfiles_storage

        staticfiles_storage.hashed_files = {}  # an older copy's names would be stale
        return
    # Finder files would shadow the compressed copies (whitenoise adds them last).
    settings.WHITENOISE_USE_FINDERS = False


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with closing(socket.create_server((host.strip("[]"), port), family=family)):
            pass
    except OSError as error:
        raise CliError(
            f"cannot listen on {host}:{port} ({error.strerror or error}): "
            "is another server running there? Choose another with --port."
        ) from None


def _database_description() -> str:
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite database {config['NAME']}"
    return f"PostgreSQL database {config['NAME']} on {config['HOST'] or 'the local socket'}"


def print_first_start_link() -> None:
    """While nobody exists, print the one-time link that creates the first org admin."""
    from django.conf import settings

    from rapport.people.services import setup_token, setup_token_valid

    token = setup_token()
    if setup_token_valid(token):  # valid only while the database has nobody
        print("First start: open this link to create your organisation and its first admin:")
        print(f"  {settings.SITE_URL}/setup/{token}/")


# remind -------------------------------------------------------------------------------


def remind_command(args: argparse.Namespace) -> None:
    """Send (or with --dry-run list) every mail due now, printing one line each."""
    setup_django()
    from django.conf import settings

    from rapport.notifications.mail import send_due

    if not settings.EMAIL_ENABLED:
        print("Email is off on this server (set EMAIL_URL or EMAIL_HOST): nothing sent.")
        return
    lines = send_due(dry_run=args.dry_run)
    verb = "due" if args.dry_run else "sent"
    for line in lines:
        print(f"{verb}: {line}")
    print(f"{len(lines)} mail{'s' if len(lines) != 1 else ''} {verb}.")


# demo ---------------------------------------------------------------------------------


def demo_command(args: argparse.Namespace) -> None:
    """Load the demo organisation (or generate a large one) and print how to sign in."""
    setup_django()
    migrate()
    if args.people is None:
        load_demo()
        return
    from rapport import demo
    from rapport.demo import large

    began, cpu = time.perf_counter(), time.process_time()
    try:
        built = large.organisation_generate(
            people_count=args.people, years=args.years, seed=args.seed, progress=_progress_bar()
        )
    except demo.DemoRefused as error:
        raise CliError(str(error)) from None
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    counts = built.counts
    total = sum(counts.get(fate, 0) for fate in ("held", "cancelled", "moved"))
    print(
        f"Generated {args.people:,} people and {total:,} past meetings over {args.years:g} "
        f"years in {seconds:.1f} s ({total / seconds:,.0f} meetings/s; "
        f"{cpu:.1f} s of CPU, {total / max(cpu, 1e-6):,.0f} meetings per CPU second): "
        + ", ".join(f"{n:,} {key}" for key, n in counts.items())
        + "."
    )
    print(f"Sign in with any of these; the password is {demo.DEMO_PASSWORD}")
    width = max(len(email) for email, _ in large.LOGINS)
    for email, role in large.LOGINS:
        print(f"  {email:<{width}}  {role}")


def _progress_bar() -> Callable[[int, int], None] | None:
    """A bar on standard error when it is a terminal; nothing in a pipe or a log."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done != total and done % 20:
            return
        width = 40
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done:,}/{total:,} 1:1s")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def load_demo() -> None:
    """Load the demo data (a no-op the second time) and print its logins."""
    from rapport import demo

    try:
        loaded = demo.demo_load()
    except demo.DemoRefused as error:
        raise CliError(str(error)) from None
    print("Demo data loaded." if loaded else "Demo data already loaded: nothing changed.")
    print(f"Sign in with any of these; the password is {demo.DEMO_PASSWORD}")
    width = max(len(email) for email, _ in demo.DEMO_LOGINS)
    for email, role in demo.DEMO_LOGINS:
        print(f"  {email:<{width}}  {role}")


# talk-ratio ----------------------------------------------------------------------------


def talk_ratio_command(args: argparse.Namespace) -> None:
    """Print each speaker's seconds, words and shares; the file is only read, nothing is kept."""
    from rapport.insights.transcripts import TranscriptError, talk_ratio_of

    data = read_bytes(args.file)
    try:
        ratio = talk_ratio_of(data)
    except TranscriptError as error:
        raise CliError(error.located(str(args.file))) from None
    if args.json:
        print(json.dumps(ratio.as_dict(), ensure_ascii=False, indent=2))
        return
    width = max(len("Speaker"), *(len(speaker.name) for speaker in ratio.speakers))
    print(f"{'Speaker':<{width}}  {'Seconds':>9}  {'Words':>6}  {'Time share':>10}  Word share")
    for speaker in ratio.speakers:
        seconds = "–" if speaker.seconds is None else f"{speaker.seconds:.1f}"
        time_share = "–" if speaker.time_share is None else f"{speaker.time_share:.1%}"
        print(
            f"{speaker.name:<{width}}  {seconds:>9}  {speaker.words:>6}  {time_share:>10}  "
            f"{speaker.word_share:>10.1%}"
        )


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or a one-line explanation of why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a folder, not a file") from None


# import-roster -------------------------------------------------------------------------


def import_roster_command(args: argparse.Namespace) -> None:
    """Import a roster file, printing every bad line or each new person's link."""
    text = read_text(args.file)
    setup_django()
    migrate()
    from rapport.meetings.services import roster_apply
    from rapport.people.selectors import organisation_chosen
    from rapport.people.services import RosterErrors

    # The service creates a new organisation in the import's own transaction.
    organisation = None if args.create_org else organisation_chosen(args.org, creatable=True)
    try:
        result = roster_apply(
            actor=None, organisation=organisation, new_organisation=args.create_org or "", text=text
        )
    except RosterErrors as errors:
        for line, reason in errors.errors:
            print(f"{args.file}:{line}: {reason}", file=sys.stderr)
        # A line can have several problems: count the lines, as the message says.
        count = len({line for line, _ in errors.errors})
        raise CliError(
            f"{args.file}: {count} bad line{'s' if count != 1 else ''}, nothing was imported."
        ) from None
    print(
        f"Imported {args.file} into {result.organisation.name}: {len(result.created)} created, "
        f"{len(result.updated)} updated, {result.unchanged} unchanged."
    )
    print_set_password_links(result.created)


def read_text(path: Path) -> str:
    """A UTF-8 text file's content, or a one-line explanation of why not."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 (save it as “CSV UTF-8”)") from None


def choose_organisation(name: str | None) -> Any:
    """The organisation named, or the only one there is (chosen in `rapport.people`)."""
    from rapport.people.selectors import organisation_chosen

    return organisation_chosen(name)


def print_set_password_links(people: Sequence[Any]) -> None:
    """Each new person's one-time link to choose a password."""
    if not people:
        return
    from django.conf import settings

    from rapport.people.services import link_lifetime, set_password_path

    print(f"Set-password links for the new people (each works once, for {link_lifetime()}):")
    width = max(len(person.email) for person in people)
    for person in people:
        print(f"  {person.email:<{width}}  {settings.SITE_URL}{set_password_path(person)}")


# createadmin ---------------------------------------------------------------------------


def createadmin_command(args: argparse.Namespace) -> None:
    """Create the organisation and its first admin from the terminal."""
    password = read_password(from_stdin=args.password_stdin)
    setup_django()
    migrate()
    from rapport.people.services import organisation_setup

    person = organisation_setup(
        organisation_name=args.org, name=args.name, email=args.email, password=password
    )
    print(f"Created {person.organisation.name} and its org admin {person.name} <{person.email}>.")
    print("Start Rapport with `rapport serve` and sign in.")


def read_password(*, from_stdin: bool, stdin: TextIO | None = None) -> str:
    """The password from standard input's first line, or asked twice at the terminal."""
    stdin = stdin or sys.stdin
    if from_stdin:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("no password on standard input")
        return password
    if not stdin.isatty():
        raise CliError("no terminal to ask for the password: use --password-stdin")
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password again: "):
        raise CliError("the two passwords differ")
    return password


# export ----------------------------------------------------------------------------------


def export_command(args: argparse.Namespace) -> None:
    """Stream the organisation's data as JSON, without any private note."""
    setup_django()
    if args.person or args.acting_as:
        return person_export_command(args)
    from rapport.meetings.exports import organisation_export

    organisation = choose_organisation(args.org)
    export = organisation_export(organisation)
    organisation_export_recorded(organisation)
    if args.output is None:
        sys.stdout.flush()
        write_behind(sys.stdout.buffer, export.encoded_chunks())
        sys.stdout.buffer.flush()
        return
    try:
        write_private(args.output, export.encoded_chunks())
    except BaseException:
        args.output.unlink(missing_ok=True)  # no half-written export left behind
        raise
    counts = ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in export.counts.items())
    print(
        f"Exported {organisation.name} to {args.output}: {counts}. Private notes are not exported."
    )


def write_private(path: Path, content: bytes | Iterable[bytes]) -> None:
    """Write the file (or the chunks) readable by its owner only (0600), even over an older one."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        if isinstance(content, bytes):
            file.write(content)
        else:
            write_behind(file, content)


def write_behind(file: BinaryIO, chunks: Iterable[bytes]) -> None:
    """Write the chunks from a second thread while this one makes the next ones.

    A write is a system call that lets go of Python's lock, as SQLite does while it runs a
    statement: the file's writing then costs the export no time of its own. At most a few
    chunks wait, so memory stays bounded. An error on either side stops both and is raised.
    """
    waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []

    def write() -> None:
        try:
            while (chunk := waiting.get()) is not None:
                file.write(chunk)
        except BaseException as error:
            failed.append(error)
            while waiting.get() is not None:  # the maker stops at its next chunk
                pass

    writer = threading.Thread(target=write, name="export writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failed:
                break
            waiting.put(chunk)
    finally:
        waiting.put(None)
        writer.join()
    if failed:
        raise failed[0]


# A person's data: their own export, their erasure ----------------------------------------


def _add_person_export_arguments(command: argparse.ArgumentParser) -> None:
    command.epilog += (
        "\n\nA person's own data (everything, their private notes included, as a zip of\n"
        "data.json and every 1:1 in Markdown):\n"
        "  rapport export --person ray@acme.com --as ray@acme.com --output ray.zip\n"
        "Only the person themselves may: --as must name them."
    )
    command.add_argument("--person", metavar="EMAIL", help="export this person's own data")
    command.add_argument(
        "--as", dest="acting_as", metavar="EMAIL", help="who runs it (must be --person)"
    )


def _add_erase(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "erase",
        erase_command,
        "erase a person's data, as an org admin",
        "example:\n  rapport erase --person ray@acme.com --as ada@acme.com\n\n"
        "Needs the person's request (from their settings) or their account deactivated.\n"
        "Deletes their private notes; their shared history is anonymised or deleted by the\n"
        "organisation's rule; their audit lines are kept without their name.",
    )
    command.add_argument("--person", metavar="EMAIL", required=True, help="whom to erase")
    command.add_argument(
        "--as", dest="acting_as", metavar="EMAIL", required=True, help="the org admin erasing"
    )


def _person_named(email: str, what: str) -> Any:
    from rapport.people.selectors import person_for_operator

    found = person_for_operator(email)
    if found is None:
        raise CliError(f"nobody has the address {email} ({what})")
    return found


def person_export_command(args: argparse.Namespace) -> None:
    """Write one person's own data as a zip (data.json and every 1:1 in Markdown)."""
    from rapport.people.audit import origin_set
    from rapport.people.models import AuditEvent
    from rapport.privacy.selectors import person_export
    from rapport.privacy.services import person_export_recorded

    if not (args.person and args.acting_as):
        raise CliError("a person's export needs both --person EMAIL and --as EMAIL")
    if args.output is None:
        raise CliError("a person's export is a zip file: name it with --output FILE")
    person = _person_named(args.person, "--person")
    actor = _person_named(args.acting_as, "--as")
    if actor.pk != person.pk:
        raise CliError(
            "only the person themselves may export their data (it holds their private notes): "
            "--as must be the same person as --person"
        )
    found = person_export(viewer=actor, person=person)
    with origin_set(via=AuditEvent.Via.CLI):
        person_export_recorded(actor=actor, person=person)
    write_private(args.output, found.zip_bytes())
    print(
        f"Exported {person.name}'s data to {args.output}: data.json and "
        f"{len(found.markdown)} 1:1s and {len(found.career_markdown)} careers in Markdown. "
        "It holds their private notes: keep it safe."
    )


def organisation_export_recorded(organisation: Any) -> None:
    """Everyone in an organisation export sees it in their audit trail."""
    from rapport.people.audit import origin_set
    from rapport.people.models import AuditEvent
    from rapport.privacy.services import organisation_export_recorded as record

    with origin_set(via=AuditEvent.Via.CLI):
        record(organisation=organisation)


def erase_command(args: argparse.Namespace) -> None:
    """Erase a person's data as the named org admin."""
    setup_django()
    from rapport.people.audit import origin_set
    from rapport.people.models import AuditEvent
    from rapport.privacy.services import person_erase

    person = _person_named(args.person, "--person")
    actor = _person_named(args.acting_as, "--as")
    if not actor.is_org_admin or not actor.is_active:
        raise CliError(f"{actor.email} is not an active org admin")
    name, rule = person.name, person.organisation.get_erasure_rule_display()
    with origin_set(via=AuditEvent.Via.CLI):
        person_erase(actor=actor, person=person)
    print(f"Erased {name}: private notes deleted; shared history: {rule.lower()}.")


# backup ------------------------------------------------------------------------------------


def backup_command(args: argparse.Namespace) -> None:
    """Copy the live SQLite database into a new file, consistently."""
    setup_django()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        raise CliError(
            "rapport backup copies SQLite databases; for PostgreSQL run: "
            f'pg_dump --format=custom --file=rapport-{stamp}.dump "$DATABASE_URL"'
        )
    source = Path(connection.settings_dict["NAME"])
    target = args.output or default_backup_path(Path(settings.DATA_DIR))
    sqlite_backup(source, target)
    print(f"Backed up {source} to {target} ({target.stat().st_size:,} bytes).")
    print(keys_backup_reminder())


def default_backup_path(data_dir: Path) -> Path:
    """DATA_DIR/backups/rapport-<UTC time>.sqlite3."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%SZ")
    return data_dir / "backups" / f"rapport-{stamp}.sqlite3"


def sqlite_backup(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others keep writing."""
    if not source.is_file():
        raise CliError(f"{source}: no database yet (start Rapport once with `rapport serve`)")
    if target.exists():
        raise CliError(f"{target}: already exists, choose another file")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Created readable by its owner only before SQLite writes the copy into it.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with (
        closing(sqlite3.connect(source)) as origin,
        closing(sqlite3.connect(target)) as copy,
    ):
        origin.backup(copy)


# rotate-keys -------------------------------------------------------------------------------


def _add_rotate_keys(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "rotate-keys",
        rotate_keys_command,
        "seal every private note with a new key, while Rapport runs",
        "examples:\n  rapport rotate-keys\n  rapport rotate-keys --at-most 5000\n\n"
        "With the key file (RAPPORT_DATA_DIR/private-note-keys) it puts a new key on top\n"
        "and re-seals every note with it; the older keys keep opening notes meanwhile.\n"
        "Interrupted, or run with --at-most, run it again: it finishes that rotation first.\n"
        "With RAPPORT_KEYS, put a new key first there, restart Rapport, then run this.",
    )
    command.add_argument(
        "--at-most", metavar="N", type=_at_most, help="re-seal at most N notes this time"
    )


def _at_most(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of notes (1 or more)")
    return int(value)


def rotate_keys_command(args: argparse.Namespace) -> None:
    """Start a rotation (or finish the one under way), then report which keys still seal."""
    setup_django()
    from rapport.meetings.services.sealing import private_note_keys_in_use, private_notes_reseal
    from rapport.people import keys

    ring = keys.keyring()
    in_use = private_note_keys_in_use()
    _check_keys_at_hand(ring, in_use)
    older = {k: n for k, n in in_use.items() if k != ring.sealing_id}
    if older:
        print(
            f"Finishing the rotation to key {ring.sealing_id}: {sum(older.values()):,} notes "
            f"are still sealed with {_key_list(older)}."
        )
    elif ring.from_file:
        ring = keys.key_file_add()
        print(f"New key {ring.sealing_id} put on top of {ring.place}.")
    else:
        print(
            f"Every private note is already sealed with key {ring.sealing_id}, the first in "
            "RAPPORT_KEYS. To rotate: put a new key first in RAPPORT_KEYS (keep the others "
            "after it), restart Rapport, and run `rapport rotate-keys` again."
        )
        return
    result = private_notes_reseal(limit=args.at_most)
    print(f"Re-sealed {result.resealed:,} notes with key {result.key}.")
    if result.remaining:
        print(
            f"{sum(result.remaining.values()):,} notes are still sealed with "
            f"{_key_list(result.remaining)}: run `rapport rotate-keys` again to finish."
        )
        return
    retired = [key for key in ring.ids if key != result.key]
    print(f"Every private note is now sealed with key {result.key}.")
    if retired:
        print(
            f"Key {', '.join(retired)} opens nothing in this database any more. Keep it while "
            "you may restore a backup made before now, then delete its line from "
            f"{ring.place}."
        )


def _key_list(counts: dict[str, int]) -> str:
    if len(counts) == 1:
        return f"key {next(iter(counts))}"
    return "keys " + ", ".join(f"{key} ({n:,})" for key, n in sorted(counts.items()))


def keys_description() -> str:
    """Which key seals private notes; an error when notes are sealed with keys not at hand."""
    from rapport.meetings.services.sealing import private_note_keys_in_use
    from rapport.people import keys

    ring = keys.keyring()
    _check_keys_at_hand(ring, private_note_keys_in_use())
    return f"sealed with key {ring.sealing_id} from {ring.place} (back it up)."


def _check_keys_at_hand(ring: Any, in_use: dict[str, int]) -> None:
    missing = {k: n for k, n in in_use.items() if k not in ring.ids}
    if missing:
        raise CliError(
            f"{sum(missing.values()):,} private notes are sealed with {_key_list(missing)}, "
            f"which {ring.source} does not hold: restore the key file saved with the backup "
            "of this database (or add the key to RAPPORT_KEYS). Nothing was changed."
        )


def keys_backup_reminder() -> str:
    """The backup opens private notes only with the keys: say where they are."""
    from rapport.people import keys

    return (
        f"Private notes in it open only with the keys in {keys.keys_place()}: back that up "
        "too, stored apart from the database copies (whoever holds both reads the notes)."
    )


# ladder ------------------------------------------------------------------------------------


def _add_ladder(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "ladder",
        help="export or import the organisation's career ladder as YAML",
        description="Export or import the organisation's career ladder (schema: docs/ladder.md).",
        epilog=(
            "examples:\n  rapport ladder export ladder.yaml --org Acme\n"
            "  rapport ladder import ladder.yaml --as ada@acme.com\n\n"
            "An import replaces the whole ladder; a file with any mistake is refused\n"
            "whole, each problem as FILE:LINE: reason."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.set_defaults(handler=None)
    actions = command.add_subparsers(title="actions", metavar="ACTION", required=True)
    export = _command(
        actions,
        "export",
        ladder_export_command,
        "write the ladder as YAML (Rapport's default until the organisation has its own)",
        "example:\n  rapport ladder export - --org Acme",
    )
    export.add_argument("file", metavar="FILE", help="where to write it, - for standard output")
    export.add_argument(
        "--org", metavar="NAME", help="organisation (needed when there are several)"
    )
    load = _command(
        actions,
        "import",
        ladder_import_command,
        "replace the organisation's ladder with a YAML file, as one of its org admins",
        "example:\n  rapport ladder import ladder.yaml --as ada@acme.com",
    )
    load.add_argument("file", metavar="FILE", type=Path, help="the ladder file (YAML)")
    load.add_argument(
        "--as", dest="actor", metavar="ADMIN_EMAIL", required=True, help="the org admin acting"
    )


def ladder_export_command(args: argparse.Namespace) -> None:
    """Write the ladder of an organisation as YAML."""
    setup_django()
    from rapport.career.selectors import ladder_for
    from rapport.framework.ladder import ladder_to_yaml

    organisation = choose_organisation(args.org)
    text = ladder_to_yaml(ladder_for(organisation))
    if args.file == "-":
        sys.stdout.write(text)
        return
    Path(args.file).write_text(text, encoding="utf-8")
    print(f"Exported the ladder of {organisation.name} to {args.file}.")


def ladder_import_command(args: argparse.Namespace) -> None:
    """Replace the ladder of the acting admin's organisation with a YAML file."""
    data = read_bytes(args.file)
    setup_django()
    from django.core.exceptions import PermissionDenied

    from rapport.career import services
    from rapport.career.selectors import active_person_by_email
    from rapport.framework.ladder import LadderError, ladder_from_yaml

    actor = active_person_by_email(args.actor)
    try:
        ladder = ladder_from_yaml(data)
    except LadderError as error:
        for line, reason in error.problems:
            print(f"{args.file}:{line}: {reason}", file=sys.stderr)
        raise CliError(f"{args.file}: the ladder was not imported.") from None
    try:
        services.ladder_save(actor=actor, ladder=ladder)
    except PermissionDenied as error:
        raise CliError(str(error)) from None
    print(
        f"Imported {args.file} as the ladder of {actor.organisation.name}: "
        f"{len(ladder.areas)} areas on 4 levels."
    )


# packet ------------------------------------------------------------------------------------


def _add_packet(commands: argparse._SubParsersAction) -> None:
    command = _command(
        commands,
        "packet",
        packet_command,
        "write an IC's evidence packet for a period (Markdown or PDF), as the IC or their manager",
        "example:\n  rapport packet ray@acme.com --from 2026-06-01 --to 2026-11-30 "
        "--format pdf --output ray.pdf --as mia@acme.com\n\n"
        "Only what both people share goes in; --private adds the --as person's own private\n"
        "notes, each marked. Without --from/--to: the six months up to today.",
    )
    command.add_argument("email", metavar="EMAIL", help="the IC the packet is about")
    command.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day")
    command.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day")
    command.add_argument(
        "--format", choices=("md", "pdf"), default="md", help="md (default) or pdf"
    )
    command.add_argument(
        "--output", metavar="FILE", type=Path, required=True, help="where to write"
    )
    command.add_argument(
        "--as", dest="acting_as", metavar="EMAIL", required=True, help="the IC or their manager"
    )
    command.add_argument(
        "--private", action="store_true", help="add your own private notes, each marked"
    )


def _cli_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{option} {value!r} is not a date (use YYYY-MM-DD)") from None


def packet_command(args: argparse.Namespace) -> None:
    """Write the evidence packet of an IC, as the IC or one of their managers."""
    start, end = _cli_date(args.start, "--from"), _cli_date(args.end, "--to")
    setup_django()
    from django.utils import timezone

    from rapport import access
    from rapport.career.selectors import active_person_by_email
    from rapport.growth import selectors
    from rapport.growth.packet import packet_markdown, packet_pdf
    from rapport.people.audit import audit_record, origin_set
    from rapport.people.models import AuditEvent

    actor = active_person_by_email(args.acting_as)
    ic = _person_named(args.email, "EMAIL")
    series = access.career_series_of(actor, ic)
    if series is None:
        raise CliError(f"{actor.email} is neither {ic.email} nor their manager: no packet")
    today = timezone.localdate(timezone.now(), actor.tzinfo)
    start, end = selectors.packet_period(start, end, today=today)
    packet = selectors.evidence_packet(
        actor, series, start=start, end=end, include_own_private=args.private
    )
    content = (
        packet_pdf(packet) if args.format == "pdf" else packet_markdown(packet).encode("utf-8")
    )
    with origin_set(via=AuditEvent.Via.CLI):
        audit_record(actor=actor, subject=ic, action=AuditEvent.Action.PACKET_VIEW, target=series)
    write_private(args.output, content)
    private = f", with your {len(packet.private_notes)} private notes" if args.private else ""
    print(
        f"Wrote the evidence packet of {ic.name} for {start} to {end} to {args.output} "
        f"({args.format}{private})."
    )


if __name__ == "__main__":
    sys.exit(main())
