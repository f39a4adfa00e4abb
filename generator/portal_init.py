"""`disclose init [DIR]`: start a portal, as `hugo new site` and `zola init` do.

Everything written comes from the starter portal shipped in the package
(generator/starter/): a commented site.yaml, one example department copied from the
sample portal's published 天津市科学技术协会 2022 disclosure (so it passes `disclose
check`), an empty templates/ with a note on overriding, a .gitignore and an editor's
guide in Chinese. Nothing that exists is overwritten: the folder must be empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.messages import message

STARTER = Path(__file__).parent / "starter"
RENAMED = {"gitignore": ".gitignore"}  # kept without the dot in the package, where dotfiles get lost
ALLOWED_BESIDE = {".git"}  # a folder that is only a fresh `git init` counts as empty


class InitError(Exception):
    pass


def starter_files() -> list[tuple[Path, str]]:
    """(file in the package, its path in the new portal), in a stable order."""
    found = []
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(STARTER).as_posix()
            found.append((path, RENAMED.get(relative, relative)))
    return found


def init_portal(target: Path) -> list[Path]:
    """Write the starter portal into `target` (created if missing); the files written."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise InitError(message("init.not_a_folder", path=target))
    if target.is_dir():
        present = sorted(entry.name for entry in target.iterdir() if entry.name not in ALLOWED_BESIDE)
        if present:
            raise InitError(message("init.not_empty", path=target, found=", ".join(present[:5])))
    written = []
    for source, relative in starter_files():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    (target / "templates").mkdir(exist_ok=True)
    return written
