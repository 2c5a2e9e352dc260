"""`tally teams package`: the Teams app package — manifest.json and the two icons, zipped — to upload to Teams.

The manifest in bot/msteams/appPackage/ is a template: the bot's app id and the app's version are filled in here,
so no app id is ever committed and one package fits each registration.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings

APP_PACKAGE = Path(__file__).resolve().parent / "msteams" / "appPackage"
ICONS = ("color.png", "outline.png")
APP_ID_PLACEHOLDER = "${{MICROSOFT_APP_ID}}"
VERSION_PLACEHOLDER = "${{TALLY_VERSION}}"
DEFAULT_OUT = Path("tally-teams.zip")
GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# What Teams' schema accepts as an app version: three plain numbers, no leading zeros, no pre-release tag.
VERSION = re.compile(r"^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)$")
DOMAIN = re.compile(r"^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?$", re.IGNORECASE)
# A fixed timestamp for every entry, so the same inputs always give the same zip, byte for byte.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class PackageRefused(Exception):
    """The package can't be built as asked; the message says what to change."""


def add_commands(commands: Any) -> None:
    """Add `teams package` to the `tally` parser's subcommands."""
    teams = commands.add_parser("teams", help="Microsoft Teams: build the app package to upload")
    actions = teams.add_subparsers(dest="teams_command", required=True, metavar="ACTION")
    package = actions.add_parser("package", help="zip manifest.json and the icons for Teams' custom app upload")
    package.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the zip to write (default {DEFAULT_OUT})")
    package.add_argument("--app-id", help="the bot's Microsoft App ID, a GUID (default: MICROSOFT_APP_ID)")
    package.add_argument(
        "--endpoint-domain",
        help="your Tally host, e.g. tally.example.com, added to validDomains (only needed for pages Teams opens)",
    )
    package.add_argument(
        "--app-version",
        help="the app's version, X.Y.Z (default: Tally's own); raise it each time you upload a changed package",
    )
    package.set_defaults(handler=_package)


def _package(args: argparse.Namespace, settings: Settings) -> int:
    return run_package(args, settings, out=sys.stdout, err=sys.stderr)


def run_package(args: argparse.Namespace, settings: Settings, *, out: TextIO, err: TextIO) -> int:
    """Write the app package to `args.out`; exit 2 with a reason, writing nothing, if the inputs are wrong."""
    try:
        manifest = build_manifest(
            app_id=args.app_id or settings.teams_app_id,
            version=args.app_version or tally_version(),
            endpoint_domain=args.endpoint_domain,
        )
    except PackageRefused as refusal:
        print(f"tally teams package: {refusal}", file=err)
        return 2
    try:
        args.out.write_bytes(package(manifest))
    except OSError as error:
        print(f"tally teams package: can't write {args.out}: {error.strerror or error}", file=err)
        return 1
    print(
        f"wrote {args.out}: Tally {manifest['version']} for app id {manifest['id']} "
        f"(manifest {manifest['manifestVersion']}). Upload it in Teams: Apps → Manage your apps → Upload an app.",
        file=out,
    )
    return 0


def build_manifest(*, app_id: str | None, version: str, endpoint_domain: str | None = None) -> dict[str, Any]:
    """The template manifest with the app id and version filled in, and `endpoint_domain` in validDomains.

    Raises:
        PackageRefused: the app id is missing or not a GUID, the version is not X.Y.Z, or the domain is not a
            bare host name.
    """
    if not app_id:
        raise PackageRefused("no app id: set MICROSOFT_APP_ID, or pass --app-id with the bot's Microsoft App ID")
    if not GUID.match(app_id):
        raise PackageRefused(
            f"the app id must be the bot's Microsoft App ID, a GUID like 12345678-abcd-…; got “{app_id}”"
        )
    if not VERSION.match(version):
        raise PackageRefused(f"the version must be three numbers, X.Y.Z (e.g. 1.0.3); got “{version}”")
    text = manifest_template().replace(APP_ID_PLACEHOLDER, app_id.lower()).replace(VERSION_PLACEHOLDER, version)
    manifest: dict[str, Any] = json.loads(text)
    if endpoint_domain is not None:
        manifest["validDomains"] = [_domain(endpoint_domain)]
    return manifest


def _domain(value: str) -> str:
    if not DOMAIN.match(value):
        raise PackageRefused(
            f"--endpoint-domain takes a host name such as tally.example.com (no https://, no path); got “{value}”"
        )
    return value.lower()


def package(manifest: dict[str, Any]) -> bytes:
    """The zip Teams accepts: manifest.json and the two icons at its root, nothing else."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n")
        for icon in ICONS:
            _add(archive, icon, (APP_PACKAGE / icon).read_bytes())
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(entry, data)


def manifest_template() -> str:
    """bot/msteams/appPackage/manifest.json as committed, placeholders and all."""
    return (APP_PACKAGE / "manifest.json").read_text(encoding="utf-8")


def tally_version() -> str:
    """Tally's own version as X.Y.Z (a development suffix such as .dev1 dropped: Teams accepts only numbers)."""
    try:
        installed = metadata.version("tally-bot")
    except metadata.PackageNotFoundError:
        return "0.1.0"
    match = re.match(r"\d+\.\d+\.\d+", installed)
    return match.group(0) if match else "0.1.0"
