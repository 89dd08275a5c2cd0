from odoo import models, tools

# the company's review settings that every decision and every opened step reads (the validity of the review links
# too: the review request mails of an opened step carry them)
CACHED_REVIEW_SETTINGS = (
    "crr_four_eyes",
    "crr_review_checklist",
    "crr_review_deadline_days",
    "crr_urgent_deadline_hours",
    "crr_review_link_days",
)


# split from res_company.py by concern on purpose (one concern per file): the settings cache of the decisions
class ResCompany(models.Model):
    """The review settings a decision reads, cached per company (``ormcache``): a decision reads no company row
    (the row is wide: reading it for one flag cost a query per decision). Any change of one of them clears the
    cache, in every worker (the registry signals it at commit)."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    @tools.ormcache("self.id")
    def _crr_cached_review_settings(self):
        company = self.sudo()
        company.fetch(CACHED_REVIEW_SETTINGS)  # these columns alone, not the whole wide row
        return tuple(company[name] for name in CACHED_REVIEW_SETTINGS)

    def _crr_review_setting(self, name):
        """The value of the review setting ``name`` (one of ``CACHED_REVIEW_SETTINGS``) of the company."""
        self.ensure_one()
        return self._crr_cached_review_settings()[CACHED_REVIEW_SETTINGS.index(name)]

    def write(self, vals):
        result = super().write(vals)
        if not set(CACHED_REVIEW_SETTINGS).isdisjoint(vals):
            self.env.registry.clear_cache()
        return result
