"""Where the data files are: the folder ARSPLAN_DATA_DIR (or a command's option) names, else
the copy shipped in the package (the ``data`` package, found with importlib.resources), never
a path relative to the current directory. A missing file is a one-line DataFileError that
names it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from infrastructure.importer import DataFileError
from infrastructure.settings import Settings

PACKAGE = "data"
# What a nämnd's folder (von/, sn/) holds for its årsplan to run.
NAMND_FILES = ("organisation.yaml", "report_template.yaml", "arsplan_2022_2023.yaml")
VON_FILES = NAMND_FILES
# The nämnder whose data the package ships, by code (their folders are the codes in lower case).
NAMNDER = ("VON", "SN")


def packaged_data_dir() -> Path:
    """The data folder installed with the package."""
    root = resources.files(PACKAGE)
    if not isinstance(root, Path):  # a zipped install: files are no folder to hand out
        raise DataFileError(f"the packaged data ({root}) is not a folder: set ARSPLAN_DATA_DIR")
    return root


def data_dir(settings: Settings) -> Path:
    return settings.data_dir if settings.data_dir is not None else packaged_data_dir()


def von_dir(settings: Settings, folder: Path | None = None) -> Path:
    """``folder`` if given, else von/ in the data folder."""
    return namnd_dir(settings, "VON", folder)


def namnd_dir(settings: Settings, namnd_code: str, folder: Path | None = None) -> Path:
    """``folder`` if given, else the nämnd's folder in the data folder (sn/ for SN)."""
    return folder if folder is not None else data_dir(settings) / namnd_code.lower()


def kommun_dir(settings: Settings) -> Path:
    """kommun/ in the data folder: kommunstyrelsen's organisation, where KLK's roles are held."""
    return data_dir(settings) / "kommun"


def require_files(folder: Path, *names: str) -> None:
    """Refuses, naming the first missing one, before anything is opened or written."""
    for name in names:
        if not (folder / name).is_file():
            raise DataFileError(f"{folder / name}: file not found")
