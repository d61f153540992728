"""PDF reading in stages: the text layer (pdfium), ruled grids (tabula), then the shared layouts and assembly."""

from juesuan.extract.pdf.java import java_home
from juesuan.extract.pdf.reader import read_pdf_file

__all__ = ["java_home", "read_pdf_file"]
