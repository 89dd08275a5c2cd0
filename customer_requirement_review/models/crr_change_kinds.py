"""The vocabulary of changes, defined once: the kinds of change, which department flag reviews each kind, and
which fields of the order, its lines and its requirement list are reviewed terms of which kind.

Used by the re-review of edited quotations (sale.order, sale.order.line, crr.requirement), by change
requests (crr.change.request, crr.change.request.line) and by the departments (crr.department)."""

# kind -> the crr.department flag of the departments that review it
KIND_DEPARTMENT_FLAGS = {
    "quantity": "review_quantity_date",
    "date": "review_quantity_date",
    "price": "review_price_payment",
    "payment": "review_price_payment",
    "specification": "review_specification",
    "transport": "review_transport",
    "packaging": "review_packaging",
}
CHANGE_KINDS = tuple(KIND_DEPARTMENT_FLAGS)
# a change of customer makes another contract: every department reviews it again (no department flag)
CUSTOMER_KIND = "customer"

# reviewed terms: field -> kind of change
ORDER_FIELD_KINDS = {
    "partner_id": CUSTOMER_KIND,
    "partner_invoice_id": "payment",
    "partner_shipping_id": "transport",
    "commitment_date": "date",
    "payment_term_id": "payment",
    "pricelist_id": "price",
    "currency_id": "price",
    # the taxes of the lines follow it
    "fiscal_position_id": "price",
    # the terms and conditions printed on the quotation: commercial terms
    "note": "payment",
    # with Inventory (sale_stock): where the goods are handed over
    "incoterm": "transport",
    "incoterm_location": "transport",
}
ORDER_LINE_FIELD_KINDS = {
    "product_id": "quantity",
    "product_uom_qty": "quantity",
    "product_uom_id": "quantity",
    "price_unit": "price",
    "discount": "price",
    "tax_ids": "price",
    # the line's lead time: its delivery date
    "customer_lead": "date",
    # the line's description: what the customer orders, as printed
    "name": "specification",
}
# adding or removing an order line changes quantities and prices
ORDER_LINE_ADDED_KINDS = frozenset({"quantity", "price"})
# the requirement list: what the customer requires (its answers by the departments are the review itself,
# not a change of terms while the review is in progress)
REQUIREMENT_TERM_FIELDS = frozenset({"category", "name", "department_id", "source", "clause_type", "description"})
# after approval, the answers are reviewed terms too
REQUIREMENT_ANSWER_FIELDS = frozenset({"response", "resolution"})
REQUIREMENT_KIND = "specification"
# a requirement's category -> the kind of change of a change of that requirement (others: specification)
REQUIREMENT_CATEGORY_KINDS = {"transport": "transport", "packaging": "packaging"}


def requirement_kind(category):
    """The kind of change of a requirement of ``category``."""
    return REQUIREMENT_CATEGORY_KINDS.get(category, REQUIREMENT_KIND)


def kind_labels(env):
    """``{kind: translated label}``."""
    return {
        "quantity": env._("Quantity"),
        "date": env._("Delivery Date"),
        "price": env._("Price"),
        "payment": env._("Payment Terms"),
        "specification": env._("Specification"),
        "transport": env._("Transport Mode"),
        "packaging": env._("Packaging"),
        CUSTOMER_KIND: env._("Customer"),
    }


def parse_kinds(text):
    """The set of kinds stored as comma-separated text."""
    return set(filter(None, (text or "").split(",")))


def format_kinds(kinds):
    """Kinds stored as comma-separated text (sorted, so that equal sets give equal text)."""
    return ",".join(sorted(kinds))
