from odoo import api, models


class CrrConfigCacheMixin(models.AbstractModel):
    """Configuration that every review request reads through a per-company cache (``ormcache``).

    Review rules, departments and requirement templates change rarely and are read at each review
    request; their readers cache them per company. Any creation, change or deletion of such a record
    clears the cache, in every worker (the registry signals it at commit). A model whose cache reads only
    some of its fields names them in ``_crr_config_cache_fields``: a change of its other fields clears
    nothing (each clearing empties every worker's caches).
    """

    _name = "crr.config.cache.mixin"
    _description = "Review Configuration Cached per Company"

    # the fields whose change clears the cache (empty: every field)
    _crr_config_cache_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if not self._crr_config_cache_fields or set(self._crr_config_cache_fields) & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
