from . import test_install
from . import test_satisfaction_scoring
from . import test_satisfaction_campaign
from . import test_satisfaction_http
from . import test_xlsx_export
from . import test_satisfaction_xlsx
from . import test_satisfaction_followup
