from odoo import models

from .crr_record_guard_mixin import crr_scope


class IrModelData(models.Model):
    _inherit = "ir.model.data"

    def _module_data_uninstall(self, modules_to_remove):
        """Uninstalling this module removes its records, kept records included (a private method: no RPC call
        reaches it, and it runs only for the administrator's uninstallation)."""
        if "customer_requirement_review" in modules_to_remove:
            with crr_scope("uninstall", "action"):
                return super()._module_data_uninstall(modules_to_remove)
        return super()._module_data_uninstall(modules_to_remove)
