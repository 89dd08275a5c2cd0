"""19.0.1.0.1: the shipped satisfaction survey is offered in every installed language, and the
criterion scores get their share of their answer (the Scores Analysis' weighting).

Installed before, it kept the language of the installation only (survey's default), so customers
of other languages were redirected to that language's URL. Its data is ``noupdate``: clear the
languages here, unless the administrator changed them to more than that one language.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    survey = env.ref("customer_requirement_review.crr_satisfaction_survey", raise_if_not_found=False)
    if survey and len(survey.lang_ids) <= 1:
        survey.lang_ids = [(5, 0, 0)]
    # the weight share of the existing criterion scores (new column): weight / weights of the answer
    cr.execute(
        """
        UPDATE crr_satisfaction_score s
           SET weight_share = s.weight / t.total
          FROM (SELECT user_input_id, SUM(weight) AS total FROM crr_satisfaction_score GROUP BY user_input_id) t
         WHERE t.user_input_id = s.user_input_id AND t.total > 0 AND s.weight_share IS NULL
        """
    )

