from odoo import api, fields, models
from odoo.tools import SQL


class CrrJob(models.AbstractModel):
    """Hooks for long work: sending a satisfaction campaign, building a large XLSX register.

    The module runs the work at once, in the user's request. The optional addon
    ``customer_requirement_review_queue`` (installed automatically with OCA's ``queue_job``) overrides
    these hooks to run the work as queue jobs, in chunks, on any server of the installation.
    """

    _name = "crr.job"
    _description = "Long Work of the Review Module"

    @api.model
    def _crr_run_later(self, records, method_name, ids):
        """Run ``records.<method_name>(ids)``, a private method doing the work for a list of ids (e.g. the
        customers of a campaign to invite). Here at once, for all ids; the queue addon splits ``ids`` into
        chunks and runs one job per chunk. The caller checks access before: the method runs as the same
        user, later."""
        return getattr(records, method_name)(ids)

    @api.model
    def _crr_export_later(self, model_name, ids=None, domain=None):
        """Build the XLSX register of these records later and hand it to the user (the queue addon does
        it in a job and notifies the user with the file attached). Returns the client action to show the
        user, or False when the register is downloaded at once (here: always)."""
        return False

    @api.model
    def _crr_trigger_job(self, xmlid):
        """Have the scheduled action ``xmlid`` run as soon as this transaction is committed, as
        ``ir.cron._trigger`` does, without reading the job's row (its id is cached with its external id): one
        INSERT, and the cron workers woken after the commit."""
        query = self._crr_trigger_job_sql(xmlid)
        if query:
            self.env.cr.execute(query)

    @api.model
    def _crr_trigger_job_sql(self, xmlid):
        """The INSERT of the trigger of ``_crr_trigger_job`` (for a caller that runs it with its own INSERT, in
        one statement), the cron workers woken after the commit; None when the job does not exist."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
        if not cron_id:
            return None
        self.env.cr.postcommit.add(self.env["ir.cron"]._notifydb)
        now = fields.Datetime.now()
        return SQL(
            "INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid, create_date, write_uid, write_date) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            cron_id, now, self.env.uid, now, self.env.uid, now,
        )
