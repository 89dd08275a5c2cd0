"""19.0.2.0.0: review rounds are closed when they end.

Open review lines (waiting, pending) of rounds that ended before this version (an earlier round of the order,
a rejected or cancelled review, a change request no longer being reviewed) become ``superseded``, and their
review activities are removed, as the engine now does when a round ends.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE crr_review_line line
           SET state = 'superseded'
          FROM sale_order o
         WHERE line.state IN ('waiting', 'pending')
           AND line.change_request_id IS NULL
           AND o.id = line.order_id
           AND (line.round != o.review_round OR o.review_state != 'in_review')
        RETURNING line.id
        """
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        UPDATE crr_review_line line
           SET state = 'superseded'
          FROM crr_change_request request
         WHERE line.state IN ('waiting', 'pending')
           AND request.id = line.change_request_id
           AND request.state != 'to_review'
        RETURNING line.id
        """
    )
    ids += [row[0] for row in cr.fetchall()]
    if ids:
        cr.execute(
            "DELETE FROM mail_activity WHERE res_model = 'crr.review.line' AND res_id = ANY(%s)", [ids]
        )
