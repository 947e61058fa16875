"""Settings: a TOML file of keys, theme, name, schema and annotations folder.

Two files are read, the second winning key by key (``[keymap]`` entries too):

1. the user's, ``$XDG_CONFIG_HOME/annotator/config.toml`` (``~/.config`` when
   ``XDG_CONFIG_HOME`` is not set);
2. the working folder's ``annotator.toml`` (a project's settings).

Shape::

    theme = "gruvbox"              # any Textual theme
    annotator = "maria"            # recorded as `by`
    schema = "schema.yaml"         # relative to the file it is in
    annotations = "annotations"    # relative to the file it is in

    [keymap]                       # binding id = keys (`annotator keys` lists them)
    find = "f"
    label_1 = "1,p"

Command-line options win over both files. A bad file is one ``InputError``
naming ``file:line`` and what is wrong; checks that need the app's bindings or
the list of themes (an unknown binding id, a key clash, a bad theme name) are
made by the app with ``Settings.line_of`` for the line.

No Textual here: the keymap is applied by ``annotator.tui.keymap``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import FACTORY

LOCAL_NAME = "annotator.toml"
KNOWN = ("annotator", "annotations", "keymap", "schema", "theme")
_STRINGS = ("annotator", "annotations", "schema", "theme")
_AT_LINE = r"\s*\(at line (\d+), column (\d+)\)"  # compiled on a bad file only


def user_config_path(env: dict | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base.strip() else Path(env.get("HOME") or Path.home()) / ".config"
    return root / "annotator" / "config.toml"


def local_config_path(cwd: str | os.PathLike | None = None) -> Path:
    return Path(cwd or ".") / LOCAL_NAME


@dataclass(init=False, repr=False, eq=False)  # the methods below: see annotator.model
class Settings:
    """The settings read from the config files (the user's, then the folder's)."""

    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    annotator: str | None = None
    schema: Path | None = None
    annotations: Path | None = None
    #: the files read, user's first
    files: list[Path] = field(default_factory=list)
    #: "theme", "keymap.find", ... -> the file whose value won
    origin: dict[str, Path] = field(default_factory=dict)

    def __init__(self, keymap=FACTORY, theme=None, annotator=None, schema=None, annotations=None, files=FACTORY, origin=FACTORY):
        self.keymap = dict() if keymap is FACTORY else keymap
        self.theme = theme
        self.annotator = annotator
        self.schema = schema
        self.annotations = annotations
        self.files = list() if files is FACTORY else files
        self.origin = dict() if origin is FACTORY else origin

    def __repr__(self):
        return f"{self.__class__.__qualname__}(keymap={self.keymap!r}, theme={self.theme!r}, annotator={self.annotator!r}, schema={self.schema!r}, annotations={self.annotations!r}, files={self.files!r}, origin={self.origin!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.keymap, self.theme, self.annotator, self.schema, self.annotations, self.files, self.origin) == (other.keymap, other.theme, other.annotator, other.schema, other.annotations, other.files, other.origin)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as dataclass(eq=True) leaves it

    def schema_file(self) -> Path | None:
        """The ``schema`` setting, an InputError naming the settings file and
        line that set it when there is no such file."""
        path = self.schema
        if path is not None and not path.exists():
            raise InputError(self.line_of("schema"), f"schema: no such schema file {path}")
        return path

    def line_of(self, key: str) -> str:
        """``file:line`` of a setting (``keymap.find``), for error messages."""
        path = self.origin.get(key)
        if path is None:
            return "settings"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return str(path)
        table, name = key.split(".", 1) if "." in key else (None, key)
        line = find_line(text, name, table)
        return f"{path}:{line}" if line else str(path)


def find_line(text: str, name: str, table: str | None = None) -> int | None:
    """The line where ``name = ...`` is set (inside ``[table]`` when given)."""
    current: str | None = None
    key = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*=""")
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    for i, line in enumerate(text.splitlines(), 1):
        h = header.match(line)
        if h:
            current = h.group(1).strip().strip('"')
            continue
        m = key.match(line)
        if not m:
            continue
        found = next(g for g in m.groups() if g is not None)
        # a dotted id (keymap.corpus.sort) may be split between a [table] header
        # and the key: [keymap.corpus] sort = ..., [keymap] corpus.sort = ...
        if (f"{current}.{found}" if current else found) == (f"{table}.{name}" if table else name):
            return i
    return None


