"""What an installed crfner holds: every package of the source tree is listed in setup.cfg, and
every file a package reads at run time is in its package data. An editable install (what the
tests run on) finds modules whatever setup.cfg says; a wheel holds only what it lists."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _options() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def _listed(config: configparser.ConfigParser, key: str) -> dict[str, str]:
    lines = [line.strip() for line in config["options"][key].splitlines() if line.strip()]
    return dict(line.split(" = ") for line in lines) if key == "package_dir" else {line: "" for line in lines}


def test_every_package_of_the_tree_is_listed():
    config = _options()
    folders = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "crfner").rglob("__init__.py")}
    mapped = _listed(config, "package_dir")
    on_disk = folders | set(mapped)
    listed = set(_listed(config, "packages"))
    assert on_disk - listed == set(), "packages a wheel would leave out"
    assert listed - on_disk == set(), "listed packages with no folder"
    for package, folder in mapped.items():
        assert (ROOT / folder).is_dir(), package


def test_every_data_file_of_a_package_is_package_data():
    config = _options()
    patterns = {package.strip(): [p.strip() for p in globs.split(",")] for package, globs in config["options.package_data"].items()}
    folders = {package: ROOT / Path(*package.split(".")) for package in _listed(config, "packages")}
    folders.update({package: ROOT / folder for package, folder in _listed(config, "package_dir").items()})
    for package, folder in folders.items():
        for path in folder.iterdir():
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                assert any(path.match(glob) for glob in patterns.get(package, [])), f"{path.relative_to(ROOT)} is not package data"
