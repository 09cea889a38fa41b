"""`arsplan simulate --scenario` and `--write-scenario`: where a scenario file is, which
nämnd's data a run uses, which options go with it, and writing the generated scenario as a
file (docs/scenarios.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

from infrastructure.packaged_data import NAMND_FILES, NAMNDER, data_dir, namnd_dir, require_files
from infrastructure.settings import Settings
from simulation.scenario import DEFAULT_SEED, CycleOptionError, check_cycle, parse_cycle
from simulation.scenario_file import ScenarioFileError


def scenario_path(settings: Settings, value: Path) -> Path:
    """``value`` itself, or for a bare name such as von_arsbokslut_2022 that is no file
    here, the example of that name in scenarios/ of the data folder (packaged or
    ARSPLAN_DATA_DIR)."""
    if value.exists() or value.suffix or len(value.parts) != 1:
        return value
    example = data_dir(settings) / "scenarios" / f"{value}.yaml"
    return example if example.is_file() else value


def named_cycle(scenario: Path) -> str | None:
    """The cycle a scenario file names, if it can be read so far (``load`` says what is
    wrong with one that cannot)."""
    try:
        raw = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    cycle = raw.get("cycle") if isinstance(raw, dict) else None
    try:
        return cycle if isinstance(cycle, str) and parse_cycle(cycle) else None
    except CycleOptionError:
        return None


def namnd_folder(settings: Settings, cycle: str, data: Path | None) -> Path:
    """``data``, else the folder of the cycle's nämnd (sn/ for SN:…), which must exist."""
    code = parse_cycle(cycle).namnd_code
    folder = namnd_dir(settings, code, data)
    if data is None and not folder.is_dir():
        raise CycleOptionError(f"{cycle}: det finns ingen data för nämnden {code} "
                               f"(finns: {', '.join(NAMNDER)})")
    return folder


def scenario_options_refused(cycle: str | None, scenario: Path | None,
                             write: Path | None) -> str | None:
    """The one-line refusal of options that do not go together, if they don't."""
    if scenario is not None and (cycle is not None or write is not None):
        return "--scenario: filen anger själv sin cykel; ange inte --cycle eller --write-scenario"
    if write is not None and cycle is None:
        return "--write-scenario: ange vilken cykel med --cycle, t.ex. VON:arsbokslut:2022"
    return None


def write_scenario(settings: Settings, cycle: str, seed: int | None, path: Path,
                   data: Path | None = None) -> Path:
    """The generated scenario of ``cycle`` as a file a controller can edit and play."""
    from simulation.cycle_run import default_yaml

    ref = parse_cycle(cycle)
    folder = namnd_folder(settings, cycle, data)
    require_files(folder, *NAMND_FILES)
    check_cycle(folder, ref)
    text = default_yaml(settings, ref, folder, DEFAULT_SEED if seed is None else seed)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScenarioFileError(
            f"{path}: kan inte skrivas: {exc.strerror}") from None
    return path
