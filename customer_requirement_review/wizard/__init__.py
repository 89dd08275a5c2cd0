from . import crr_review_decision_wizard
from . import crr_review_reopen_wizard
from . import crr_contract_type_wizard
from . import crr_sample_refuse_wizard
from . import crr_requirement_resolve_wizard
from . import crr_management_review_wizard
from . import crr_project_proposal_approve_wizard
from . import crr_conclusion_wizard
