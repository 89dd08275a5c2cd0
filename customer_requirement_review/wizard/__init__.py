from . import crr_review_decision_wizard
from . import crr_review_reopen_wizard
from . import crr_contract_type_wizard
from . import crr_sample_refuse_wizard
from . import crr_conclusion_wizard
