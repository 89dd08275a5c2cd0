from . import crr_job
from . import crr_review_line
from . import crr_complaint
