import { registry } from "@web/core/registry";

// Three tours chained by tests/test_review_tour.py, each run as a different user.

// 1. The salesperson opens the quotation, adds a requirement and requests the review.
registry.category("web_tour.tours").add("crr_salesperson_request_review", {
    steps: () => [
        {
            content: "Open the Review page of the quotation",
            trigger: ".o_notebook a[name='crr_review']",
            run: "click",
        },
        {
            content: "Add a line to the requirement response list",
            trigger: "div[name='requirement_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Write the customer's requirement",
            trigger: "div[name='requirement_ids'] .o_data_row .o_field_widget[name='name'] input",
            run: "edit Export cartons, 20 pieces per carton",
        },
        {
            content: "Open the response choices",
            trigger: "div[name='requirement_ids'] .o_data_row .o_field_widget[name='response'] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Answer it: the company complies",
            trigger: ".o_select_menu_item:contains(Comply)",
            run: "click",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Request the review",
            trigger: ".o_statusbar_buttons button[name='action_request_review']",
            run: "click",
        },
        {
            content: "The review is in progress",
            trigger: ".o_form_view .o_field_widget[name='review_state']:contains('In Review')",
        },
    ],
});

// 2. The sales department's reviewer approves the line from "To Review".
registry.category("web_tour.tours").add("crr_reviewer_approve", {
    steps: () => [
        {
            content: "The line waits in the reviewer's To Review list",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('CRR Tour Customer')",
            run: "click",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_approve']",
            run: "click",
        },
        {
            content: "The line is approved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});

// 3. The salesperson confirms the approved quotation.
registry.category("web_tour.tours").add("crr_salesperson_confirm", {
    steps: () => [
        {
            content: "The review is approved",
            trigger: ".o_form_view .o_field_widget[name='review_state']:contains('Approved')",
        },
        {
            content: "Confirm the order",
            trigger: ".o_statusbar_buttons button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The quotation became a sales order",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
    ],
});

// 4. The salesperson's header guidance: one primary button that follows the process, the feedback after the
// request and the departments the quotation waits for.
registry.category("web_tour.tours").add("crr_salesperson_header_guidance", {
    steps: () => [
        {
            content: "A quotation never sent to review reads Not Requested",
            trigger: ".o_form_view .o_field_widget[name='review_state']:contains('Not Requested')",
        },
        {
            content: "Request Review is the one primary button: Send and Confirm are not primary",
            trigger: ".o_statusbar_buttons:has(button.btn-primary[name='action_request_review']):not(:has(button.btn-primary[name='action_quotation_send'])):not(:has(button.btn-primary[name='action_confirm']))",
        },
        {
            content: "Request the review",
            trigger: ".o_statusbar_buttons button.btn-primary[name='action_request_review']",
            run: "click",
        },
        {
            content: "A notification says that the review was requested",
            trigger: ".o_notification:contains('requested')",
        },
        {
            content: "The review is in progress",
            trigger: ".o_form_view .o_field_widget[name='review_state']:contains('In Review')",
        },
        {
            content: "The header says which departments the quotation waits for",
            trigger: ".o_form_view .o_crr_waiting_for:contains('Waiting for:'):contains('Production')",
        },
        {
            content: "No primary button during the review: Request Review, Send and Confirm are gone",
            trigger: ".o_statusbar_buttons:not(:has(button[name='action_request_review'])):not(:has(button.btn-primary[name='action_quotation_send'])):not(:has(button[name='action_confirm']))",
        },
    ],
});
