"""19.0.3.0.0: one review activity per pending line (the department's to-do), not one per reviewer.

The pending lines of the open rounds that carry several review activities (one per member of the
department, as scheduled before) get them replaced by one, assigned as new lines are (the department head
when a reviewer of the department, else its first reviewer, never the requester under four-eyes). Removed
quietly: no "done" message. New fields (the department head, the escalation level, the company's escalation
days) take their defaults.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    activity_type = env.ref("customer_requirement_review.mail_activity_crr_review", raise_if_not_found=False)
    if not activity_type:
        return
    cr.execute(
        """
        SELECT line.id
          FROM crr_review_line line
          JOIN mail_activity activity ON activity.res_model = 'crr.review.line' AND activity.res_id = line.id
         WHERE line.state = 'pending' AND activity.activity_type_id = %s
         GROUP BY line.id
        HAVING COUNT(*) > 1
        """,
        [activity_type.id],
    )
    lines = env["crr.review.line"].browse([row[0] for row in cr.fetchall()])
    if lines:
        lines._crr_remove_activities()
        lines._crr_schedule_activities()
