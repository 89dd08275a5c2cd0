from . import xlsx
from . import sale_portal
from . import complaint_portal
from . import sample_portal
from . import review_mail_link
