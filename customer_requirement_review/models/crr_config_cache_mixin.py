from odoo import api, models


class CrrConfigCacheMixin(models.AbstractModel):
    """Configuration that every review request reads through a per-company cache (``ormcache``).

    Review rules, departments and requirement templates change rarely and are read at each review
    request; their readers cache them per company. Any creation, change or deletion of such a record
    clears the cache, in every worker (the registry signals it at commit).
    """

    _name = "crr.config.cache.mixin"
    _description = "Review Configuration Cached per Company"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
