import json
import tempfile
from datetime import date, datetime

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
        """
        import xlsxwriter  # optional dependency, imported when used

        with tempfile.TemporaryFile() as output:
            workbook = xlsxwriter.Workbook(
                output, {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "remove_timezone": True}
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
            for sheet in sheets:
                self._crr_write_sheet(workbook, formats, sheet)
            workbook.close()
            output.seek(0)
            return output.read()

    def _crr_write_sheet(self, workbook, formats, sheet):
        # Excel forbids some characters in sheet names and limits them to 31 characters
        name = "".join(char for char in sheet["name"] if char not in "[]:*?/\\")[:31]
        worksheet = workbook.add_worksheet(name)
        columns = sheet["columns"]
        for col, column in enumerate(columns):
            width = column.get("width") or DEFAULT_WIDTHS.get(column.get("type", "char"), 16)
            worksheet.set_column(col, col, width)
        # constant-memory mode writes row by row: the header first
        for col, column in enumerate(columns):
            worksheet.write_string(0, col, str(column["header"]), formats["header"])
        worksheet.freeze_panes(1, 0)
        writers = [self._crr_cell_writer(worksheet, formats, column.get("type", "char")) for column in columns]
        # an empty cell (None, or False out of a boolean column) is not written: xlsxwriter writes no blank cell
        # without a format either
        booleans = [column.get("type") == "boolean" for column in columns]
        row_index = 0
        for row_index, row in enumerate(sheet["rows"], start=1):
            for col, value in enumerate(row):
                if value is not None and (value is not False or booleans[col]):
                    writers[col](row_index, col, value)
        if columns:
            worksheet.autofilter(0, 0, max(row_index, 1), len(columns) - 1)
        return worksheet

    def _crr_cell_writer(self, worksheet, formats, kind):
        """The function writing a (non-empty) value of a column of type ``kind``: chosen once per column, as a
        register writes its cells by the million. It calls xlsxwriter's undecorated methods when they exist:
        the public ones parse their arguments for the A1 notation at every cell."""

        def method(name):
            return getattr(worksheet, f"_{name}", None) or getattr(worksheet, name)

        if kind in ("date", "datetime"):
            write_datetime, cell_format = method("write_datetime"), formats[kind]
            to_local = self._crr_local_time()

            def write(row, col, value):
                if isinstance(value, str):
                    value = fields.Datetime.to_datetime(value) if kind == "datetime" else fields.Date.to_date(value)
                if kind == "datetime" and isinstance(value, datetime):
                    value = to_local(value)
                elif isinstance(value, date) and not isinstance(value, datetime):
                    value = datetime.combine(value, datetime.min.time())
                write_datetime(row, col, value, cell_format)

            return write
        if kind in ("integer", "float", "monetary", "percent"):
            write_number, cell_format = method("write_number"), formats[kind]
            return lambda row, col, value: write_number(row, col, value, cell_format)
        if kind == "boolean":
            write_boolean = method("write_boolean")
            return lambda row, col, value: write_boolean(row, col, bool(value))
        write_string = method("write_string")
        if kind == "text":
            cell_format = formats["text"]
            return lambda row, col, value: write_string(row, col, str(value), cell_format)
        return lambda row, col, value: write_string(row, col, str(value))

    def _crr_local_time(self):
        """The function giving a UTC datetime in the user's time zone (as ``fields.Datetime.context_timestamp``),
        with the time zone looked up once."""
        tz = self.env.tz
        if tz is pytz.utc:
            return lambda value: value
        return lambda value: pytz.utc.localize(value, is_dst=False).astimezone(tz).replace(tzinfo=None)
