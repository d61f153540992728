"""juesuan: an audit workbook for Chinese government final-account disclosures."""

__version__ = "0.1.0"
