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
        "security/crr_satisfaction_security.xml",
        # data
        "data/crr_department_data.xml",
        "data/crr_satisfaction_survey_data.xml",
        "data/crr_satisfaction_mail_template_data.xml",
        "data/crr_review_rule_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        # reports
        "report/crr_satisfaction_report.xml",
        "report/crr_satisfaction_report_templates.xml",
        "report/crr_review_templates.xml",
        "report/crr_review_report.xml",
        # views: actions are defined before the views and menus that use them
        "views/crr_department_views.xml",
        "views/crr_review_line_views.xml",
        "views/crr_review_rule_views.xml",
        "views/crr_requirement_views.xml",
        "views/crr_requirement_template_views.xml",
        "views/crr_review_substitute_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/crr_satisfaction_score_views.xml",
        "views/crr_satisfaction_campaign_views.xml",
        "views/survey_views.xml",
        "views/res_partner_views.xml",
        # wizards
        "wizard/crr_review_decision_wizard_views.xml",
        "wizard/crr_review_reopen_wizard_views.xml",
        "wizard/crr_contract_type_wizard_views.xml",
        # menus last
        "views/customer_requirement_review_menus.xml",
    ],
    "demo": [
        "demo/crr_satisfaction_demo.xml",
        "demo/crr_review_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_requirement_review/static/src/tours/*.js",
        ],
    },
}