def parse(text: str, source: Path) -> dict[str, Any]:
    """TOML text -> checked settings data; one InputError ``file:line: ...``."""
    if sys.version_info >= (3, 11):  # imported here: most runs have no settings file (startup)
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(_AT_LINE, msg)
        if m:
            raise InputError(f"{source}:{m.group(1)}", f"TOML syntax: {msg[: m.start()]} (column {m.group(2)})") from None
        raise InputError(str(source), f"TOML syntax: {msg}") from None

    def where(name: str, table: str | None = None) -> str:
        line = find_line(text, name, table)
        return f"{source}:{line}" if line else str(source)

    for name, value in data.items():
        if name not in KNOWN:
            raise InputError(where(name), f"unknown setting {name!r} (known: {', '.join(KNOWN)})")
        if name in _STRINGS and not isinstance(value, str):
            raise InputError(where(name), f"{name} must be a string, not {_kind(value)}")
        if name in _STRINGS and not value.strip():
            raise InputError(where(name), f"{name} is empty")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise InputError(where("keymap"), f"keymap must be a table ([keymap]), not {_kind(keymap)}")
    # TOML reads a dotted id (corpus.sort = "o", or [keymap.corpus]) as a table
    # in a table: it means the id as `annotator keys` prints it
    keymap = data["keymap"] = _dotted(keymap) if keymap else keymap
    for binding_id, keys in keymap.items():
        if not isinstance(keys, str):
            raise InputError(where(binding_id, "keymap"), f"keymap.{binding_id} must be a string of keys such as \"f\" or \"ctrl+f,f3\", not {_kind(keys)}")
        if not [k for k in keys.split(",") if k.strip()]:
            raise InputError(where(binding_id, "keymap"), f"keymap.{binding_id} has no key")
    return data


def _dotted(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, dict) and value:
            out.update(_dotted(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder, not a settings file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read settings: {exc}") from None


def load(cwd: str | os.PathLike | None = None, env: dict | None = None) -> Settings:
    """Read the user's file, then the working folder's; a missing file is no error."""
    settings = Settings()
    user, local = user_config_path(env), local_config_path(cwd)
    paths = [user] if user.resolve() == local.resolve() else [user, local]
    for path in paths:
        text = _read(path)
        if text is None:
            continue
        data = parse(text, path)
        settings.files.append(path)
        for name in _STRINGS:
            if name in data:
                value = data[name]
                if name in ("schema", "annotations"):
                    p = Path(value).expanduser()
                    value = p if p.is_absolute() else path.parent / p
                setattr(settings, name, value)
                settings.origin[name] = path
        for binding_id, keys in data.get("keymap", {}).items():
            settings.keymap[binding_id] = keys
            settings.origin[f"keymap.{binding_id}"] = path
    return settings


def save_theme(theme: str, env: dict | None = None) -> Path:
    """Remember the theme in the user's file, atomically; the rest is kept as is."""
    path = user_config_path(env)
    text = _read(path) or ""
    line = f"theme = {_toml_string(theme)}"
    lines = text.splitlines()
    at = find_line(text, "theme")
    if at is not None:
        lines[at - 1] = line
    else:
        lines.insert(0, line)
    new = "\n".join(lines) + "\n"
    parse(new, path)  # never write a file we could not read back
    # a linked file (dotfiles kept with stow, chezmoi, a git repository) is
    # written where the link points, the link kept; its mode is kept too
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".config.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(new)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _toml_string(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{out}"'
