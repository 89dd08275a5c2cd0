{
    "name": "Customer Requirement Review",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "summary": "ISO 9001 clause 8.2 on the sale order: requirement review, changes, complaints, satisfaction",
    "author": "Customer Requirement Review contributors",
    "website": "https://github.com/customer-requirement-review/customer_requirement_review",
    "license": "LGPL-3",
    "depends": ["sale_management", "survey", "mail", "portal"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        # security
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        # data
        "data/crr_department_data.xml",
        "data/crr_review_rule_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/crr_change_request_data.xml",
        # reports
        "report/crr_report_common_templates.xml",
        "report/crr_review_templates.xml",
        "report/crr_review_report.xml",
        "report/crr_change_request_templates.xml",
        "report/crr_change_request_report.xml",
        "data/crr_complaint_data.xml",
        "report/crr_complaint_report.xml",
        "report/crr_complaint_templates.xml",
        # views: actions are defined before the views and menus that use them
        "views/crr_department_views.xml",
        "views/crr_review_line_views.xml",
        "views/crr_review_rule_views.xml",
        "views/crr_requirement_views.xml",
        "views/crr_requirement_template_views.xml",
        "views/crr_review_substitute_views.xml",
        "views/sale_order_views.xml",
        "views/crr_change_request_views.xml",
        "views/sale_order_change_views.xml",
        "views/res_config_settings_views.xml",
        "views/crr_complaint_action_views.xml",
        "views/crr_complaint_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_complaint_views.xml",
        "views/crr_complaint_portal_templates.xml",
        # wizards
        "wizard/crr_review_decision_wizard_views.xml",
        "wizard/crr_review_reopen_wizard_views.xml",
        "wizard/crr_contract_type_wizard_views.xml",
        # menus last
        "views/customer_requirement_review_menus.xml",
    ],
    "demo": [
        "demo/crr_review_demo.xml",
        "demo/crr_change_request_demo.xml",
        "demo/crr_complaint_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_requirement_review/static/src/tours/*.js",
        ],
    },
}
