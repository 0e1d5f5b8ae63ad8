"""Every spreadsheet the system writes: formula-like text neutralised, NIPs as text, a logo."""

import io
import zipfile

from openpyxl import load_workbook
from PIL import Image

from budaya.spreadsheets import workbook_bytes


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_cells_that_would_be_formulas_stay_text():
    content = workbook_bytes("Uji", ["A", "B"], [["=1+1", "198503152010011002"], ["@SUM(A1)", 5]])
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[1] == ("'=1+1", "198503152010011002")
    assert rows[2] == ("'@SUM(A1)", 5)


def test_a_logo_is_placed_above_the_table_beside_the_heading():
    content = workbook_bytes("Uji", ["A"], [["x"]], heading=["Kota Serang"], logo=png())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert any(name.startswith("xl/media/image") for name in archive.namelist())
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["C1"].value == "Kota Serang"
    header_row = next(row for row in range(1, 10) if sheet.cell(row, 1).value == "A")
    assert header_row >= 5  # below the logo, which is about four rows high
