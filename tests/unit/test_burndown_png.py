"""The burn-down as a PNG image: a real picture of the chart's series and deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image

from domain.calendar import STOCKHOLM
from reporting.burndown import Burndown
from simulation.burndown_png import draw, plotted, step_points, write_png

DAY = datetime(2023, 1, 12, 7, tzinfo=STOCKHOLM)
CHART = Burndown("Årsbokslut 2022", 3, DAY, DAY + timedelta(days=12),
                 {"enhet": DAY + timedelta(days=3), "avdelning": DAY + timedelta(days=8)},
                 klarmarkerade=[(DAY, 0), (DAY + timedelta(days=1), 1),
                                (DAY + timedelta(days=2), 0), (DAY + timedelta(days=4), 3)],
                 godkanda=[(DAY, 0), (DAY + timedelta(days=5), 2)])


def assert_png(path: Path, min_bytes: int = 20_000) -> Image.Image:
    """A PNG that decodes, of the chart's size, with more than a blank page in it."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > min_bytes
    image = Image.open(path)
    image.verify()
    image = Image.open(path)
    assert image.format == "PNG" and image.size == (1000, 560)
    colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50
    return image


def test_the_png_is_a_real_image_of_the_chart(tmp_path: Path) -> None:
    path = write_png(CHART, tmp_path / "sub" / "burndown.png")
    assert path == tmp_path / "sub" / "burndown.png"
    image = assert_png(path)
    # The series' colours are drawn (klarmarkerade blue, godkända green).
    rgb = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=100_000) or []}
    assert (0x1F, 0x6F, 0xB2) in rgb
    assert write_png(CHART, tmp_path / "again.png").read_bytes() == path.read_bytes()


def test_each_line_is_the_series_held_until_the_end() -> None:
    lines = plotted(draw(CHART))
    for key in ("klarmarkerade", "godkanda"):
        assert lines[key] == step_points(CHART.series(key), CHART.end)
    assert lines["klarmarkerade"][1] == [0, 1, 0, 3, 3]
    assert {g for g in lines if g.startswith("deadline-")} == {"deadline-enhet",
                                                              "deadline-avdelning"}
    legend = [t.get_text() for t in draw(CHART).legends[0].get_texts()]
    assert legend == ["Klarmarkerade (3)", "Godkända (2)", "Tidsgräns enheter 2023-01-15",
                      "Tidsgräns avdelningar 2023-01-20"]
