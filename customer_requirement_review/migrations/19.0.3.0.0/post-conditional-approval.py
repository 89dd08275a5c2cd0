"""19.0.3.0.0: approval with conditions is a state of its own; a quotation never sent to review is "Not Requested".

- The decided review lines that were approved with conditions (state ``approved``, conditions written) become
  ``approved_conditions`` ("Approved with Conditions"). The engine counts both states as approved: the rounds,
  orders and other subjects keep their state. Their reviewer, decision date and opinion do not change.
- The quotations whose review was never requested (``to_review`` and no review round) become
  ``not_requested``; ``to_review`` now means "to review again" (approved, then edited; or cancelled during the
  review).

tools/upgrade_mapping.json folds the new values back into the old ones for the upgrade test's comparison.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE crr_review_line
           SET state = 'approved_conditions'
         WHERE state = 'approved'
           AND btrim(coalesce(conditions, '')) != ''
        """
    )
    cr.execute(
        """
        UPDATE sale_order
           SET review_state = 'not_requested'
         WHERE review_state = 'to_review'
           AND coalesce(review_round, 0) = 0
        """
    )
