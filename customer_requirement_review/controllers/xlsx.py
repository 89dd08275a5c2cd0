from odoo import http
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CrrXlsxController(http.Controller):
    @http.route("/customer_requirement_review/xlsx/<string:model_name>", type="http", auth="user", readonly=True)
    def crr_xlsx_register(self, model_name, ids=None, domain=None, **kwargs):
        """Download the XLSX register of the given records (ids) or of a domain; only what the
        current user may read is exported."""
        exporter = request.env["crr.xlsx.export"]
        # malformed ids or domain: a UserError, answered as a 422 with its message (never a server error)
        record_ids, parsed_domain = exporter._crr_parse_request(model_name, ids=ids, domain=domain)
        records = exporter._crr_records_for_export(model_name, ids=record_ids, domain=parsed_domain)
        content = exporter._crr_build_workbook(records._crr_xlsx_sheets())
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(records._crr_xlsx_filename())),
            ],
        )
