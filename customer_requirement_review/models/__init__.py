from . import res_company
from . import res_config_settings
from . import crr_department
from . import crr_xlsx_export
