import contextlib
import json
import re
import shutil
import tempfile
import zipfile
from datetime import date, datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# Column types understood by the builder, with the width used when a column gives none.
DEFAULT_WIDTHS = {
    "char": 24,
    "text": 40,
    "integer": 10,
    "float": 12,
    "monetary": 14,
    "percent": 10,
    "date": 12,
    "datetime": 18,
    "boolean": 9,
}

# Deflate level of the package: 1 compresses a register's XML about 3 times faster than zlib's default (6), for a
# file about 1.3 times larger
ZIP_LEVEL = 1
EXCEL_EPOCH = datetime(1899, 12, 31)
HOUR_END = timedelta(minutes=59, seconds=59, microseconds=999999)
# What a string cell's text cannot hold as it is: the three characters XML escapes, the characters XML 1.0
# forbids (control characters but tab and line feed, lone surrogates, U+FFFE and U+FFFF; a carriage return is
# written _x000D_, Excel's escape, as an XML reader would turn it into a line feed), and a literal _xHHHH_
XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "_x000D_"}
# the column types whose cells have a style (a number format, the wrapped text)
STYLED_KINDS = ("date", "datetime", "float", "monetary", "percent", "integer", "text")
MIDNIGHT = datetime.min.time()


class CrrXlsxExport(models.AbstractModel):
    """Builds the XLSX registers of the module (review register, complaint register, satisfaction
    results) with xlsxwriter in constant-memory mode: rows are written as they are produced, so a
    register of 100,000 rows stays small in memory.

    A model that can be exported implements ``_crr_xlsx_sheets()`` (the sheets of the recordset)
    and ``_crr_xlsx_filename()``; a list-view server action returns
    ``env['crr.xlsx.export']._crr_download_action(records)``.
    """

    _name = "crr.xlsx.export"
    _description = "XLSX Register Export"

    @api.model
    def _crr_exportable(self, model_name):
        return model_name in self.env and hasattr(self.env.registry[model_name], "_crr_xlsx_sheets")

    @api.model
    def _crr_download_action(self, records):
        """URL action downloading the register of ``records`` (or of the list's whole domain)."""
        if not self._crr_exportable(records._name):
            raise UserError(self.env._("Records of type %(model)s cannot be exported as a register.",
                                       model=records._description))
        params = {}
        active_domain = self.env.context.get("active_domain")
        if active_domain and len(records) >= 1000:
            params["domain"] = json.dumps(active_domain)
        else:
            params["ids"] = ",".join(str(record_id) for record_id in records.ids)
        later = self.env["crr.job"]._crr_export_later(
            records._name, ids=records.ids if "ids" in params else None, domain=active_domain if "domain" in params else None)
        if later:
            return later
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return {
            "type": "ir.actions.act_url",
            "url": f"/customer_requirement_review/xlsx/{records._name}?{query}",
            "target": "download",
        }

    @api.model
    def _crr_parse_request(self, model_name, ids=None, domain=None):
        """The ids (comma-separated) and the domain (JSON) of a download request, checked: a malformed value
        is answered with a UserError saying what to send, never a server error."""
        if not self._crr_exportable(model_name):
            raise UserError(self.env._("Records of type %(model)s cannot be exported as a register.",
                                       model=model_name))
        record_ids = []
        for part in (ids or "").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 10:
                raise UserError(
                    self.env._("%(value)s is not a record id: send ids as numbers separated by commas.",
                               value=part[:40])
                )
            record_ids.append(int(part))
        if not domain:
            return record_ids, None
        try:
            parsed = json.loads(domain)
        except ValueError:
            parsed = None
        if not isinstance(parsed, list):
            raise UserError(
                self.env._(
                    "The domain of the export is not a JSON list of conditions, e.g. "
                    "[[\"state\", \"=\", \"closed\"]]."
                )
            )
        model = self.env[model_name]
        try:
            with self.env.cr.savepoint():
                model.search_count(parsed, limit=1)
        except Exception as exc:  # any problem of the domain is the sender's to fix
            raise UserError(
                self.env._(
                    "The domain of the export cannot be used on %(model)s: %(error)s. Check the field names, "
                    "operators and values.",
                    model=model._description,
                    error=str(exc)[:200],
                )
            ) from exc
        return record_ids, parsed

    @api.model
    def _crr_records_for_export(self, model_name, ids=None, domain=None):
        """The records of an export request, read as the current user: access rights and record
        rules decide what is exported; unknown ids are simply not exported."""
        if not self._crr_exportable(model_name):
            raise UserError(self.env._("Records of type %(model)s cannot be exported as a register.",
                                       model=model_name))
        if self.env.user.share:
            raise AccessError(self.env._("Registers are exported by internal users only."))
        model = self.env[model_name]
        model.check_access("read")
        if domain is not None:
            return model.search(domain)
        return model.search([("id", "in", list(ids or []))])

    @api.model
    def _crr_build_workbook(self, sheets):
        """Return the bytes of an XLSX workbook.

        ``sheets``: list of ``{'name': str, 'columns': [{'header': str, 'type': str, 'width': int}],
        'rows': iterable of lists}``. Types: char, text, integer, float, monetary, percent (a ratio,
        0.25 shows 25%), date, datetime (shown in the user's time zone), boolean.

        xlsxwriter (constant-memory mode) writes the workbook as before: sheets, styles, column widths,
        header row, frozen header, autofilter, document properties. The data rows, which are millions of
        cells in a large register, are written by ``_crr_write_sheet`` as the XML xlsxwriter writes for
        them (inline strings, the same cell styles), each sheet's rows to a temporary file, and put into
        the sheets' XML when the package is zipped again (deflate level 1: about 3 times quicker than the
        default level on a register's XML, for a file about 1.3 times larger). Memory stays constant: a row at
        a time, a chunk of rows in the buffer.
        """
        import xlsxwriter  # optional dependency, imported when used

        with contextlib.ExitStack() as stack:
            skeleton = stack.enter_context(tempfile.TemporaryFile())
            workbook = xlsxwriter.Workbook(
                skeleton, {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "remove_timezone": True}
            )
            formats = {
                "header": workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1,
                                               "text_wrap": True, "valign": "top"}),
                "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
                "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                "float": workbook.add_format({"num_format": "#,##0.00"}),
                "monetary": workbook.add_format({"num_format": "#,##0.00"}),
                "percent": workbook.add_format({"num_format": "0.0%"}),
                "integer": workbook.add_format({"num_format": "0"}),
                "text": workbook.add_format({"text_wrap": True, "valign": "top"}),
            }
            rows_files = []
            for sheet in sheets:
                rows_file = stack.enter_context(tempfile.TemporaryFile())
                self._crr_write_sheet(workbook, formats, sheet, rows_file)
                rows_files.append(rows_file)
            workbook.close()
            output = stack.enter_context(tempfile.TemporaryFile())
            self._crr_zip_workbook(skeleton, rows_files, output)
            output.seek(0)
            return output.read()

    def _crr_write_sheet(self, workbook, formats, sheet, rows_file):
        """Add the sheet to ``workbook`` with its column widths, header row, frozen header and autofilter, and
        write the XML of its data rows (``<row>`` elements, from the second row on) to ``rows_file``."""
        from xlsxwriter.utility import xl_col_to_name

        # Excel forbids some characters in sheet names and limits them to 31 characters
        name = "".join(char for char in sheet["name"] if char not in "[]:*?/\\")[:31]
        worksheet = workbook.add_worksheet(name)
        columns = sheet["columns"]
        for col, column in enumerate(columns):
            width = column.get("width") or DEFAULT_WIDTHS.get(column.get("type", "char"), 16)
            worksheet.set_column(col, col, width)
        for col, column in enumerate(columns):
            worksheet.write_string(0, col, str(column["header"]), formats["header"])
        if columns:
            # xlsxwriter numbers the cell styles in the order of their first use: the header's first
            formats["header"]._get_xf_index()
        worksheet.freeze_panes(1, 0)
        writers = []
        for col, column in enumerate(columns):
            kind, letter = column.get("type", "char"), xl_col_to_name(col)
            if kind in STYLED_KINDS:
                # xlsxwriter numbers a cell style at its first cell: the column's writer is made there
                writers.append(self._crr_first_cell_writer(writers, col, formats[kind], kind, letter))
            else:
                writers.append(self._crr_cell_writer(kind, letter, None))
        # an empty cell (None, or False out of a boolean column) is not written (xlsxwriter wrote no blank cell
        # without a format either)
        booleans = [column.get("type") == "boolean" for column in columns]
        row_index = last_row = 0
        chunk = []
        for row_index, row in enumerate(sheet["rows"], start=1):
            number = str(row_index + 1)
            cells = [
                writers[col](value, number)
                for col, value in enumerate(row)
                if value is not None and (value is not False or booleans[col])
            ]
            if cells:
                chunk.append(f'<row r="{number}">{"".join(cells)}</row>')
                last_row = row_index
                if len(chunk) >= 200:
                    rows_file.write("".join(chunk).encode())
                    chunk.clear()
        if chunk:
            rows_file.write("".join(chunk).encode())
        if last_row:
            # the sheet's dimension (its used range) covers the data rows
            worksheet._check_dimensions(last_row, 0)
        if columns:
            worksheet.autofilter(0, 0, max(row_index, 1), len(columns) - 1)
        return worksheet

    @api.model
    def _crr_zip_workbook(self, skeleton, rows_files, output):
        """Zip the package xlsxwriter wrote into ``skeleton`` again into ``output``, each worksheet's data rows
        (``rows_files``, in the order of the sheets) put at the end of its ``<sheetData>``."""
        sheet_parts = {f"xl/worksheets/sheet{index}.xml": rows_file for index, rows_file in enumerate(rows_files, 1)}
        skeleton.seek(0)
        with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(
            output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL
        ) as target:
            for info in source.infolist():
                content = source.read(info)
                rows_file = sheet_parts.get(info.filename)
                size = rows_file.tell() if rows_file else 0
                if not size:
                    with target.open(info.filename, "w") as part:
                        part.write(content)
                    continue
                if b"</sheetData>" in content:
                    head, tail = content.rsplit(b"</sheetData>", 1)
                else:  # no header row either: an empty <sheetData/>
                    head, tail = content.split(b"<sheetData/>", 1)
                    head += b"<sheetData>"
                rows_file.seek(0)
                with target.open(info.filename, "w", force_zip64=size > 1 << 30) as part:
                    part.write(head)
                    shutil.copyfileobj(rows_file, part, 1 << 16)
                    part.write(b"</sheetData>" + tail)

    def _crr_first_cell_writer(self, writers, col, cell_format, kind, letter):
        """The writer of the first cell of column ``col`` with the style ``cell_format``: it numbers the style,
        puts the column's writer in ``writers`` for the next cells and writes the cell."""

        def write(value, number):
            writers[col] = writer = self._crr_cell_writer(kind, letter, cell_format._get_xf_index())
            return writer(value, number)

        return write

    def _crr_cell_writer(self, kind, letter, style):
        """The function giving the XML of a (non-empty) cell of a column of type ``kind`` (column ``letter``, cell
        style number ``style``) in the row numbered ``number`` (a string), as xlsxwriter writes it: chosen once
        per column, as a register writes its cells by the million."""
        if kind in ("date", "datetime"):
            to_local = self._crr_local_time() if kind == "datetime" else None
            to_date = fields.Datetime.to_datetime if kind == "datetime" else fields.Date.to_date
            serials = {}  # the serial of a date, for the dates that repeat (a bounded cache)

            def write(value, number):
                if isinstance(value, str):
                    value = to_date(value)
                if value.__class__ is date:
                    serial = serials.get(value)
                    if serial is None:
                        if len(serials) >= 10000:
                            serials.clear()
                        serial = serials[value] = "%.16G" % _excel_serial(datetime.combine(value, MIDNIGHT))  # noqa: UP031
                    return f'<c r="{letter}{number}" s="{style}"><v>{serial}</v></c>'
                if to_local is not None and isinstance(value, datetime):
                    value = to_local(value)
                elif isinstance(value, date) and not isinstance(value, datetime):
                    value = datetime.combine(value, MIDNIGHT)
                return f'<c r="{letter}{number}" s="{style}"><v>{"%.16G" % _excel_serial(value)}</v></c>'  # noqa: UP031

            return write
        if kind in ("integer", "float", "monetary", "percent"):
            def write(value, number):
                text = "%.16G" % value  # noqa: UP031 (xlsxwriter's own format: C's %G)
                if text[-1] in "NF":
                    raise TypeError(
                        "NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
                return f'<c r="{letter}{number}" s="{style}"><v>{text}</v></c>'

            return write
        if kind == "boolean":
            return lambda value, number: f'<c r="{letter}{number}" t="b"><v>{1 if value else 0}</v></c>'
        prefix = f'<c r="{letter}'
        suffix = f'" s="{style}" t="inlineStr">' if style is not None else '" t="inlineStr">'
        if kind == "text":
            return lambda value, number: f"{prefix}{number}{suffix}{_inline_string(value)}</c>"
        # the names of a register's char columns repeat (orders, customers, users, departments, labels): their XML
        # is kept for the next cells, in a bounded cache of short strings
        cache = {}

        def write(value, number):
            if value.__class__ is not str:
                value = str(value)
            xml = cache.get(value)
            if xml is None:
                xml = _inline_string(value)
                if len(value) <= 64:
                    if len(cache) >= 1000:
                        cache.clear()
                    cache[value] = xml
            return f"{prefix}{number}{suffix}{xml}</c>"

        return write

    def _crr_local_time(self):
        """The function giving a UTC datetime in the user's time zone (as ``fields.Datetime.context_timestamp``),
        with the time zone looked up once, and its offset once per hour of the datetimes (every hour that has
        one offset throughout; the hours of a change of offset are converted value by value)."""
        tz = self.env.tz
        if tz is pytz.utc:
            return lambda value: value

        def convert(value):
            return pytz.utc.localize(value, is_dst=False).astimezone(tz).replace(tzinfo=None)

        offsets = {}

        def to_local(value):
            if value.tzinfo is not None:
                return convert(value)  # refused by pytz, as it always was
            hour = value.replace(minute=0, second=0, microsecond=0)
            offset = offsets.get(hour)
            if offset is None:
                start = convert(hour) - hour
                if convert(hour + HOUR_END) - (hour + HOUR_END) != start:
                    return convert(value)  # the offset changes within this hour
                if len(offsets) >= 10000:
                    offsets.clear()  # a bounded cache
                offset = offsets[hour] = start
            return value + offset

        return to_local


def _excel_serial(value):
    """Excel's serial number of a naive datetime (days since 1899-12-31, Excel's 29 February 1900 counted), as
    xlsxwriter computes it."""
    delta = value - EXCEL_EPOCH
    if delta.days <= 60:  # before March 1900: xlsxwriter's own rules for the first days
        from xlsxwriter.utility import datetime_to_excel_datetime

        return datetime_to_excel_datetime(value, False, True)
    return delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400 + 1


def _xml_text_replace(match):
    text = match.group()
    if len(text) > 1:
        return "_x005F" + text  # a literal _xHHHH_: Excel would read it as an escaped character
    return XML_ESCAPES.get(text, "")


def _inline_string(value):
    """The ``<is>`` element of an inline string: at most 32,767 characters (Excel's limit, as xlsxwriter cuts),
    &, < and > escaped, the characters XML 1.0 forbids removed, leading or trailing white space preserved."""
    if value.__class__ is not str:
        value = str(value)
    if len(value) > 32767:
        value = value[:32767]
    if XML_SPECIAL.search(value):
        value = XML_SPECIAL.sub(_xml_text_replace, value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"
