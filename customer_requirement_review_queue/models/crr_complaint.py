from odoo import api, models
from odoo.addons.queue_job.job import identity_exact


class CrrComplaint(models.Model):
    _inherit = "crr.complaint"

    @api.model
    def _cron_check_overdue(self):
        """The hourly cron only queues the scan: a job runner of any server runs it (one pending scan at a
        time)."""
        self.with_delay(
            identity_key=identity_exact, description=self.env._("Flag overdue complaints and remind their owner"),
        )._crr_job_check_overdue()
        return True

    @api.model
    def _crr_job_check_overdue(self):
        return super()._cron_check_overdue()
