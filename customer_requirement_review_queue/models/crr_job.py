from odoo import api, models

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# system parameters (Settings > Technical > System Parameters)
CHUNK_SIZE_PARAM = "customer_requirement_review_queue.chunk_size"
XLSX_RECORDS_PARAM = "customer_requirement_review_queue.xlsx_job_records"
DEFAULT_CHUNK_SIZE = 200
DEFAULT_XLSX_RECORDS = 5000


class CrrJob(models.AbstractModel):
    """The long work of the review module as queue jobs (channel ``root.customer_requirement_review``)."""

    _inherit = "crr.job"

    @api.model
    def _crr_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return max(int(value), 1) if value else default
        except ValueError:
            return default

    @api.model
    def _crr_run_later(self, records, method_name, ids):
        """One job per chunk of ``ids`` (``customer_requirement_review_queue.chunk_size``, 200 by default),
        run as the current user by any server's job runner; the record's chatter says how many."""
        if not ids:
            return super()._crr_run_later(records, method_name, ids)
        size = self._crr_param(CHUNK_SIZE_PARAM, DEFAULT_CHUNK_SIZE)
        chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
        for index, chunk in enumerate(chunks, start=1):
            description = self.env._(
                "%(record)s: part %(index)s of %(count)s (%(size)s records)",
                record=records.display_name, index=index, count=len(chunks), size=len(chunk),
            )
            getattr(records.with_delay(description=description), method_name)(chunk)
        if hasattr(records, "message_post") and len(records) == 1:
            records.message_post(body=self.env._(
                "%(total)s records queued in %(count)s job(s); each job reports here when it is done.",
                total=len(ids), count=len(chunks)))
        return None

    @api.model
    def _crr_export_later(self, model_name, ids=None, domain=None):
        """Registers of ``customer_requirement_review_queue.xlsx_job_records`` records or more (5,000 by
        default) are built in a job; the user gets the file attached to a notification in the inbox."""
        exporter = self.env["crr.xlsx.export"]
        # the same checks as the download, before anything is queued
        model = exporter._crr_records_for_export(model_name, ids=[])
        count = len(ids) if ids is not None else model.search_count(domain or [])
        if count < self._crr_param(XLSX_RECORDS_PARAM, DEFAULT_XLSX_RECORDS):
            return super()._crr_export_later(model_name, ids=ids, domain=domain)
        self.with_delay(description=self.env._(
            "XLSX register of %(count)s %(model)s for %(user)s", count=count,
            model=model._description, user=self.env.user.name,
        ))._crr_export_job(model_name, ids=ids, domain=domain)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Register on its way"),
                "message": self.env._(
                    "The register of %(count)s records is being prepared: you will find it in your inbox.",
                    count=count),
                "sticky": False,
            },
        }

    @api.model
    def _crr_export_job(self, model_name, ids=None, domain=None):
        """Build the register as the user who asked for it (access rules apply) and hand it over: an
        attachment only that user can read, on a notification in their inbox, and a pop-up."""
        exporter = self.env["crr.xlsx.export"]
        records = exporter._crr_records_for_export(model_name, ids=ids, domain=domain)
        attachment = self.env["ir.attachment"].create({
            "name": records._crr_xlsx_filename(),
            "raw": exporter._crr_build_workbook(records._crr_xlsx_sheets()),
            "mimetype": XLSX_MIMETYPE,
        })
        partner = self.env.user.partner_id
        self.env["mail.thread"].message_notify(
            partner_ids=partner.ids,
            subject=self.env._("Your register %(name)s", name=attachment.name),
            body=self.env._("The register of %(count)s records you asked for is attached.", count=len(records)),
            attachment_ids=attachment.ids,
        )
        self.env.user._bus_send("simple_notification", {
            "type": "success",
            "title": self.env._("Register ready"),
            "message": self.env._("%(name)s is in your inbox.", name=attachment.name),
        })
        return attachment
