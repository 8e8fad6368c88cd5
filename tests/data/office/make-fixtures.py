#!/usr/bin/python3
# Regenerates the Office fixtures of tests/container_office.rs with the real
# libraries (Debian bookworm: python3-docx 0.8.11, python3-openpyxl 3.0.9,
# python3-odf 1.4.2, python3-xlsxwriter 3.0.2, python3-xlwt 1.3.0):
#   apt-get install python3-docx python3-openpyxl python3-odf python3-xlsxwriter python3-xlwt
#   cd tests/data/office && python3 make-fixtures.py
# vbaProject.bin is XlsxWriter's examples/vbaProject.bin (a VBA project saved
# by Excel; BSD-2-Clause, see vbaProject.LICENSE).
import datetime
import docx, openpyxl, xlsxwriter, xlwt
from odf.opendocument import OpenDocumentText
from odf.text import P

FIXED = datetime.datetime(2026, 1, 1)

d = docx.Document()
d.add_paragraph("Quarterly figures attached. No macros here.")
d.core_properties.created = FIXED
d.core_properties.modified = FIXED
d.save("clean.docx")

wb = openpyxl.Workbook()
wb.active["A1"] = "plain workbook"
wb.properties.created = FIXED
wb.properties.modified = FIXED
wb.save("clean.xlsx")

t = OpenDocumentText()
t.text.addElement(P(text="A plain OpenDocument text."))
t.save("clean.odt")

x = xlsxwriter.Workbook("macro.xlsm")
x.set_properties({"created": FIXED})
x.add_worksheet().write("A1", "workbook with a VBA project")
x.add_vba_project("vbaProject.bin")
x.close()

w = xlwt.Workbook()
w.add_sheet("Data").write(0, 0, "plain BIFF8 workbook")
w.add_sheet("Auto_Open").write(0, 0, "=HALT()")
w.save("plain.xls")
