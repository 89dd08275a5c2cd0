import { registry } from "@web/core/registry";

// Two tours of tests/test_review_todo_tour.py: the reviewer's day from "To Review".

// 1. The procurement reviewer opens his pending line, reads the order and the production decision, approves.
registry.category("web_tour.tours").add("crr_reviewer_decide_from_todo", {
    steps: () => [
        {
            content: "To Review opens on the pending lines of my departments",
            trigger: ".o_searchview .o_facet_value:contains('Pending')",
        },
        {
            content: "My Departments is a filter of its own (ANDed with Pending)",
            trigger: ".o_searchview .o_facet_value:contains('My Departments')",
        },
        {
            content: "The procurement line of the order waits in the list",
            trigger: ".o_list_view .o_data_row .o_data_cell[name='department_id']:contains('Procurement')",
            run: "click",
        },
        {
            content: "The order's lines are on the review line",
            trigger: ".o_field_widget[name='crr_order_line_ids'] .o_data_cell:contains('Gear Box')",
        },
        {
            content: "Open the other departments' decisions",
            trigger: ".o_notebook a[name='crr_round_decisions']",
            run: "click",
        },
        {
            content: "Production approved with conditions: they are shown",
            trigger: ".o_field_widget[name='crr_round_line_ids'] .o_data_cell:contains('Delivery not before week 12')",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_approve']",
            run: "click",
        },
        {
            content: "The line is approved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});

// 2. The general manager reads every other department's decision of the round, then signs.
const departments = ["Sales", "Technical", "Quality", "Production", "Procurement", "Logistics", "Finance"];
registry.category("web_tour.tours").add("crr_gm_sees_every_decision", {
    steps: () => [
        {
            content: "The final approval waits in the general manager's list",
            trigger: ".o_list_view .o_data_row .o_data_cell[name='department_id']:contains('General Manager')",
            run: "click",
        },
        {
            content: "Open the other departments' decisions",
            trigger: ".o_notebook a[name='crr_round_decisions']",
            run: "click",
        },
        ...departments.map((name) => ({
            content: `The decision of ${name} is readable`,
            trigger: `.o_field_widget[name='crr_round_line_ids'] .o_data_cell:contains('Opinion of ${name}')`,
        })),
        {
            content: "Sign: approve",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_approve']",
            run: "click",
        },
        {
            content: "The final approval is given",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});
