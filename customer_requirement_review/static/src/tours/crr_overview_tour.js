import { registry } from "@web/core/registry";

// Run by tests/test_overview.py: the overview as a review manager, then as a salesperson; each follows a
// card to its list.

registry.category("web_tour.tours").add("crr_overview_manager", {
    steps: () => [
        {
            content: "The overview shows the reviews' figures",
            trigger: ".o_crr_overview .o_crr_section_reviews .o_crr_card_pending_lines",
        },
        {
            content: "and the complaints' figures",
            trigger: ".o_crr_overview .o_crr_section_complaints .o_crr_card_complaints_open",
        },
        {
            content: "Switch to the last 30 days",
            trigger: ".o_crr_overview .o_crr_period_30",
            run: "click",
        },
        {
            content: "The period is applied",
            trigger: ".o_crr_overview .o_crr_period_30.btn-primary",
        },
        {
            content: "Follow the open complaints card to its list",
            trigger: ".o_crr_overview .o_crr_card_complaints_open .o_crr_card_value",
            run: "click",
        },
        {
            content: "The list of the open complaints opens",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Tour complaint')",
        },
    ],
});

registry.category("web_tour.tours").add("crr_overview_salesperson", {
    steps: () => [
        {
            content: "The salesperson's strip: their customers' open complaints",
            trigger: ".o_crr_overview .o_crr_section_personal .o_crr_card_my_complaints .o_crr_card_value:contains('1')",
        },
        {
            content: "No reviewer's waiting list for a salesperson",
            trigger: ".o_crr_overview:not(:has(.o_crr_card_waiting_for_me))",
        },
        {
            content: "Follow the card to the list",
            trigger: ".o_crr_overview .o_crr_card_my_complaints .o_crr_card_value",
            run: "click",
        },
        {
            content: "The list shows the customer's complaint",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Tour complaint')",
        },
    ],
});
