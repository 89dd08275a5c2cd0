from . import test_install
from . import test_complaint_flow
from . import test_complaint_mail
from . import test_complaint_portal
from . import test_complaint_report
from . import test_complaint_security
