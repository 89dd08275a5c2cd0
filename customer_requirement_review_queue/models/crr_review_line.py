from odoo import api, models
from odoo.addons.queue_job.job import identity_exact


class CrrReviewLine(models.Model):
    _inherit = "crr.review.line"

    @api.model
    def _cron_remind_overdue(self):
        """The daily cron only queues the scan: a job runner of any server runs it (one pending scan at a
        time)."""
        self.with_delay(
            identity_key=identity_exact, description=self.env._("Remind overdue review lines"),
        )._crr_job_remind_overdue()
        return True

    @api.model
    def _crr_job_remind_overdue(self):
        return super()._cron_remind_overdue()
