from . import res_company
from . import res_config_settings
from . import crr_department
from . import crr_complaint
from . import crr_complaint_action
from . import res_partner
from . import sale_order
