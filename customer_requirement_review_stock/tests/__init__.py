from . import test_delivery_performance
from . import test_customer_property
from . import test_complaint_return
from . import test_in_stock
from . import test_i18n
from . import test_review_hold
from . import test_overview_inventory
