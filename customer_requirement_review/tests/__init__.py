from . import test_install
from . import test_xlsx_export
from . import test_review_flow
from . import test_review_rereview
from . import test_review_security
from . import test_review_performance
from . import test_review_report
from . import test_change_request_flow
